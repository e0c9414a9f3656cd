import { describeApprovalGuard, type ApprovalGuardDescription } from '../approvals/describe-guard.js';
import type { AnyWorkflow } from '../engine/define-workflow.js';
import { ownValue } from '../engine/own-property.js';
import { isBiText, same, type BiText } from './text-metrics.js';

/** A transition's guard as the diagram shows it (条件分支 conditions included). */
export interface GuardInfo {
  /** The guard's type (its name in `setup({ guards })`), or `and` / `or` / `not` for combinators. */
  readonly type: string;
  readonly params?: unknown;
  readonly label: BiText;
  /** For guards of the approval building blocks: which outcome of a step (or a branch condition) it tests. */
  readonly outcome?: ApprovalGuardDescription['outcome'];
}

/** An approval step read from a state's `meta.approval`. */
export interface ApprovalInfo {
  /** The mode as declared (`sequential`, `all`, `any`, `vote`, …). */
  readonly mode: string;
  readonly modeLabel: BiText;
  /** The approver rule, described. */
  readonly approvers: BiText | null;
  readonly raw: unknown;
}

const MODE_LABELS: Readonly<Record<string, BiText>> = {
  sequential: { 'zh-CN': '依次审批', en: 'sequential' },
  all: { 'zh-CN': '会签', en: 'all must approve' },
  countersign: { 'zh-CN': '会签', en: 'all must approve' },
  any: { 'zh-CN': '或签', en: 'any one approves' },
  or: { 'zh-CN': '或签', en: 'any one approves' },
  vote: { 'zh-CN': '票签', en: 'vote' },
  ratio: { 'zh-CN': '票签', en: 'vote' },
  count: { 'zh-CN': '票签', en: 'vote' },
};

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function compact(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const obj = record(value);
  if (obj) {
    return Object.entries(obj)
      .filter(([, v]) => v !== undefined && typeof v !== 'function')
      .map(([k, v]) => `${k}: ${compact(v)}`)
      .join(', ');
  }
  if (Array.isArray(value)) return value.map(compact).join(', ');
  return '';
}

function labelFor(workflow: AnyWorkflow, group: string, key: string): BiText | undefined {
  const labels = record(workflow.labels) ?? {};
  const found = ownValue(record(ownValue(labels, group)), key);
  return isBiText(found) ? found : undefined;
}

/**
 * Words for a value a guard's params name: the workflow's `labels.values`, else a state with that key
 * (a phase or gate named after its state), else a role. `undefined` when nothing names it.
 */
export function valueLabel(workflow: AnyWorkflow, value: string): BiText | undefined {
  const direct = labelFor(workflow, 'values', value) ?? workflow.roles?.[value];
  if (direct) return direct;
  const states = workflow.labels?.states ?? {};
  const path = Object.keys(states).find((p) => p === value || p.endsWith(`.${value}`));
  return path === undefined ? undefined : states[path];
}

/**
 * A guard's params in words: each labelled value by its label (its key dropped: "reminders left
 * (internal meeting phase)"), a labelled field as "label: value"; `null` when some part has no words,
 * so the diagram leaves the params out rather than print raw identifiers.
 */
function describeParams(workflow: AnyWorkflow, params: unknown): BiText | null {
  const obj = record(params);
  if (!obj) return null;
  const parts: BiText[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined || typeof value === 'function') continue;
    const named = typeof value === 'string' ? valueLabel(workflow, value) : undefined;
    if (named) {
      parts.push(named);
      continue;
    }
    const field = labelFor(workflow, 'fields', key);
    if (field && (typeof value === 'number' || typeof value === 'boolean')) {
      parts.push({ 'zh-CN': `${field['zh-CN']}：${String(value)}`, en: `${field.en}: ${String(value)}` });
      continue;
    }
    return null;
  }
  return parts.length === 0 ? null : { 'zh-CN': parts.map((p) => p['zh-CN']).join('、'), en: parts.map((p) => p.en).join(', ') };
}

/**
 * Describe an XState guard (a name, `{ type, params }`, an inline function, or `and`/`or`/`not`)
 * for the diagram. Labels come from `workflow.labels.guards[type]` when a workflow provides them.
 */
export function describeGuard(guard: unknown, workflow: AnyWorkflow, stepLabels?: ReadonlyMap<string, BiText>): GuardInfo | null {
  if (guard === undefined || guard === null) return null;
  const approval = describeApprovalGuard(guard, {
    stepLabel: (step) => stepLabels?.get(step),
    fieldLabel: (field) => labelFor(workflow, 'fields', field),
    valueLabel: (value) => (typeof value === 'string' ? (labelFor(workflow, 'values', value) ?? ownValue(workflow.roles, value)) : undefined),
  });
  if (approval) {
    const { type, params } = guard as { type: string; params?: unknown };
    return { type, ...(params === undefined ? {} : { params }), label: approval.label, outcome: approval.outcome };
  }
  if (typeof guard === 'string') return { type: guard, label: labelFor(workflow, 'guards', guard) ?? same(guard) };
  if (typeof guard === 'function') {
    const fn = guard as { name?: string; guards?: unknown[] };
    const name = fn.name && fn.name !== 'anonymous' ? fn.name : 'guard';
    if ((name === 'and' || name === 'or' || name === 'not') && Array.isArray(fn.guards)) {
      const inner = fn.guards.map((g) => describeGuard(g, workflow, stepLabels)).filter((g): g is GuardInfo => g !== null);
      if (name === 'not') {
        const one = inner[0]?.label ?? same('?');
        return { type: 'not', label: { 'zh-CN': `非 ${one['zh-CN']}`, en: `not ${one.en}` } };
      }
      const sep = name === 'and' ? { 'zh-CN': ' 且 ', en: ' and ' } : { 'zh-CN': ' 或 ', en: ' or ' };
      return {
        type: name,
        label: { 'zh-CN': inner.map((g) => g.label['zh-CN']).join(sep['zh-CN']), en: inner.map((g) => g.label.en).join(sep.en) },
      };
    }
    // An inline guard (`guard: ({ context }) => …`) is named "guard" by JavaScript after its
    // property, or not at all: its diagram label read "guard" in both languages; say "condition".
    return { type: name, label: labelFor(workflow, 'guards', name) ?? (name === 'guard' ? UNNAMED_GUARD : same(name)) };
  }
  const obj = record(guard);
  if (obj && typeof obj['type'] === 'string') {
    const type = obj['type'];
    const params = obj['params'];
    const labelled = labelFor(workflow, 'guards', type);
    const base = labelled ?? same(type);
    // Params in words when the workflow names them; raw params only beside a raw guard name (a
    // workflow with no labels at all), never after a label an analyst reads.
    const words = typeof params === 'function' ? null : describeParams(workflow, params);
    const raw = typeof params === 'function' || labelled ? '' : compact(params);
    const label = words
      ? { 'zh-CN': `${base['zh-CN']}（${words['zh-CN']}）`, en: `${base.en} (${words.en})` }
      : raw === ''
        ? base
        : { 'zh-CN': `${base['zh-CN']}（${raw}）`, en: `${base.en} (${raw})` };
    return { type, ...(params === undefined || typeof params === 'function' ? {} : { params }), label };
  }
  return { type: 'guard', label: UNNAMED_GUARD };
}

/** The label of a guard with no name of its own. */
const UNNAMED_GUARD: BiText = { 'zh-CN': '条件', en: 'condition' };

function describeApprovers(rule: unknown, workflow: AnyWorkflow): BiText | null {
  if (rule === undefined || rule === null) return null;
  if (isBiText(rule)) return rule;
  if (typeof rule === 'string') return ownValue(workflow.roles, rule) ?? same(rule);
  if (Array.isArray(rule)) {
    const parts = rule.map((r) => describeApprovers(r, workflow)).filter((r): r is BiText => r !== null);
    return { 'zh-CN': parts.map((p) => p['zh-CN']).join('、'), en: parts.map((p) => p.en).join(', ') };
  }
  const obj = record(rule);
  if (!obj) return null;
  if (isBiText(obj['label'])) return obj['label'];
  const kind = typeof obj['kind'] === 'string' ? obj['kind'] : typeof obj['type'] === 'string' ? obj['type'] : '';
  const role = typeof obj['role'] === 'string' ? (workflow.roles?.[obj['role']] ?? same(obj['role'])) : undefined;
  switch (kind) {
    case 'role':
      return role ? { 'zh-CN': `角色：${role['zh-CN']}`, en: `role: ${role.en}` } : same(compact(obj));
    case 'users':
    case 'user':
      return { 'zh-CN': `指定人员：${compact(obj['users'] ?? obj['ids'] ?? obj['id'])}`, en: `named: ${compact(obj['users'] ?? obj['ids'] ?? obj['id'])}` };
    case 'supervisor':
    case 'supervisors': {
      const levels = typeof obj['levels'] === 'number' ? obj['levels'] : 1;
      return levels > 1 ? { 'zh-CN': `连续${levels}级主管`, en: `${levels} levels of supervisors` } : { 'zh-CN': '直属主管', en: 'direct supervisor' };
    }
    case 'departmentHead':
    case 'department-head':
      return { 'zh-CN': `部门负责人${obj['department'] ? `（${compact(obj['department'])}）` : ''}`, en: `department head${obj['department'] ? ` (${compact(obj['department'])})` : ''}` };
    case 'initiatorChoice':
    case 'chosen':
    case 'self-select':
      return { 'zh-CN': '发起人自选', en: "initiator's choice" };
    case 'field':
      return { 'zh-CN': `字段：${compact(obj['field'] ?? obj['path'])}`, en: `field: ${compact(obj['field'] ?? obj['path'])}` };
    default:
      return same(compact(obj));
  }
}

/**
 * Describe an approval step declared in a state's `meta.approval` (`{ mode, approvers }`): the mode
 * as 依次 / 会签 / 或签 / 票签 and the approver rule in words. `null` when the state is no approval step.
 */
export function describeApproval(meta: unknown, workflow: AnyWorkflow): ApprovalInfo | null {
  const obj = record(meta);
  if (!obj) return null;
  const modeValue = obj['mode'];
  const modeObj = record(modeValue);
  const mode = typeof modeValue === 'string' ? modeValue : typeof modeObj?.['kind'] === 'string' ? modeObj['kind'] : typeof modeObj?.['type'] === 'string' ? modeObj['type'] : 'approval';
  let modeLabel = MODE_LABELS[mode] ?? (isBiText(obj['modeLabel']) ? obj['modeLabel'] : same(mode));
  const threshold = modeObj?.['ratio'] ?? modeObj?.['count'] ?? modeObj?.['atLeast'] ?? obj['ratio'] ?? obj['count'];
  if (threshold !== undefined) modeLabel = { 'zh-CN': `${modeLabel['zh-CN']} ${compact(threshold)}`, en: `${modeLabel.en} ${compact(threshold)}` };
  const approvers = describeApprovers(obj['approvers'] ?? obj['approver'] ?? obj['rule'], workflow);
  return { mode, modeLabel, approvers, raw: meta };
}
