import { actionable, APPROVAL_EVENT_TYPES, type ApprovalContext } from '../approvals/index.js';
import type { Directory } from '../organisation/index.js';
import type { Actor } from '../store/index.js';
import type { SampleEvent } from './sample-events.js';

/**
 * A `pickActor` for workflows built from approval steps: an approval event is sent by the first
 * person who may act on its step now (the step named in the event, else the first open one), with
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
    const approvals = (context as Partial<ApprovalContext> | undefined)?.approvals ?? {};
    const named = typeof event['step'] === 'string' ? [event['step']] : Object.keys(approvals).filter((s) => approvals[s]?.active);
    for (const step of named) {
      const state = approvals[step];
      if (!state?.active) continue;
      const open = actionable(state.assignments);
      const user = open[0]?.user ?? open[0]?.group?.members[0];
      if (user) return { id: user, roles: directory?.user(user)?.roles ?? [] };
    }
    return undefined;
  };
}
