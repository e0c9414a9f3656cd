import type { DiagramLayout, LaidOutEdge, Point } from './layout-graph.js';
import { edgeLines, nodeContent, TYPE } from './node-content.js';
import type { StateGraphNode } from './state-graph.js';
import { LANGS, type BiText, type Lang } from './text-metrics.js';

/** Rendering options. */
export interface RenderSvgOptions {
  /**
   * `'both'` (default) writes both languages and lets `data-lang` on the `<svg>` pick one (the site's
   * language switch flips it); a single language writes only that one (the CLI's `--lang`).
   */
  readonly lang?: Lang | 'both';
  /** The language shown first when `lang` is `'both'`. Default `'zh-CN'`. */
  readonly initialLang?: Lang;
  /** State ids to highlight as active. */
  readonly active?: readonly string[];
}

/** Escape text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const STYLE = `
.docket-diagram{font-family:"Noto Sans","Noto Sans CJK SC","WenQuanYi Micro Hei","PingFang SC","Microsoft YaHei",system-ui,sans-serif}
.docket-diagram[data-lang="en"] .l-zh,.docket-diagram[data-lang="zh-CN"] .l-en{display:none}
.docket-diagram .state-box{fill:#fff;stroke:#44546a;stroke-width:1.4}
.docket-diagram .kind-compound>.state-box{fill:#f6f8fb}
.docket-diagram .kind-parallel>.state-box{fill:#fbf8f1;stroke-dasharray:6 4}
.docket-diagram .region>.state-box{fill:#fffdf8;stroke:#b59b6a;stroke-dasharray:3 3}
.docket-diagram .kind-final>.state-box{fill:#eef7ee;stroke:#3d7a3d}
.docket-diagram .kind-final>.final-inner{fill:none;stroke:#3d7a3d;stroke-width:1}
.docket-diagram .kind-history>.state-box{fill:#f3f0fa;stroke:#6a5a9c}
.docket-diagram .approval>.state-box{stroke:#1f5fae;stroke-width:2}
.docket-diagram .title{font-size:${TYPE.titleSize}px;font-weight:600;fill:#1d2733}
.docket-diagram .line{font-size:${TYPE.lineSize}px;fill:#4b5866}
.docket-diagram .line.approval-line{fill:#1f5fae}
.docket-diagram .line.deadline-line{fill:#9a5b00}
.docket-diagram .edge{fill:none;stroke:#6b7785;stroke-width:1.3}
.docket-diagram .edge.kind-after{stroke:#b06f00;stroke-dasharray:5 3}
.docket-diagram .edge.kind-always{stroke:#5b6fb0}
.docket-diagram .edge.minor{stroke:#a9b3bf;stroke-width:1;stroke-dasharray:4 3}
.docket-diagram .edge-label.minor text{fill:#7b8794}
.docket-diagram .edge-label.minor .guard{fill:#8a94b8}
.docket-diagram .edge-label rect{fill:#fff;fill-opacity:.92;stroke:none}
.docket-diagram .edge-label text{font-size:${TYPE.edgeSize}px;fill:#2d3946}
.docket-diagram .edge-label .guard{fill:#5b6fb0}
.docket-diagram .initial-marker{fill:#1d2733}
.docket-diagram .active>.state-box{fill:#ffe9a3;stroke:#e07b00;stroke-width:3.2}
.docket-diagram .kind-final.active>.state-box{fill:#ffe9a3;stroke:#e07b00}
.docket-diagram .kind-compound.active>.state-box,.docket-diagram .kind-parallel.active>.state-box{fill:#fffbea;stroke-width:2.6}
`;

function texts(text: BiText, langs: readonly Lang[], attrs: string, cls: string): string {
  return langs
    .map((l) => `<text class="${cls} l-${l === 'zh-CN' ? 'zh' : 'en'}" ${attrs}>${escapeXml(text[l])}</text>`)
    .join('');
}

function path(points: readonly Point[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

function depthOf(node: StateGraphNode, byId: ReadonlyMap<string, StateGraphNode>): number {
  let depth = 0;
  for (let p = node.parent; p !== null; p = byId.get(p)?.parent ?? null) depth++;
  return depth;
}

/**
 * Draw a laid-out statechart as a standalone SVG string: boxes for states (nested and parallel
 * regions inside their parents, finals with a double border, approval steps outlined in blue),
 * orthogonal arrows labelled with the event and its guard, deadlines as dashed arrows. Every state
 * is a `<g class="state-node" data-state="<dotted path>">`, so pages can highlight active states.
 */
export function renderSvg(layout: DiagramLayout, options: RenderSvgOptions = {}): string {
  const langs: readonly Lang[] = options.lang === undefined || options.lang === 'both' ? LANGS : [options.lang];
  const shown = options.lang === undefined || options.lang === 'both' ? (options.initialLang ?? 'zh-CN') : options.lang;
  const active = new Set(options.active ?? []);
  const graph = layout.graph;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const parents = new Set(graph.nodes.map((n) => n.parent).filter((p): p is string => p !== null));
  const out: string[] = [];
  const w = layout.width;
  const h = layout.height;
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="docket-diagram" data-workflow="${escapeXml(graph.workflow)}" data-lang="${shown}" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img">`,
  );
  out.push(`<title>${escapeXml(langs.map((l) => graph.title[l]).join(' / '))}</title>`);
  out.push(`<style>${STYLE}</style>`);
  out.push(
    '<defs><marker id="docket-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#6b7785"/></marker>' +
      '<marker id="docket-arrow-minor" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#a9b3bf"/></marker>' +
      '<marker id="docket-arrow-after" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#b06f00"/></marker></defs>',
  );

  const drawNode = (node: StateGraphNode) => {
    const box = layout.nodes[node.id];
    if (!box) return;
    const content = nodeContent(node);
    const container = parents.has(node.id);
    const classes = ['state-node', `kind-${node.kind}`];
    if (node.region) classes.push('region');
    if (node.approval) classes.push('approval');
    if (active.has(node.id)) classes.push('active');
    const parts: string[] = [];
    const rx = node.kind === 'history' ? box.height / 2 : 8;
    parts.push(`<rect class="state-box" width="${box.width}" height="${box.height}" rx="${Math.min(rx, 20)}"/>`);
    if (node.kind === 'final') parts.push(`<rect class="final-inner" x="3" y="3" width="${box.width - 6}" height="${box.height - 6}" rx="6"/>`);
    const cx = container ? TYPE.padX : box.width / 2;
    const anchor = container ? 'start' : 'middle';
    const titleY = TYPE.padY + TYPE.titleSize + 2;
    parts.push(texts(content.title, langs, `x="${cx}" y="${titleY}" text-anchor="${anchor}"`, 'title'));
    content.lines.forEach((line, i) => {
      const y = TYPE.padY + TYPE.titleHeight + i * TYPE.lineHeight + TYPE.lineSize;
      parts.push(texts(line.text, langs, `x="${cx}" y="${y}" text-anchor="${anchor}"`, `line ${line.kind}-line`));
    });
    if (container) parts.push(`<line x1="0" x2="${box.width}" y1="${box.headerHeight}" y2="${box.headerHeight}" stroke="#c9d1db" stroke-width="1"/>`);
    out.push(
      `<g class="${classes.join(' ')}" data-state="${escapeXml(node.id)}" data-kind="${node.kind}" transform="translate(${box.x.toFixed(1)},${box.y.toFixed(1)})">${parts.join('')}</g>`,
    );
  };

  // Containers first (outermost first), then arrows, then simple states and labels on top.
  const containers = graph.nodes.filter((n) => parents.has(n.id)).sort((a, b) => depthOf(a, byId) - depthOf(b, byId));
  for (const node of containers) drawNode(node);

  const drawEdge = (edge: LaidOutEdge, cls: string, attrs: string) => {
    if (edge.points.length < 2) return;
    const marker = cls.includes('kind-after') ? 'docket-arrow-after' : cls.includes('minor') ? 'docket-arrow-minor' : 'docket-arrow';
    out.push(`<path class="${cls}" ${attrs} d="${path(edge.points)}" marker-end="url(#${marker})"/>`);
  };
  for (const e of layout.markerEdges) drawEdge(e, 'edge initial-edge', '');
  graph.edges.forEach((edge, i) => {
    const laid = layout.edges[i];
    if (!laid) return;
    drawEdge(
      laid,
      `edge kind-${edge.kind}${edge.minor ? ' minor' : ''}`,
      `data-edge="${edge.id}" data-source="${escapeXml(edge.source)}" data-target="${escapeXml(edge.target)}"${edge.event ? ` data-event="${escapeXml(edge.event)}"` : ''}`,
    );
  });
  for (const m of layout.markers) {
    out.push(`<circle class="initial-marker" data-initial-of="${escapeXml(m.parent)}" cx="${m.x + m.width / 2}" cy="${m.y + m.height / 2}" r="${m.width / 2}"/>`);
  }
  for (const node of graph.nodes) if (!parents.has(node.id)) drawNode(node);

  graph.edges.forEach((edge, i) => {
    const label = layout.edges[i]?.label;
    if (!label) return;
    const lines = edgeLines(edge);
    const parts = [`<rect x="0" y="0" width="${label.width}" height="${label.height}" rx="3"/>`];
    lines.forEach((line, j) => {
      parts.push(texts(line, langs, `x="${label.width / 2}" y="${2 + TYPE.edgeSize + j * TYPE.lineHeight}" text-anchor="middle"`, j === 0 ? 'event' : 'guard'));
    });
    out.push(`<g class="edge-label${edge.minor ? ' minor' : ''}" data-edge="${edge.id}" transform="translate(${label.x.toFixed(1)},${label.y.toFixed(1)})">${parts.join('')}</g>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
