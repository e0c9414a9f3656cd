import { describe, expect, it } from 'vitest';
import { users, workingDays } from '../src/index.js';
import { actor, approvalFlow, harness, li } from './approvals-fixture.js';

// 去重 (dedupe) passed a person in a step after the one they approved, but the step they were passed
// in did not carry their approval on: in a run of three steps wang approved once, was passed in the
// second, and was asked again in the third. A deadline's approval likewise dropped the people who had
// approved the step themselves. Both now record who approved (approvedBy in reducer-helpers.ts).
describe('去重 carries a person’s approval through a run of steps', () => {
  it('wang approves the first of three steps and is not asked in the second or the third', async () => {
    const h = harness(
      approvalFlow([
        { id: 'a', mode: 'all', approvers: users('wang') },
        { id: 'b', mode: 'all', approvers: users('wang', 'zhao'), dedupe: true },
        { id: 'c', mode: 'all', approvers: users('wang'), dedupe: true },
      ]),
    );
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    expect(await h.inbox(id)).toEqual(['b:zhao']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    expect((await h.engine.get(id)).state).toBe('approved');
    expect((await h.step(id, 'c')).assignments.map((a) => `${a.user}:${a.status}:${a.auto}`)).toEqual(['wang:skipped:dedupe']);
  });

  it('a step passed by its deadline still carries the approvals people gave in it', async () => {
    const h = harness(
      approvalFlow(
        [
          { id: 'a', mode: 'all', approvers: users('wang', 'zhao'), deadline: { after: 'due', then: { kind: 'approve' } } },
          { id: 'b', mode: 'all', approvers: users('wang', 'qian'), dedupe: true },
        ],
        { deadlines: { due: workingDays(1) } },
      ),
    );
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    await h.clock.advanceBy({ days: 1 });
    // zhao's task was approved by the deadline (nobody's vote); wang approved himself.
    expect(await h.inbox(id)).toEqual(['b:qian']);
  });
});
