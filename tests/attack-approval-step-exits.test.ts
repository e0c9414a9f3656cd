import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { applyApproval, enterStep } from '../src/approvals/approval-reducer.js';
import { exitStep } from '../src/approvals/operations/exit-step.js';
import { returnTarget } from '../src/approvals/operations/reducer-helpers.js';
import { actor, approvalFlow, harness, li } from './approvals-fixture.js';
import { approvalStep, createEngine, duration, memoryStore, role, staticDirectory, users, virtualClock, withApprovals, type ApprovalOperation, type ApprovalStepConfig } from '../src/index.js';

// A step whose rejection (or withdrawal) had no target: REJECT was accepted, the step was decided
// `rejected`, and the instance stayed in the step for good: no task in the inbox, and its deadline
// later failed on the decided step ("not waiting for decisions"). approvalStep now refuses, when the
// machine is written, an outcome the step can reach with nowhere to go.
describe('every outcome an approval step can reach has somewhere to go', () => {
  it('a step without onRejected whose REJECT ends it is refused when defined (the instance stayed stuck in a decided step)', () => {
    expect(() => approvalStep({ id: 'legal', mode: 'all', approvers: users('zhao'), onApproved: 'done', onWithdrawn: 'done' })).toThrow(/no onRejected target/);
    expect(() => approvalStep({ id: 'legal', mode: 'all', approvers: users('zhao'), onApproved: 'done', onRejected: 'done' })).not.toThrow();
    // No way to reject: fine without onRejected.
    expect(() => approvalStep({ id: 'legal', mode: 'all', approvers: users('zhao'), operations: ['APPROVE'], withdraw: 'never', onApproved: 'done' })).not.toThrow();
    // ... unless its deadline rejects.
    expect(() =>
      approvalStep({ id: 'legal', mode: 'all', approvers: users('zhao'), operations: ['APPROVE'], withdraw: 'never', deadline: { after: 'due', then: { kind: 'reject' } }, onApproved: 'done' }),
    ).toThrow(/no onRejected target/);
  });

  it('a step the initiator may withdraw from needs onWithdrawn or onRejected', () => {
    expect(() => approvalStep({ id: 'legal', mode: 'all', approvers: users('zhao'), rejection: { return: 'submitter' }, returns: { submitter: 'draft' }, onApproved: 'done' })).toThrow(/no onWithdrawn/);
    expect(() => approvalStep({ id: 'legal', mode: 'all', approvers: users('zhao'), rejection: { return: 'submitter' }, returns: { submitter: 'draft' }, withdraw: 'never', onApproved: 'done' })).not.toThrow();
  });

  it('property: a step approvalStep accepts leaves through a target for every outcome an engine can give it', async () => {
    const ops: ApprovalOperation[] = ['APPROVE', 'REJECT', 'WITHDRAW', 'RETURN'];
    const config = fc.record({
      rejection: fc.constantFrom<ApprovalStepConfig['rejection']>(undefined, 'end', { return: 'submitter' }, { return: 'previous' }),
      withdraw: fc.constantFrom<ApprovalStepConfig['withdraw']>(undefined, 'untilActed', 'anytime', 'never'),
      operations: fc.option(fc.subarray(ops, { minLength: 1 }), { nil: undefined }),
      then: fc.constantFrom(undefined, 'approve' as const, 'reject' as const),
      onRejected: fc.boolean(),
      onWithdrawn: fc.boolean(),
      act: fc.constantFrom('REJECT', 'WITHDRAW', 'TIMEOUT'),
    });
    await fc.assert(
      fc.asyncProperty(config, async (c) => {
        let step;
        try {
          step = approvalStep({
            id: 'legal',
            mode: 'all',
            approvers: users('zhao'),
            onApproved: 'done',
            returns: { submitter: 'draft' },
            ...(c.rejection === undefined ? {} : { rejection: c.rejection }),
            ...(c.withdraw === undefined ? {} : { withdraw: c.withdraw }),
            ...(c.operations === undefined ? {} : { operations: c.operations }),
            ...(c.then === undefined ? {} : { deadline: { after: 'due', then: { kind: c.then } } }),
            ...(c.onRejected ? { onRejected: 'rejected' } : {}),
            ...(c.onWithdrawn ? { onWithdrawn: 'withdrawn' } : {}),
          });
        } catch (error) {
          // Refused with a code naming the part to fix (a TypeError without one before).
          expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: expect.stringMatching(/^config\.(onRejected|onWithdrawn|rejection\.return)$/) } });
          return;
        }
        const approvals = withApprovals({ deadlines: { due: duration({ minutes: 1 }) } });
        const machine = setup({ types: {} as { context: any; events: any }, actions: approvals.actions, guards: approvals.guards, delays: approvals.delays }).createMachine({
          context: ({ input }: { input: unknown }) => approvals.context(input),
          initial: 'legal',
          states: { legal: step as never, draft: {}, done: { type: 'final' }, rejected: { type: 'final' }, withdrawn: { type: 'final' } },
        });
        const workflow = approvals.defineWorkflow({ id: 'w', version: 1, machine, input: z.object({}) });
        const clock = virtualClock('2026-11-02T09:00:00+08:00');
        const engine = createEngine({ store: memoryStore(), clock, directory: staticDirectory({ users: [{ id: 'zhao', roles: [] }, { id: 'li', roles: [] }] }), workflows: [workflow] });
        const id = await engine.start('w', {}, { actor: { id: 'li', roles: [] } });
        const errors: unknown[] = [];
        engine.on('error', (e) => errors.push(e));
        if (c.act === 'TIMEOUT') await clock.advanceBy({ minutes: 2 });
        else await engine.send(id, { type: c.act } as never, { actor: { id: c.act === 'WITHDRAW' ? 'li' : 'zhao', roles: [] } }).catch(() => undefined);
        const view = await engine.get(id);
        const step_ = (view.context as { approvals: Record<string, { outcome: unknown }> }).approvals['legal'];
        // Decided means gone: a step with an outcome is never the state the instance rests in.
        if (step_?.outcome) expect(view.state, `decided ${JSON.stringify(step_.outcome)} and still in the step`).not.toEqual({ legal: 'pending' });
        expect(errors).toEqual([]);
        expect(view.suspended).toBe(false);
        await engine.close();
      }),
      { numRuns: 150 },
    );
  });
});

describe('a rejection strategy returns only where the step declares it may', () => {
  it('rejection: { return: "previous" } without returns.previous is refused when defined (a deadline that rejected stopped the instance)', () => {
    expect(() => approvalStep({ id: 'legal', mode: 'all', approvers: users('zhao'), rejection: { return: 'previous' }, onWithdrawn: 'done', onApproved: 'done' })).toThrow(/returns do not declare/);
    expect(() => approvalStep({ id: 'legal', mode: 'all', approvers: users('zhao'), rejection: { return: 'submitter' }, onWithdrawn: 'done', onApproved: 'done' })).toThrow(/returns do not declare/);
    expect(() =>
      approvalStep({ id: 'legal', mode: 'all', approvers: users('zhao'), rejection: { return: 'previous' }, returns: { previous: 'manager' }, onWithdrawn: 'done', onApproved: 'done' }),
    ).not.toThrow();
    expect(() =>
      approvalStep({ id: 'legal', mode: 'all', approvers: users('zhao'), rejection: { return: 'manager' }, returns: { steps: ['manager'] }, onWithdrawn: 'done', onApproved: 'done' }),
    ).not.toThrow();
  });

  it('property: approvalStep accepts a rejection target exactly when RETURN (退回) would go there, and RETURN goes where the step declared', () => {
    const steps = ['manager', 'finance', 'ceo'] as const;
    const returns = fc.record(
      { submitter: fc.constant('draft'), previous: fc.constantFrom(...steps), steps: fc.subarray([...steps]) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.option(returns, { nil: undefined }), fc.constantFrom('submitter', 'previous', ...steps), (declared, to) => {
        const config = { id: 'legal', mode: 'all', approvers: users('zhao'), rejection: { return: to }, onWithdrawn: 'done', onApproved: 'done', ...(declared ? { returns: declared } : {}) } as const;
        let defined: ReturnType<typeof approvalStep> | undefined;
        try {
          defined = approvalStep(config);
        } catch (error) {
          expect(String(error)).toMatch(/returns do not declare/);
        }
        // RETURN's rule, over the same declaration (a spec that declares the returns of `config`).
        const spec = { id: 'legal', mode: 'all', approvers: users('zhao'), ...(declared ? { returns: { ...declared, submitter: declared.submitter !== undefined } } : {}) } as never;
        let returned: string | undefined;
        try {
          returned = returnTarget(spec, to);
        } catch (error) {
          expect(error).toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
        }
        expect([to, defined !== undefined]).toEqual([to, returned !== undefined]);
        if (returned !== undefined) {
          const expected = to === 'previous' ? declared!.previous : to;
          expect(returned).toBe(expected);
          // The step has an exit for that return: the submitter's state, or the earlier step.
          expect(Object.keys(defined!.meta.targets)).toContain(`returned:${returned}`);
        }
      }),
    );
  });
});

describe('who may act on a step after it is no longer theirs', () => {
  it('抄送: someone whose task was transferred away (转交) or removed (减签) is no longer an approver of the step', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: [users('zhao', 'sun', 'wang'), role('finance', { claim: true })] }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'TRANSFER', to: 'qian' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'REMOVE_SIGNER', user: 'wang' }, { actor: li });
    await expect(h.engine.send(id, { type: 'CC', users: ['ceo'] }, { actor: actor('zhao') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(h.engine.send(id, { type: 'CC', users: ['ceo'] }, { actor: actor('wang') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // qian (who took zhao's task), sun (an approver) and zheng (free to claim the finance task) may.
    for (const who of ['qian', 'sun', 'zheng']) await h.engine.send(id, { type: 'CC', users: ['ceo'] }, { actor: actor(who) });
    expect((await h.step(id, 'legal')).acts.filter((a) => a.type === 'CC').map((a) => a.by)).toEqual(['qian', 'sun', 'zheng']);
  });

  it('the reducer refuses an act on a step the instance left undecided (任意跳转 past it)', () => {
    const ctx = enterStep(withApprovals().context({ $actor: { id: 'li', roles: [] } }), { id: 'legal', mode: 'all', approvers: users('zhao') }, { directory: undefined, now: 0, dueAt: null }).context;
    const left = exitStep(ctx, 'legal');
    expect(() => applyApproval(left, 'legal', { type: 'APPROVE', $actor: { id: 'zhao', roles: [] } }, { directory: undefined, now: 1 })).toThrow(/the instance has left it/);
    expect(() => applyApproval(left, 'legal', { type: 'REMIND_TIMER', $actor: { id: 'docket:system', roles: ['system'] } }, { directory: undefined, now: 1 })).toThrow(/not waiting/);
  });
});
