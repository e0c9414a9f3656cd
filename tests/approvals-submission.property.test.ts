// Property of the kind "where a new submission begins" (src/approvals/submission.ts): over random
// runs of decisions, 退回 (to the submitter or the previous step), 拒绝 back to the draft, an
// administrator's moveTo (to the draft or to a step), resubmissions and 撤回, the submitter's WITHDRAW
// is accepted exactly while nobody has decided since the request last went from the draft into a step
// (the submitter's resubmission or an administrator's moveTo from the draft; a move from step to step
// keeps the submission), and a refusal changes nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDocketError, users } from '../src/index.js';
import { actor, admin, approvalFlow, harness, li } from './approvals-fixture.js';

type Act =
  | { readonly type: 'APPROVE' | 'REJECT' }
  | { readonly type: 'RETURN'; readonly to: 'submitter' | 'previous' }
  | { readonly type: 'MOVE'; readonly target: 'draft' | 'manager' | 'legal' }
  | { readonly type: 'SUBMIT' | 'WITHDRAW' };

const actArb: fc.Arbitrary<Act> = fc.oneof(
  { arbitrary: fc.constant({ type: 'APPROVE' as const }), weight: 4 },
  { arbitrary: fc.constant({ type: 'REJECT' as const }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('RETURN' as const), to: fc.constantFrom('submitter' as const, 'previous' as const) }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('MOVE' as const), target: fc.constantFrom('draft' as const, 'manager' as const, 'legal' as const) }), weight: 2 },
  { arbitrary: fc.constant({ type: 'SUBMIT' as const }), weight: 3 },
  { arbitrary: fc.constant({ type: 'WITHDRAW' as const }), weight: 3 },
);

const steps = [
  { id: 'manager', mode: 'all' as const, approvers: users('wang'), returns: { submitter: true } },
  { id: 'legal', mode: 'all' as const, approvers: users('zhao', 'qian'), returns: { submitter: true, previous: 'manager' } },
];
const top = (state: unknown) => (typeof state === 'string' ? state : Object.keys(state as object)[0]!);

export const RUNS = Number(process.env['SUBMISSION_RUNS'] ?? 40);

describe('撤回 after a new submission (property)', () => {
  it('WITHDRAW is accepted exactly while nobody decided since the request last entered the steps from the draft', async () => {
    await fc.assert(
      // Each run ends with a WITHDRAW, so every run asks the question once at least.
      fc.asyncProperty(fc.array(actArb, { minLength: 1, maxLength: 12 }).map((a) => [{ type: 'SUBMIT' as const }, ...a, { type: 'WITHDRAW' as const }]), fc.boolean(), async (acts, rejectToDraft) => {
        const h = harness(approvalFlow(steps, { draft: true, ...(rejectToDraft ? { rejectedTo: 'draft' as const } : {}) }));
        const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
        let acted = false; // the oracle: someone decided since the request last went from the draft into a step
        for (const act of acts) {
          const before = await h.engine.get(id);
          if (before.status !== 'active') break;
          const where = top(before.state);
          const inStep = where === 'manager' || where === 'legal';
          let sent: Promise<unknown>;
          if (act.type === 'MOVE') sent = h.engine.moveTo(id, { actor: admin, target: act.target, reason: 'property' });
          else if (act.type === 'SUBMIT' || act.type === 'WITHDRAW') sent = h.engine.send(id, { type: act.type }, { actor: li });
          else {
            const [task] = await h.engine.tasks({ instanceId: id });
            if (!task) continue;
            const event = act.type === 'RETURN' ? { type: 'RETURN' as const, to: act.to, taskId: task.id } : { type: act.type, taskId: task.id };
            sent = h.engine.send(id, event, { actor: actor(task.assignees[0]!) });
          }
          const outcome = await sent.then(() => 'ok' as const, (e: unknown) => e);
          if (act.type === 'WITHDRAW' && inStep) {
            expect(outcome === 'ok', `WITHDRAW at ${where} with acted=${acted}: ${outcome === 'ok' ? 'accepted' : (outcome as Error).message}`).toBe(!acted);
          }
          if (outcome !== 'ok') {
            expect(isDocketError(outcome), String(outcome)).toBe(true);
            expect((await h.engine.get(id)).revision).toBe(before.revision);
            continue;
          }
          const now = top((await h.engine.get(id)).state);
          if (where === 'draft' && (now === 'manager' || now === 'legal')) acted = false;
          if (act.type === 'APPROVE' || act.type === 'REJECT' || act.type === 'RETURN') acted = true;
        }
      }),
      { numRuns: RUNS },
    );
  });
});
