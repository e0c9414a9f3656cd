import type { StateGraphEdge, StateGraphNode } from './state-graph.js';
import { LANGS, textWidth, type BiText } from './text-metrics.js';

/** Typography shared by the layout (which sizes boxes) and the renderer (which draws into them). */
export const TYPE = {
  titleSize: 13,
  lineSize: 11,
  edgeSize: 11,
  titleHeight: 22,
  lineHeight: 15,
  padX: 12,
  padY: 8,
  minWidth: 96,
} as const;

/** What a state box shows: its label, then one line per fact (approval, deadline, roles). */
export interface NodeContent {
  readonly title: BiText;
  readonly lines: readonly { readonly kind: 'approval' | 'deadline' | 'roles' | 'meta'; readonly text: BiText }[];
}

/** The text a state box shows, in both languages. */
export function nodeContent(node: StateGraphNode): NodeContent {
  const lines: { kind: 'approval' | 'deadline' | 'roles' | 'meta'; text: BiText }[] = [];
  if (node.approval) {
    const a = node.approval;
    lines.push({
      kind: 'approval',
      text: a.approvers
        ? { 'zh-CN': `${a.modeLabel['zh-CN']} · ${a.approvers['zh-CN']}`, en: `${a.modeLabel.en} · ${a.approvers.en}` }
        : a.modeLabel,
    });
  }
  for (const d of node.deadlines) lines.push({ kind: 'deadline', text: { 'zh-CN': `期限：${d.text['zh-CN']}`, en: `Due: ${d.text.en}` } });
  if (node.roles.length > 0) {
    lines.push({
      kind: 'roles',
      text: { 'zh-CN': `角色：${node.roles.map((r) => r.label['zh-CN']).join('、')}`, en: `Roles: ${node.roles.map((r) => r.label.en).join(', ')}` },
    });
  }
  for (const f of node.fromAnyState) {
    lines.push({ kind: 'meta', text: { 'zh-CN': `任何状态下「${f.label['zh-CN']}」`, en: `From any state: ${f.label.en}` } });
  }
  if (node.kind === 'history') lines.push({ kind: 'meta', text: { 'zh-CN': '历史状态', en: 'history' } });
  return { title: node.label, lines };
}

/** The widest of both languages, so a box fits whichever language is shown. */
export function biWidth(text: BiText, size: number, bold = false): number {
  return Math.max(...LANGS.map((l) => textWidth(text[l], size, bold)));
}

/** Width and height of the header of a state (the whole box for a simple state). */
export function headerSize(content: NodeContent): { width: number; height: number } {
  const widths = [biWidth(content.title, TYPE.titleSize, true), ...content.lines.map((l) => biWidth(l.text, TYPE.lineSize))];
  return {
    width: Math.max(TYPE.minWidth, Math.max(...widths) + 2 * TYPE.padX),
    height: TYPE.padY + TYPE.titleHeight + content.lines.length * TYPE.lineHeight + (content.lines.length > 0 ? TYPE.padY : 2),
  };
}

/** The lines an edge label shows: the event (or deadline), then its guard in brackets. */
export function edgeLines(edge: StateGraphEdge): BiText[] {
  const lines: BiText[] = [edge.label];
  // An approval outcome or a branch condition is already the label: no need to say it twice. A
  // branch() with its own label (金额 ≥ 50万) says in words what its data condition tests.
  if (edge.guard && edge.guard.label.en !== edge.label.en && edge.guard.outcome !== 'condition') lines.push({ 'zh-CN': `[${edge.guard.label['zh-CN']}]`, en: `[${edge.guard.label.en}]` });
  return lines;
}
