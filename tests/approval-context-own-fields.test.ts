// approvals.context(input, own): the machine's own fields appended to the approval fields, the same
// object `{ ...approvals.context(input), ...own }` gives (keys, order, values), built without V8's
// slow path for keys added after a spread (see approvalContext's TSDoc).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { withApprovals } from '../src/index.js';
import { bidReview, contractApproval, expenseReimbursement } from '../machines/index.js';

const approvals = withApprovals();
const input = { $actor: { id: 'li', roles: [] }, $at: 0 };

describe('approvals.context(input, own)', () => {
  it('appends own fields after the approval fields, in order', () => {
    const ctx = approvals.context(input, { contractNo: 'HT-1', amount: 5, paid: 0 });
    expect(Object.keys(ctx)).toEqual(['initiator', 'approvals', 'approvalFlow', 'contractNo', 'amount', 'paid']);
    expect(ctx.initiator).toBe('li');
    expect(ctx.contractNo).toBe('HT-1');
  });

  it('lets an own field win, as a later key of a spread does', () => {
    const ctx = approvals.context(input, { initiator: 'wang' });
    expect(ctx).toEqual({ ...approvals.context(input), initiator: 'wang' });
    expect(Object.keys(ctx)).toEqual(['initiator', 'approvals', 'approvalFlow']);
  });

  it('keeps an own "__proto__" key as a key, not as the prototype', () => {
    const own = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as object;
    const ctx = approvals.context(input, own) as Record<string, unknown>;
    expect(Object.getPrototypeOf(ctx)).toBe(Object.prototype);
    expect(Object.hasOwn(ctx, '__proto__')).toBe(true);
    expect((ctx as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('without own fields is the approval fields alone', () => {
    expect(approvals.context(input)).toEqual({ initiator: 'li', approvals: {}, approvalFlow: { resume: null, lastApproved: null, acted: false } });
  });

  it.each([
    ['contract approval', contractApproval, { contractNo: 'HT-1', title: '营销平台', customer: '深圳电信', amount: 880_000, department: 'sales' }],
    ['bid review', bidReview, { tenderNo: 'ZB-1', title: '投标', customer: '深圳电信', submissionDeadline: '2026-10-20T09:30:00+08:00', prequalification: true, department: 'sales', bondAmount: 10_000 }],
    ['expense reimbursement', expenseReimbursement, { title: '差旅', department: 'sales', items: [{ description: '机票', amount: 1200 }] }],
  ])('the %s machine starts with the approval fields first, then its own', (_name, workflow, raw) => {
    const parsed = workflow.input.parse(raw) as object;
    const ctx = (workflow.machine.config.context as unknown as (a: { input: unknown }) => Record<string, unknown>)({ input: { ...parsed, ...input } });
    expect(Object.keys(ctx).slice(0, 3)).toEqual(['initiator', 'approvals', 'approvalFlow']);
    expect(ctx.initiator).toBe('li');
    expect(Object.keys(ctx).length).toBeGreaterThan(3);
  });

  it('property: the same keys, order and values as the spread, for any own fields', () => {
    const key = fc.oneof(fc.constantFrom('initiator', 'approvals', 'approvalFlow', '__proto__', 'constructor', 'toString'), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 8 }), (own) => {
        const got = approvals.context(input, own);
        const spread = { ...approvals.context(input), ...own };
        expect(Object.keys(got)).toEqual(Object.keys(spread));
        expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
        for (const k of Object.keys(spread)) expect(Object.getOwnPropertyDescriptor(got, k)?.value).toEqual(Object.getOwnPropertyDescriptor(spread, k)?.value);
      }),
      { numRuns: 200 },
    );
  });
});
