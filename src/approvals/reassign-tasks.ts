import type { BatchResult, Engine } from '../engine/engine-types.js';
import type { Actor } from '../store/records.js';
import { actionable } from './approval-decision.js';
import type { ApprovalContext } from './approval-types.js';

/** One assignment {@link reassignTasks} tried to move, and how it went. */
export type ReassignResult = BatchResult & {
  /** The approval step holding the assignment. */
  readonly step: string;
  /** The assignment's full task id (`<instance>:<step>:<round>:<task>`), as the inbox names tasks. */
  readonly taskId: string;
  /** `open`: it was the person's turn (in the inbox); `queued`: it waited for others (依次, 加签 after). */
  readonly status: 'open' | 'queued';
  readonly from: string;
  readonly to: string;
};
import { checkReassignInput } from '../engine/validate-input.js';

/**
 * 离职转办: hand every assignment a person holds to another, across all active instances, in one
 * call: open tasks and queued ones alike (a later slot of 依次, a 加签-after slot), read from the
 * steps' state in each instance's context, not from the inbox. Each hand-over is its own `TRANSFER`
 * act (authorized, recorded in that instance's history with the reason); one refusal does not undo
 * the others (e.g. `OPERATION_NOT_ALLOWED` when `to` already holds a seat in that step: one vote per
 * person), and the result lists every assignment it tried to move, with its step, task and status.
 * The acting user needs the `admin` role (only an administrator may transfer someone else's task).
 * An actor carrying a `tenant` hands over that tenant's assignments only; `from` equal to `to` is
 * `INVALID_ARGUMENT` before anything is sent.
 * Delegations *to* the leaver and unclaimed group tasks they could claim are not assignments of
 * theirs and are left alone. Reads instances page by page with `engine.list`.
 *
 * @example
 * ```ts
 * import { reassignTasks, type Engine } from 'docket';
 * declare const engine: Engine;
 * const handOver = async () => {
 *   const moved = await reassignTasks(engine, { from: 'wang', to: 'zhao', actor: { id: 'feng', roles: ['admin'] }, reason: '王经理离职' });
 *   return moved.map((m) => `${m.instanceId} ${m.step} ${m.status}: ${m.ok ? 'moved' : m.error.code}`);
 * };
 * ```
 */
export async function reassignTasks(
  engine: Engine,
  given: { readonly from: string; readonly to: string; readonly actor: Actor; readonly reason: string; readonly workflow?: string },
): Promise<readonly ReassignResult[]> {
  // Read once (each key), checked, and only that copy used afterwards.
  const options = checkReassignInput(given);
  const { from, to } = options;
  // An actor of a tenant hands over that tenant's work only: listing every tenant's instances would
  // name the others' ids, steps and tasks in the results (as INSTANCE_NOT_FOUND), which no other act leaks.
  const tenant = options.actor.tenant;
  const found: { instanceId: string; step: string; taskId: string; status: 'open' | 'queued' }[] = [];
  let cursor: string | undefined;
  do {
    const page = await engine.list({
      status: 'active',
      ...(options.workflow === undefined ? {} : { workflow: options.workflow }),
      ...(tenant === undefined ? {} : { tenant }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const view of page.items) {
      const ctx = view.context as Partial<ApprovalContext> | undefined;
      if (!ctx || typeof ctx.approvals !== 'object' || ctx.approvals === null) continue;
      for (const state of Object.values(ctx.approvals)) {
        if (!state.active || state.outcome !== null) continue;
        const now = new Set(actionable(state.assignments).map((a) => a.id));
        for (const a of state.assignments) {
          if (a.status !== 'pending' || a.user !== from) continue;
          const open = now.has(a.id);
          found.push({ instanceId: view.id, step: state.spec.id, taskId: `${view.id}:${state.spec.id}:${state.round}:${a.id}`, status: open ? 'open' : 'queued' });
        }
      }
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  const results = await engine.sendMany(
    found.map((f) => ({
      instanceId: f.instanceId,
      event: { type: 'TRANSFER', step: f.step, taskId: f.taskId, from, to, comment: options.reason } as never,
    })),
    { actor: options.actor },
  );
  return results.map((r, i) => ({ ...r, step: found[i]!.step, taskId: found[i]!.taskId, status: found[i]!.status, from, to }));
}
