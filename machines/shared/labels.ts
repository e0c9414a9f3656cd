import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { Labels } from '../../src/index.js';

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
 * source for a workflow's `labels.states`. Throws when a state has no label, so none is forgotten.
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
      if (!meta?.label?.['zh-CN'] || !meta.label.en) throw new TypeError(`Machine "${machine.id}": state "${path}" has no meta.label in zh-CN and en.`);
      out[path] = meta.label;
      walk(child);
    }
  };
  walk(machine.root);
  return out;
}
