// An approver rule is checked where it is made (chosen, field) and where a step takes it (approvalStep),
// by one check (checkApproverRule). Regression: chosen(5), field(5) or chosen('who', { among: 'legal' })
// were taken, and every start entering the step failed with MACHINE_ERROR ("path.split is not a
// function", "reading 'flatMap'"); field(' ') or chosen('') resolved nobody (NO_APPROVER at every
// entry); a rule written as data with a misspelt kind ({ kind: 'rol' }) or as a bare string
// ('legal') passed approvalStep the same way. Each is INVALID_ARGUMENT naming the part now.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tried } from './helpers/refusal-outcome.js';
import { approvalStep, chosen, field, isDocketError, role, users, type ApproverRule } from '../src/index.js';
import { approvalFlow, harness, li } from './approvals-fixture.js';

const step = (approvers: unknown) => () => approvalStep({ id: 'legal', mode: 'all', approvers: approvers as never, onApproved: 'done', onRejected: 'done', onWithdrawn: 'done' });

describe('an approver rule out of shape is refused where it is made', () => {
  it.each([
    ['chosen(5)', () => chosen(5 as never), 'field'],
    ["chosen('')", () => chosen(''), 'field'],
    ["field(' ')", () => field(' '), 'field'],
    ['field(5)', () => field(5 as never), 'field'],
    ["chosen('who', { among: 'legal' })", () => chosen('who', { among: 'legal' as never }), 'among'],
    ["chosen('who', { among: { kind: 'chosen', field: 5 } })", () => chosen('who', { among: { kind: 'chosen', field: 5 } as never }), 'among.field'],
  ])('%s is refused naming its part', (_, make, name) => {
    expect(tried(make)).toEqual({ code: 'INVALID_ARGUMENT', field: name });
  });

  it.each([
    ["a bare string 'legal'", ['legal'], 'config.approvers[0]'],
    ["a misspelt kind { kind: 'rol' }", { kind: 'rol', role: 'legal' }, 'config.approvers'],
    ['a field rule as data with a blank path', [users('zhao'), { kind: 'field', field: ' ' }], 'config.approvers[1].field'],
    ['a supervisor rule as data with levels 0', { kind: 'supervisor', levels: 0 }, 'config.approvers.levels'],
  ])('approvalStep refuses %s, naming it', (_, approvers, name) => {
    expect(tried(step(approvers))).toEqual({ code: 'INVALID_ARGUMENT', field: name });
  });

  it('a good chosen rule still resolves the chosen approver', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: [chosen('chosen', { among: role('legal') })] }]));
    const id = await h.engine.start('flow', { amount: 1, chosen: ['zhao'] }, { actor: li });
    expect(await h.statuses(id, 'legal')).toEqual(['zhao:pending']);
  });

  it('property: a rule approvalStep takes never fails a start with MACHINE_ERROR', async () => {
    const path = fc.oneof(fc.constantFrom('chosen', 'manager', ' ', '', 'a.b'), fc.integer(), fc.constant(null));
    const leaf = fc.oneof(
      fc.constant<unknown>(users('zhao')),
      fc.constant<unknown>(role('legal')),
      fc.constant<unknown>('legal'),
      path.map((p) => ({ kind: 'field', field: p })),
      path.map((p) => ({ kind: 'chosen', field: p })),
      fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constant(1.5)).map((levels) => ({ kind: 'supervisor', levels })),
      fc.constantFrom('rol', 'user', undefined).map((kind) => ({ kind, role: 'legal' })),
    );
    const rule = fc.oneof(leaf, fc.tuple(path, leaf).map(([p, among]) => ({ kind: 'chosen', field: p, among })));
    await fc.assert(
      fc.asyncProperty(fc.oneof(rule, fc.array(rule, { minLength: 1, maxLength: 3 })), async (approvers) => {
        let flow;
        try {
          flow = approvalFlow([{ id: 'legal', mode: 'any', approvers: approvers as ApproverRule, whenNobody: 'approve' }]);
        } catch (error) {
          expect(isDocketError(error) && error.code).toBe('INVALID_ARGUMENT');
          return;
        }
        const h = harness(flow);
        try {
          await h.engine.start('flow', { amount: 1, chosen: ['zhao'], manager: 'qian' }, { actor: li });
        } catch (error) {
          // What the initiator chose may be refused (INVALID_PAYLOAD); the definition never crashes.
          expect(isDocketError(error) ? error.code : String(error)).not.toBe('MACHINE_ERROR');
          expect(isDocketError(error)).toBe(true);
        }
      }),
      { numRuns: 80 },
    );
  });
});
