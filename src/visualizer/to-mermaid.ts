import { nodeContent } from './node-content.js';
import type { StateGraph, StateGraphNode } from './state-graph.js';
import type { Lang } from './text-metrics.js';

function mermaidId(id: string): string {
  return id.replace(/[^A-Za-z0-9_]/g, '_');
}

function mermaidText(text: string): string {
  // Mermaid labels end at ':' and break on '#', ';' and braces; keep them readable but safe.
  return text.replace(/[:;#{}]/g, (c) => ({ ':': '：', ';': '；', '#': '＃', '{': '(', '}': ')' })[c] ?? c);
}

/**
 * The statechart as a mermaid `stateDiagram-v2` (paste into GitHub markdown or mermaid.live): nested
 * and parallel states (`--` between regions), initial and final markers, events with guards, and
 * each state's approval step, deadline and roles as a note.
 */
export function toMermaid(graph: StateGraph, lang: Lang): string {
  const lines: string[] = ['stateDiagram-v2', `  %% ${graph.title[lang]} (${graph.workflow} v${graph.version})`];
  const children = new Map<string | null, StateGraphNode[]>();
  for (const node of graph.nodes) {
    const list = children.get(node.parent) ?? [];
    list.push(node);
    children.set(node.parent, list);
  }
  const notes: string[] = [];
  const emit = (parent: string | null, indent: string) => {
    const kids = children.get(parent) ?? [];
    const parentNode = parent === null ? undefined : graph.nodes.find((n) => n.id === parent);
    kids.forEach((node, i) => {
      const id = mermaidId(node.id);
      if (parentNode?.kind === 'parallel' && i > 0) lines.push(`${indent}--`);
      lines.push(`${indent}state "${mermaidText(node.label[lang])}" as ${id}`);
      if (node.initial) lines.push(`${indent}[*] --> ${id}`);
      if (node.kind === 'final') lines.push(`${indent}${id} --> [*]`);
      if (children.has(node.id)) {
        lines.push(`${indent}state ${id} {`);
        emit(node.id, `${indent}  `);
        lines.push(`${indent}}`);
      }
      const facts = nodeContent(node).lines.map((l) => mermaidText(l.text[lang]));
      if (facts.length > 0 && !children.has(node.id)) notes.push(`  note right of ${id}\n${facts.map((f) => `    ${f}`).join('\n')}\n  end note`);
    });
  };
  emit(null, '  ');
  for (const edge of graph.edges) {
    const guard = edge.guard ? ` [${mermaidText(edge.guard.label[lang])}]` : '';
    lines.push(`  ${mermaidId(edge.source)} --> ${mermaidId(edge.target)} : ${mermaidText(edge.label[lang])}${guard}`);
  }
  for (const note of notes) lines.push(note);
  return `${lines.join('\n')}\n`;
}
