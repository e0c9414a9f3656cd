import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, users, workingDays } from '../src/index.js';
import { approvalFlow } from './approvals-fixture.js';

// A delay named in `after` that nothing declares (not setup({ delays }), not deadlines, not the
// delays `implementations` provides) is resolved by XState to no delay: the event is raised at once.
// An approval step whose deadline.after was misspelt was approved on entry by its timeout, for
// nobody; one whose remind.every was misspelt re-entered its state without end until the process ran
// out of memory. defineWorkflow now refuses the name (INVALID_ARGUMENT, definition.machine, with the
// state and the delay in details).

const undeclared = (state: string, delay: string) =>
  expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ field: 'definition.machine', state, delay }) });

describe('brk24: a delay nothing declares is refused at definition', () => {
  it('超时: a misspelt deadline.after used to approve the step on entry, by nobody', () => {
    expect(() => approvalFlow([{ id: 's1', mode: 'all', approvers: users('zhao'), deadline: { after: 'legalDeu', then: { kind: 'approve' } } }], { draft: true, deadlines: { legalDue: workingDays(2) } })).toThrow(
      undeclared('s1', 'legalDeu'),
    );
  });
  it('催办: a misspelt remind.every used to re-enter the step without end (out of memory)', () => {
    expect(() => approvalFlow([{ id: 's1', mode: 'all', approvers: users('zhao'), remind: { every: 'nudge' } }], { draft: true, deadlines: { nuge: workingDays(1) } })).toThrow(undeclared('s1.pending', 'nudge'));
  });
  it('a plain machine: `after: { typo }` used to fire at once; its message says where to declare it', () => {
    const machine = setup({ delays: { review: 1000 } }).createMachine({ initial: 'a', states: { a: { after: { reveiw: 'b' } }, b: { type: 'final' } } });
    let error: unknown;
    try {
      defineWorkflow({ id: 'w', version: 1, machine, input: z.object({}), events: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toEqual(undeclared('a', 'reveiw'));
    expect((error as Error).message).toMatch(/declared: review.*Declare it in deadlines/);
  });
  it('declared by setup, by deadlines or by implementations, or a number of ms: taken', () => {
    const input = z.object({});
    const at = (after: Record<string, string>, delays: Record<string, number> = {}) =>
      setup({ delays }).createMachine({ initial: 'a', states: { a: { after }, b: { type: 'final' } } });
    expect(() => defineWorkflow({ id: 'w', version: 1, machine: at({ review: 'b' }, { review: 5 }), input, events: {} })).not.toThrow();
    expect(() => defineWorkflow({ id: 'w', version: 1, machine: at({ review: 'b' }), input, events: {}, deadlines: { review: workingDays(1) } })).not.toThrow();
    expect(() => defineWorkflow({ id: 'w', version: 1, machine: at({ 1500: 'b' }), input, events: {} })).not.toThrow();
    expect(() => defineWorkflow({ id: 'w', version: 1, machine: at({ review: 'b' }), input, events: {}, implementations: () => ({ delays: { review: () => 5 } }) })).not.toThrow();
    // A factory that needs the engine's env to build cannot be listed here: no name is refused.
    const needsEnv = (env: { directory: unknown }) => {
      if (env.directory === undefined) throw new Error('no directory');
      return {};
    };
    expect(() => defineWorkflow({ id: 'w', version: 1, machine: at({ review: 'b' }), input, events: {}, implementations: needsEnv as never })).not.toThrow();
  });
  it('property: a named delay is taken exactly when something declares it', () => {
    const names = ['due', 'nudge', 'late', 'chase'] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.subarray([...names]),
        fc.subarray([...names]),
        fc.subarray([...names]),
        (used, bySetup, byDeadlines, byImplementations) => {
          const machine = setup({ delays: Object.fromEntries(bySetup.map((n) => [n, 10])) }).createMachine({ initial: 'a', states: { a: { after: { [used]: 'b' } }, b: { type: 'final' } } });
          const define = () =>
            defineWorkflow({
              id: 'w',
              version: 1,
              machine,
              input: z.object({}),
              events: {},
              deadlines: Object.fromEntries(byDeadlines.map((n) => [n, workingDays(1)])),
              implementations: () => ({ delays: Object.fromEntries(byImplementations.map((n) => [n, () => 10])) }),
            });
          const declared = [...bySetup, ...byDeadlines, ...byImplementations].includes(used);
          if (declared) expect(define).not.toThrow();
          else expect(define).toThrow(undeclared('a', used));
        },
      ),
      { numRuns: 200 },
    );
  });
});
