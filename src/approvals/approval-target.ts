import type { Actor } from '../store/records.js';
import { actionable } from './approval-decision.js';
import type { ApprovalContext } from './approval-types.js';
import { operationOf } from './operations.js';
import { taskInStep } from './approval-reducer.js';

/**
 * Which steps an approval event is meant for: the one it names (`step`), the one holding its
 * `taskId`; for an operation meant for the whole request (催办, 撤回: `everyLiveStep`), every live
 * step (parallel branches), in the context's order; otherwise the active step where the actor (or the
 * person they act for) has something to do. Empty when none fits.
 *
 * @example
 * ```ts
 * import { withApprovals } from 'docket';
 * import { targetSteps } from './approval-target.js';
 * targetSteps(withApprovals().context({}), { type: 'REMIND' }, () => true); // []: no step yet
 * ```
 */
export function targetSteps(
  ctx: ApprovalContext,
  event: { readonly type: string; readonly [key: string]: unknown },
  isActive: (step: string) => boolean,
): readonly string[] {
  const live = Object.values(ctx.approvals).filter((s) => isActive(s.spec.id) && s.outcome === null);
  if (typeof event['step'] === 'string') return live.some((s) => s.spec.id === event['step']) ? [event['step'] as string] : [];
  if (typeof event['taskId'] === 'string') {
    const holder = live.find((s) => taskInStep(s, event['taskId'] as string));
    return holder ? [holder.spec.id] : [];
  }
  if (live.length <= 1) return live.map((s) => s.spec.id);
  const every = operationOf(event.type)?.everyLiveStep;
  if (every === 'each') return live.map((s) => s.spec.id);
  if (every === 'allowing') {
    const allowing = live.filter((s) => s.spec.operations === undefined || s.spec.operations.includes(event.type as never));
    // None allows it: the first, whose refusal says what it allows.
    return (allowing.length > 0 ? allowing : live.slice(0, 1)).map((s) => s.spec.id);
  }
  const actor = event['$actor'] as Actor | undefined;
  const who = (event['$onBehalfOf'] as string | undefined) ?? actor?.id;
  const from = typeof event['from'] === 'string' ? (event['from'] as string) : undefined;
  const mine = live.find((s) =>
    s.assignments.some(
      (a) =>
        a.status === 'pending' &&
        (a.user === (from ?? who) || a.delegate === actor?.id || (a.user === null && who !== undefined && a.group?.members.includes(who))) &&
        (from !== undefined || operationOf(event.type)?.reachesWaitingTasks === true || actionable(s.assignments).some((x) => x.id === a.id)),
    ),
  );
  const one = mine ?? live[0];
  return one ? [one.spec.id] : [];
}

/**
 * The first of {@link targetSteps}: the step an approval event is meant for, or `undefined`.
 *
 * @example
 * ```ts
 * import { withApprovals } from 'docket';
 * import { targetStep } from './approval-target.js';
 * targetStep(withApprovals().context({}), { type: 'APPROVE', step: 'legal' }, () => true); // undefined: no such step yet
 * ```
 */
export function targetStep(
  ctx: ApprovalContext,
  event: { readonly type: string; readonly [key: string]: unknown },
  isActive: (step: string) => boolean,
): string | undefined {
  return targetSteps(ctx, event, isActive)[0];
}
