// checkApproverRule (src/approvals/approver-rules.ts) checked `chosen`'s `among` by recursion, with no
// bound: a rule given as data (read from a config file, say) whose `among` nested 100,000 levels deep
// made approvalStep and chosen() throw a raw RangeError (Maximum call stack size exceeded), not a
// DocketError; one 5,000 deep was taken, though a step keeps a copy of its spec in the context, which
// may be at most 1,000 deep. The chain is walked now, not recursed, and more than AMONG_DEPTH_MAX
// levels is INVALID_ARGUMENT naming the top `among`; what is within the bound is checked as before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tried } from './helpers/refusal-outcome.js';
import { approvalStep, chosen, users } from '../src/index.js';
import { AMONG_DEPTH_MAX } from '../src/approvals/approver-rules.js';

const step = (approvers: unknown) => () => approvalStep({ id: 'legal', mode: 'all', approvers: approvers as never, onApproved: 'done', onRejected: 'done' });

/** A chosen rule whose `among` is a chosen rule, `levels` times, ending in `leaf`. */
function nested(levels: number, leaf: unknown = { kind: 'users', users: ['zhao'] }): unknown {
  let rule: unknown = leaf;
  for (let i = 0; i < levels; i++) rule = { kind: 'chosen', field: 'who', among: rule };
  return rule;
}

describe("a chosen rule's among nested past the bound is refused, naming the top among", () => {
  it.each([AMONG_DEPTH_MAX + 1, 5_000, 100_000])('%i levels: approvalStep says INVALID_ARGUMENT (100,000 was a RangeError)', (levels) => {
    expect(tried(step(nested(levels)))).toEqual({ code: 'INVALID_ARGUMENT', field: 'config.approvers.among' });
    expect(tried(step([users('wang'), nested(levels)]))).toEqual({ code: 'INVALID_ARGUMENT', field: 'config.approvers[1].among' });
  });

  it('chosen() given such a rule as among says INVALID_ARGUMENT naming among', () => {
    expect(tried(() => chosen('who', { among: nested(100_000) as never }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'among' });
  });

  it('the message says how deep and what to give', () => {
    expect(step(nested(100_000))).toThrow(new RegExp(`more than ${AMONG_DEPTH_MAX} levels deep; give among one rule`));
  });

  it('within the bound, a nested among is checked as before: taken, or refused naming the bad part deep inside', () => {
    expect(tried(step(nested(AMONG_DEPTH_MAX)))).toBe('accepted');
    expect(tried(step(nested(3, { kind: 'users', users: [' '] })))).toEqual({ code: 'INVALID_ARGUMENT', field: 'config.approvers.among.among.among.users[0]' });
    expect(tried(step(nested(2, null)))).toEqual({ code: 'INVALID_ARGUMENT', field: 'config.approvers.among.among' });
  });
});

describe('property: any nesting of among is a DocketError or taken, never a raw error', () => {
  it('over depths and leaves', () => {
    const leaf = fc.constantFrom<unknown>({ kind: 'users', users: ['zhao'] }, { kind: 'role', role: 'legal' }, { kind: 'users', users: ['\u200b'] }, 'legal', null, { kind: 'rol' });
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: AMONG_DEPTH_MAX + 3 }), fc.integer({ min: 0, max: 30_000 })), leaf, (levels, end) => {
        const result = tried(step(nested(levels, end)));
        const leafOk = typeof end === 'object' && end !== null && ((end as { kind?: string }).kind === 'role' || ((end as { users?: string[] }).users?.[0] === 'zhao'));
        // `levels` chosen rules wrap the leaf: it is the among nested `levels` deep (0: the rule itself).
        if (levels > AMONG_DEPTH_MAX) expect(result).toEqual({ code: 'INVALID_ARGUMENT', field: 'config.approvers.among' });
        else if (leafOk) expect(result).toBe('accepted');
        else expect(result).toMatchObject({ code: 'INVALID_ARGUMENT' });
      }),
      { numRuns: 60 },
    );
  });
});
