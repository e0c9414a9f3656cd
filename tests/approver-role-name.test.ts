// A role an approval step or a permission names is a role name by the one id rule, the rule a
// directory's roles follow (staticDirectory refuses a user's role ' ') and the inbox filter
// tasks({ role }) applies. Regression: role(' ') and role('') were taken at definition and made a
// step no directory could staff (NO_APPROVER at every entry); a role rule written as data
// ({ kind: 'role', role: ' ' }) passed approvalStep; permissions { APPROVE: [' '] } made an event no
// actor could send (an actor's roles follow the id rule); and role('legal', { clam: true }) ignored
// the misspelt option, asking every member instead of one who claims.
import fc from 'fast-check';
import { z } from 'zod';
import { setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { approvalStep, chosen, defineWorkflow, departmentHead, role, staticDirectory, supervisors, users, type ApproverRule } from '../src/index.js';
import { isBlankId } from '../src/store/id-rule.js';

const refusal = (call: () => unknown) => {
  try {
    call();
    return 'accepted';
  } catch (error) {
    return { code: (error as { code?: unknown }).code, field: (error as { details?: { field?: unknown } }).details?.field };
  }
};

const step = (approvers: ApproverRule | readonly ApproverRule[]) => () => approvalStep({ id: 'legal', mode: 'all', approvers, onApproved: 'done', onRejected: 'done' });

describe('role(name) takes a role name by the one id rule', () => {
  it.each([
    ['blank', ' '],
    ['empty', ''],
    ['an ideographic space', '\u3000'],
    ['a tab and a newline', '\t\n'],
    ['over 256 characters', 'r'.repeat(257)],
    ['holding U+0000', 'le\u0000gal'],
    ['an unpaired surrogate', 'a\ud800'],
    ['not a string', 5],
  ])('role(%s) is INVALID_ARGUMENT naming the argument', (_, name) => {
    expect(refusal(() => role(name as string))).toEqual({ code: 'INVALID_ARGUMENT', field: 'name' });
  });

  it('the message says what a role name is', () => {
    expect(() => role(' ')).toThrow(/role name is blank.*Ids are 1 to 256 characters, not blank/);
  });

  it('options are read by the options rule: a misspelt key or a claim that is not a boolean is refused, not ignored', () => {
    expect(refusal(() => role('legal', { clam: true } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'clam' });
    expect(refusal(() => role('legal', { claim: 'yes' } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'claim' });
    expect(refusal(() => role('legal', null as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'options' });
    expect(role('legal', { claim: true })).toEqual({ kind: 'role', role: 'legal', claim: true });
    expect(role('legal', { claim: false })).toEqual({ kind: 'role', role: 'legal' });
    expect(role('财务')).toEqual({ kind: 'role', role: '财务' });
  });

  it.each([
    ['a role rule written as data', { kind: 'role', role: ' ' }, 'config.approvers.role'],
    ['one of a list of rules', [users('wang'), { kind: 'role', role: '' }], 'config.approvers[1].role'],
    // As data: chosen() itself refuses such an among where it is made.
    ["chosen's among", { kind: 'chosen', field: 'who', among: { kind: 'role', role: '\t' } }, 'config.approvers.among.role'],
  ] as const)('approvalStep refuses %s naming a blank role, with its path', (_, rule, path) => {
    expect(refusal(step(rule as ApproverRule))).toEqual({ code: 'INVALID_ARGUMENT', field: path });
  });

  it("defineWorkflow refuses a permission's blank role, naming it (no actor could hold it)", () => {
    const define = (roles: readonly string[]) => () =>
      defineWorkflow({
        id: 'w',
        version: 1,
        machine: setup({}).createMachine({ initial: 'a', states: { a: { on: { GO: 'b' } }, b: { type: 'final' } } }),
        input: z.object({}),
        events: { GO: z.object({}) },
        permissions: { GO: roles },
      });
    expect(refusal(define(['manager', ' ']))).toEqual({ code: 'INVALID_ARGUMENT', field: 'definition.permissions.GO[1]' });
    expect(refusal(define(['x'.repeat(257)]))).toEqual({ code: 'INVALID_ARGUMENT', field: 'definition.permissions.GO[0]' });
    expect(refusal(define(['manager']))).toBe('accepted');
  });

  it('property: role(s) is accepted exactly when a directory takes s as a role, and an approval step and the directory agree', () => {
    // Strings of every kind: blanks of many sorts, lone surrogates, U+0000, long ones, ordinary names.
    const piece = fc.oneof(fc.string(), fc.constantFrom(' ', '\u3000', '\t', '\u0000', '\ud800', '\udc00', 'legal', '财务'), fc.string({ unit: 'binary', maxLength: 4 }));
    const name = fc.oneof(fc.array(piece, { maxLength: 4 }).map((parts) => parts.join('')), fc.integer({ min: 250, max: 260 }).map((n) => 'r'.repeat(n)));
    fc.assert(
      fc.property(name, (s) => {
        // The oracle, by the rule's words: 1 to 256 UTF-16 code units, not blank (isBlankId: not only
        // whitespace, controls and invisible characters; the binary pieces draw '\u0012' now and then),
        // no U+0000, every surrogate paired.
        const paired = !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
        const ok = s.length >= 1 && s.length <= 256 && !isBlankId(s) && !s.includes('\u0000') && paired;
        const outcomes = [
          refusal(() => role(s)),
          refusal(() => staticDirectory({ users: [{ id: 'u', roles: [s] }] })),
          refusal(step({ kind: 'role', role: s })),
        ];
        if (ok) expect(outcomes).toEqual(['accepted', 'accepted', 'accepted']);
        else expect(outcomes).toEqual([
          { code: 'INVALID_ARGUMENT', field: 'name' },
          { code: 'INVALID_ARGUMENT', field: 'users[0].roles[0]' },
          { code: 'INVALID_ARGUMENT', field: 'config.approvers.role' },
        ]);
      }),
      { numRuns: 400 },
    );
  });
});

describe("the other approver rules' options are read by the options rule", () => {
  it("departmentHead({ departmnet }) is refused, naming it (it was ignored: the initiator's own head was asked)", () => {
    expect(refusal(() => departmentHead({ departmnet: 'legal' } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'departmnet' });
    expect(refusal(() => departmentHead({ department: ' ' }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'department' });
    expect(refusal(() => departmentHead({ field: 5 } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'field' });
    expect(departmentHead({ department: 'legal' })).toEqual({ kind: 'departmentHead', department: 'legal' });
    expect(departmentHead()).toEqual({ kind: 'departmentHead' });
  });

  it('chosen(field, { amongst }) is refused, naming it (it was ignored: anyone could be chosen)', () => {
    expect(refusal(() => chosen('who', { amongst: role('legal') } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'amongst' });
    expect(chosen('who', { among: role('legal') })).toEqual({ kind: 'chosen', field: 'who', among: { kind: 'role', role: 'legal' } });
  });

  it('property: any options object gives a rule or INVALID_ARGUMENT naming a field, an unknown key always by its name; never a raw error', () => {
    const calls = [
      [(o: unknown) => role('legal', o as never), ['claim']],
      [(o: unknown) => departmentHead(o as never), ['department', 'field']],
      [(o: unknown) => chosen('who', o as never), ['among']],
    ] as const;
    const key = fc.oneof(fc.constantFrom('claim', 'department', 'field', 'among'), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.dictionary(key, fc.oneof(fc.anything(), fc.constantFrom(true, 'legal', role('x'))), { maxKeys: 3 }), (options) => {
        for (const [call, known] of calls) {
          const outcome = refusal(() => call(options));
          const unknown = Object.keys(options).filter((k) => !(known as readonly string[]).includes(k));
          // An unknown key is always refused by its name; known keys give a rule or name one of them.
          if (unknown.length > 0) expect(outcome).toEqual({ code: 'INVALID_ARGUMENT', field: unknown[0] });
          else if (outcome !== 'accepted') expect(outcome).toEqual({ code: 'INVALID_ARGUMENT', field: expect.toBeOneOf([...known]) });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('supervisors(0) names levels', () => {
    expect(refusal(() => supervisors(0))).toEqual({ code: 'INVALID_ARGUMENT', field: 'levels' });
  });
});
