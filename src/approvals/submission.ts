// The submission (提交) an approval act belongs to: where a new one begins, and who has acted on it.
// One place for every path that sends a request back to its submitter (退回 or 拒绝 to the draft, 撤回,
// an administrator's moveTo out of a step) and brings it back into the steps (the submitter's
// resubmission, or an administrator's moveTo from the draft), so 撤回 `untilActed` reads one fact.
import type { ApprovalFlowState, ApprovalStepState } from './approval-types.js';

/**
 * Whether leaving `state` (its state node exits) sends the request back to its submitter: the step
 * ended the request's way through the steps (拒绝 `rejected`, 撤回 `withdrawn`, 退回 to the
 * submitter), or it is left undecided (an administrator's moveTo, the machine's own transition).
 * Not a step approved (the request goes on), nor one returned to an earlier step (the same
 * submission is reviewed again). A step entered in the same transition keeps the submission (see
 * {@link flowOnEnter}), so a move from step to step, or a sibling branch's 退回 to an earlier step,
 * begins none.
 */
export function leavesToSubmitter(state: ApprovalStepState): boolean {
  const outcome = state.outcome;
  if (outcome === null) return true;
  return outcome.kind === 'rejected' || outcome.kind === 'withdrawn' || (outcome.kind === 'returned' && outcome.to === 'submitter');
}

/** The flow facts after leaving `state` (see {@link leavesToSubmitter}): marked back with the submitter, or unchanged. */
export function flowOnLeave(flow: ApprovalFlowState, state: ApprovalStepState): Partial<ApprovalFlowState> {
  return leavesToSubmitter(state) && flow.withSubmitter !== true ? { withSubmitter: true } : {};
}

/**
 * The flow facts on entering a step. `fromStep`: the instance was in an approval step just before
 * this transition (a move from step to step, a return to an earlier step, the next step after an
 * approval). A request back with its submitter that enters a step from outside the steps (the
 * submitter's resubmission, `SUBMIT` or whatever the machine calls it, or an administrator's moveTo
 * from the draft) begins a new submission: nobody has acted on it yet, so 撤回 `untilActed` holds
 * again. Entered from a step, it is the same submission: who acted before still counts.
 */
export function flowOnEnter(flow: ApprovalFlowState, fromStep: boolean): Partial<ApprovalFlowState> {
  if (flow.withSubmitter !== true) return {};
  return fromStep ? { withSubmitter: false } : { withSubmitter: false, acted: false, actedOn: [] };
}
/** The flow facts after someone decided on step `step` (同意, 拒绝, 退回, 要求修改): the submission has been acted on there. */
export function flowOnDecision(flow: ApprovalFlowState, step: string): Partial<ApprovalFlowState> {
  const on = flow.actedOn ?? [];
  return { acted: true, actedOn: on.includes(step) ? on : [...on, step] };
}

/**
 * The steps acted on in this submission that bar withdrawing `step` under `untilActed`: those acted
 * on, except other branches live beside it (`live`, the steps open now), which a withdrawal of
 * `step` alone leaves as they are. A context stored before `actedOn` was recorded, with `acted` set,
 * gives no steps and `unknown: true` (someone acted; where is not known).
 */
export function actedAgainst(flow: ApprovalFlowState, step: string, live: readonly string[]): { readonly steps: readonly string[]; readonly unknown: boolean } {
  const on = flow.actedOn ?? [];
  const steps = on.filter((s) => s === step || !live.includes(s));
  return { steps, unknown: flow.acted && on.length === 0 };
}
