import type { InstanceRecord } from '../store/records.js';
import type { Step } from './xstate-runtime.js';

/**
 * A step that keeps the instance's stored state as it is: no transition, no actions (internal). The
 * decisions that change flags and timers, not the machine's state — suspend, resume, terminate,
 * deadline re-resolution, the retirement of timers of inactive states — commit it without a workflow
 * (`CommitDecision.reg` absent), so the stored snapshot is kept and never restored: they also work on
 * an instance whose snapshot cannot be restored.
 */
export function recordStep(record: InstanceRecord): Step {
  return { snapshot: { value: record.state, context: record.context, status: 'active' } as never, actions: [] };
}
