import type { BatchResult, Engine } from '../engine/engine-types.js';
import type { Actor } from '../store/records.js';
import { checkReassignInput } from '../engine/validate-input.js';

/**
 * 离职转办: hand every open task of a person to another, across all instances, in one call. Each
 * hand-over is its own `TRANSFER` act (authorized, recorded in that instance's history with the
 * reason); one refusal does not undo the others, and the result says which failed and why.
 * The acting user needs the `admin` role (only an administrator may transfer someone else's task).
 *
 * @example
 * ```ts
 * import { reassignTasks, type Engine } from 'docket';
 * declare const engine: Engine;
 * const handOver = () => reassignTasks(engine, { from: 'wang', to: 'zhao', actor: { id: 'feng', roles: ['admin'] }, reason: '王经理离职' });
 * ```
 */
export async function reassignTasks(
  engine: Engine,
  options: { readonly from: string; readonly to: string; readonly actor: Actor; readonly reason: string; readonly workflow?: string },
): Promise<readonly BatchResult[]> {
  checkReassignInput(options);
  const tasks = await engine.store.tasks({ assignee: options.from, ...(options.workflow === undefined ? {} : { workflow: options.workflow }) });
  const acts = tasks
    .filter((t) => t.data === undefined || (t.data as { delegate?: string }).delegate !== options.from)
    .map((t) => ({
      instanceId: t.instanceId,
      event: { type: 'TRANSFER', step: t.step, taskId: t.id, from: options.from, to: options.to, comment: options.reason } as never,
    }));
  return engine.sendMany(acts, { actor: options.actor });
}
