import { actionable, APPROVAL_EVENT_TYPES, type ApprovalContext } from '../approvals/index.js';
import { reachablePeople } from '../approvals/operations/reducer-helpers.js';
import type { Directory } from '../organisation/index.js';
import type { Actor } from '../store/index.js';
import type { SampleEvent } from './sample-events.js';

/**
 * A `pickActor` for workflows built from approval steps: an approval event is sent by the first
 * person who may act on its step now (the step named in the event, else the first open one): the
 * first person the step's inbox offers an open task to (`reachablePeople`, the inbox's own rule), so
 * never a 认领 group member who already holds a seat in the step, nor an initiator the step does not
 * let decide (that act would be refused, and path generation reported the step as a dead end), with
 * the roles the directory gives them (none without a directory: named approvers, `users('sun')`).
 * Non-approval events (and WITHDRAW) fall back to `actors`. `assertNoDeadEnds` and `replayPaths` pick
 * approvers this way by default on an approval workflow (and send WITHDRAW as the initiator).
 *
 * @example
 * ```ts
 * import { pickApprover, replayPaths } from 'docket/testing';
 * // await replayPaths(contract, { input, directory, pickActor: pickApprover(directory) });
 * ```
 */
export function pickApprover(directory?: Directory): (event: SampleEvent, context: unknown) => Actor | undefined {
  const types = new Set<string>(APPROVAL_EVENT_TYPES.filter((t) => t !== 'WITHDRAW'));
  return (event, context) => {
    if (!types.has(event.type)) return undefined;
    const ctx = context as Partial<ApprovalContext> | undefined;
    const approvals = ctx?.approvals ?? {};
    const named = typeof event['step'] === 'string' ? [event['step']] : Object.keys(approvals).filter((s) => approvals[s]?.active);
    for (const step of named) {
      const state = approvals[step];
      if (!state?.active) continue;
      // Who the inbox lists each open task for: its user, or the group members who could claim it.
      // members[0] was taken as it came, so a 会签 of zhao and a claim group of legal (zhao, qian) sent
      // the group's APPROVE as zhao, who sat in the step already: refused, and the step a dead end.
      const reach = reachablePeople(state, ctx?.initiator ?? '');
      for (const task of actionable(state.assignments)) {
        const user = reach(task)[0];
        if (user !== undefined) return { id: user, roles: directory?.user(user)?.roles ?? [] };
      }
    }
    return undefined;
  };
}
