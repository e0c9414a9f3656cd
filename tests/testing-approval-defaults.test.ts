import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { approvalStep, defineWorkflow, isDocketError, role, staticDirectory, users, withApprovals, workingDays, type ApprovalContext, type ApprovalEvent, type ApprovalMode } from '../src/index.js';
import { assertNoDeadEnds, createApprovalSerializer, exploreWorkflow, replayPaths } from '../src/testing/index.js';

// Regression: an approval workflow (a 会签 of role('legal'), then a 或签 of two named people) checked
// with assertNoDeadEnds(wf, { input, directory }) ran past the 20,000-transition limit and threw a
// bare Error: the explorer sent 催办/转交/加签 … as often as it liked (each act a new state, the act
// log in the context), and APPROVE as a `sampler` nobody had asked, so no step ever moved. It had to
// be given skipEvents, pickActor, per-step samples and a serialize, as only the repository's tests showed.
const directory = staticDirectory({
  users: [
    { id: 'li', roles: ['sales'] },
    { id: 'zhao', roles: ['legal'] },
    { id: 'qian', roles: ['legal'] },
    { id: 'sun', roles: ['finance'] },
    { id: 'wu', roles: ['finance'] },
  ],
});

function contract(options: { readonly plant?: boolean; readonly counter?: boolean } = {}) {
  const approvals = withApprovals({});
  const machine = setup({
    types: {} as { context: ApprovalContext & { nudges: number }; events: ApprovalEvent | { type: 'SUBMIT' } | { type: 'NUDGE' } },
    actions: { ...approvals.actions, count: assign({ nudges: ({ context }) => context.nudges + 1 }) },
    guards: approvals.guards,
    delays: approvals.delays,
  }).createMachine({
    context: ({ input }) => ({ ...approvals.context(input), nudges: 0 }),
    initial: 'draft',
    ...(options.counter ? { on: { NUDGE: { actions: 'count' } } } : {}),
    states: {
      draft: { on: { SUBMIT: 'legal' } },
      // 会签: both of legal; a rejection or a return goes back to the draft.
      legal: approvalStep({ id: 'legal', mode: 'all', approvers: role('legal'), onApproved: 'finance', onWithdrawn: 'withdrawn', rejection: { return: 'submitter' }, returns: { submitter: 'draft' } }),
      // 或签: the first of sun and wu decides.
      finance: approvalStep({ id: 'finance', mode: 'any', approvers: users('sun', 'wu'), onApproved: options.plant ? 'filing' : 'approved', onRejected: 'rejected', returns: { previous: 'legal' } }),
      // The planted dead end: not final, and nothing moves it.
      ...(options.plant ? { filing: {} } : {}),
      approved: { type: 'final' },
      rejected: { type: 'final' },
      withdrawn: { type: 'final' },
    },
  });
  return approvals.defineWorkflow({
    id: 'contract',
    version: 1,
    machine,
    input: z.object({}),
    events: { SUBMIT: z.object({}), NUDGE: z.object({}) },
    permissions: { SUBMIT: ['sales'], NUDGE: ['sales'] },
  });
}

describe('docket/testing on an approval workflow, out of the box', () => {
  it('会签 + 或签 checked with only { input, directory }: finishes, every state reached, both outcomes found', () => {
    const report = assertNoDeadEnds(contract(), { input: {}, directory });
    expect(report.errors).toEqual([]);
    expect(report.deadEnds).toEqual([]);
    expect(report.paths.filter((p) => p.done).map((p) => p.state).sort()).toEqual(['approved', 'rejected', 'withdrawn']);
    // 会签: both legal people approve, as themselves; 或签: one of finance decides.
    expect(report.paths.find((p) => p.state === 'approved')!.description).toBe('SUBMIT → APPROVE → APPROVE → APPROVE');
    // The decisions are explored (退回 back to legal, 撤回 by the initiator); 加签, 转交, 抄送, 催办 are not.
    const sent = new Set([...report.paths.flatMap((p) => p.steps.map((s) => s.event.type)), ...report.waiting.flatMap((w) => w.events)]);
    expect([...sent].sort()).toEqual(['APPROVE', 'REJECT', 'REQUEST_CHANGES', 'RETURN', 'SUBMIT', 'WITHDRAW']);
  });

  it('a planted dead end is reported with its path', () => {
    const wf = contract({ plant: true });
    expect(exploreWorkflow(wf, { input: {}, directory }).deadEnds.map((d) => [d.state, d.path.description])).toEqual([['filing', 'SUBMIT → APPROVE → APPROVE → APPROVE']]);
    expect(() => assertNoDeadEnds(wf, { input: {}, directory })).toThrow(/dead end "filing" after SUBMIT → APPROVE → APPROVE → APPROVE/);
  });

  it('replayPaths runs every path through the engine with the same defaults (approvers as themselves, 撤回 as the initiator)', async () => {
    const results = await replayPaths(contract(), { input: {}, directory });
    expect(results.filter((r) => !r.ok).map((r) => `${r.path.description}: ${r.error}`)).toEqual([]);
    expect(results.find((r) => r.final.state === 'withdrawn')?.path.description).toBe('SUBMIT → WITHDRAW');
  });

  it('the limit is a DocketError EXPLORATION_LIMIT that names the option and the field that grows', () => {
    const wf = contract({ counter: true });
    let thrown: unknown;
    try {
      exploreWorkflow(wf, { input: {}, directory, limit: 500 });
    } catch (error) {
      thrown = error;
    }
    expect(isDocketError(thrown, 'EXPLORATION_LIMIT')).toBe(true);
    const message = (thrown as Error).message;
    expect(message).toMatch(/serialize: createApprovalSerializer/);
    expect(message).toMatch(/nudges \(\d+\+?\)/);
    expect(message).toMatch(/raise limit \(now 500\)/);
    // The advice taken: the counter capped, the approval part reduced by the serializer.
    expect(assertNoDeadEnds(wf, { input: {}, directory, serialize: createApprovalSerializer<{ nudges: number }>((c) => Math.min(c.nudges, 1)) }).deadEnds).toEqual([]);
  });

  it("with approvalOperations: 'all', the limit's message says to leave the operations out", () => {
    let thrown: unknown;
    try {
      exploreWorkflow(contract(), { input: {}, directory, limit: 300, approvalOperations: 'all', events: { REMIND: { step: 'legal' } }, serialize: (s) => JSON.stringify([s.value, s.context]) });
    } catch (error) {
      thrown = error;
    }
    expect(isDocketError(thrown, 'EXPLORATION_LIMIT')).toBe(true);
    expect((thrown as Error).message).toMatch(/approvalOperations at 'decisions'/);
    expect((thrown as Error).message).toMatch(/make your serialize drop/);
  });

  it('a workflow without approval steps is explored as before, and its limit names serialize', () => {
    const wf = defineWorkflow({
      id: 'counter', version: 1, input: z.object({}), events: { TICK: z.object({}), DONE: z.object({}) },
      machine: setup({ types: {} as { context: { n: number } } }).createMachine({
        context: { n: 0 }, initial: 'a',
        states: { a: { on: { TICK: { actions: assign({ n: ({ context }) => context.n + 1 }) }, DONE: 'b' } }, b: { type: 'final' } },
      }) as never,
    });
    expect(() => exploreWorkflow(wf, { input: {}, limit: 200 })).toThrow(expect.objectContaining({ code: 'EXPLORATION_LIMIT', message: expect.stringMatching(/most values: n \(64\+\)\. To fix it: pass serialize returning the state value/) }));
    expect(assertNoDeadEnds(wf, { input: {}, serialize: (s) => JSON.stringify(s.value) }).unreachable).toEqual([]);
  });

  it('property: random small chains of approval steps: no false dead end, and a planted one is always found', () => {
    const mode: fc.Arbitrary<ApprovalMode> = fc.oneof(fc.constant('all' as const), fc.constant('any' as const), fc.constant('sequential' as const), fc.constant({ count: 2 }));
    const stepArb = fc.record({
      mode,
      people: fc.subarray(['zhao', 'qian', 'sun', 'wu'], { minLength: 2, maxLength: 3 }),
      byRole: fc.boolean(),
      rejection: fc.constantFrom('end' as const, 'return' as const),
      deadline: fc.boolean(),
      withdraw: fc.constantFrom('untilActed' as const, 'anytime' as const, 'never' as const),
    });
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 3 }), fc.option(fc.nat(), { nil: undefined }), (steps, plantAt) => {
        const planted = plantAt === undefined ? undefined : plantAt % steps.length;
        const approvals = withApprovals({ deadlines: { due: workingDays(2) } });
        const states: Record<string, object> = { draft: { on: { SUBMIT: 's0' } }, stuck: {}, approved: { type: 'final' }, rejected: { type: 'final' } };
        steps.forEach((s, i) => {
          const next = i === planted ? 'stuck' : i + 1 < steps.length ? `s${i + 1}` : 'approved';
          states[`s${i}`] = approvalStep({
            id: `s${i}`,
            mode: s.mode,
            // By role: everyone holding the first person's role (legal: zhao and qian; finance: sun and wu).
            approvers: s.byRole ? role(s.people[0] === 'zhao' || s.people[0] === 'qian' ? 'legal' : 'finance') : users(...s.people),
            onApproved: next,
            onRejected: 'rejected',
            withdraw: s.withdraw,
            returns: { submitter: 'draft' },
            ...(s.rejection === 'return' ? { rejection: { return: 'submitter' } } : {}),
            ...(s.deadline ? { deadline: { after: 'due', then: { kind: 'approve' as const } } } : {}),
          });
        });
        const machine = setup({
          types: {} as { context: ApprovalContext; events: ApprovalEvent | { type: 'SUBMIT' } },
          actions: approvals.actions, guards: approvals.guards, delays: approvals.delays,
        }).createMachine({ context: ({ input }: { input: unknown }) => approvals.context(input), initial: 'draft', states } as never);
        const wf = approvals.defineWorkflow({ id: 'random', version: 1, machine: machine as never, input: z.object({}), events: { SUBMIT: z.object({}) } });
        const report = exploreWorkflow(wf, { input: {}, directory });
        expect(report.errors).toEqual([]);
        if (planted === undefined) {
          expect(report.deadEnds).toEqual([]);
          // 'rejected' is reached by a REJECT that ends the step, or by a 撤回 (withdrawn goes to onRejected
          // here); when every step returns a rejection to the submitter and none may be withdrawn, it is
          // rightly unreachable (seed 1624019107: one 票签 of two, rejection: return, withdraw: never).
          // 撤回 'untilActed' is possible only while nobody has acted since the submission: on the first
          // step, or on a later one when every step before it can pass by its deadline (a timeout is
          // nobody's act); an approval of an earlier step is an act (seed 378290033: 或签 then 票签 with
          // withdraw: untilActed on the second step only, rejection: return on both).
          const withdrawable = (i: number) => steps[i]!.withdraw === 'anytime' || (steps[i]!.withdraw === 'untilActed' && steps.slice(0, i).every((s) => s.deadline));
          const rejectable = steps.some((s, i) => s.rejection === 'end' || withdrawable(i));
          expect(report.unreachable).toEqual(rejectable ? ['stuck'] : ['stuck', 'rejected']);
          expect(report.paths.some((p) => p.state === 'approved')).toBe(true);
        } else {
          expect(report.deadEnds.map((d) => d.state)).toEqual(['stuck']);
          expect(() => assertNoDeadEnds(wf, { input: {}, directory })).toThrow(/dead end "stuck"/);
        }
      }),
      {
        numRuns: 40,
        examples: [
          [[{ mode: { count: 2 }, people: ['zhao', 'qian'], byRole: false, rejection: 'return', deadline: false, withdraw: 'never' }], undefined],
          [[{ mode: 'any', people: ['qian', 'sun'], byRole: false, rejection: 'return', deadline: false, withdraw: 'never' }, { mode: { count: 2 }, people: ['zhao', 'qian'], byRole: false, rejection: 'return', deadline: false, withdraw: 'untilActed' }], undefined],
          [[{ mode: 'any', people: ['qian', 'sun'], byRole: false, rejection: 'return', deadline: true, withdraw: 'never' }, { mode: { count: 2 }, people: ['zhao', 'qian'], byRole: false, rejection: 'return', deadline: false, withdraw: 'untilActed' }], undefined],
          [[{ mode: 'all', people: ['zhao', 'qian'], byRole: false, rejection: 'return', deadline: false, withdraw: 'never' }, { mode: 'any', people: ['qian', 'sun'], byRole: false, rejection: 'return', deadline: false, withdraw: 'untilActed' }], undefined],
          // The same, the first step passed by its deadline: the second is entered unacted, so 撤回 reaches 'rejected'.
          [[{ mode: 'all', people: ['zhao', 'qian'], byRole: false, rejection: 'return', deadline: true, withdraw: 'never' }, { mode: 'any', people: ['qian', 'sun'], byRole: false, rejection: 'return', deadline: false, withdraw: 'untilActed' }], undefined],
        ],
      },
    );
  });
});
