import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { DocketError } from '../errors.js';
import { machineError } from './workflow-registry.js';
import type { Step, XStateRuntime } from './xstate-runtime.js';

/** `'a.b.c'` → `{ a: { b: 'c' } }`, XState's state value for a dotted path. */
function toStateValue(path: string): string | Record<string, unknown> {
  const parts = path.split('.');
  let value: string | Record<string, unknown> = parts.at(-1)!;
  for (let i = parts.length - 2; i >= 0; i--) value = { [parts[i]!]: value };
  return value;
}

/**
 * 任意跳转 as a pure step: resolve the target state with the current context, then send the machine
 * `docket.admin.moved` so the states there can initialise themselves (approval steps re-enter and
 * resolve their approvers). Plain states are placed without running their entry actions or `after`
 * timers: XState has no public way to "enter" a state except through a transition.
 *
 * @example
 * ```ts
 * import type { Engine } from 'docket';
 * declare const engine: Engine;
 * // The engine's public form: admin only, audited, with a reason.
 * const move = () => engine.moveTo('inst-1', { actor: { id: 'feng', roles: ['admin'] }, target: 'finance', reason: 'legal signed on paper' });
 * ```
 */
export function moveToState(
  runtime: XStateRuntime,
  snapshot: AnyMachineSnapshot,
  target: string,
  meta: { readonly $actor: unknown; readonly $at: number },
  instanceId: string,
  workflow: string,
): Step {
  const machine = runtime.machine as AnyStateMachine;
  if (typeof target !== 'string' || target.trim() === '') {
    throw new DocketError('INVALID_ARGUMENT', 'moveTo needs a target state path, e.g. "review.legal".', { instanceId });
  }
  let moved: AnyMachineSnapshot;
  try {
    moved = machine.resolveState({ value: toStateValue(target) as never, context: snapshot.context }) as AnyMachineSnapshot;
  } catch (error) {
    throw new DocketError(
      'INVALID_ARGUMENT',
      `Workflow "${workflow}" has no state "${target}" (${error instanceof Error ? error.message : String(error)}). Use a dotted path of state keys, e.g. "review.legal".`,
      { instanceId, workflow },
    );
  }
  try {
    const step = runtime.transition(moved, { type: 'docket.admin.moved', target, ...meta } as never);
    if (step.snapshot.status === 'error') throw machineError(step.snapshot.error, instanceId, workflow);
    return step;
  } catch (error) {
    throw machineError(error, instanceId, workflow);
  }
}
