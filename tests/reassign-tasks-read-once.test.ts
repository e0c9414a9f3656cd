// reassignTasks reads its options once: the copy it checks is the copy it uses. Regression: it
// checked a copy (checkReassignInput) and then read the caller's object again, so a getter showed the
// checks one value and the transfers another: `to` was checked as 'qian' and the tasks handed to
// the one read next, each key read twice.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reassignTasks, users } from '../src/index.js';
import { admin, approvalFlow, harness, li } from './approvals-fixture.js';

const flow = approvalFlow([{ id: 'vote', mode: { count: 2 }, approvers: users('zhao', 'sun') }]);

/** Options whose listed keys are getters answering `values` in turn (the last one after), counting reads. */
function changing(base: Record<string, unknown>, getters: Record<string, readonly unknown[]>) {
  const reads: Record<string, number> = {};
  const options: Record<string, unknown> = { ...base };
  for (const [key, values] of Object.entries(getters)) {
    delete options[key];
    reads[key] = 0;
    Object.defineProperty(options, key, { enumerable: true, get: () => values[Math.min(reads[key]!++, values.length - 1)] });
  }
  return { options, reads };
}

describe('reassignTasks reads its options once', () => {
  it('a getter cannot show the checks one person and the transfer another', async () => {
    const h = harness(flow);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    const { options } = changing({ from: 'sun', actor: admin, reason: '孙离职' }, { to: ['qian', 'wu'] });
    const results = await reassignTasks(h.engine, options as never);
    expect(results.map((r) => [r.instanceId, r.ok, r.to])).toEqual([[id, true, 'qian']]);
    expect(await h.inbox(id)).toEqual(['vote:qian', 'vote:zhao']);
  });

  it('property: each option is read exactly once, whichever are getters', async () => {
    const h = harness(flow);
    await fc.assert(
      fc.asyncProperty(fc.subarray(['from', 'to', 'actor', 'reason', 'workflow'] as const, { minLength: 1 }), async (keys) => {
        const base: Record<string, unknown> = { from: 'sun', to: 'qian', actor: admin, reason: '孙离职', workflow: 'flow' };
        const { options, reads } = changing(base, Object.fromEntries(keys.map((k) => [k, [base[k]]])));
        await reassignTasks(h.engine, options as never);
        expect(reads).toEqual(Object.fromEntries(keys.map((k) => [k, 1])));
      }),
      { numRuns: 30 },
    );
  });
});
