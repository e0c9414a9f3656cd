// 撤回 after a new submission: a submission begins when the request, back with the submitter, enters
// an approval step again. Until 2026-12 only a 退回 to the submitter reset "someone has acted": after an
// administrator's moveTo('draft') (任意跳转 back to the draft) and a resubmission, or after a 拒绝 whose
// onRejected is the draft, the submitter's WITHDRAW was refused as "someone has already acted", which
// was true of the old submission only.
import { describe, expect, it } from 'vitest';
import { users } from '../src/index.js';
import { actor, admin, approvalFlow, harness, li } from './approvals-fixture.js';

const steps = [
  { id: 'manager', mode: 'all' as const, approvers: users('wang'), returns: { submitter: true } },
  { id: 'legal', mode: 'all' as const, approvers: users('zhao', 'qian'), returns: { submitter: true, previous: 'manager' } },
];

async function submitted() {
  const h = harness(approvalFlow(steps, { draft: true }));
  const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
  await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
  return { h, id };
}

describe('撤回 after a new submission', () => {
  it('an administrator moves the request back to the draft; after resubmitting, the submitter may withdraw', async () => {
    const { h, id } = await submitted();
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    await h.engine.moveTo(id, { actor: admin, target: 'draft', reason: 'the amount must be split' });
    await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
    await h.engine.send(id, { type: 'WITHDRAW', comment: 'split into two' }, { actor: li });
    expect((await h.engine.get(id)).state).toBe('withdrawn');
  });

  it('a 退回 to the submitter and a resubmission: withdraw until someone acts on the new submission', async () => {
    const { h, id } = await submitted();
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    await h.engine.send(id, { type: 'RETURN', to: 'submitter', comment: 'attach the quote' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    const late = await h.engine.send(id, { type: 'WITHDRAW' }, { actor: li }).catch((e: unknown) => e);
    expect(late).toMatchObject({ code: 'OPERATION_NOT_ALLOWED', details: { actedOn: ['manager'] } });
  });

  it('a 拒绝 whose onRejected is the draft, then a resubmission: the submitter may withdraw', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao') }], { draft: true, rejectedTo: 'draft' }));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
    await h.engine.send(id, { type: 'REJECT', comment: 'no quote' }, { actor: actor('zhao') });
    expect((await h.engine.get(id)).state).toBe('draft');
    await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
    await h.engine.send(id, { type: 'WITHDRAW' }, { actor: li });
    expect((await h.engine.get(id)).state).toBe('withdrawn');
  });

  it('an administrator moving the request from the draft into a step begins a submission, as a resubmission does', async () => {
    const { h, id } = await submitted();
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    await h.engine.moveTo(id, { actor: admin, target: 'draft', reason: 'wrong department' });
    await h.engine.moveTo(id, { actor: admin, target: 'legal', reason: 'fixed by phone' });
    await h.engine.send(id, { type: 'WITHDRAW' }, { actor: li });
    expect((await h.engine.get(id)).state).toBe('withdrawn');
  });

  it('an administrator moving between steps begins no submission: who acted before still counts', async () => {
    const { h, id } = await submitted();
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    await h.engine.moveTo(id, { actor: admin, target: 'manager', reason: 'ask again' });
    const refused = await h.engine.send(id, { type: 'WITHDRAW' }, { actor: li }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
  });

  it('a 退回 to an earlier step keeps the submission: who acted still counts', async () => {
    const { h, id } = await submitted();
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    await h.engine.send(id, { type: 'RETURN', to: 'previous', comment: 'budget' }, { actor: actor('zhao') });
    const refused = await h.engine.send(id, { type: 'WITHDRAW' }, { actor: li }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'OPERATION_NOT_ALLOWED', details: { actedOn: ['manager', 'legal'] } });
  });
});
