// A stand-in (代理) who holds a seat of their own in a step was offered the principal's task in that
// step, and send took TRANSFER, DELEGATE and ADD_SIGNER from them for the principal (APPROVE, REJECT
// and RETURN fell to the one-seat invariant, whose message did not say what to do). One person would
// shape or cast two places of one step's tally (会签, 票签, 依次; 或签 too, by the same rule). The
// rule (standInFor over the step's seat holders, seatHolders / TaskRecord.seated) now keeps them
// off the principal's task in the inbox and in send alike.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { role, users, type ApprovalMode, type ApproverRule, type TaskRecord } from '../src/index.js';
import { actor, approvalFlow, harness, li, type FlowContext } from './approvals-fixture.js';

const FROM = Date.parse('2026-01-01T00:00:00+08:00');
const TO = Date.parse('2027-12-01T00:00:00+08:00');
const standIns = [{ principal: 'zhao', deputy: 'sun', from: FROM, to: TO }];
type Failure = { code?: string; message?: string; details?: Record<string, unknown> };
const outcome = (p: Promise<unknown>) => p.then(() => ({ code: 'ok' }) as Failure, (e: Failure) => e);

function setUp(mode: ApprovalMode, approvers: ApproverRule | readonly ApproverRule[]) {
  return harness(approvalFlow([{ id: 'legal', mode, approvers }]), { standIns });
}
type H = ReturnType<typeof setUp>;

/** The principal's (zhao's) open task, as the store lists it. */
const zhaoTask = async (h: H, id: string): Promise<TaskRecord | undefined> => (await h.engine.tasks({ instanceId: id })).find((t) => (t.holders ?? []).includes('zhao'));
/** Whether sun's inbox offers `task`. */
const offered = async (h: H, task: TaskRecord) => (await h.engine.tasks({ assignee: 'sun' })).some((t) => t.id === task.id);
const revision = async (h: H, id: string) => (await h.engine.get(id)).revision;

/** sun, seated in the step, acts for zhao on zhao's task: refused with the typed error, nothing written. */
async function expectRefused(h: H, id: string, task: TaskRecord, event: Record<string, unknown> = { type: 'APPROVE' }) {
  const before = await revision(h, id);
  const e = await outcome(h.engine.send(id, { ...event, taskId: task.id } as never, { actor: actor('sun') }));
  expect(e.code).toBe('OPERATION_NOT_ALLOWED');
  expect(e.details).toMatchObject({ user: 'sun', onBehalfOf: 'zhao', field: 'actor', step: 'legal' });
  expect(e.message).toMatch(/转交/);
  expect(e.message).toMatch(/TRANSFER/);
  expect(await revision(h, id)).toBe(before);
  expect((await h.engine.can(id, { ...event, taskId: task.id } as never, actor('sun'))).ok).toBe(false);
}

describe('a stand-in who holds a seat in a step is not offered, and may not act on, the principal\'s task there', () => {
  it('会签 [zhao, sun], sun standing in for zhao: zhao\'s task is not offered to sun and APPROVE for zhao is refused, before and after sun decided their own', async () => {
    const h = setUp('all', users('zhao', 'sun'));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    const task = (await zhaoTask(h, id))!;
    expect(await offered(h, task)).toBe(false);
    await expectRefused(h, id, task);
    await h.engine.send(id, { type: 'APPROVE' } as never, { actor: actor('sun') });
    expect(await offered(h, task)).toBe(false);
    await expectRefused(h, id, task);
    // Without a taskId the act is the same: sun's own seat is decided, zhao's is not sun's to take.
    expect((await outcome(h.engine.send(id, { type: 'APPROVE' } as never, { actor: actor('sun') }))).code).toBe('OPERATION_NOT_ALLOWED');
    expect((await h.engine.get(id)).state).toEqual({ legal: 'pending' });
    await h.engine.send(id, { type: 'APPROVE' } as never, { actor: actor('zhao') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });

  it('TRANSFER, DELEGATE and ADD_SIGNER for zhao are refused from sun too (they were accepted), nothing changed', async () => {
    for (const event of [{ type: 'TRANSFER', to: 'wu' }, { type: 'DELEGATE', to: 'wu' }, { type: 'ADD_SIGNER', users: ['wu'], position: 'alongside' }, { type: 'REJECT' }, { type: 'RETURN' }]) {
      const h = setUp('all', users('zhao', 'sun'));
      const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
      await expectRefused(h, id, (await zhaoTask(h, id))!, event);
    }
  });

  it('依次 [zhao, sun]: sun\'s queued seat keeps zhao\'s open task out of sun\'s inbox, and sun cannot fill both places', async () => {
    const h = setUp('sequential', users('zhao', 'sun'));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    const task = (await zhaoTask(h, id))!;
    expect(await h.engine.tasks({ assignee: 'sun' })).toEqual([]);
    await expectRefused(h, id, task);
    expect((await outcome(h.engine.send(id, { type: 'APPROVE' } as never, { actor: actor('sun') }))).code).toBe('OPERATION_NOT_ALLOWED');
  });

  it('票签 { count: 2 } of [zhao, sun, wu] and 或签 [zhao, sun]: the same rule in every mode', async () => {
    for (const mode of [{ count: 2 }, 'any'] as const) {
      const h = setUp(mode, mode === 'any' ? users('zhao', 'sun') : users('zhao', 'sun', 'wu'));
      const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
      const task = (await zhaoTask(h, id))!;
      expect(await offered(h, task)).toBe(false);
      await expectRefused(h, id, task);
    }
  });

  it('role seats: role(legal) seats every member; a legal deputy (qian for zhao) is not offered zhao\'s task', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: role('legal') }]), { standIns: [{ principal: 'zhao', deputy: 'qian', from: FROM, to: TO }] });
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    const task = (await zhaoTask(h, id))!;
    expect((await h.engine.tasks({ assignee: 'qian' })).map((t) => t.id)).not.toContain(task.id);
    const e = await outcome(h.engine.send(id, { type: 'APPROVE', taskId: task.id } as never, { actor: actor('qian') }));
    expect([e.code, e.details?.['user'], e.details?.['onBehalfOf']]).toEqual(['OPERATION_NOT_ALLOWED', 'qian', 'zhao']);
  });

  it('a claim group: sun, a finance member who has not claimed, sits nowhere and may stand in; once sun claims, zhao\'s task is no longer theirs to act on', async () => {
    const h = setUp('all', [users('zhao'), role('finance', { claim: true })]);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    const task = (await zhaoTask(h, id))!;
    expect(await offered(h, task)).toBe(true);
    expect((await h.engine.can(id, { type: 'APPROVE', taskId: task.id } as never, actor('sun'))).ok).toBe(true);
    await h.engine.send(id, { type: 'CLAIM' } as never, { actor: actor('sun') });
    expect(await offered(h, task)).toBe(false);
    await expectRefused(h, id, task);
  });

  it('a deputy whose own task was transferred away (转交) holds no seat: zhao\'s task is offered and APPROVE for zhao is accepted', async () => {
    const h = setUp('all', users('zhao', 'sun'));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    const task = (await zhaoTask(h, id))!;
    expect(await offered(h, task)).toBe(false);
    await h.engine.send(id, { type: 'TRANSFER', to: 'wu' } as never, { actor: actor('sun') });
    expect(await offered(h, task)).toBe(true);
    await h.engine.send(id, { type: 'APPROVE', taskId: task.id } as never, { actor: actor('sun') });
    const legal = await h.step(id, 'legal');
    expect(legal.acts.at(-1)).toMatchObject({ by: 'sun', onBehalfOf: 'zhao', type: 'APPROVE' });
  });

  it('a deputy added by 加签 after the stand-in started: zhao\'s task leaves their inbox and their act for zhao is refused', async () => {
    const h = setUp('all', users('zhao', 'wu'));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    const task = (await zhaoTask(h, id))!;
    expect(await offered(h, task)).toBe(true);
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['sun'], position: 'alongside' } as never, { actor: actor('wu') });
    expect(await offered(h, task)).toBe(false);
    await expectRefused(h, id, task);
    // The other way round was already refused: sun decided for zhao, then nobody may seat sun again.
    const g = setUp('all', users('zhao', 'wu'));
    const other = await g.engine.start('flow', { amount: 1 }, { actor: li });
    await g.engine.send(other, { type: 'APPROVE', taskId: (await zhaoTask(g, other))!.id } as never, { actor: actor('sun') });
    const e = await outcome(g.engine.send(other, { type: 'ADD_SIGNER', users: ['sun'], position: 'alongside' } as never, { actor: actor('wu') }));
    expect([e.code, e.details?.['invariant']]).toEqual(['OPERATION_NOT_ALLOWED', 'one-seat-per-person']);
  });

  it('the step\'s tasks carry who sits in it (TaskRecord.seated)', async () => {
    const h = setUp('all', users('zhao', 'sun', 'wu'));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'APPROVE' } as never, { actor: actor('wu') });
    await h.engine.send(id, { type: 'TRANSFER', to: 'zheng' } as never, { actor: actor('sun') });
    // In the step's order (zheng's task takes sun's place); sun, transferred away, sits nowhere.
    expect((await h.engine.tasks({ instanceId: id })).map((t) => t.seated)).toEqual([
      ['zhao', 'zheng', 'wu'],
      ['zhao', 'zheng', 'wu'],
    ]);
  });
});

describe('property: the inbox offers the principal\'s task to a deputy exactly when send accepts the act from them, and never to one seated in the step', () => {
  const modes: readonly ApprovalMode[] = ['all', 'sequential', 'any', { count: 2 }];
  type Seat = 'none' | 'own' | 'decided' | 'transferred' | 'added' | 'claimed';
  const setup = async (mode: ApprovalMode, seat: Seat, deputyFirst: boolean) => {
    const pair = (other: string) => (deputyFirst ? users(other, 'zhao') : users('zhao', other));
    const approvers: ApproverRule | readonly ApproverRule[] =
      seat === 'none' || seat === 'added' ? pair('wu') : seat === 'claimed' ? [users('zhao'), role('finance', { claim: true })] : pair('sun');
    const h = setUp(mode, approvers);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    const quietly = (p: Promise<unknown>) => p.catch(() => undefined);
    if (seat === 'decided') await quietly(h.engine.send(id, { type: 'APPROVE' } as never, { actor: actor('sun') }));
    if (seat === 'transferred') await quietly(h.engine.send(id, { type: 'TRANSFER', to: 'zheng' } as never, { actor: actor('sun') }));
    if (seat === 'added') await quietly(h.engine.send(id, { type: 'ADD_SIGNER', users: ['sun'], position: 'alongside' } as never, { actor: actor('wu') }));
    if (seat === 'claimed') await quietly(h.engine.send(id, { type: 'CLAIM' } as never, { actor: actor('sun') }));
    return { h, id };
  };
  const events = [{ type: 'APPROVE' }, { type: 'REJECT' }, { type: 'TRANSFER', to: 'feng' }, { type: 'DELEGATE', to: 'feng' }, { type: 'ADD_SIGNER', users: ['feng'], position: 'after' }];

  it('for any mode, seat of the deputy and act', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...modes),
        fc.constantFrom<Seat>('none', 'own', 'decided', 'transferred', 'added', 'claimed'),
        fc.boolean(),
        fc.constantFrom(...events),
        async (mode, seat, deputyFirst, event) => {
          const { h, id } = await setup(mode, seat, deputyFirst);
          const view = await h.engine.get(id);
          if (view.status !== 'active') return;
          const legal = (view.context as FlowContext).approvals['legal']!;
          const task = await zhaoTask(h, id);
          if (task === undefined) return;
          const seated = legal.assignments.some(
            (a) => ['pending', 'approved', 'rejected', 'skipped'].includes(a.status) && (a.user === 'sun' || (a.status === 'pending' && a.delegate === 'sun') || a.actedBy === 'sun'),
          );
          const listed = (await h.engine.tasks({ assignee: 'sun' })).find((t) => t.id === task.id);
          const label = JSON.stringify([mode, seat, deputyFirst, event.type]);
          expect(task.seated?.includes('sun') ?? false, label).toBe(seated);
          if (seated) expect(listed, label).toBeUndefined();
          for (const type of ['APPROVE', 'REJECT']) {
            const can = (await h.engine.can(id, { type, taskId: task.id } as never, actor('sun'))).ok;
            expect([label, type, listed?.actions.includes(type) ?? false], 'inbox offers it iff send accepts it').toEqual([label, type, can]);
          }
          const before = view.revision;
          const result = await outcome(h.engine.send(id, { ...event, taskId: task.id } as never, { actor: actor('sun') }));
          if (seated) {
            expect([label, result.code, result.details?.['user']]).toEqual([label, 'OPERATION_NOT_ALLOWED', 'sun']);
            expect(await revision(h, id)).toBe(before);
          }
          // Whatever was accepted, nobody cast two of the step's votes.
          const after = (await h.engine.get(id)).context as FlowContext;
          const voters = after.approvals['legal']!.assignments.flatMap((a) => ((a.status === 'approved' || a.status === 'rejected') && a.auto === undefined && a.user !== null ? [a.actedBy ?? a.user] : []));
          expect(new Set(voters).size, label).toBe(voters.length);
        },
      ),
      { numRuns: 120 },
    );
  });
});
