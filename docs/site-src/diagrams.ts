// Diagrams are drawn at build time (elkjs in Node) and shipped as SVG strings in data/diagrams.json;
// pages that show a live state load them and highlight the active states.
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

/** Put a diagram into `host`, in the page's language. */
export function mountDiagram(host: HTMLElement, entry: DiagramEntry): SVGSVGElement {
  host.innerHTML = entry.svg;
  const svg = host.querySelector<SVGSVGElement>('svg.docket-diagram')!;
  svg.dataset['lang'] = currentLang();
  return svg;
}

/** Mark exactly the states in `active` (dotted ids) as active. */
export function highlight(svg: SVGSVGElement, active: readonly string[]): void {
  const set = new Set(active);
  for (const g of svg.querySelectorAll<SVGGElement>('g.state-node')) g.classList.toggle('active', set.has(g.dataset['state'] ?? ''));
}
