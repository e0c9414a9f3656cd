// 催办 and 撤回 across parallel branches (并行分支, as bid review's 技术/商务 parts, or a 法务 + 财务 审核
// side by side). Until 2026-12 an event without `step` went to one live step (the first): 催办 reminded
// one branch only, and 撤回 withdrew one branch, judged by a flag that could not say which step had been
// acted on. Now: 催办 without a step reminds every live step once; 撤回 without a step withdraws every
// live step or is refused naming the steps acted on; with a step, only that step.
import { describe, expect, it } from 'vitest';
import { actor, admin, harness, li } from './approvals-fixture.js';
import { parallelReview } from './approvals-parallel-fixture.js';

async function submitted(options: Parameters<typeof parallelReview>[0] = {}) {
  const h = harness(parallelReview(options) as never);
  const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
  await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
  return { h, id };
}

const reminders = async (h: Awaited<ReturnType<typeof submitted>>['h'], id: string) =>
  (await h.engine.effects(id)).filter((e) => e.type === 'approval.remind').map((e) => [(e.params as { step: string }).step, (e.params as { to: string[] }).to]);

describe('催办 across parallel branches', () => {
  it('without a step reminds the pending approvers of every live step, each once', async () => {
    const { h, id } = await submitted();
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'REMIND', comment: 'board meets Friday' }, { actor: li });
    expect((await reminders(h, id)).sort()).toEqual([['finance', ['sun']], ['legal', ['qian']]]);
    expect((await h.step(id, 'finance')).acts.filter((a) => a.type === 'REMIND')).toHaveLength(1);
    expect((await h.step(id, 'legal')).acts.filter((a) => a.type === 'REMIND')).toHaveLength(1);
  });

  it('with a step reminds only that step', async () => {
    const { h, id } = await submitted();
    await h.engine.send(id, { type: 'REMIND', step: 'finance' }, { actor: admin });
    expect(await reminders(h, id)).toEqual([['finance', ['sun']]]);
  });

  it('a step that does not allow 催办 is left out; the others are reminded', async () => {
    const { h, id } = await submitted({ financeOps: ['APPROVE', 'REJECT', 'WITHDRAW'] });
    await h.engine.send(id, { type: 'REMIND' }, { actor: li });
    expect(await reminders(h, id)).toEqual([['legal', ['zhao', 'qian']]]);
  });
});

describe('撤回 across parallel branches', () => {
  it('without a step, before anyone acted, withdraws every live step', async () => {
    const { h, id } = await submitted();
    await h.engine.send(id, { type: 'WITHDRAW', comment: 'wrong tender' }, { actor: li });
    expect((await h.engine.get(id)).state).toBe('withdrawn');
    expect((await h.step(id, 'legal')).outcome).toEqual({ kind: 'withdrawn' });
    expect((await h.step(id, 'finance')).outcome).toEqual({ kind: 'withdrawn' });
    expect(await h.engine.tasks({ instanceId: id })).toEqual([]);
  });

  it('without a step, once someone acted in any branch, is refused naming that step; nothing changes', async () => {
    const { h, id } = await submitted();
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') }); // legal: qian still to sign
    const before = (await h.engine.get(id)).revision;
    const refused = await h.engine.send(id, { type: 'WITHDRAW' }, { actor: li }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'OPERATION_NOT_ALLOWED', details: { step: 'legal', actedOn: ['legal'] } });
    expect((refused as Error).message).toContain('"legal"');
    expect((await h.engine.get(id)).revision).toBe(before);
    expect((await h.step(id, 'finance')).outcome).toBeNull();
  });

  it('without a step, a branch already decided counts too', async () => {
    const { h, id } = await submitted();
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') }); // finance approved, its branch done
    const refused = await h.engine.send(id, { type: 'WITHDRAW' }, { actor: li }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'OPERATION_NOT_ALLOWED', details: { step: 'legal', actedOn: ['finance'] } });
  });

  it('without a step, a live step that never allows 撤回 refuses it, naming that step', async () => {
    const { h, id } = await submitted({ financeWithdraw: 'never' });
    const refused = await h.engine.send(id, { type: 'WITHDRAW' }, { actor: li }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'OPERATION_NOT_ALLOWED', details: { step: 'finance' } });
    expect((await h.step(id, 'legal')).outcome).toBeNull();
  });

  it('with a step, only that step: judged on its own acts, not a sibling branch', async () => {
    const { h, id } = await submitted();
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') }); // legal acted on, finance not
    const refused = await h.engine.send(id, { type: 'WITHDRAW', step: 'legal' }, { actor: li }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'OPERATION_NOT_ALLOWED', details: { step: 'legal', actedOn: ['legal'] } });
    await h.engine.send(id, { type: 'WITHDRAW', step: 'finance' }, { actor: li });
    expect((await h.step(id, 'finance')).outcome).toEqual({ kind: 'withdrawn' });
    expect((await h.step(id, 'legal')).outcome).toBeNull();
    expect((await h.engine.get(id)).state).toBe('withdrawn');
  });
});
