import type { AnyWorkflow } from '../engine/define-workflow.js';
import type { Engine } from '../engine/engine-types.js';
import { INSTANCE_EXPORT_FORMAT, type InstanceExport } from '../visualizer/instance-export.js';

/**
 * Everything about one instance in one JSON-ready object: the record (with its XState snapshot),
 * accepted history, refusals, pending timers, open tasks and the hash-chain check. What
 * `docket export` prints and the docs site's instance view loads.
 *
 * @example
 * ```ts
 * const data = await exportInstance(engine, id, workflows, clock.now());
 * JSON.stringify(data);
 * ```
 */
export async function exportInstance(engine: Engine, id: string, workflows: readonly AnyWorkflow[], now: number): Promise<InstanceExport> {
  const instance = await engine.record(id);
  const [history, refusals, timers, tasks, verify] = await Promise.all([
    engine.store.history(id),
    engine.store.refusals(id),
    engine.store.timers(id),
    engine.store.tasks({ instanceId: id }),
    engine.verify(id),
  ]);
  const workflow = workflows.find((w) => w.id === instance.workflow && w.version === instance.version) ?? workflows.find((w) => w.id === instance.workflow);
  return {
    format: INSTANCE_EXPORT_FORMAT,
    formatVersion: 1,
    exportedAt: now,
    workflow: { id: instance.workflow, version: instance.version, title: workflow?.labels?.title ?? null },
    instance,
    history,
    refusals,
    timers,
    tasks,
    verify,
  };
}
