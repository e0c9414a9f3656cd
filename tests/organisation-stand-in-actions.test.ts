// A stand-in's (代理) inbox offered every action of the principal's task, 抄送 CC and 减签 REMOVE_SIGNER
// among them, but send takes those from a person in their own right only (their descriptors say
// forOthers: false): the deputy was offered two buttons that answered FORBIDDEN. The inbox now offers a
// deputy only the workflow's standInActions (the approval plugin's: the operations done for others),
// the rule send applies.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, role, users, type ApprovalMode, type ApproverRule, type TaskRecord } from '../src/index.js';
import { actor, approvalFlow, harness, li } from './approvals-fixture.js';

const FROM = Date.parse('2026-01-01T00:00:00+08:00');
const TO = Date.parse('2027-12-01T00:00:00+08:00');
const standIns = [{ principal: 'zhao', deputy: 'sun', from: FROM, to: TO }];

/** A payload for `type` on `task` that the step would take from someone allowed to send it. */
function payload(type: string, task: TaskRecord, other: string | undefined): Record<string, unknown> {
  switch (type) {
    case 'CC':
      return { type, step: task.step, users: ['ceo'] };
    case 'REMOVE_SIGNER':
      return { type, step: task.step, user: other ?? 'zhao' };
    case 'ADD_SIGNER':
      return { type, taskId: task.id, users: ['ceo'], position: 'after' };
    case 'TRANSFER':
    case 'DELEGATE':
      return { type, taskId: task.id, to: 'ceo' };
    case 'RETURN':
    case 'REQUEST_CHANGES':
      return { type, taskId: task.id, comment: '请修改' };
    default:
      return { type, taskId: task.id };
  }
}

async function setUp(mode: ApprovalMode, approvers: ApproverRule | readonly ApproverRule[], options: { returns?: boolean; permissions?: Record<string, readonly string[]> } = {}) {
  const h = harness(approvalFlow([{ id: 'legal', mode, approvers, ...(options.returns ? { returns: { submitter: true } } : {}) }], { draft: true, ...(options.permissions ? { permissions: options.permissions } : {}) }), { standIns });
  const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
  await h.engine.send(id, { type: 'SUBMIT' } as never, { actor: li });
  const tasks = await h.engine.tasks({ instanceId: id });
  const zhao = tasks.find((t) => (t.holders ?? []).includes('zhao'))!;
  const other = tasks.find((t) => t !== zhao && (t.holders ?? []).length > 0)?.holders?.[0];
  return { h, id, zhao, other };
}

describe('a deputy is offered only what send takes from them for the principal', () => {
  it('会签 [zhao, wu], sun standing in for zhao: CC and REMOVE_SIGNER are not offered (send refuses them from sun); the rest is offered and taken', async () => {
    const { h, id, zhao, other } = await setUp('all', users('zhao', 'wu'));
    expect(zhao.actions).toEqual(expect.arrayContaining(['CC', 'REMOVE_SIGNER']));
    const listed = (await h.engine.tasks({ assignee: 'sun' })).find((t) => t.id === zhao.id)!;
    expect(listed.actions).toEqual(['APPROVE', 'REJECT', 'ADD_SIGNER', 'TRANSFER', 'DELEGATE']);
    for (const type of zhao.actions) {
      const can = await h.engine.can(id, payload(type, zhao, other) as never, actor('sun'));
      expect([type, can.ok]).toEqual([type, listed.actions.includes(type)]);
    }
    // zhao himself is still offered both, and send takes them from him.
    for (const type of ['CC', 'REMOVE_SIGNER']) expect((await h.engine.can(id, payload(type, zhao, other) as never, actor('zhao'))).ok).toBe(true);
  });

  it('the approval plugin declares standInActions; defineWorkflow refuses a list naming no event', () => {
    expect(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao') }]).standInActions).toEqual(['APPROVE', 'REJECT', 'REQUEST_CHANGES', 'RETURN', 'ADD_SIGNER', 'TRANSFER', 'DELEGATE', 'CLAIM']);
    const base = { id: 'w', version: 1, input: z.object({}), events: { GO: z.object({}) }, machine: setup({}).createMachine({ initial: 'a', states: { a: {} } }) };
    expect(() => defineWorkflow({ ...base, standInActions: ['GOO'] })).toThrow(/standInActions names "GOO", which is no event of the workflow/);
    expect(() => defineWorkflow({ ...base, standInActions: 'GO' as never })).toThrow(/must be a list of event types/);
    expect(defineWorkflow({ ...base, standInActions: ['GO'] }).standInActions).toEqual(['GO']);
  });
});

describe('property: for every action of the principal\'s task, the deputy\'s inbox offers it iff send takes it from them', () => {
  const setups: readonly { readonly mode: ApprovalMode; readonly approvers: ApproverRule | readonly ApproverRule[] }[] = [
    { mode: 'all', approvers: users('zhao', 'wu') },
    { mode: 'any', approvers: users('wu', 'zhao') },
    { mode: 'sequential', approvers: users('zhao', 'wu') },
    { mode: { count: 2 }, approvers: users('zhao', 'wu', 'qian') },
    { mode: 'all', approvers: [users('zhao'), role('legal', { claim: true })] },
    { mode: 'all', approvers: [users('zhao'), role('finance', { claim: true })] },
  ];
  const permissions = fc.constantFrom<Record<string, readonly string[]> | undefined>(undefined, { APPROVE: ['legal'] }, { TRANSFER: ['finance'], CC: ['finance'] }, { ADD_SIGNER: ['legal', 'finance'] });

  it('over step modes, claim groups, returns and permissions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...setups), fc.boolean(), permissions, async ({ mode, approvers }, returns, perms) => {
        const { h, id, zhao, other } = await setUp(mode, approvers, { returns, ...(perms ? { permissions: perms } : {}) });
        const inbox = (await h.engine.tasks({ assignee: 'sun' })).filter((t) => t.instanceId === id);
        const listed = inbox.find((t) => t.id === zhao.id);
        const label = JSON.stringify([mode, approvers, returns, perms]);
        for (const type of zhao.actions) {
          const act = payload(type, zhao, other);
          const can = (await h.engine.can(id, act as never, actor('sun'))).ok;
          // An act naming zhao's task is judged on it; a step's act (CC, REMOVE_SIGNER names no task)
          // may also be sun's own, offered on a task of their own (a finance claim group sun could take).
          const offered = listed?.actions.includes(type) === true || ('step' in act && inbox.some((t) => t.id !== zhao.id && t.actions.includes(type)));
          expect([label, type, offered]).toEqual([label, type, can]);
        }
      }),
      { numRuns: 60 },
    );
  });
});
