import { createMachine, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { XStateRuntime } from '../xstate-runtime.js';
import type { RegisteredWorkflow } from '../workflow-registry.js';

/** The hidden state a migrating instance starts from: it has no entry, exit or timers. */
export const MIGRATION_ORIGIN = '__docket.migrating';

const runtimes = new WeakMap<RegisteredWorkflow, XStateRuntime | null>();

/**
 * The new version's machine (as registered: implementations, delays and admin moves provided) with one
 * extra, empty root state to start a migrating instance from. Moving from there to the mapped target
 * is an ordinary XState transition that exits nothing of the old version and enters the target and its
 * ancestors, running their entry actions and arming their `after` timers, exactly as `moveTo` enters
 * a state. `null` for a machine whose root is parallel (it has no single state to start from).
 */
export function migrationRuntime(reg: RegisteredWorkflow): XStateRuntime | null {
  let runtime = runtimes.get(reg);
  if (runtime !== undefined) return runtime;
  const machine = reg.runtime.machine as AnyStateMachine;
  if (machine.root.type === 'parallel') {
    runtime = null;
  } else {
    const config = machine.config as { states?: Record<string, unknown> };
    runtime = new XStateRuntime(createMachine({ ...config, states: { ...config.states, [MIGRATION_ORIGIN]: {} } } as never, machine.implementations as never));
  }
  runtimes.set(reg, runtime);
  return runtime;
}

/** The snapshot of a migrating instance before it enters its target: the origin state, the new context. */
export function originSnapshot(runtime: XStateRuntime, context: unknown): AnyMachineSnapshot {
  return runtime.machine.resolveState({ value: MIGRATION_ORIGIN, context } as never) as AnyMachineSnapshot;
}
