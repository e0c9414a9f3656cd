import { createMachine, type AnyMachineSnapshot, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { DocketError } from '../errors.js';
import { machineError } from './workflow-registry.js';
import type { Step, XStateRuntime } from './xstate-runtime.js';

/** The engine-only event that moves an instance to a chosen state (任意跳转). */
export const MOVE_EVENT = 'docket.admin.moveTo';

/**
 * The machine with one root transition per state for {@link MOVE_EVENT}, guarded on the event's
 * `target` path and re-entering. Moving is then an ordinary XState transition: the states left run
 * their exit actions (their timers are cancelled), the target runs its entry actions and arms its
 * `after` timers, and approval steps resolve their approvers as on any entry. People cannot send the
 * event: it is not among a workflow's declared events. Diagrams are drawn from the original machine.
 */
export function withAdminMoves(machine: AnyStateMachine): AnyStateMachine {
  const moves: unknown[] = [];
  const walk = (node: AnyStateNode) => {
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      if (child.type === 'history') continue;
      const path = child.path.join('.');
      moves.push({ target: `#${child.id}`, reenter: true, guard: ({ event }: { event: { target?: unknown } }) => event.target === path });
      walk(child);
    }
  };
  walk(machine.root);
  const config = machine.config as { on?: Record<string, unknown> };
  return createMachine({ ...config, on: { ...config.on, [MOVE_EVENT]: moves } } as never, machine.implementations as never);
}

/**
 * 任意跳转 as a pure step, on a machine prepared by {@link withAdminMoves}, at `meta.$at` for the
 * instance's `tenant` (whose calendar and directory the entered states see).
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
  tenant?: string,
): Step {
  if (typeof target !== 'string' || target.trim() === '') {
    throw new DocketError('INVALID_ARGUMENT', 'moveTo needs a target state path, e.g. "review.legal".', { instanceId });
  }
  let step: Step;
  const event = { type: MOVE_EVENT, target, ...meta };
  try {
    step = runtime.transition(snapshot, event as never, meta.$at, tenant);
  } catch (error) {
    throw machineError(error, instanceId, workflow);
  }
  if (step.snapshot.status === 'error') throw machineError(step.snapshot.error, instanceId, workflow);
  // XState hands back the same snapshot when the move changes neither state nor context (moving to
  // the current state, to restart it): its exit and entry still ran, timers re-armed. Only a target
  // no transition exists for is unknown.
  if (step.snapshot === snapshot && !snapshot.can(event as never)) {
    throw new DocketError(
      'INVALID_ARGUMENT',
      `Workflow "${workflow}" has no state "${target}". Use a dotted path of state keys, e.g. "review.legal".`,
      { instanceId, workflow },
    );
  }
  return step;
}
