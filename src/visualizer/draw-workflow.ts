import type { AnyWorkflow } from '../engine/define-workflow.js';
import { layoutStateGraph, type LayoutOptions } from './layout-graph.js';
import { renderSvg, type RenderSvgOptions } from './render-svg.js';
import { stateGraph } from './state-graph.js';
import type { Lang } from './text-metrics.js';
import { toMermaid } from './to-mermaid.js';

/**
 * A workflow's statechart as one standalone SVG document (string): its state graph laid out with
 * elkjs and rendered with labels in `options.lang` (`'zh-CN'`, `'en'`, or `'both'` with a language
 * switch; default both). What `docket diagram <id>` prints and the docs site draws.
 * Throws what {@link stateGraph} throws for a workflow whose machine cannot be read.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { contractApproval } from 'docket/machines';
 * import { workflowSvg } from 'docket/visualizer';
 * writeFileSync('contract.svg', await workflowSvg(contractApproval, { lang: 'en' }));
 * ```
 * @category Visualizer
 */
export async function workflowSvg(workflow: AnyWorkflow, options: RenderSvgOptions & { readonly layout?: LayoutOptions } = {}): Promise<string> {
  const { layout, ...render } = options;
  return renderSvg(await layoutStateGraph(stateGraph(workflow), layout ?? {}), render);
}

/**
 * A workflow's statechart as Mermaid `stateDiagram-v2` text in one language (for markdown, GitHub,
 * wikis). Pure.
 *
 * @example
 * ```ts
 * import { contractApproval } from 'docket/machines';
 * import { workflowMermaid } from 'docket/visualizer';
 * console.log(workflowMermaid(contractApproval, 'zh-CN'));
 * ```
 * @category Visualizer
 */
export function workflowMermaid(workflow: AnyWorkflow, lang: Lang = 'en'): string {
  return toMermaid(stateGraph(workflow), lang);
}
