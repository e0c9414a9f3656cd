// Diagrams are drawn at build time (elkjs in Node) and shipped as SVG strings in data/diagrams.json;
// pages that show a live state load them and highlight the active states. Every diagram sits in a
// framed viewer: it is scaled to fit (never cut off), with zoom buttons, ctrl+wheel zoom and drag to pan.
import type { StateGraph } from '../../src/visualizer/state-graph.js';
import { currentLang } from './lang.js';

export interface DiagramEntry {
  readonly svg: string;
  readonly graph: StateGraph;
}

let cache: Promise<Record<string, DiagramEntry>> | undefined;

/** All diagrams by workflow id. */
export function loadDiagrams(): Promise<Record<string, DiagramEntry>> {
  const root = document.body.dataset['root'] ?? '';
  cache ??= fetch(`${root}data/diagrams.json`).then((r) => {
    if (!r.ok) throw new Error(`Could not load ${root}data/diagrams.json (${r.status}). Run npm run docs.`);
    return r.json() as Promise<Record<string, DiagramEntry>>;
  });
  return cache;
}

/** Zoom and pan of one diagram. */
export interface DiagramViewer {
  readonly svg: SVGSVGElement;
  /** The whole diagram in the frame (at most 1:1). */
  fit(): void;
  /** Zoom by a factor, keeping the frame's centre where it is. */
  zoom(factor: number): void;
  /** Bring states into view at a readable scale, centred in the frame. */
  focus(ids: readonly string[]): void;
}

/**
 * `page`: the frame is as wide as the page and as tall as the scaled diagram; a diagram wider than
 * the page is scaled down to fit (not below `minScale`, then it scrolls sideways inside the frame).
 * `box`: a fixed-height frame (the simulator, the instance view) that follows the active state.
 */
export type ViewerMode = 'page' | 'box';

const T = {
  zoomIn: { 'zh-CN': '放大', en: 'Zoom in' },
  zoomOut: { 'zh-CN': '缩小', en: 'Zoom out' },
  fit: { 'zh-CN': '适应窗口', en: 'Fit' },
  actual: { 'zh-CN': '原始大小', en: '1:1' },
  follow: { 'zh-CN': '跟随当前状态', en: 'Follow the active state' },
};
const biSpan = (t: { 'zh-CN': string; en: string }) => `<span class="l-zh">${t['zh-CN']}</span><span class="l-en">${t.en}</span>`;

function boxOf(svg: SVGSVGElement, id: string): { x: number; y: number; w: number; h: number } | null {
  const g = [...svg.querySelectorAll<SVGGElement>('g.state-node')].find((el) => el.dataset['state'] === id);
  const rect = g?.querySelector<SVGRectElement>('rect.state-box');
  if (!g || !rect) return null;
  const m = /translate\(([-\d.]+),([-\d.]+)\)/.exec(g.getAttribute('transform') ?? '');
  return { x: Number(m?.[1] ?? 0), y: Number(m?.[2] ?? 0), w: Number(rect.getAttribute('width')), h: Number(rect.getAttribute('height')) };
}

/** Wrap the `<svg>` inside `host` in a framed, zoomable viewer. */
/** Below this a box-mode viewer does not shrink a diagram to fit: it scrolls and pans instead (labels stay readable). */
export const MIN_READABLE_SCALE = 0.6;

export function attachViewer(host: HTMLElement, mode: ViewerMode, minScale = 0.7): DiagramViewer {
  const svg = host.querySelector<SVGSVGElement>('svg.docket-diagram')!;
  const [, , w = 1, h = 1] = (svg.getAttribute('viewBox') ?? '').split(/\s+/).map(Number);
  host.classList.add('diagram-viewer', `viewer-${mode}`);
  const tools = document.createElement('div');
  tools.className = 'diagram-tools';
  tools.innerHTML =
    `<button type="button" class="btn" data-zoom="out" title="${T.zoomOut.en}">−</button>` +
    `<span class="zoom-level" data-zoom-level></span>` +
    `<button type="button" class="btn" data-zoom="in" title="${T.zoomIn.en}">+</button>` +
    `<button type="button" class="btn" data-zoom="fit">${biSpan(T.fit)}</button>` +
    `<button type="button" class="btn" data-zoom="actual">${biSpan(T.actual)}</button>` +
    (mode === 'box' ? `<label class="follow"><input type="checkbox" data-follow checked> ${biSpan(T.follow)}</label>` : '');
  const frame = document.createElement('div');
  frame.className = 'diagram-frame';
  frame.append(svg);
  host.replaceChildren(tools, frame);
  let scale = 1;
  const apply = (k: number) => {
    scale = Math.min(2, Math.max(0.15, k));
    svg.style.width = `${(w * scale).toFixed(1)}px`;
    svg.style.height = `${(h * scale).toFixed(1)}px`;
    tools.querySelector('[data-zoom-level]')!.textContent = `${Math.round(scale * 100)}%`;
    host.dataset['zoom'] = scale.toFixed(3);
  };
  const fitScale = () => {
    const fw = frame.clientWidth - 2;
    if (mode === 'page') return Math.min(1, Math.max(minScale, fw / w));
    return Math.max(MIN_READABLE_SCALE, Math.min(1, fw / w, (frame.clientHeight - 2) / h));
  };
  const centreOn = (cx: number, cy: number) => {
    frame.scrollLeft = cx * scale - frame.clientWidth / 2;
    frame.scrollTop = cy * scale - frame.clientHeight / 2;
  };
  const viewer: DiagramViewer = {
    svg,
    fit: () => {
      apply(fitScale());
      frame.scrollLeft = 0;
      frame.scrollTop = 0;
    },
    zoom: (factor) => {
      const cx = (frame.scrollLeft + frame.clientWidth / 2) / scale;
      const cy = (frame.scrollTop + frame.clientHeight / 2) / scale;
      apply(scale * factor);
      centreOn(cx, cy);
    },
    focus: (ids) => {
      // The innermost active states: a compound parent's box would zoom out to the whole region.
      const leaves = ids.filter((id) => !ids.some((other) => other.startsWith(`${id}.`)));
      const boxes = leaves.map((id) => boxOf(svg, id)).filter((b): b is NonNullable<typeof b> => b !== null);
      if (boxes.length === 0) return viewer.fit();
      const x0 = Math.min(...boxes.map((b) => b.x));
      const y0 = Math.min(...boxes.map((b) => b.y));
      const x1 = Math.max(...boxes.map((b) => b.x + b.w));
      const y1 = Math.max(...boxes.map((b) => b.y + b.h));
      const margin = 160;
      const k = Math.min(1, (frame.clientWidth - 2) / (x1 - x0 + 2 * margin), (frame.clientHeight - 2) / (y1 - y0 + 2 * margin));
      apply(Math.max(k, MIN_READABLE_SCALE, Math.min(1, fitScale())));
      centreOn((x0 + x1) / 2, (y0 + y1) / 2);
    },
  };
  tools.addEventListener('click', (e) => {
    const kind = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-zoom]')?.dataset['zoom'];
    if (kind === 'in') viewer.zoom(1.25);
    else if (kind === 'out') viewer.zoom(0.8);
    else if (kind === 'fit') viewer.fit();
    else if (kind === 'actual') viewer.zoom(1 / scale);
  });
  frame.addEventListener(
    'wheel',
    (e) => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      viewer.zoom(e.deltaY < 0 ? 1.1 : 1 / 1.1);
    },
    { passive: false },
  );
  let drag: { x: number; y: number; left: number; top: number } | null = null;
  frame.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    drag = { x: e.clientX, y: e.clientY, left: frame.scrollLeft, top: frame.scrollTop };
    frame.classList.add('dragging');
  });
  window.addEventListener('pointermove', (e) => {
    if (!drag) return;
    frame.scrollLeft = drag.left - (e.clientX - drag.x);
    frame.scrollTop = drag.top - (e.clientY - drag.y);
  });
  window.addEventListener('pointerup', () => {
    drag = null;
    frame.classList.remove('dragging');
  });
  viewer.fit();
  return viewer;
}

/** Whether a box-mode viewer should follow the active state. */
export function following(viewer: DiagramViewer): boolean {
  const box = viewer.svg.closest('.diagram-viewer')?.querySelector<HTMLInputElement>('[data-follow]');
  return box ? box.checked : false;
}

/** Put a diagram into `host`, in the page's language, inside a zoomable frame. */
export function mountDiagram(host: HTMLElement, entry: DiagramEntry): DiagramViewer {
  host.innerHTML = entry.svg;
  const svg = host.querySelector<SVGSVGElement>('svg.docket-diagram')!;
  svg.dataset['lang'] = currentLang();
  return attachViewer(host, 'box');
}

/** Mark exactly the states in `active` (dotted ids) as active. */
export function highlight(svg: SVGSVGElement, active: readonly string[]): void {
  const set = new Set(active);
  for (const g of svg.querySelectorAll<SVGGElement>('g.state-node')) g.classList.toggle('active', set.has(g.dataset['state'] ?? ''));
}

/** Highlight the active states and, when the viewer follows them, bring them into view. */
export function showActive(viewer: DiagramViewer, active: readonly string[]): void {
  highlight(viewer.svg, active);
  if (following(viewer)) viewer.focus(active);
}
