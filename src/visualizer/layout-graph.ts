import { DocketError } from '../errors.js';
import type { ELK as ElkApi, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { edgeLines, headerSize, nodeContent, TYPE, biWidth } from './node-content.js';
import type { StateGraph } from './state-graph.js';

/** An axis-aligned box in diagram coordinates (absolute, top-left origin). */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A point in diagram coordinates. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A state box, with how tall its header is (compound and parallel states draw children below it). */
export interface LaidOutNode extends Box {
  readonly id: string;
  readonly headerHeight: number;
}

/** The small filled circle marking a compound state's initial child. */
export interface InitialMarker extends Box {
  /** The id of the compound state it belongs to (`''` for the machine's root). */
  readonly parent: string;
  readonly target: string;
}

export interface LaidOutEdge {
  readonly id: string;
  readonly points: readonly Point[];
  readonly label: Box | null;
}

/** The whole diagram with absolute positions: what the SVG renderer draws. */
export interface DiagramLayout {
  readonly graph: StateGraph;
  readonly width: number;
  readonly height: number;
  readonly nodes: Readonly<Record<string, LaidOutNode>>;
  readonly markers: readonly InitialMarker[];
  /** Edges from initial markers to initial states. */
  readonly markerEdges: readonly LaidOutEdge[];
  readonly edges: readonly LaidOutEdge[];
}

/** Layout knobs. */
export interface LayoutOptions {
  /** `DOWN` (default) reads top to bottom; `RIGHT` left to right. */
  readonly direction?: 'DOWN' | 'RIGHT';
  /** Extra elk layout options for the root (for experiments; the defaults are tuned for statecharts). */
  readonly elk?: Readonly<Record<string, string>>;
}

const MARKER = 12;
/** How far a self-loop stands out from its state's right side, and the gap before its label. */
const LOOP_OUT = 16;
const LOOP_GAP = 6;

/** The label box of an edge: its lines at the edge font, plus a little padding. */
function labelSize(edge: StateGraph['edges'][number]): { width: number; height: number } {
  const lines = edgeLines(edge);
  return { width: Math.max(...lines.map((l) => biWidth(l, TYPE.edgeSize))) + 8, height: lines.length * TYPE.lineHeight + 4 };
}

/**
 * A transition back into its own state (a reminder that re-enters on each timeout) is drawn by us,
 * not routed by elk: a small loop on the state's right side with its label beside it. Routed by elk,
 * each one pulls its state into extra layers and pushes the diagram wide and diagonal. elk only
 * reserves the room, as a wider box that the state is drawn at the left of.
 */
function selfLoops(graph: StateGraph): Map<string, { width: number; edges: StateGraph['edges'][number][] }> {
  const loops = new Map<string, { width: number; edges: StateGraph['edges'][number][] }>();
  const parents = new Set(graph.nodes.map((n) => n.parent));
  for (const edge of graph.edges) {
    if (edge.source !== edge.target || parents.has(edge.source)) continue;
    const entry = loops.get(edge.source) ?? { width: 0, edges: [] };
    entry.edges.push(edge);
    entry.width = Math.max(entry.width, LOOP_OUT + LOOP_GAP + labelSize(edge).width);
    loops.set(edge.source, entry);
  }
  return loops;
}

/** Keep an arrow's end on the drawn box when elk aimed at the room reserved for a self-loop. */
function clampEnd(points: Point[], atStart: boolean, box: Box): Point[] {
  if (points.length < 2) return points;
  const ps = atStart ? [...points].reverse() : [...points];
  const end = ps[ps.length - 1]!;
  const before = ps[ps.length - 2]!;
  const lo = box.x + 8;
  const hi = box.x + box.width - 8;
  if (end.x >= lo && end.x <= hi) return points;
  const x = Math.min(Math.max(end.x, lo), Math.max(lo, hi));
  if (before.x === end.x && ps.length > 2) {
    ps[ps.length - 2] = { x, y: before.y };
    ps[ps.length - 1] = { x, y: end.y };
  } else if (before.x === end.x) {
    // A straight vertical arrow: jog halfway instead of moving its other end.
    const mid = (before.y + end.y) / 2;
    ps.splice(ps.length - 1, 1, { x: before.x, y: mid }, { x, y: mid }, { x, y: end.y });
  } else {
    ps[ps.length - 1] = { x, y: end.y };
  }
  return atStart ? ps.reverse() : ps;
}

let elkConstructor: Promise<new () => ElkApi> | undefined;

/**
 * elkjs (1.5 MB) loads on the first layout only, so CLI commands that draw nothing start fast. It
 * ships CommonJS with ESM-style typings: take `default` when present, else the module itself.
 */
function loadElk(): Promise<new () => ElkApi> {
  elkConstructor ??= import('elkjs/lib/elk.bundled.js').then((m) => {
    const mod = m as unknown as { default?: { default?: unknown } | unknown };
    const first = mod.default ?? mod;
    return ((first as { default?: unknown }).default ?? first) as new () => ElkApi;
  }, (error: unknown) => {
    elkConstructor = undefined;
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    // elkjs is an optional peer: only diagrams need it, so a library user does not install 8 MB.
    throw new DocketError('MISSING_DEPENDENCY', 'Drawing a diagram needs the "elkjs" package, which is not installed. Install it: npm install elkjs', { package: 'elkjs', cause: error });
  });
  return elkConstructor;
}
const ROOT = '__root__';

/**
 * Above this many states and arrows together, boxes are placed by Brandes–Köpf instead of network
 * simplex. Network simplex draws the tidiest small charts (every built-in process is under 70) but
 * grows far faster than the graph: a 100-state chain with a return arrow every 7 states took 12 s,
 * 150 did not finish in 2 minutes and 300 overflowed elkjs's stack, so `npm run docs` and
 * `docket diagram` hung or died on a large machine. Brandes–Köpf lays out 300 such states in about 10 s.
 */
const LARGE_GRAPH = 120;

/** The layered-layout options of the whole diagram, and of each compound state laid out on its own. */
function rootOptions(options: LayoutOptions, large = false): Record<string, string> {
  return {
    'elk.algorithm': 'layered',
    'elk.direction': options.direction ?? 'DOWN',
    'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
    'elk.edgeRouting': 'ORTHOGONAL',
    'elk.edgeLabels.placement': 'CENTER',
    'elk.layered.edgeLabels.centerLabelPlacementStrategy': 'TAIL_LAYER',
    'elk.spacing.nodeNode': '36',
    'elk.spacing.edgeNode': '18',
    'elk.spacing.edgeEdge': '14',
    'elk.spacing.edgeLabel': '4',
    'elk.spacing.labelNode': '6',
    'elk.layered.spacing.nodeNodeBetweenLayers': '44',
    'elk.layered.spacing.edgeNodeBetweenLayers': '18',
    'elk.layered.spacing.edgeEdgeBetweenLayers': '12',
    'elk.layered.nodePlacement.strategy': large ? 'BRANDES_KOEPF' : 'NETWORK_SIMPLEX',
    'elk.layered.crossingMinimization.semiInteractive': 'false',
    'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
    'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    ...options.elk,
  };
}

/**
 * Lay out a {@link StateGraph} with elkjs (layered, orthogonal edges, nested states laid out with
 * their parents), sizing each box and edge label to fit the longer of its zh-CN and en text.
 */
export async function layoutStateGraph(graph: StateGraph, options: LayoutOptions = {}): Promise<DiagramLayout> {
  // elk sizes a compound state from its children and ignores a minimum size under INCLUDE_CHILDREN;
  // when the header (label, approval, deadline) is wider, lay out again with that much more padding.
  const extra = new Map<string, number>();
  let layout = await layoutOnce(graph, options, extra);
  for (let pass = 0; pass < 3; pass++) {
    let changed = false;
    for (const node of graph.nodes) {
      const box = layout.nodes[node.id];
      const want = headerSize(nodeContent(node)).width;
      if (box && box.headerHeight > 0 && graph.nodes.some((n) => n.parent === node.id) && box.width < want) {
        extra.set(node.id, (extra.get(node.id) ?? 0) + Math.ceil(want - box.width));
        changed = true;
      }
    }
    if (!changed) break;
    layout = await layoutOnce(graph, options, extra);
  }
  return layout;
}

async function layoutOnce(graph: StateGraph, options: LayoutOptions, extra: ReadonlyMap<string, number>): Promise<DiagramLayout> {
  const padding = (id: string, headerHeight: number) => {
    const add = extra.get(id) ?? 0;
    const left = 14 + Math.floor(add / 2);
    const right = 14 + Math.ceil(add / 2);
    return `[top=${headerHeight + 12},left=${left},bottom=14,right=${right}]`;
  };
  const elk = new (await loadElk())();
  const large = graph.nodes.length + graph.edges.length > LARGE_GRAPH;
  const byParent = new Map<string, ElkNode[]>();
  const header = new Map<string, number>();
  const push = (parent: string, node: ElkNode) => {
    let list = byParent.get(parent);
    if (!list) byParent.set(parent, (list = []));
    list.push(node);
  };
  const hasChildren = new Set(graph.nodes.filter((n) => n.parent !== null).map((n) => n.parent as string));
  const edges: ElkExtendedEdge[] = [];
  const loops = selfLoops(graph);
  const markerTargets: { id: string; parent: string; target: string }[] = [];

  for (const node of graph.nodes) {
    const size = headerSize(nodeContent(node));
    header.set(node.id, size.height);
    const parent = node.parent ?? ROOT;
    // The initial marker goes first in model order, so the layout starts where the machine starts.
    if (node.initial) {
      const markerId = `${parent}#initial`;
      if (!markerTargets.some((m) => m.id === markerId)) {
        push(parent, { id: markerId, width: MARKER, height: MARKER });
        markerTargets.push({ id: markerId, parent, target: node.id });
        edges.push({ id: `${markerId}->`, sources: [markerId], targets: [node.id] });
      }
    }
    if (hasChildren.has(node.id)) {
      push(parent, {
        id: node.id,
        // Room for the header; the width of a compound state grows with its children.
        layoutOptions: {
          'elk.padding': padding(node.id, size.height),
        },
      });
    } else {
      push(parent, { id: node.id, width: size.width + (loops.get(node.id)?.width ?? 0), height: node.kind === 'history' ? Math.max(size.height, 40) : size.height });
    }
  }

  // An arrow from deep inside one compound state to another is laid out between the two blocks
  // that hold its ends (children of their lowest common ancestor), so each block stays
  // self-contained and a chain of phases reads straight down instead of stepping right with every
  // arrow that leaves from a nested region. The drawn arrow then leaves from that block's border.
  const parentOf = new Map(graph.nodes.map((n) => [n.id, n.parent]));
  const chain = (id: string): string[] => {
    const out = [id];
    for (let p = parentOf.get(id) ?? null; p !== null; p = parentOf.get(p) ?? null) out.push(p);
    return out;
  };
  const lift = (edge: StateGraph['edges'][number]): { source: string; target: string } => {
    const a = chain(edge.source);
    const b = chain(edge.target);
    const common = a.find((x) => b.includes(x) && x !== edge.source && x !== edge.target) ?? null;
    const below = (list: string[]) => (common === null ? list.at(-1)! : list[list.indexOf(common) - 1]!);
    if (a.includes(edge.target) || b.includes(edge.source)) return { source: edge.source, target: edge.target };
    return { source: below(a), target: below(b) };
  };
  const lifted = new Map(graph.edges.map((e) => [e.id, lift(e)]));
  for (const edge of graph.edges) {
    if (loops.get(edge.source)?.edges.includes(edge)) continue;
    const ends = lifted.get(edge.id)!;
    edges.push({
      id: edge.id,
      sources: [ends.source],
      targets: [ends.target],
      labels: [{ id: `${edge.id}:label`, text: edge.label.en, ...labelSize(edge) }],
    });
  }

  // A compound state that no arrow enters or leaves below its own box is laid out on its own, then
  // placed as one block: its children line up under its header instead of drifting with the layers
  // of everything around them (the strategy cycle's phases each hold an on-time/overdue/escalated trio).
  const ancestorsOf = (id: string): string[] => {
    const out: string[] = [];
    for (let p = graph.nodes.find((n) => n.id === id)?.parent ?? null; p !== null; p = graph.nodes.find((n) => n.id === p)?.parent ?? null) out.push(p);
    return out;
  };
  const crossing = new Set<string>();
  for (const edge of graph.edges) {
    const ends = lifted.get(edge.id)!;
    const a = ancestorsOf(ends.source);
    const b = ancestorsOf(ends.target);
    // Every compound holding exactly one end (strictly inside) is crossed.
    for (const p of a) if (!b.includes(p) && p !== ends.target) crossing.add(p);
    for (const p of b) if (!a.includes(p) && p !== ends.source) crossing.add(p);
  }
  for (const node of graph.nodes) {
    if (!hasChildren.has(node.id) || crossing.has(node.id)) continue;
    const elkNode = [...byParent.values()].flat().find((n) => n.id === node.id);
    if (elkNode) elkNode.layoutOptions = { ...rootOptions(options, large), 'elk.hierarchyHandling': 'SEPARATE_CHILDREN', ...elkNode.layoutOptions };
  }

  const build = (id: string): ElkNode[] =>
    (byParent.get(id) ?? []).map((n) => (byParent.has(n.id) ? { ...n, children: build(n.id) } : n));

  const root: ElkNode = {
    id: ROOT,
    layoutOptions: rootOptions(options, large),
    children: build(ROOT),
    edges,
  };


  const result = await elk.layout(root);

  const abs = new Map<string, { x: number; y: number }>([[ROOT, { x: 0, y: 0 }]]);
  const boxes: Record<string, LaidOutNode> = {};
  const markers: InitialMarker[] = [];
  const walk = (node: ElkNode, ox: number, oy: number) => {
    for (const child of node.children ?? []) {
      const x = ox + (child.x ?? 0);
      const y = oy + (child.y ?? 0);
      abs.set(child.id, { x, y });
      const marker = markerTargets.find((m) => m.id === child.id);
      if (marker) markers.push({ parent: marker.parent === ROOT ? '' : marker.parent, target: marker.target, x, y, width: child.width ?? MARKER, height: child.height ?? MARKER });
      else {
        const width = (child.width ?? 0) - (loops.get(child.id)?.width ?? 0);
        boxes[child.id] = { id: child.id, x, y, width, height: child.height ?? 0, headerHeight: header.get(child.id) ?? TYPE.titleHeight };
      }
      walk(child, x, y);
    }
  };
  walk(result, 0, 0);

  const laidEdges = new Map<string, LaidOutEdge>();
  const collect = (node: ElkNode) => {
    for (const e of (node.edges ?? []) as (ElkExtendedEdge & { container?: string })[]) {
      const origin = abs.get(e.container ?? node.id) ?? { x: 0, y: 0 };
      const points: Point[] = [];
      for (const s of e.sections ?? []) {
        points.push({ x: origin.x + s.startPoint.x, y: origin.y + s.startPoint.y });
        for (const b of s.bendPoints ?? []) points.push({ x: origin.x + b.x, y: origin.y + b.y });
        points.push({ x: origin.x + s.endPoint.x, y: origin.y + s.endPoint.y });
      }
      const l = e.labels?.[0];
      const label = l && l.x !== undefined && l.y !== undefined ? { x: origin.x + l.x, y: origin.y + l.y, width: l.width ?? 0, height: l.height ?? 0 } : null;
      const graphEdge = graph.edges.find((g) => g.id === e.id);
      let clamped = points;
      const from = graphEdge && loops.has(graphEdge.source) ? boxes[graphEdge.source] : undefined;
      const to = graphEdge && loops.has(graphEdge.target) ? boxes[graphEdge.target] : undefined;
      if (from) clamped = clampEnd(clamped, true, from);
      if (to) clamped = clampEnd(clamped, false, to);
      laidEdges.set(e.id, { id: e.id, points: clamped, label });
    }
    for (const child of node.children ?? []) collect(child);
  };
  collect(result);
  for (const [id, loop] of loops) {
    const box = boxes[id];
    if (!box) continue;
    // One loop per transition, stacked down the right side; the label sits just right of its loop.
    const n = loop.edges.length;
    loop.edges.forEach((edge, i) => {
      const band = box.height / n;
      const y1 = box.y + band * i + band * 0.28;
      const y2 = box.y + band * i + band * 0.72;
      const right = box.x + box.width;
      const out = right + LOOP_OUT;
      const size = labelSize(edge);
      laidEdges.set(edge.id, {
        id: edge.id,
        points: [
          { x: right, y: y1 },
          { x: out, y: y1 },
          { x: out, y: y2 },
          { x: right, y: y2 },
        ],
        label: { x: out + LOOP_GAP, y: (y1 + y2) / 2 - size.height / 2, ...size },
      });
    });
  }

  return {
    graph,
    width: Math.ceil(result.width ?? 0),
    height: Math.ceil(result.height ?? 0),
    nodes: boxes,
    markers,
    markerEdges: markerTargets.map((m) => laidEdges.get(`${m.id}->`)).filter((e): e is LaidOutEdge => e !== undefined),
    edges: graph.edges.map((e) => laidEdges.get(e.id) ?? { id: e.id, points: [], label: null }),
  };
}
