import type { AuthorizeArgs, AuthorizeResult } from '../engine/define-workflow.js';
import { activeStandIns } from '../organisation/stand-ins.js';
import { DocketError, isDocketError } from '../errors.js';
import { actionable } from './approval-decision.js';
import { APPROVAL_EVENT_TYPES } from './approval-events.js';
import { applyApproval, type ApprovalInput } from './approval-reducer.js';
import { targetStep } from './approval-target.js';
import type { ApprovalContext } from './approval-types.js';

const TYPES = new Set<string>(APPROVAL_EVENT_TYPES);
/** Operations a stand-in (代理) may perform for the person they stand in for. */
const FOR_OTHERS = new Set(['APPROVE', 'REJECT', 'REQUEST_CHANGES', 'RETURN', 'ADD_SIGNER', 'TRANSFER', 'DELEGATE', 'CLAIM']);

/**
 * The `authorize` hook for workflows built from approval steps: task-aware authorization on top of
 * roles. Only a current assignee (or their delegate 委托, or their stand-in 代理 for the date range
 * the directory lists) may approve, reject, return or hand over a task; only the initiator may
 * withdraw (撤回); an operation the step's state does not allow (减签 of someone who already acted,
 * 撤回 after someone acted) is refused with `OPERATION_NOT_ALLOWED`. Acts done for someone else
 * are recorded with `onBehalfOf` in the history. Every refusal is audited by the engine.
 * Events other than approval events go to `also` (default: allowed).
 *
 * @example
 * ```ts
 * import { approvalAuthorize } from 'docket';
 * const authorize = approvalAuthorize({
 *   also: ({ event, actor, instance }) => (event.type === 'SUBMIT' && actor.id !== instance.initiator ? 'Only the initiator may submit.' : true),
 * });
 * ```
 */
export function approvalAuthorize(options: { readonly also?: (args: AuthorizeArgs) => AuthorizeResult } = {}): (args: AuthorizeArgs) => AuthorizeResult {
  return (args) => {
    const { actor, event, snapshot, env } = args;
    if (!TYPES.has(event.type)) return options.also ? options.also(args) : true;
    const ctx = snapshot.context as ApprovalContext;
    if (!ctx || typeof ctx.approvals !== 'object') return true;
    const now = env.now();
    const input: ApprovalInput = { ...event, $actor: actor, $at: now };
    const step = targetStep(ctx, input, (s) => snapshot.hasTag(`approval:${s}`));
    if (step === undefined) {
      return new DocketError(
        'EVENT_NOT_ACCEPTED',
        `No open approval step takes "${event.type}"${typeof event['step'] === 'string' ? ` for step "${event['step']}"` : ''} right now; check engine.tasks() or engine.get(id).state.`,
        { event: event.type, actor: actor.id, state: snapshot.value },
      );
    }
    const state = ctx.approvals[step]!;
    let onBehalfOf: string | undefined;
    if (FOR_OTHERS.has(event.type)) {
      const open = actionable(state.assignments);
      const direct = open.some((a) => a.user === actor.id || (a.user === null && a.group?.members.includes(actor.id)));
      const delegated = open.find((a) => a.delegate === actor.id && a.user !== null);
      if (!direct && delegated) onBehalfOf = delegated.user as string;
      if (!direct && !delegated && env.directory) {
        const principals = new Set(activeStandIns(env.directory, now, args.instance.workflow).filter((s) => s.deputy === actor.id).map((s) => s.principal));
        onBehalfOf = open.find((a) => a.user !== null && principals.has(a.user))?.user ?? undefined;
      }
    }
    try {
      applyApproval(ctx, step, onBehalfOf === undefined ? input : { ...input, $onBehalfOf: onBehalfOf }, { directory: env.directory, now });
    } catch (error) {
      if (isDocketError(error)) return error;
      throw error;
    }
    return onBehalfOf === undefined ? true : { onBehalfOf };
  };
}
