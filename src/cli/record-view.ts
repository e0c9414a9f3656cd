import type { AnyStateMachine } from 'xstate';
import type { AnyWorkflow } from '../engine/define-workflow.js';
import type { InstanceView } from '../engine/engine-types.js';
import { toView } from '../engine/instance-view.js';
import { timerOwnersOf, type TimerOwners } from '../engine/timer-owner.js';
import type { InstanceRecord } from '../store/records.js';

const OWNERS = new WeakMap<AnyWorkflow, TimerOwners>();

/**
 * Which state arms each `after` timer of a stored instance's workflow, when the CLI has that very
 * version (the engine's `timerOwners`); undefined otherwise (the state is then read from the timer's
 * key, right for XState's default state ids only: an approval step with its own id was shown by it).
 */
export function timerOwnersFor(record: Pick<InstanceRecord, 'workflow' | 'version'>, workflows: readonly AnyWorkflow[]): TimerOwners | undefined {
  const workflow = workflows.find((w) => w.id === record.workflow && w.version === record.version);
  if (workflow === undefined) return undefined;
  let owners = OWNERS.get(workflow);
  if (owners === undefined) OWNERS.set(workflow, (owners = timerOwnersOf(workflow.machine as AnyStateMachine)));
  return owners;
}

/** The view `engine.get` gives of a stored record, read by the CLI without an engine. */
export function recordView(record: InstanceRecord, workflows: readonly AnyWorkflow[]): InstanceView {
  return toView(record, timerOwnersFor(record, workflows));
}
