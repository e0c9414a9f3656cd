import type { AuthorizeArgs, AuthorizeResult } from '../engine/define-workflow.js';
import { DocketError, isDocketError } from '../errors.js';
import { standInFor } from '../organisation/on-behalf-of.js';
import { reduceAct, type ApprovalCarry } from './approval-act.js';
import { actionable } from './approval-decision.js';
import type { ApprovalInput } from './approval-reducer.js';
import { targetStep } from './approval-target.js';
import type { ApprovalContext } from './approval-types.js';
import { operationOf } from './operations.js';
import { copyWith } from '../store/copy-with.js';

/**
 * The `authorize` hook for workflows built from approval steps: task-aware authorization on top of
 * roles. Only a current assignee (or their delegate 委托, or their stand-in 代理 for the date range
 * the directory lists) may approve, reject, return or hand over a task; only the initiator may
 * withdraw (撤回); an operation the step's state does not allow (减签 of someone who already acted,
 * 撤回 after someone acted) is refused with `OPERATION_NOT_ALLOWED`. Acts done for someone else
 * are recorded with `onBehalfOf` in the history. Every refusal is audited by the engine.
 * Events other than approval events go to `also` (default: allowed).
 *
 * The act is reduced here once; the result goes back to the engine as `carry`, which the engine hands
 * the machine as the event's `$carry`, so the step's guard and action do not reduce it again.
 *
 * Internal to the approval plugin: `withApprovals(...).defineWorkflow({ authorize: (args, approvals) => … })`
 * hands it to a workflow's own authorization as `approvals`.
 */
export function approvalAuthorize(options: { readonly also?: (args: AuthorizeArgs) => AuthorizeResult } = {}): (args: AuthorizeArgs) => AuthorizeResult {
  return (args) => {
    const { actor, event, snapshot, env } = args;
    const operation = operationOf(event.type);
    if (operation === undefined) return options.also ? options.also(args) : true;
    const ctx = snapshot.context as ApprovalContext;
    if (!ctx || typeof ctx.approvals !== 'object') return true;
    const now = env.now();
    const input = copyWith(event, { $actor: actor, $at: now }) as ApprovalInput;
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
    if (operation.forOthers) {
      const open = actionable(state.assignments);
      const direct = open.some((a) => a.user === actor.id || (a.user === null && a.group?.members.includes(actor.id)));
      const delegated = open.find((a) => a.delegate === actor.id && a.user !== null);
      if (!direct && delegated) onBehalfOf = delegated.user as string;
      if (!direct && !delegated && env.directory) {
        const holders = open.flatMap((a) => (a.user === null ? [] : [a.user]));
        onBehalfOf = standInFor(env.directory, now, actor.id, holders, args.instance.workflow);
      }
    }
    let carry: ApprovalCarry;
    try {
      carry = reduceAct(ctx, step, onBehalfOf === undefined ? input : (copyWith(input, { $onBehalfOf: onBehalfOf }) as ApprovalInput), { directory: env.directory, now });
    } catch (error) {
      if (isDocketError(error)) return error;
      throw error;
    }
    return onBehalfOf === undefined ? { carry } : { onBehalfOf, carry };
  };
}
