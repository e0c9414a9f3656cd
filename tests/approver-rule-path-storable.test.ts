// The context-path rule (contextPathProblem, src/approvals/approver-rules.ts) checked a path's names
// for empty and blank but not what a store keeps: `field('manager\u0000')`, `chosen('who\ud800')` or
// `departmentHead({ field: 'a.\udc00' })` were taken where made and by approvalStep, and then every
// start entering the step failed with INVALID_PAYLOAD ("…spec.approvers.field contains U+0000 …
// Remove or replace that character"), blaming the instance's data for a character in the definition:
// a step keeps its rules in the context. Such a path is INVALID_ARGUMENT naming the field now, as an
// id with one is, where the rule is made and where a step takes it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusal } from './helpers/refusal-outcome.js';
import { approvalStep, chosen, departmentHead, field, isDocketError, type ApproverRule } from '../src/index.js';
import { contextPathProblem } from '../src/approvals/approver-rules.js';
import { approvalFlow, harness, li } from './approvals-fixture.js';

const step = (approvers: unknown) => () => approvalStep({ id: 'legal', mode: 'all', approvers: approvers as ApproverRule, onApproved: 'done', onRejected: 'done' });

const UNSTORABLE = ['manager\u0000', '\u0000', 'who\ud800', '\udc00', 'a.\ud800.b', 'a.b\udfff'] as const;

describe('a context path holding U+0000 or a lone surrogate is refused where made', () => {
  it.each(UNSTORABLE)('field, chosen and departmentHead of %j are INVALID_ARGUMENT naming field', (path) => {
    expect(refusal(() => field(path))).toEqual({ code: 'INVALID_ARGUMENT', field: 'field' });
    expect(refusal(() => chosen(path))).toEqual({ code: 'INVALID_ARGUMENT', field: 'field' });
    expect(refusal(() => departmentHead({ field: path }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'field' });
  });

  it.each(UNSTORABLE)('a rule written as data with field %j is refused by approvalStep, naming its path', (path) => {
    expect(refusal(step({ kind: 'field', field: path }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'config.approvers.field' });
    expect(refusal(step([{ kind: 'chosen', field: 'who', among: { kind: 'departmentHead', field: path } }]))).toEqual({ code: 'INVALID_ARGUMENT', field: 'config.approvers[0].among.field' });
  });

  it('the message says what is wrong and what to do', () => {
    expect(() => field('manager\u0000')).toThrow(/holds U\+0000 or an unpaired surrogate; no store keeps one, so remove it/);
  });

  it('a start entering a step whose path was taken no longer fails INVALID_PAYLOAD: the path is refused before any start', async () => {
    // What was taken before: the step built from data, then every start refused as the instance's fault.
    expect(refusal(step({ kind: 'field', field: 'manager\u0000' }))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const h = harness(approvalFlow([{ id: 'legal', mode: 'any', approvers: field('manager'), whenNobody: 'approve' }]));
    await expect(h.engine.start('flow', { amount: 1, manager: 'qian' }, { actor: li })).resolves.toEqual(expect.any(String));
  });

  it('an astral character (a pair, not a lone surrogate) in a path is taken', () => {
    expect(refusal(() => field('form.\u{1F468}\u200d\u{1F469}'))).toBe('accepted');
    expect(refusal(() => field('\u{20000}.a'))).toBe('accepted');
  });
});

describe('property: a path field() takes is one a store keeps, and a start entering its step is never INVALID_PAYLOAD for it', () => {
  const piece = fc.constantFrom('a', 'manager', '.', '\u0000', '\ud800', '\udc00', '\u{1F468}', '李', ' ', '\u200b');
  it('over paths built of names, dots, NUL and surrogate halves', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 8 }), async (pieces) => {
        const path = pieces.join('');
        const made = refusal(() => field(path));
        const problem = contextPathProblem(path);
        expect(made === 'accepted').toBe(problem === undefined);
        if (path.includes('\u0000') || /\p{Cs}/u.test(path.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) expect(made).toEqual({ code: 'INVALID_ARGUMENT', field: 'field' });
        if (made !== 'accepted') return;
        const h = harness(approvalFlow([{ id: 'legal', mode: 'any', approvers: field(path), whenNobody: 'approve' }]));
        const outcome = await h.engine.start('flow', { amount: 1, manager: 'qian' }, { actor: li }).then(() => 'ok', (error: unknown) => (isDocketError(error) ? error.code : String(error)));
        expect(outcome).toBe('ok');
        await h.engine.close();
      }),
      { numRuns: 60 },
    );
  });
});
