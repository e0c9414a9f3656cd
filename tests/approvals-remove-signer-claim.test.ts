// An unclaimed 认领 group task offers every member 减签 (REMOVE_SIGNER), as it offers them 同意, 转交 or
// 加签, but send refused it from them: "Only a current assignee … sun is none of these". 减签 read "a
// current assignee" as an assignment's user or delegate, where every other act takes a member who could
// claim the task as its assignee. It now reads it by the inbox's own rule (reachablePeople).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { role, users, type ApprovalMode, type ApproverRule, type TaskRecord } from '../src/index.js';
import { actor, approvalFlow, harness, li, people } from './approvals-fixture.js';

/** A payload for `type` on `task` that the step takes from someone allowed to send it. */
function payload(type: string, task: TaskRecord, removable: string): Record<string, unknown> {
  switch (type) {
    case 'CC':
      return { type, step: task.step, users: ['ceo'] };
    case 'REMOVE_SIGNER':
      return { type, step: task.step, user: removable };
    case 'ADD_SIGNER':
      return { type, taskId: task.id, users: ['ceo'], position: 'after' };
    case 'TRANSFER':
    case 'DELEGATE':
      return { type, taskId: task.id, to: 'ceo' };
    default:
      return { type, taskId: task.id };
  }
}

describe('减签 from a member of an unclaimed group task', () => {
  it('会签 of zhao and a claim group of finance: each member is offered REMOVE_SIGNER, and send takes it', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: [users('zhao'), role('finance', { claim: true })] }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    for (const member of ['sun', 'wu', 'zheng']) {
      const group = (await h.engine.tasks({ assignee: member })).find((t) => t.instanceId === id && t.status === 'open' && t.roles.includes('finance'))!;
      expect(group.actions).toContain('REMOVE_SIGNER');
      expect([member, (await h.engine.can(id, { type: 'REMOVE_SIGNER', step: 'legal', user: 'zhao' } as never, actor(member))).ok]).toEqual([member, true]);
    }
    await h.engine.send(id, { type: 'REMOVE_SIGNER', step: 'legal', user: 'zhao' } as never, { actor: actor('wu') });
    expect(await h.statuses(id, 'legal')).toEqual(['zhao:removed', 'finance:pending']);
    // Someone the step does not ask is still refused.
    expect((await h.engine.can(id, { type: 'REMOVE_SIGNER', step: 'legal', user: 'zhao' } as never, actor('qian'))).ok).toBe(false);
  });
});

describe('property: whoever the inbox offers an act to, send takes it from (holders and group members)', () => {
  const setups: readonly { readonly mode: ApprovalMode; readonly approvers: readonly ApproverRule[] }[] = [
    { mode: 'all', approvers: [users('zhao'), role('finance', { claim: true })] },
    { mode: 'any', approvers: [role('finance', { claim: true }), users('zhao', 'qian')] },
    { mode: 'sequential', approvers: [users('zhao'), role('legal', { claim: true })] },
    { mode: { count: 2 }, approvers: [users('zhao', 'qian'), role('finance', { claim: true })] },
    { mode: 'all', approvers: [users('zhao', 'qian', 'wu')] },
  ];
  it('over modes, claim groups and every offered act', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...setups), fc.constantFrom(...people.filter((p) => p.active !== false).map((p) => p.id)), async ({ mode, approvers }, who) => {
        const h = harness(approvalFlow([{ id: 'legal', mode, approvers }]));
        const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
        const open = (await h.step(id, 'legal')).assignments.filter((a) => a.status === 'pending' && a.user !== null && a.user !== who);
        const removable = open[open.length - 1]?.user ?? 'zhao';
        for (const task of await h.engine.tasks({ assignee: who })) {
          for (const type of task.actions) {
            if (type === 'REMOVE_SIGNER' && removable === who) continue;
            const can = await h.engine.can(id, payload(type, task, removable) as never, actor(who));
            expect([JSON.stringify([mode, approvers]), who, type, can.ok ? 'ok' : can]).toEqual([JSON.stringify([mode, approvers]), who, type, 'ok']);
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
