import type { ApprovalStepSpec } from './approval-types.js';

/**
 * Where a return to `wanted` goes under a step's declared `returns`: `'submitter'` when the submitter
 * is declared, the previous step's id for `'previous'`, or `wanted` itself when it names the previous
 * step or one of the declared earlier `steps`; undefined when the returns do not declare it. The one
 * rule for RETURN and REQUEST_CHANGES (退回), a rejection with `rejection: { return }`, and the check
 * approvalStep makes of that rejection's target when the step is defined.
 *
 * @example
 * ```ts
 * import { declaredReturn } from './return-rule.js';
 * declaredReturn({ submitter: true, previous: 'manager' }, 'previous'); // 'manager'
 * declaredReturn({ previous: 'manager' }, 'submitter'); // undefined: not declared
 * ```
 */
export function declaredReturn(returns: ApprovalStepSpec['returns'], wanted: string): string | undefined {
  const r = returns ?? {};
  if (wanted === 'submitter') return r.submitter ? 'submitter' : undefined;
  if (wanted === 'previous') return r.previous;
  return r.steps?.includes(wanted) || r.previous === wanted ? wanted : undefined;
}
