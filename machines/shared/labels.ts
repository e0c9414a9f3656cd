import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { DocketError, type Labels } from '../../src/index.js';

/**
 * A bilingual label, and the `meta` a state carries so a visualizer reads it from the machine itself.
 *
 * @example
 * ```ts
 * import { label } from './labels.js';
 * const s = { meta: label('草稿', 'Draft') }; // meta.label['zh-CN'] === '草稿'
 * ```
 */
export function label(zh: string, en: string): { readonly label: Labels } {
  return { label: { 'zh-CN': zh, en } };
}

/**
 * Every state's label keyed by its dotted path (`review.legal`), read from `meta.label`; the single
 * source for a workflow's `labels.states`. Throws a DocketError `INVALID_ARGUMENT` (`details.state`
 * its path) when a state has no label in both languages, so none is forgotten.
 *
 * @example
 * ```ts
 * import { stateLabelsOf } from './labels.js';
 * // defineWorkflow({ ..., labels: { title, states: stateLabelsOf(machine), events } })
 * ```
 */
export function stateLabelsOf(machine: AnyStateMachine): Record<string, Labels> {
  const out: Record<string, Labels> = {};
  const walk = (node: AnyStateNode) => {
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      const meta = child.meta as { label?: Labels } | undefined;
      const path = child.path.join('.');
      if (!meta?.label?.['zh-CN'] || !meta.label.en) {
        // A DocketError with a code, as every refusal of a definition (it was a TypeError without one).
        throw new DocketError('INVALID_ARGUMENT', `Machine "${machine.id}": state "${path}" has no meta.label in zh-CN and en. Give it meta: label('中文', 'English').`, { field: 'machine', state: path });
      }
      out[path] = meta.label;
      walk(child);
    }
  };
  walk(machine.root);
  return out;
}

/** A workflow's `labels`, plus short names for its own guards (read by the visualizer from `labels.guards`). */
export interface WorkflowLabels {
  readonly title: Labels;
  readonly states?: Readonly<Record<string, Labels>>;
  readonly events?: Readonly<Record<string, Labels>>;
  /** A guard's name in `setup({ guards })` → what the diagram prints for it (`settles` → 回款结清). */
  readonly guards?: Readonly<Record<string, Labels>>;
  /** A deadline's name in `deadlines` → what timers and deadline lines print for it (`signingRemind` → 签署提醒). */
  readonly deadlines?: Readonly<Record<string, Labels>>;
  /** Words for values in guard params (`internalMeeting` → 内部沟通会). */
  readonly values?: Readonly<Record<string, Labels>>;
  /** Words for context fields (`amount` → 金额). */
  readonly fields?: Readonly<Record<string, Labels>>;
}

/**
 * Declare a workflow's labels with guard names too; `defineWorkflow`'s `labels` type does not list
 * `guards`, which the visualizer reads all the same.
 *
 * @example
 * ```ts
 * import { workflowLabels } from './labels.js';
 * const labels = workflowLabels({ title: { 'zh-CN': '报销', en: 'Expense' }, guards: { settles: { 'zh-CN': '回款结清', en: 'paid in full' } } });
 * ```
 */
export function workflowLabels(labels: WorkflowLabels): WorkflowLabels {
  return labels;
}
