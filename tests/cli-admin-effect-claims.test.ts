// An administrator's CLI run (`docket migrate`, `calendar reresolve`, `retain`) is one more engine on
// the application's store, with no effect handlers. A commit of its own that enqueued an effect (a
// migration re-entering a state with an entry notice) started its outbox, which claimed every due
// effect in the store (any instance's, a retry waiting too) and marked each `dead` for want of a handler:
// the application's workers, which have the handler, never delivered them. The CLI's engine now claims
// no effect; what it writes is left to the workers, delivered once.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEngine, virtualClock, type EffectContext } from '../src/index.js';
import { runCli } from '../src/cli/program.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { noticeV1, noticeV2 } from './helpers/notice-workflow.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const moduleFile = fileURLToPath(new URL('./helpers/notice-module.js', import.meta.url));
const START = Date.parse('2026-11-02T09:00:00+08:00');
const li = { id: 'li', roles: ['user'] };

describe('docket migrate beside the application\'s workers', () => {
  it("claims no effect: a notice's due retry and the migration's own second notice are delivered by a worker, once each", async (ctx) => {
    const file = sqliteFile(ctx.task.name);
    file.remove();
    const clock = virtualClock(START);
    const delivered: string[] = [];
    let calls = 0;
    const notify = (_p: unknown, c: EffectContext) => {
      // The first delivery fails: its retry is due a second later, pending in the store.
      if (++calls === 1) throw new Error('mail server down');
      delivered.push(`${c.effectId}@${c.attempt}`);
    };
    const store = sqliteStore({ filename: file.filename });
    let worker = createEngine({ store, clock, workflows: [noticeV1], workerId: 'app-1', effects: { notify } });
    try {
      const a = await worker.start('notice', {}, { actor: li, id: 'a' });
      await worker.settled();
      await worker.close();
      expect((await store.effects(a)).map((e) => [e.status, e.attempts])).toEqual([['pending', 1]]);
      await clock.advanceBy(5_000);

      const migrate = await runCli(['migrate', file.filename, '--workflow', 'notice', '--from', '1', '--to', '2', '--reason', 'v2', '--workflows', moduleFile, '--json'], {
        stdout: { write: () => undefined },
        stderr: { write: () => undefined },
        env: { LANG: 'en_US.UTF-8' },
        now: () => clock.now(),
      });
      expect(migrate).toBe(0);
      // Nothing claimed by the CLI: both notices wait for a worker, neither dead.
      expect((await store.effects(a)).map((e) => [e.status, e.attempts])).toEqual([
        ['pending', 1],
        ['pending', 0],
      ]);

      worker = createEngine({ store, clock, workflows: [noticeV1, noticeV2], workerId: 'app-2', effects: { notify } });
      await clock.advanceBy(1_000);
      await worker.settled();
      const effects = await store.effects(a);
      expect(effects.map((e) => [e.status, e.attempts])).toEqual([
        ['delivered', 2],
        ['delivered', 1],
      ]);
      expect(delivered.sort()).toEqual([`${effects[0]!.id}@2`, `${effects[1]!.id}@1`].sort());
    } finally {
      await worker.close();
      await store.close();
      file.remove();
    }
  });
});
