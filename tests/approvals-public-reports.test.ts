// Public bug reports of other approval engines, replayed against Docket. Each passes on Docket as it
// is: kept so the behaviour they ask for stays.
//   - AntFlow-activiti PR #7 (会签审批人退回给发起人失效): in a 会签, one approver's 退回 to the initiator
//     went on to the next approver instead of back to the initiator.
//   - steedos/workflow #1466 (会签节点增加退回): a 会签 approver's 退回 returns to the step before and
//     cancels the tasks not yet submitted.
//   - ruoyi-vue-pro #867 (并行任务，流程回退问题): 退回 from a task in a parallel branch was refused.
import { describe, expect, it } from 'vitest';
import { users } from '../src/index.js';
import { actor, approvalFlow, harness, li } from './approvals-fixture.js';
import { parallelReview } from './approvals-parallel-fixture.js';

describe('public reports replayed', () => {
  it('AntFlow #7: a 会签 approver who returns to the initiator sends it back, not on to the next approver', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian'), returns: { submitter: true } }], { draft: true }));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
    await h.engine.send(id, { type: 'RETURN', to: 'submitter', comment: 'missing annex' }, { actor: actor('qian') });
    expect((await h.engine.get(id)).state).toBe('draft');
    expect(await h.inbox(id)).toEqual([]);
  });

  it('steedos #1466: a 会签 approver returns to the step before; the others are no longer asked', async () => {
    const h = harness(approvalFlow([
      { id: 'manager', mode: 'all', approvers: users('wang') },
      { id: 'legal', mode: 'all', approvers: users('zhao', 'qian'), returns: { previous: 'manager' } },
    ]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    await h.engine.send(id, { type: 'RETURN', to: 'previous', comment: 'budget' }, { actor: actor('zhao') });
    expect(await h.inbox(id)).toEqual(['manager:wang']);
  });

  it('ruoyi-vue-pro #867: 退回 from a parallel branch to the submitter is taken, and every branch closes', async () => {
    const h = harness(parallelReview() as never);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
    await h.engine.send(id, { type: 'RETURN', to: 'submitter', comment: 'wrong figures' }, { actor: actor('sun') });
    expect((await h.engine.get(id)).state).toBe('draft');
    expect(await h.engine.tasks({ instanceId: id })).toEqual([]);
    // Resubmitted: both branches asked again, and the submitter may withdraw (a new submission).
    await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
    expect(await h.inbox(id)).toEqual(['finance:sun', 'legal:qian', 'legal:zhao']);
    await h.engine.send(id, { type: 'WITHDRAW' }, { actor: li });
    expect((await h.engine.get(id)).state).toBe('withdrawn');
  });
});
