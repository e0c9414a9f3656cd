// A child process for the outbox crash test: the crash worker's load (starts, sends, timer firings)
// with effect handlers and retention. Each handler appends its effect id to a log file and fsyncs it
// before returning, so the log holds every delivery that happened before a SIGKILL; one handler call
// in three then fails (retried soon), and the effects of every fourth instance fail for as long as
// this process runs (their service is down: retried, still pending when the instance finishes).
// Every few rounds finished instances are archived (a purge is the same kind of transaction).
// Lines printed: `ACK <id> <revision> <type>` after an acknowledged act, `READY` once started.
//   node --import tsx tests/helpers/crash-outbox-worker.ts <file> <startMs> <run> <log>
import { fsyncSync, openSync, writeSync } from 'node:fs';
import { createEngine, virtualClock } from '../../src/index.js';
import { sqliteStore } from '../../src/sqlite/index.js';
import { manager, reviewWorkflow, staff } from '../fixtures/review-workflow.js';

const [target, startArg, runArg, logFile] = process.argv.slice(2);
const say = (line: string) => writeSync(1, `${line}\n`);
const log = openSync(logFile!, 'a');
const delivered = (id: string) => {
  writeSync(log, `${id}\n`);
  fsyncSync(log);
};
const store = sqliteStore({ filename: target! });
const clock = virtualClock(Number(startArg));
let calls = 0;
/** Every fourth instance's effects fail while this process runs. */
const down = (instanceId: string) => Number(instanceId.split('-')[1]) % 4 === 0;
const engine = createEngine({
  store,
  clock,
  workflows: [reviewWorkflow],
  workerId: `crash-${runArg}`,
  leaseMs: 60_000,
  effectTimeoutMs: 10_000,
  retry: { maxAttempts: 1_000_000, initialDelayMs: 1000, maxDelayMs: 3_600_000 },
  effects: {
    notify: (_params, ctx) => {
      if (down(ctx.instanceId)) throw new Error('the mail server is down');
      delivered(ctx.effectId);
      if (++calls % 3 === 0) throw new Error('the mail server dropped the answer');
    },
    archive: (_params, ctx) => {
      if (down(ctx.instanceId)) throw new Error('the archive service is down');
      delivered(ctx.effectId);
    },
  },
});
engine.on('error', () => undefined);

type State = 'draft' | 'reviewing' | 'escalated';
const live = new Map<string, State>();
let n = 0;

async function act(id: string, type: string, actor: typeof staff, extra: Record<string, unknown> = {}) {
  const view = await engine.send(id, { type, ...extra } as never, { actor });
  say(`ACK ${id} ${view.revision} ${type}`);
  return view.state as State;
}

async function fresh() {
  const id = `r${runArg}-${n++}`;
  await engine.start('review', { title: id }, { actor: staff, id });
  say(`ACK ${id} 1 docket.start`);
  live.set(id, await act(id, 'SUBMIT', staff));
}

async function poke(id: string, state: State) {
  if (state === 'draft') live.set(id, await act(id, 'SUBMIT', staff));
  else if (state === 'escalated' || n % 2 === 0) {
    await act(id, state === 'escalated' ? 'APPROVE' : 'WITHDRAW', state === 'escalated' ? manager : staff);
    live.delete(id);
  } else live.set(id, await act(id, 'REJECT', manager, { comment: 'again' }));
}

await store.init();
await clock.flush();
say('READY');
for (let round = 0; ; round++) {
  const picks = [...live.entries()].filter((_, i) => (i + n) % 3 === 0).slice(0, 4);
  await Promise.all([fresh(), fresh(), ...picks.map(([id, state]) => poke(id, state))]);
  if (round % 3 === 2) await engine.retain({ policy: { olderThan: { days: 0 } }, mode: 'archive' });
  for (const fired of await clock.advanceBy({ hours: 5 })) if (live.get(fired.instanceId) === 'reviewing') live.set(fired.instanceId, 'escalated');
}
