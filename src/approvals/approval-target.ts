import type { Actor } from '../store/records.js';
import { actionable } from './approval-decision.js';
import type { ApprovalContext } from './approval-types.js';
import { operationOf } from './operations.js';
import { taskInStep } from './approval-reducer.js';

/**
 * Which step an approval event is meant for: the one it names (`step`), the one holding its
 * `taskId`, or the active step where the actor (or the person they act for) has something to do.
 * `undefined` when none fits.
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
  const live = Object.values(ctx.approvals).filter((s) => isActive(s.spec.id) && s.outcome === null);
  if (typeof event['step'] === 'string') return live.some((s) => s.spec.id === event['step']) ? (event['step'] as string) : undefined;
  if (typeof event['taskId'] === 'string') return live.find((s) => taskInStep(s, event['taskId'] as string))?.spec.id;
  if (live.length <= 1) return live[0]?.spec.id;
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
  return (mine ?? live[0])?.spec.id;
}
