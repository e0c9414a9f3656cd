// An approver rule's context path and a step's list of rules, each by one rule (approver-rules.ts).
// `departmentHead({ field: 'a..b' })`, `field('.who')` or `chosen('who.')` were taken: the path asked
// for a key '' no form has, so the step resolved nobody at every entry (NO_APPROVER), as a blank path
// did before it was refused. And `approvers: [[users('a')]]` (a list inside the list, a spread
// forgotten) was taken by approvalStep. Each is INVALID_ARGUMENT naming the part now, where the rule
// is made and where a step takes it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusal } from './helpers/refusal-outcome.js';
import { approvalStep, chosen, departmentHead, field, role, users, type ApproverRule } from '../src/index.js';
import { contextPathProblem } from '../src/approvals/approver-rules.js';

const step = (approvers: unknown) => () => approvalStep({ id: 'legal', mode: 'all', approvers: approvers as ApproverRule, onApproved: 'done', onRejected: 'done' });

const MALFORMED = ['a..b', '.a', 'a.', '.', 'a. ', 'a.\u200b.b', '..'] as const;

describe('a context path is names between single dots, in every rule that takes one', () => {
  it.each(MALFORMED)('departmentHead({ field: %j }) is INVALID_ARGUMENT naming field', (path) => {
    expect(refusal(() => departmentHead({ field: path }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'field' });
  });

  it.each(MALFORMED)('field(%j) and chosen() of the same path are INVALID_ARGUMENT naming field', (path) => {
    expect(refusal(() => field(path))).toEqual({ code: 'INVALID_ARGUMENT', field: 'field' });
    expect(refusal(() => chosen(path))).toEqual({ code: 'INVALID_ARGUMENT', field: 'field' });
  });

  it.each(MALFORMED)('a rule written as data with field %j is refused by approvalStep, naming its path', (path) => {
    expect(refusal(step({ kind: 'departmentHead', field: path }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'config.approvers.field' });
    expect(refusal(step([users('wang'), { kind: 'field', field: path }]))).toEqual({ code: 'INVALID_ARGUMENT', field: 'config.approvers[1].field' });
    expect(refusal(step({ kind: 'chosen', field: 'who', among: { kind: 'chosen', field: path } }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'config.approvers.among.field' });
  });

  it('the message says which name is empty and how to write the path', () => {
    expect(() => departmentHead({ field: 'a..b' })).toThrow(/"a\.\.b", whose name 2 of 3 is empty; write the names between single dots/);
  });

  it('a well-formed path is taken as given', () => {
    expect(departmentHead({ field: 'form.department' })).toEqual({ kind: 'departmentHead', field: 'form.department' });
    expect(field('customer.accountManager')).toEqual({ kind: 'field', field: 'customer.accountManager' });
    expect(chosen('reviewers')).toEqual({ kind: 'chosen', field: 'reviewers' });
  });
});

describe('a step takes one rule or one flat list of rules', () => {
  it.each([
    ['[[users(a)]]', [[users('a')]], 'config.approvers[0]'],
    ['[users(a), [role(legal)]]', [users('a'), [role('legal')]], 'config.approvers[1]'],
    ['[[]]', [[]], 'config.approvers[0]'],
  ] as const)('%s is INVALID_ARGUMENT naming the inner list', (_, approvers, path) => {
    expect(refusal(step(approvers))).toEqual({ code: 'INVALID_ARGUMENT', field: path });
    expect(step(approvers)).toThrow(/a list inside the list of approvers; give one flat list/);
  });

  it('a flat list and a single rule are taken', () => {
    expect(refusal(step([users('a'), role('legal')]))).toBe('accepted');
    expect(refusal(step(users('a')))).toBe('accepted');
  });
});

describe('property: a path is taken exactly when every dot-separated name has a visible character, by every rule alike', () => {
  const name = fc.oneof(fc.constantFrom('', ' ', '\u200b', '\ufeff'), fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,6}$/));
  it('over paths of one to four names', () => {
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 4 }), fc.nat(3), (names, nest) => {
        const path = names.join('.');
        const ok = names.every((n) => /^[a-z]/.test(n));
        expect(contextPathProblem(path) === undefined).toBe(ok);
        const expected = (f: string) => (ok ? 'accepted' : { code: 'INVALID_ARGUMENT', field: f });
        expect(refusal(() => field(path))).toEqual(expected('field'));
        expect(refusal(() => chosen(path))).toEqual(expected('field'));
        expect(refusal(() => departmentHead({ field: path }))).toEqual(expected('field'));
        // The same rule where a step takes it, however deep the rule sits in `among`.
        let rule: unknown = { kind: 'field', field: path };
        let at = 'config.approvers';
        for (let i = 0; i < nest; i++) {
          rule = { kind: 'chosen', field: 'who', among: rule };
        }
        at += '.among'.repeat(nest);
        expect(refusal(step(rule))).toEqual(expected(`${at}.field`));
      }),
      { numRuns: 200 },
    );
  });

  it('a list nested at any depth is refused naming its index; a flat one is taken', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), (nested) => {
        const approvers = nested.map((n, i) => (n ? [users(`u${i}`)] : users(`u${i}`)));
        const first = nested.indexOf(true);
        expect(refusal(step(approvers))).toEqual(first === -1 ? 'accepted' : { code: 'INVALID_ARGUMENT', field: `config.approvers[${first}]` });
      }),
      { numRuns: 100 },
    );
  });
});
