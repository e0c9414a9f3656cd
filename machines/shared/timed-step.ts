import { label } from './labels.js';

/**
 * The two sub-states of a step with a due date: `onTime`, and `overdue` once the named deadline
 * passes, which sends one reminder (the `remind` effect) to whoever owns the step. The step's own
 * events live on the parent, so an overdue step takes the same acts as an on-time one.
 *
 * @example
 * ```ts
 * import { timedStep } from './timed-step.js';
 * const review = { ...timedStep('reviewDue', { step: 'review', to: 'marketing' }), on: { APPROVE: 'done' } };
 * ```
 */
export function timedStep<const D extends string, const S extends string>(due: D, remind: { readonly step: S; readonly to: string }) {
  return {
    initial: 'onTime' as const,
    states: {
      onTime: { meta: label('按期进行', 'On time'), after: { [due]: { target: 'overdue' as const } } as Record<D, { readonly target: 'overdue' }> },
      overdue: {
        meta: label('已逾期（已催办）', 'Overdue (reminder sent)'),
        entry: [{ type: 'remind' as const, params: { step: remind.step, to: remind.to } }, { type: 'recordOverdue' as const, params: { step: remind.step } }],
      },
    },
  };
}

/** What the `remind` effect carries. */
export interface RemindParams {
  readonly step: string;
  readonly to: string;
}
