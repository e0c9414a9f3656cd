// A child process for the crash tests: a steady load of sends and timer firings against one store.
// Every line it prints is printed only AFTER the act it reports was acknowledged (the promise
// resolved, so the store said it is durable). The parent kills it with SIGKILL at random moments.
//   node --import tsx tests/helpers/crash-worker.ts <sqlite|postgres> <file|schema> <startMs> <run>
import { writeSync } from 'node:fs';
import { createEngine, virtualClock, type Store } from '../../src/index.js';
import { postgresStore } from '../../src/postgres/index.js';
import { sqliteStore } from '../../src/sqlite/index.js';
import { manager, reviewWorkflow, staff } from '../fixtures/review-workflow.js';
import { PG_URL } from './pg-harness.js';

const [kind, target, startArg, runArg] = process.argv.slice(2);
const say = (line: string) => writeSync(1, `${line}\n`);

const store: Store = kind === 'sqlite' ? sqliteStore({ filename: target! }) : postgresStore({ connectionString: PG_URL, max: 4 }, { schema: target! });
const clock = virtualClock(Number(startArg));
const engine = createEngine({ store, clock, workflows: [reviewWorkflow], workerId: `crash-${runArg}`, leaseMs: 60_000 });
engine.on('error', (error) => say(`ERR ${error instanceof Error ? error.message : String(error)}`));

type State = 'draft' | 'reviewing' | 'escalated';
const live = new Map<string, State>();
let n = 0;

function report(fired: { instanceId: string; dueAt: number; timerId: string }[]) {
  for (const f of fired) {
    say(`FIRE ${f.instanceId} ${f.timerId} ${f.dueAt}`);
    if (live.get(f.instanceId) === 'reviewing') live.set(f.instanceId, 'escalated');
  }
}

async function act(id: string, type: string, actor: typeof staff, extra: Record<string, unknown> = {}) {
  const view = await engine.send(id, { type, ...extra } as never, { actor });
  say(`ACK ${id} ${view.revision} ${type}`);
  return view;
}

async function fresh() {
  const id = `r${runArg}-${n++}`;
  await engine.start('review', { title: id }, { actor: staff, id });
  say(`ACK ${id} 1 docket.start`);
  const view = await act(id, 'SUBMIT', staff);
  live.set(id, view.state as State);
}

async function poke(id: string, state: State) {
  if (state === 'draft') live.set(id, (await act(id, 'SUBMIT', staff)).state as State);
  else if (state === 'escalated') {
    await act(id, 'APPROVE', manager);
    live.delete(id);
  } else live.set(id, (await act(id, 'REJECT', manager, { comment: 'again' })).state as State);
}

await store.init();
report(await clock.flush());
say('READY');
for (;;) {
  const picks = [...live.entries()].filter((_, i) => (i + n) % 3 === 0).slice(0, 4);
  await Promise.all([fresh(), fresh(), ...picks.map(([id, state]) => poke(id, state))]);
  report(await clock.advanceBy({ hours: 5 }));
}
