import type { AnyWorkflow } from '../engine/define-workflow.js';
import { verifyChain } from '../engine/chain-verifier.js';
import type { InstanceRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { instanceNotFound } from './cli-error.js';
import { nameTimer } from '../engine/timer-identity.js';
import { timerOwnersFor } from './record-view.js';
import { INSTANCE_EXPORT_FORMAT, type InstanceExport } from '../visualizer/instance-export.js';

/**
 * Everything about one instance in one JSON-ready object: the record (with its XState snapshot),
 * accepted history, refusals, pending timers, open tasks and the hash-chain check. What
 * `docket export` prints and the docs site's instance view loads.
 */
export async function exportInstance(store: Store, id: string, workflows: readonly AnyWorkflow[], now: number): Promise<InstanceExport> {
  const instance = await store.load(id);
  if (!instance) throw instanceNotFound(id);
  return exportRecord(store, instance, workflows, now);
}

/** {@link exportInstance} of a live instance already read (`docket export` reads it once, to tell live from archived). */
export async function exportRecord(store: Store, instance: InstanceRecord, workflows: readonly AnyWorkflow[], now: number): Promise<InstanceExport> {
  const id = instance.id;
  const [history, refusals, timers, tasks] = await Promise.all([store.history(id), store.refusals(id), store.timers(id), store.tasks({ instanceId: id })]);
  const verify = verifyChain(id, history, instance);
  const workflow = workflows.find((w) => w.id === instance.workflow && w.version === instance.version) ?? workflows.find((w) => w.id === instance.workflow);
  const owners = timerOwnersFor(instance, workflows);
  return {
    format: INSTANCE_EXPORT_FORMAT,
    formatVersion: 1,
    exportedAt: now,
    workflow: { id: instance.workflow, version: instance.version, title: workflow?.labels?.title ?? null },
    instance,
    history,
    refusals,
    // Each timer says what it is (the state that armed it and its label, as engine.get names them);
    // a deadline resolved on estimated holiday data (a year with no official schedule) says so.
    timers: timers.map((t) => {
      const { state, label } = nameTimer(t, owners);
      return instance.timers.find((p) => p.id === t.id)?.deadline?.provisional ? { ...t, state, label, provisional: true as const } : { ...t, state, label };
    }),
    tasks,
    verify,
  };
}
