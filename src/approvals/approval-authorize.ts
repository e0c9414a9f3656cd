import type { AuthorizeArgs, AuthorizeResult } from '../engine/define-workflow.js';
import { DocketError, isDocketError } from '../errors.js';
import { standInFor } from '../organisation/on-behalf-of.js';
import { standInPermits } from '../organisation/role-permits.js';
import { parseTaskId } from './operations/reducer-helpers.js';
import { reduceActs, type ApprovalCarry } from './approval-act.js';
import { actionable, seatHolders } from './approval-decision.js';
import type { ApprovalInput } from './approval-reducer.js';
import { targetSteps } from './approval-target.js';
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
 * A stand-in acts only where {@link standInPermits} lets them under the workflow's `permissions`
 * (the principal's directory roles and the deputy's own), the rule the stand-in's inbox applies; an
 * act naming a task (`taskId`) is judged on that task's holder alone, as the inbox lists it. A
 * deputy who holds a seat of their own in the step ({@link seatHolders}: open, queued or decided, as
 * assignee, delegate, or for someone they already acted for) acts for nobody else in it, whatever the
 * step's mode: `OPERATION_NOT_ALLOWED` (`details.user` the deputy, `details.onBehalfOf` the
 * principal, `details.invariant: 'one-seat-per-person'`), the rule the inbox applies over `TaskRecord.seated` ({@link standInFor}).
 *
 * The act is reduced here once; the result goes back to the engine as `carry`, which the engine hands
 * the machine as the event's `$carry`, so the step's guard and action do not reduce it again.
 *
 * Internal to the approval plugin: `withApprovals(...).defineWorkflow({ authorize: (args, approvals) => … })`
 * hands it to a workflow's own authorization as `approvals`.
 */
export function approvalAuthorize(
  options: { readonly also?: (args: AuthorizeArgs) => AuthorizeResult; readonly permissions?: Readonly<Record<string, readonly string[] | undefined>> } = {},
): (args: AuthorizeArgs) => AuthorizeResult {
  return (args) => {
    const { actor, event, snapshot, env } = args;
    const operation = operationOf(event.type);
    if (operation === undefined) return options.also ? options.also(args) : true;
    const ctx = snapshot.context as ApprovalContext;
    if (!ctx || typeof ctx.approvals !== 'object') return true;
    const now = env.now();
    const input = copyWith(event, { $actor: actor, $at: now }) as ApprovalInput;
    // One step, or every live one for an act meant for the whole request (催办, 撤回 across branches).
    const steps = targetSteps(ctx, input, (s) => snapshot.hasTag(`approval:${s}`));
    const step = steps[0];
    if (step === undefined && typeof event['taskId'] === 'string' && typeof event['step'] !== 'string' && Object.values(ctx.approvals).some((s) => snapshot.hasTag(`approval:${s.spec.id}`) && s.outcome === null)) {
      // A step is open, but the task named is in none of them: the old words ("no open approval step")
      // sent the reader looking at the state, when the task id was what to check.
      const shown = JSON.stringify(event['taskId'].length > 80 ? `${event['taskId'].slice(0, 80)}…` : event['taskId']);
      return new DocketError('EVENT_NOT_ACCEPTED', `No open approval step of this instance has the task ${shown} named by "${event.type}": it is closed, of another instance, or mistyped. Take the task's id from engine.tasks().`, {
        event: event.type,
        actor: actor.id,
        state: snapshot.value,
        field: 'taskId',
      });
    }
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
      // The task the act names, when it names one: the inbox lists each task on its own (a deputy's
      // stand-in task beside their own seat), so whom the act is for is read from that task alone.
      const wanted = typeof event['taskId'] === 'string' ? parseTaskId(event['taskId']).task : undefined;
      const open = actionable(state.assignments).filter((a) => wanted === undefined || a.id === wanted);
      const direct = open.some((a) => a.user === actor.id || (a.user === null && a.group?.members.includes(actor.id)));
      const delegated = open.find((a) => a.delegate === actor.id && a.user !== null);
      if (!direct && delegated) onBehalfOf = delegated.user as string;
      if (!direct && !delegated && env.directory) {
        const holders = open.flatMap((a) => (a.user === null ? [] : [a.user]));
        const permitted = holders.filter((p) => standInPermits(options.permissions, event.type, env.directory, p, actor.roles));
        // The step's seats, read as its inbox tasks carry them (TaskRecord.seated): one rule for both.
        const seated = seatHolders(state.assignments);
        onBehalfOf = standInFor(env.directory, now, actor.id, permitted, args.instance.workflow, seated);
        const covered = onBehalfOf === undefined ? standInFor(env.directory, now, actor.id, holders, args.instance.workflow, []) : undefined;
        if (covered !== undefined && seated.includes(actor.id)) {
          return new DocketError(
            'OPERATION_NOT_ALLOWED',
            `${actor.id} holds a seat of their own in step "${step}", so they cannot also act for ${covered} (代理) there: one person counts once in a step. ${actor.id} acts in their own seat only; to have ${covered}'s task decided, an administrator hands it to someone without a seat in the step (转交: TRANSFER with from, or reassignTasks), or ${covered} delegates it (委托).`,
            // The invariant it upholds (one-seat-per-person), named as the reducer's refusals name it.
            { event: event.type, actor: actor.id, step, invariant: 'one-seat-per-person', field: 'actor', user: actor.id, onBehalfOf: covered, ...(wanted === undefined ? {} : { taskId: event['taskId'] }) },
          );
        }
        if (covered !== undefined) {
          return new DocketError(
            'FORBIDDEN',
            `${actor.id} stands in for ${covered}, but the workflow's permissions for "${event.type}" need a role that ${covered} (in the directory) and ${actor.id} both hold; ${covered} or someone with that role must act.`,
            { event: event.type, actor: actor.id, onBehalfOf: covered },
          );
        }
      }
    }
    let carry: ApprovalCarry;
    try {
      carry = reduceActs(ctx, steps, onBehalfOf === undefined ? input : (copyWith(input, { $onBehalfOf: onBehalfOf }) as ApprovalInput), { directory: env.directory, now });
    } catch (error) {
      if (isDocketError(error)) return error;
      throw error;
    }
    return onBehalfOf === undefined ? { carry } : { onBehalfOf, carry };
  };
}
