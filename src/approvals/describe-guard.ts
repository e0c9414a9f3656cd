import type { Condition } from './branch.js';
import { ownValue } from '../engine/own-property.js';

/** A label in both languages. */
export interface GuardText {
  readonly 'zh-CN': string;
  readonly en: string;
}

/** What a diagram knows beyond the guard itself: how to name steps, context fields and values. */
export interface DescribeGuardOptions {
  /** The label of an approval step by its id (`review` → 合同评审). Defaults to the id. */
  readonly stepLabel?: (step: string) => GuardText | undefined;
  /** The label of a context field a condition reads (`amount` → 金额). Common fields have defaults. */
  readonly fieldLabel?: (field: string) => GuardText | undefined;
  /** The label of a value a condition compares with (`'vp'` → 分管副总), e.g. from the workflow's roles. */
  readonly valueLabel?: (value: unknown) => GuardText | undefined;
}

/** What a guard of the approval building blocks means, for a diagram: a short label and its outcome. */
export interface ApprovalGuardDescription {
  readonly label: GuardText;
  /**
   * `approved` / `rejected` / `withdrawn` / `returned` for a step's outcome, `resume` for a resubmit
   * that goes straight back to the step that returned it, `condition` for a {@link branch} condition.
   */
  readonly outcome: 'approved' | 'rejected' | 'withdrawn' | 'returned' | 'resume' | 'condition';
}

const FIELDS: Readonly<Record<string, GuardText>> = {
  amount: { 'zh-CN': '金额', en: 'amount' },
  approvalLevel: { 'zh-CN': '审批级别', en: 'approval level' },
  level: { 'zh-CN': '级别', en: 'level' },
  department: { 'zh-CN': '部门', en: 'department' },
  days: { 'zh-CN': '天数', en: 'days' },
  category: { 'zh-CN': '类别', en: 'category' },
};

function words(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_.-]+/g, ' ').toLowerCase();
}

/** 500000 → 50万 / 500k; 2000000 → 200万 / 2M; small numbers as they are. */
function amount(n: number): GuardText {
  const zh = Math.abs(n) >= 10_000 && n % 1_000 === 0 ? `${n / 10_000}万` : n.toLocaleString('en-US');
  const en =
    Math.abs(n) >= 1_000_000 && n % 10_000 === 0 ? `${n / 1_000_000}M` : Math.abs(n) >= 1_000 && n % 100 === 0 ? `${n / 1_000}k` : n.toLocaleString('en-US');
  return { 'zh-CN': zh, en };
}

function join(parts: readonly GuardText[], zh: string, en: string): GuardText {
  return { 'zh-CN': parts.map((p) => p['zh-CN']).join(zh), en: parts.map((p) => p.en).join(en) };
}

/**
 * A {@link Condition} in short words for a diagram edge: `金额 > 50万 / amount > 500k`,
 * `审批级别 为 分管副总 或 总经理`. Field and value names come from `options`, then from a few
 * common fields, then from the id itself.
 *
 * @example
 * ```ts
 * import { describeConditionBrief } from 'docket';
 * describeConditionBrief({ field: 'amount', gt: 500_000 }); // { 'zh-CN': '金额 > 50万', en: 'amount > 500k' }
 * ```
 */
export function describeConditionBrief(condition: Condition, options: DescribeGuardOptions = {}): GuardText {
  if ('all' in condition) return join(condition.all.map((c) => describeConditionBrief(c, options)), ' 且 ', ' and ');
  if ('any' in condition) return join(condition.any.map((c) => describeConditionBrief(c, options)), ' 或 ', ' or ');
  if ('not' in condition) {
    const inner = describeConditionBrief(condition.not, options);
    return { 'zh-CN': `非（${inner['zh-CN']}）`, en: `not (${inner.en})` };
  }
  const field = options.fieldLabel?.(condition.field) ?? ownValue(FIELDS, condition.field) ?? { 'zh-CN': condition.field, en: words(condition.field) };
  const value = (v: unknown): GuardText => options.valueLabel?.(v) ?? (typeof v === 'number' ? amount(v) : { 'zh-CN': String(v), en: String(v) });
  const parts: GuardText[] = [];
  const op = (symbol: string, v: GuardText) => parts.push({ 'zh-CN': `${field['zh-CN']} ${symbol} ${v['zh-CN']}`, en: `${field.en} ${symbol} ${v.en}` });
  if ('eq' in condition) parts.push({ 'zh-CN': `${field['zh-CN']}为${value(condition.eq)['zh-CN']}`, en: `${field.en} is ${value(condition.eq).en}` });
  if ('ne' in condition) parts.push({ 'zh-CN': `${field['zh-CN']}不为${value(condition.ne)['zh-CN']}`, en: `${field.en} is not ${value(condition.ne).en}` });
  if (condition.gt !== undefined) op('>', value(condition.gt));
  if (condition.gte !== undefined) op('≥', value(condition.gte));
  if (condition.lt !== undefined) op('<', value(condition.lt));
  if (condition.lte !== undefined) op('≤', value(condition.lte));
  if (condition.in !== undefined) {
    const vs = join(condition.in.map(value), '或', ' or ');
    parts.push({ 'zh-CN': `${field['zh-CN']}为${vs['zh-CN']}`, en: `${field.en} is ${vs.en}` });
  }
  return join(parts, ' 且 ', ' and ');
}

/**
 * Describe a guard of the approval building blocks ({@link approvalStep}, {@link resubmitTo},
 * {@link branch}) for a person: 通过 approved, 驳回 rejected, 撤回 withdrawn, 退回提交人 returned to
 * the submitter, 重新提交后回到「step」 resume at a step, or a branch condition in short words.
 * `null` for any other guard (the caller describes it its own way). Reads the guard's `params` only;
 * it changes nothing about how approvals run.
 *
 * @example
 * ```ts
 * import { describeApprovalGuard } from './describe-guard.js';
 * describeApprovalGuard({ type: 'approval.outcome', params: { step: 'review', kind: 'rejected' } });
 * // { label: { 'zh-CN': '驳回', en: 'rejected' }, outcome: 'rejected' }
 * ```
 */
export function describeApprovalGuard(guard: unknown, options: DescribeGuardOptions = {}): ApprovalGuardDescription | null {
  if (typeof guard !== 'object' || guard === null) return null;
  const { type, params } = guard as { type?: unknown; params?: unknown };
  if (typeof params !== 'object' || params === null) return null;
  const p = params as { step?: unknown; kind?: unknown; to?: unknown; resumeAt?: unknown; when?: unknown };
  const step = (id: unknown): GuardText => {
    const s = String(id);
    return options.stepLabel?.(s) ?? { 'zh-CN': s, en: s };
  };
  if (type === 'approval.outcome') {
    switch (p.kind) {
      case 'approved':
        if (typeof p.resumeAt === 'string') {
          const to = step(p.resumeAt);
          return { label: { 'zh-CN': `通过，跳回「${to['zh-CN']}」`, en: `approved, back to ${to.en}` }, outcome: 'approved' };
        }
        return { label: { 'zh-CN': '通过', en: 'approved' }, outcome: 'approved' };
      case 'rejected':
        return { label: { 'zh-CN': '驳回', en: 'rejected' }, outcome: 'rejected' };
      case 'withdrawn':
        return { label: { 'zh-CN': '撤回', en: 'withdrawn' }, outcome: 'withdrawn' };
      case 'returned': {
        if (p.to === 'submitter' || p.to === undefined) return { label: { 'zh-CN': '退回提交人', en: 'returned to submitter' }, outcome: 'returned' };
        const to = step(p.to);
        return { label: { 'zh-CN': `退回「${to['zh-CN']}」`, en: `returned to ${to.en}` }, outcome: 'returned' };
      }
      default:
        return null;
    }
  }
  if (type === 'approval.resumeAt') {
    const to = step(p.step);
    return { label: { 'zh-CN': `重新提交后回到「${to['zh-CN']}」`, en: `resubmitted: resume at ${to.en}` }, outcome: 'resume' };
  }
  if (type === 'approval.when' && typeof p.when === 'object' && p.when !== null) {
    return { label: describeConditionBrief(p.when as Condition, options), outcome: 'condition' };
  }
  return null;
}
