import { DocketError } from '../errors.js';
import { markEffectTypes } from './effect-types.js';

/**
 * Declare a machine action as an effect: XState's `setup({ actions })` gets a typed placeholder that
 * does nothing in the machine; the engine records each call in the outbox and delivers it to the
 * handler registered under the same name (`createEngine({ effects })`). The machine stays pure.
 *
 * The placeholder carries a mark, so a workflow's effect types can be listed (`effectTypesOf`): a
 * handler registered under a name no registered workflow emits (a misspelt `notfy`) is refused by
 * `createEngine` and `replayPaths` with `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { setup } from 'xstate';
 * import { effect } from 'docket';
 * const machine = setup({ actions: { notify: effect<{ to: string }>() } }).createMachine({
 *   entry: { type: 'notify', params: { to: 'legal' } },
 * });
 * ```
 */
export function effect<TParams = undefined>(): (args: unknown, params: TParams) => void {
  return markEffectTypes(() => {}, 'self');
}

/**
 * Declare a named deadline as an XState delay. The engine replaces it with the rule registered in
 * `defineWorkflow({ deadlines })`, resolved by the business calendar; a machine run outside the
 * engine without that rule fails loudly instead of guessing a length.
 *
 * @example
 * ```ts
 * import { setup } from 'xstate';
 * import { deadline } from 'docket';
 * const machine = setup({ delays: { reviewDue: deadline('reviewDue') } }).createMachine({
 *   initial: 'review',
 *   states: { review: { after: { reviewDue: 'late' } }, late: {} },
 * });
 * ```
 */
export function deadline(name: string): () => number {
  return () => {
    throw new DocketError(
      'INVALID_DEADLINE_RULE',
      `Deadline "${name}" has no rule: give it one in defineWorkflow({ deadlines: { ${name}: workingDays(3) } }).`,
    );
  };
}
