// Property of the kind "an act meant for the whole request reaches every live step" (targetSteps,
// everyLiveStep): over random runs on parallel branches (法务 legal ∥ 财务 finance), 催办 without a step
// reminds each live step once with its pending approvers; with a step, only that step; 撤回 without a
// step is accepted exactly when nobody decided on any branch, and then withdraws every live step; with
// a step, exactly when nobody decided on that step (a sibling branch does not count). A refusal names
// the steps acted on and changes nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDocketError } from '../src/index.js';
import { actor, admin, harness, li } from './approvals-fixture.js';
import { parallelReview } from './approvals-parallel-fixture.js';

type Act =
  | { readonly type: 'APPROVE'; readonly who: 'zhao' | 'qian' | 'sun' }
  | { readonly type: 'REMIND'; readonly step: 'legal' | 'finance' | undefined; readonly admin: boolean }
  | { readonly type: 'WITHDRAW'; readonly step: 'legal' | 'finance' | undefined };
const stepArb = fc.constantFrom(undefined, 'legal' as const, 'finance' as const);
const actArb: fc.Arbitrary<Act> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constant('APPROVE' as const), who: fc.constantFrom('zhao' as const, 'qian' as const, 'sun' as const) }), weight: 3 },
  { arbitrary: fc.record({ type: fc.constant('REMIND' as const), step: stepArb, admin: fc.boolean() }), weight: 3 },
  { arbitrary: fc.record({ type: fc.constant('WITHDRAW' as const), step: stepArb }), weight: 2 },
);
const APPROVERS = { legal: ['zhao', 'qian'], finance: ['sun'] } as const;

export const RUNS = Number(process.env['PARALLEL_RUNS'] ?? 40);

describe('催办 and 撤回 across parallel branches (property)', () => {
  it('reach every live step without a step, only the named one with it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(actArb, { minLength: 1, maxLength: 10 }), async (acts) => {
        const h = harness(parallelReview() as never);
        const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
        await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
        const approved: Record<'legal' | 'finance', Set<string>> = { legal: new Set(), finance: new Set() };
        for (const act of acts) {
          const before = await h.engine.get(id);
          if (before.status !== 'active') break;
          const live = (['legal', 'finance'] as const).filter((s) => approved[s].size < APPROVERS[s].length);
          const effectsBefore = (await h.engine.effects(id)).length;
          const event = act.type === 'APPROVE' ? { type: 'APPROVE' as const } : { type: act.type, ...(act.step ? { step: act.step } : {}) };
          const who = act.type === 'APPROVE' ? actor(act.who) : act.type === 'REMIND' && act.admin ? admin : li;
          const outcome = await h.engine.send(id, event as never, { actor: who }).then(() => 'ok' as const, (e: unknown) => e);
          if (outcome !== 'ok') {
            expect(isDocketError(outcome), String(outcome)).toBe(true);
            expect((await h.engine.get(id)).revision).toBe(before.revision);
          }
          if (act.type === 'APPROVE') {
            const step = (Object.keys(APPROVERS) as ('legal' | 'finance')[]).find((s) => (APPROVERS[s] as readonly string[]).includes(act.who))!;
            expect(outcome === 'ok').toBe(!approved[step].has(act.who));
            if (outcome === 'ok') approved[step].add(act.who);
          } else if (act.type === 'REMIND') {
            const reached = act.step ? live.filter((s) => s === act.step) : live;
            expect(outcome === 'ok').toBe(reached.length > 0);
            const sent = (await h.engine.effects(id)).slice(effectsBefore).map((e) => [(e.params as { step: string }).step, [...(e.params as { to: string[] }).to].sort()]);
            expect(sent.sort()).toEqual(outcome === 'ok' ? reached.map((s) => [s, APPROVERS[s].filter((p) => !approved[s].has(p)).sort()]).sort() : []);
          } else {
            const actedOn = (['legal', 'finance'] as const).filter((s) => approved[s].size > 0);
            const against = act.step ? actedOn.filter((s) => s === act.step || !live.includes(s)) : actedOn;
            const reachable = act.step ? live.includes(act.step) : live.length > 0;
            expect(outcome === 'ok', `WITHDRAW ${act.step ?? '(every step)'} with ${actedOn.join(',') || 'nobody'} acted on`).toBe(reachable && against.length === 0);
            if (outcome === 'ok') {
              for (const s of act.step ? [act.step] : live) expect((await h.step(id, s)).outcome).toEqual({ kind: 'withdrawn' });
              expect((await h.engine.get(id)).state).toBe('withdrawn');
            } else if (reachable) {
              expect(outcome).toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
              const named = (outcome as { details: { actedOn: string[] } }).details.actedOn;
              expect(named.length > 0 && named.every((s) => (against as readonly string[]).includes(s)), `named ${named.join(',')}`).toBe(true);
            }
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
