import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { approvalStep, isDocketError, users, type ApprovalStepConfig } from '../src/index.js';
import { actor, approvalFlow, harness, li, type StepSpec } from './approvals-fixture.js';

// An approval step's settings outside their types were taken as given: a 票签 { count: 0 } or
// { ratio: 0 } passed the step on entry with nobody's vote (and a negative one too); NaN, Infinity or a
// ratio above 1 refused every request at entry with a message like "needs NaN approvals"; an unknown
// mode threw MACHINE_ERROR at entry; `withdraw: 'sometimes'`, an operation 'BOGUS', a deadline
// escalating to no role were all accepted. approvalStep now refuses each, naming the setting.

const base = { id: 's1', approvers: users('zhao', 'qian', 'sun'), onApproved: 'done', onRejected: 'done' } as const;
const refused = (config: Record<string, unknown>, field: string) => {
  let error: unknown;
  try {
    approvalStep({ ...base, mode: 'all', ...config } as ApprovalStepConfig);
  } catch (e) {
    error = e;
  }
  expect(isDocketError(error), String(error)).toBe(true);
  expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field, step: 's1' } });
  // Says what to write instead.
  expect((error as Error).message).toMatch(/Use /);
};

describe('brk24: approvalStep refuses settings outside their types', () => {
  it('票签 count 0 used to pass the step on entry with nobody voting', async () => {
    // Through the fixture, as a workflow author would write it: refused when the step is built.
    expect(() => approvalFlow([{ id: 's1', mode: { count: 0 }, approvers: users('zhao', 'qian') }], { draft: true })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { field: 'config.mode.count', step: 's1' } }),
    );
    // A valid count still runs, and nobody's absence passes it.
    const h = harness(approvalFlow([{ id: 's1', mode: { count: 1 }, approvers: users('zhao', 'qian') }], { draft: true }));
    const id = await h.engine.start('flow', {}, { actor: li });
    await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
    expect(await h.inbox(id)).toEqual(['s1:qian', 's1:zhao']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });
  it.each([
    [{ count: 0 }, 'config.mode.count'],
    [{ count: -1 }, 'config.mode.count'],
    [{ count: 1.5 }, 'config.mode.count'],
    [{ count: Number.NaN }, 'config.mode.count'],
    [{ count: Number.POSITIVE_INFINITY }, 'config.mode.count'],
    [{ count: '2' }, 'config.mode.count'],
    [{ ratio: 0 }, 'config.mode.ratio'],
    [{ ratio: -0.5 }, 'config.mode.ratio'],
    [{ ratio: 1.5 }, 'config.mode.ratio'],
    [{ ratio: Number.NaN }, 'config.mode.ratio'],
    [{ ratio: 0.5, strict: 'yes' }, 'config.mode.strict'],
    [{ count: 2, ratio: 0.5 }, 'config.mode'],
    ['bogus', 'config.mode'],
    [null, 'config.mode'],
  ])('mode %j is refused naming %s', (mode, field) => refused({ mode }, field));
  it.each([
    [{ withdraw: 'sometimes' }, 'config.withdraw'],
    [{ whenNobody: 'bogus' }, 'config.whenNobody'],
    [{ whenNobody: { role: '' } }, 'config.whenNobody.role'],
    [{ whenTooFew: 'bogus' }, 'config.whenTooFew'],
    [{ initiatorIsApprover: 'bogus' }, 'config.initiatorIsApprover'],
    [{ resubmit: 'bogus' }, 'config.resubmit'],
    [{ dedupe: 'yes' }, 'config.dedupe'],
    [{ operations: ['APPROVE', 'BOGUS'] }, 'config.operations.1'],
    [{ deadline: { after: 'due', then: { kind: 'bogus' } } }, 'config.deadline.then.kind'],
    [{ deadline: { after: 'due', then: { kind: 'escalate' } } }, 'config.deadline.then.role'],
    [{ deadline: { after: '', then: { kind: 'approve' } } }, 'config.deadline.after'],
    [{ remind: { every: '' } }, 'config.remind.every'],
    [{ rejection: 'bogus' }, 'config.rejection'],
    [{ title: 'x' }, 'config.title'],
  ])('%j is refused naming %s', (config, field) => refused(config, field));

  it('property: a mode is taken exactly when it is a named mode, a whole count >= 1 or a ratio in (0, 1]', () => {
    const valid = (mode: unknown): boolean =>
      mode === 'sequential' || mode === 'all' || mode === 'any' ||
      (typeof mode === 'object' && mode !== null && (Object.keys(mode).join() === 'count'
        ? Number.isSafeInteger((mode as { count: unknown }).count) && ((mode as { count: number }).count >= 1)
        : ['ratio', 'ratio,strict'].includes(Object.keys(mode).join()) && typeof (mode as { ratio: unknown }).ratio === 'number' && (mode as { ratio: number }).ratio > 0 && (mode as { ratio: number }).ratio <= 1 &&
          ['boolean', 'undefined'].includes(typeof (mode as { strict?: unknown }).strict)));
    const num = fc.oneof(fc.integer({ min: -3, max: 5 }), fc.double({ min: -2, max: 3 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 0, 1, -0));
    const modeArb = fc.oneof(
      fc.constantFrom<unknown>('sequential', 'all', 'any', 'bogus', '', null, 3),
      fc.record({ count: num }),
      fc.record({ ratio: num }),
      fc.record({ ratio: num, strict: fc.constantFrom<unknown>(true, false, 'yes') }),
      fc.record({ count: num, ratio: num }),
    );
    fc.assert(
      fc.property(modeArb, (mode) => {
        let error: unknown;
        try {
          approvalStep({ ...base, mode } as ApprovalStepConfig);
        } catch (e) {
          error = e;
        }
        if (valid(mode)) expect(error).toBeUndefined();
        else expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { step: 's1' } });
      }),
      { numRuns: 300 },
    );
  });

  it('property: no step taken by approvalStep is decided on entry without anyone (票签 passes only by votes)', async () => {
    const modeArb = fc.oneof(fc.record({ count: fc.integer({ min: -2, max: 3 }) }), fc.record({ ratio: fc.constantFrom(-0.5, 0, 0.25, 0.5, 1) }));
    await fc.assert(
      fc.asyncProperty(modeArb, async (mode) => {
        let flow;
        try {
          flow = approvalFlow([{ id: 's1', mode, approvers: users('zhao', 'qian', 'sun') } as StepSpec], { draft: true });
        } catch (e) {
          expect(e).toMatchObject({ code: 'INVALID_ARGUMENT' });
          return;
        }
        const h = harness(flow);
        const id = await h.engine.start('flow', {}, { actor: li });
        await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
        expect(await h.inbox(id)).toEqual(['s1:qian', 's1:sun', 's1:zhao']);
      }),
      { numRuns: 30 },
    );
  });
});
