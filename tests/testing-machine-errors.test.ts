import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { approvalStep, defineWorkflow, role, staticDirectory, withApprovals, type ApprovalContext, type ApprovalEvent } from '../src/index.js';
import { assertNoDeadEnds, exploreWorkflow, pickApprover } from '../src/testing/index.js';

// Regression: a newcomer's first approval workflow (a 会签 of role('legal')) checked with
// assertNoDeadEnds(wf, { input }) as docs/machines/index.md shows was reported as
// `dead end {"sign":"pending"}: not final, and no person or timer can move it`. The truth: the
// approver rule threw "needs the organisation directory" and the machine stopped in status
// 'error'. A machine that fails is reported with its own message, never as a dead end.
const approvals = withApprovals({});
const signMachine = setup({
  types: {} as { context: ApprovalContext; events: ApprovalEvent | { type: 'SUBMIT' } },
  actions: approvals.actions, guards: approvals.guards, delays: approvals.delays,
}).createMachine({
  context: ({ input }) => ({ ...approvals.context(input) }),
  initial: 'draft',
  states: {
    draft: { on: { SUBMIT: 'sign' } },
    sign: approvalStep({ id: 'sign', mode: 'all', approvers: role('legal'), onApproved: 'approved', onRejected: 'rejected' }),
    approved: { type: 'final' },
    rejected: { type: 'final' },
  },
});
const signWorkflow = approvals.defineWorkflow({ id: 'sign', version: 1, machine: signMachine, input: z.object({}), events: { SUBMIT: z.object({}) } });

describe('docket/testing: a machine that throws is an error, not a dead end', () => {
  it('a role approver without directory: the exploration names the missing directory', () => {
    const report = exploreWorkflow(signWorkflow, { input: {} });
    expect(report.deadEnds).toEqual([]);
    expect(report.errors.map((e) => [e.state, e.path.description])).toEqual([['draft', 'SUBMIT']]);
    expect(report.errors[0]!.message).toMatch(/needs the organisation directory/);
    expect(() => assertNoDeadEnds(signWorkflow, { input: {} })).toThrow(/the machine failed on SUBMIT \(in "draft"\): .*needs the organisation directory.*pass directory in the options/);
    expect(() => assertNoDeadEnds(signWorkflow, { input: {} })).not.toThrow(/dead end/);
  });

  it('with the directory it passes', () => {
    const directory = staticDirectory({ users: [{ id: 'a', roles: ['legal'] }, { id: 'b', roles: ['legal'] }] });
    const report = assertNoDeadEnds(signWorkflow, { input: {}, directory, pickActor: pickApprover(directory), skipEvents: ['RETURN', 'ADD_SIGNER', 'REMOVE_SIGNER', 'TRANSFER', 'DELEGATE', 'CLAIM', 'CC', 'REMIND'], serialize: (s) => JSON.stringify([s.value, (s.context as { approvals: unknown }).approvals]) });
    expect(report.errors).toEqual([]);
    expect(report.unreachable).toEqual([]);
  });

  it('an assign that throws after an event: the failure after that path, with its message', () => {
    const wf = defineWorkflow({
      id: 'boom', version: 1, input: z.object({}), events: { GO: z.object({}) },
      machine: setup({ actions: { explode: assign(() => { throw new Error('ERP code missing'); }) } }).createMachine({
        initial: 'a', states: { a: { on: { GO: 'b' } }, b: { entry: 'explode', on: { GO: 'c' } }, c: { type: 'final' } },
      }),
    });
    const report = exploreWorkflow(wf, { input: {} });
    expect(report.deadEnds).toEqual([]);
    expect(report.errors.map((e) => [e.state, e.path.description, e.message])).toEqual([['a', 'GO', 'ERP code missing']]);
    expect(() => assertNoDeadEnds(wf, { input: {} })).toThrow(/the machine failed on GO \(in "a"\): ERP code missing/);
  });

  it('property: in a chain of states, the one whose entry throws is reported as an error, and only a real dead end as a dead end', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 7 }), fc.boolean(), (n, throwAt, lastIsFinal) => {
        // s0 → s1 → … → s(n); s(throwAt)'s entry assign throws when throwAt ≤ n; s(n) is final or stuck.
        const states: Record<string, object> = {};
        for (let i = 0; i <= n; i++) {
          const last = i === n;
          states[`s${i}`] = {
            ...(i === throwAt ? { entry: 'explode' } : {}),
            ...(last ? (lastIsFinal ? { type: 'final' } : {}) : { on: { NEXT: `s${i + 1}` } }),
          };
        }
        const wf = defineWorkflow({
          id: 'chain', version: 1, input: z.object({}), events: { NEXT: z.object({}) },
          machine: setup({ actions: { explode: assign(() => { throw new Error(`boom ${throwAt}`); }) } }).createMachine({ initial: 's0', states } as never) as never,
        });
        const report = exploreWorkflow(wf, { input: {} });
        if (throwAt <= n) {
          const description = throwAt === 0 ? '(initial state)' : Array(throwAt).fill('NEXT').join(' → ');
          expect(report.errors.map((e) => [e.state, e.path.description, e.message])).toEqual([[`s${Math.max(0, throwAt - 1)}`, description, `boom ${throwAt}`]]);
          expect(() => assertNoDeadEnds(wf, { input: {} })).toThrow(`the machine failed on ${description}`);
          expect(report.deadEnds).toEqual([]);
        } else {
          expect(report.errors).toEqual([]);
          expect(report.deadEnds.map((d) => d.state)).toEqual(lastIsFinal ? [] : [`s${n}`]);
          expect(report.unreachable).toEqual([]);
        }
      }),
      { numRuns: 60 },
    );
  });
});
