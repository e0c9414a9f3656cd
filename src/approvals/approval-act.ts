// One approval act reduced once: the authorize hook reduces it and hands the result to the machine
// (`$carry` on the event, the engine's seam); the guard and the action reuse it instead of reducing again.
import type { EventObject } from 'xstate';
import { applyApproval, type ApprovalChange, type ApprovalInput, type ReduceFacts } from './approval-reducer.js';
import type { ApprovalContext } from './approval-types.js';

/**
 * An act already reduced: for which step, from which step states (by identity: the result holds only
 * for exactly that context), and the change; `next`, the same act reduced on further steps it reaches
 * (催办 or 撤回 across parallel branches), each from the states the one before it left. Opaque to
 * everyone but the approval plugin.
 */
export interface ApprovalCarry {
  readonly kind: 'docket.approval-act';
  readonly step: string;
  readonly from: ApprovalContext['approvals'];
  readonly change: ApprovalChange<ApprovalContext>;
  readonly next?: ApprovalCarry;
}

function isCarry(value: unknown): value is ApprovalCarry {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'docket.approval-act';
}

/** Reduce `event` on `step` and wrap the result as a carry. Throws what the reducer throws. */
export function reduceAct(ctx: ApprovalContext, step: string, event: ApprovalInput, facts: ReduceFacts): ApprovalCarry {
  return { kind: 'docket.approval-act', step, from: ctx.approvals, change: applyApproval(ctx, step, event, facts) };
}

/**
 * Reduce `event` on each of `steps` in turn, each on the context the one before left (the order the
 * machine's parallel regions take it in, document order), as one carry. Throws the first refusal:
 * an act that reaches several steps is taken by all of them or refused as a whole.
 */
export function reduceActs(ctx: ApprovalContext, steps: readonly string[], event: ApprovalInput, facts: ReduceFacts): ApprovalCarry {
  const carries: ApprovalCarry[] = [];
  let at = ctx;
  for (const step of steps) {
    const carry = reduceAct(at, step, event, facts);
    carries.push(carry);
    at = carry.change.context;
  }
  return carries.reduceRight<ApprovalCarry | undefined>((next, c) => (next === undefined ? c : { ...c, next }), undefined)!;
}

// Within one transition the guard and the action see the same event object: the guard's result is
// kept for the action here, so without the engine's `$carry` an act is reduced twice (hook, guard),
// not three times. Weak: nothing outlives the event.
const reducedInTransition = new WeakMap<object, ApprovalCarry>();

/**
 * The change `event` makes to `step` of `ctx`: the carry the authorize hook attached (`$carry`) or
 * the guard kept, when it was reduced from this very context for this step; otherwise reduced now
 * (a bare machine, a workflow without the hook, or an engine without the seam). Throws the
 * reducer's DocketError when the act is refused.
 */
export function changeFor(ctx: ApprovalContext, step: string, event: EventObject, facts: () => ReduceFacts): ApprovalChange<ApprovalContext> {
  const fits = (c: ApprovalCarry | undefined): boolean => c !== undefined && c.step === step && c.from === ctx.approvals;
  const attached = (event as { $carry?: unknown }).$carry;
  let part: ApprovalCarry | undefined = isCarry(attached) ? attached : undefined;
  for (; part !== undefined; part = part.next) if (fits(part)) return part.change;
  const kept = reducedInTransition.get(event);
  if (kept !== undefined && fits(kept)) return kept.change;
  const carry = reduceAct(ctx, step, event as ApprovalInput, facts());
  reducedInTransition.set(event, carry);
  return carry.change;
}
