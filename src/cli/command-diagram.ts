import { writeFileSync } from 'node:fs';
import { layoutStateGraph } from '../visualizer/layout-graph.js';
import { renderSvg } from '../visualizer/render-svg.js';
import { stateGraph } from '../visualizer/state-graph.js';
import { toMermaid } from '../visualizer/to-mermaid.js';
import { flagError } from './cli-error.js';
import { findWorkflow, print, printJson, type CommandContext } from './cli-context.js';
import { table } from './format-text.js';
import { t } from './cli-lang.js';
import { builtinWorkflows } from './workflow-catalog.js';
import { jsonSafe, terminalSafe } from './terminal-safe.js';

const FORMATS = ['svg', 'mermaid', 'json'] as const;

/** `docket diagram <workflow> [--format svg|mermaid|json] [--out file]`. */
export async function diagramCommand(ctx: CommandContext, id: string, opts: { format?: string; out?: string }): Promise<void> {
  const format = (opts.format ?? 'svg') as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw flagError('--format', `Unknown format ${JSON.stringify(opts.format)}: use --format svg, mermaid or json.`);
  const workflow = findWorkflow(ctx, id);
  const graph = stateGraph(workflow);
  let content: string;
  if (format === 'json') content = `${jsonSafe(JSON.stringify(graph, null, 2))}\n`;
  else if (format === 'mermaid') content = toMermaid(graph, ctx.lang);
  else content = `${renderSvg(await layoutStateGraph(graph), { lang: ctx.lang })}\n`;
  if (opts.out !== undefined) {
    writeFileSync(opts.out, content);
    if (ctx.json) printJson(ctx, { workflow: workflow.id, format, out: opts.out, bytes: Buffer.byteLength(content) });
    else print(ctx, `${opts.out} (${format}, ${graph.nodes.length} states)`);
    return;
  }
  if (ctx.json) printJson(ctx, format === 'json' ? graph : { workflow: workflow.id, format, lang: ctx.lang, content });
  else ctx.io.stdout.write(format === 'json' ? content : terminalSafe(content, { keepNewlines: true }));
}

/** `docket workflows`: what `diagram` and `simulate` accept. */
export function workflowsCommand(ctx: CommandContext): void {
  const builtin = new Set(builtinWorkflows());
  const list = ctx.workflows.map((w) => ({
    id: w.id,
    version: w.version,
    title: w.labels?.title ?? { 'zh-CN': w.id, en: w.id },
    states: stateGraph(w).nodes.length,
    source: builtin.has(w) ? ('example' as const) : ('yours' as const),
  }));
  if (ctx.json) return printJson(ctx, list);
  const source = (s: 'example' | 'yours') => (s === 'example' ? t(ctx.lang, '示例', 'example') : t(ctx.lang, '你的', 'yours'));
  print(
    ctx,
    table(
      ctx.lang === 'zh-CN' ? ['流程', '版本', '名称', '状态数', '来源'] : ['workflow', 'version', 'title', 'states', 'source'],
      list.map((w) => [w.id, String(w.version), w.title[ctx.lang], String(w.states), source(w.source)]),
    ),
  );
}
