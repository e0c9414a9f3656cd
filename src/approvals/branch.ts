import { readPath } from './approver-rules.js';

/**
 * A data condition, declared as data so the visualizer can print it (条件分支):
 * a comparison on a context field, or `all` / `any` / `not` of conditions.
 *
 * @example
 * ```ts
 * import type { Condition } from 'docket';
 * const big: Condition = { field: 'amount', gt: 100_000 };
 * const legalOrBig: Condition = { any: [big, { field: 'department', in: ['legal'] }] };
 * ```
 */
export type Condition =
  | {
      readonly field: string;
      readonly eq?: unknown;
      readonly ne?: unknown;
      readonly gt?: number;
      readonly gte?: number;
      readonly lt?: number;
      readonly lte?: number;
      readonly in?: readonly unknown[];
    }
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition };

/**
 * Whether a condition holds for a context.
 *
 * @example
 * ```ts
 * import { matches } from './branch.js';
 * matches({ field: 'amount', gt: 100 }, { amount: 150 }); // true
 * ```
 */
export function matches(condition: Condition, context: unknown): boolean {
  if ('all' in condition) return condition.all.every((c) => matches(c, context));
  if ('any' in condition) return condition.any.some((c) => matches(c, context));
  if ('not' in condition) return !matches(condition.not, context);
  const v = readPath(context, condition.field);
  if ('eq' in condition && v !== condition.eq) return false;
  if ('ne' in condition && v === condition.ne) return false;
  if (condition.gt !== undefined && !(typeof v === 'number' && v > condition.gt)) return false;
  if (condition.gte !== undefined && !(typeof v === 'number' && v >= condition.gte)) return false;
  if (condition.lt !== undefined && !(typeof v === 'number' && v < condition.lt)) return false;
  if (condition.lte !== undefined && !(typeof v === 'number' && v <= condition.lte)) return false;
  if (condition.in !== undefined && !condition.in.includes(v)) return false;
  return true;
}

/** Describe a condition in both languages, for the visualizer.
 *
 * @example
 * ```ts
 * import { describeCondition } from './branch.js';
 * describeCondition({ field: 'amount', gt: 100_000 }).en; // 'amount > 100000'
 * ```
 */
export function describeCondition(c: Condition): { readonly 'zh-CN': string; readonly en: string } {
  if ('all' in c) {
    const parts = c.all.map(describeCondition);
    return { 'zh-CN': parts.map((p) => p['zh-CN']).join(' 且 '), en: parts.map((p) => p.en).join(' and ') };
  }
  if ('any' in c) {
    const parts = c.any.map(describeCondition);
    return { 'zh-CN': parts.map((p) => p['zh-CN']).join(' 或 '), en: parts.map((p) => p.en).join(' or ') };
  }
  if ('not' in c) {
    const inner = describeCondition(c.not);
    return { 'zh-CN': `非(${inner['zh-CN']})`, en: `not (${inner.en})` };
  }
  const ops: string[] = [];
  if ('eq' in c) ops.push(`= ${JSON.stringify(c.eq)}`);
  if ('ne' in c) ops.push(`≠ ${JSON.stringify(c.ne)}`);
  if (c.gt !== undefined) ops.push(`> ${c.gt}`);
  if (c.gte !== undefined) ops.push(`≥ ${c.gte}`);
  if (c.lt !== undefined) ops.push(`< ${c.lt}`);
  if (c.lte !== undefined) ops.push(`≤ ${c.lte}`);
  if (c.in !== undefined) ops.push(`∈ ${JSON.stringify(c.in)}`);
  const text = `${c.field} ${ops.join(', ')}`;
  return { 'zh-CN': text, en: text };
}

/** One branch of a {@link branch}: a condition (absent for the default) and where it leads. */
export interface Branch {
  readonly when?: Condition;
  readonly target: string;
  readonly label?: { readonly 'zh-CN': string; readonly en: string };
}

/** A guarded XState transition built by {@link branch}. */
export interface BranchTransition {
  target: string;
  guard?: { type: 'approval.when'; params: { when: Condition } };
  description: string;
  meta: { condition: Condition | null; label: { readonly 'zh-CN': string; readonly en: string } };
}

/**
 * 条件分支: routing by data, as guarded transitions whose conditions are data (`meta.condition`) and
 * described in both languages, so the visualizer can draw and label each edge. The first branch whose
 * condition holds wins; a branch without `when` is the default. Use it in `always` of a routing state.
 *
 * @example
 * ```ts
 * import { branch } from 'docket';
 * const route = {
 *   always: branch([
 *     { when: { field: 'amount', gt: 100_000 }, target: 'ceo' },
 *     { when: { field: 'amount', gt: 10_000 }, target: 'director' },
 *     { target: 'manager' },
 *   ]),
 * };
 * ```
 */
export function branch(branches: readonly Branch[]): BranchTransition[] {
  return branches.map((b) => {
    const label = b.label ?? (b.when ? describeCondition(b.when) : { 'zh-CN': '其他情况', en: 'otherwise' });
    return {
      target: b.target,
      ...(b.when ? { guard: { type: 'approval.when' as const, params: { when: b.when } } } : {}),
      description: label.en,
      meta: { condition: b.when ?? null, label },
    };
  });
}
