// The instance view: load a `docket export` JSON file and show where the instance is on its diagram,
// its history (who, when, from which state) and its pending timers.
import { parseInstanceExport, type InstanceExport } from '../../src/visualizer/instance-export.js';
import { activeStateIds, type StateGraph } from '../../src/visualizer/state-graph.js';
import { firedTimerState } from '../../src/visualizer/timer-text.js';
import { ownerOfTimer } from '../../src/engine/timer-owner.js';
import { loadDiagrams, mountDiagram, showActive } from './diagrams.js';
import { eventText, instantHtml, stateText, timerText } from './format.js';
import { bi, esc } from './templates.js';

/** Tooltip of the provisional mark (both languages: a title attribute cannot switch). */
const PROVISIONAL_TITLE = '暂定：该年节假日安排尚未公布，截止时间按法定假日估算 · Provisional: the year\'s holiday schedule is not yet published; the due time is estimated from the statutory holidays';

/** The instance view's parts as HTML: every value from the file escaped (it may be hand-edited). */
export interface InstanceHtml {
  readonly summary: string;
  readonly history: string;
  readonly timers: string;
  readonly tasks: string;
}

/**
 * The summary, history, timers and tasks of an export as HTML. Every value the file carries goes
 * through `esc` (a number too: a hand-edited `"version": "<img onerror=…>"` must show as text).
 */
export function instanceHtml(data: InstanceExport, graph: StateGraph | undefined): InstanceHtml {
  const i = data.instance;
  const summary = `
<table><tbody>
<tr><th>${bi({ 'zh-CN': '实例', en: 'Instance' })}</th><td><code>${esc(i.id)}</code></td></tr>
<tr><th>${bi({ 'zh-CN': '流程', en: 'Workflow' })}</th><td>${data.workflow.title ? bi(data.workflow.title) : esc(data.workflow.id)} <code>${esc(data.workflow.id)} v${esc(String(data.workflow.version))}</code></td></tr>
<tr><th>${bi({ 'zh-CN': '当前状态', en: 'Current state' })}</th><td id="iv-state">${bi(stateText(graph, i.state))}</td></tr>
<tr><th>${bi({ 'zh-CN': '状况', en: 'Status' })}</th><td><span class="badge ${i.status === 'done' ? 'done' : 'active'}">${esc(i.status)}${i.suspended ? ' · suspended' : ''}</span></td></tr>
<tr><th>${bi({ 'zh-CN': '发起人', en: 'Initiator' })}</th><td>${esc(i.initiator)}</td></tr>
<tr><th>${bi({ 'zh-CN': '历史链校验', en: 'History chain' })}</th><td>${data.verify.ok ? bi({ 'zh-CN': `完好（${data.verify.entries} 条）`, en: `intact (${data.verify.entries} entries)` }) : `<span class="message error">${esc(data.verify.problems.map((p) => p.message).join('; '))}</span>`}</td></tr>
<tr><th>${bi({ 'zh-CN': '导出时间', en: 'Exported' })}</th><td>${instantHtml(data.exportedAt)}</td></tr>
</tbody></table>`;
  const history = data.history
    .map(
      (h) =>
        `<tr><td>${esc(String(h.revision))}</td><td>${instantHtml(h.at)}</td><td>${esc(h.actor.name ?? h.actor.id)}${h.onBehalfOf ? esc(` (for ${h.onBehalfOf})`) : ''}</td><td>${eventText(graph?.events, h.event.type)}${h.timer ? `: ${timerText(graph, { name: h.timer.name, state: firedTimerState(h) })}` : ''}</td><td>${h.from === null || h.from === undefined ? '—' : bi(stateText(graph, h.from))}</td><td>${bi(stateText(graph, h.to))}</td></tr>`,
    )
    .join('');
  const timers =
    data.timers.length === 0
      ? `<tr><td colspan="3">${bi({ 'zh-CN': '没有待触发的计时器。', en: 'No pending timers.' })}</td></tr>`
      : data.timers.map((t) => `<tr data-timer="${esc(t.name)}"><td>${timerText(graph, { name: t.name, state: t.state !== undefined ? t.state : ownerOfTimer(t.key), event: t.event })}</td><td>${instantHtml(t.dueAt)}${t.provisional ? ` <span class="provisional" title="${esc(PROVISIONAL_TITLE)}">${bi({ 'zh-CN': '暂定', en: 'provisional' })}</span>` : ''}</td><td>${eventText(graph?.events, t.event.type)}</td></tr>`).join('');
  const tasks =
    data.tasks.length === 0
      ? `<tr><td colspan="3">${bi({ 'zh-CN': '没有待办。', en: 'No open tasks.' })}</td></tr>`
      : data.tasks.map((t) => `<tr><td>${t.title ? bi(t.title) : esc(t.step)}</td><td>${esc(t.assignees.join(', ') || t.roles.join(', '))}</td><td>${t.dueAt === null ? '—' : instantHtml(t.dueAt)}</td></tr>`).join('');
  return { summary, history, timers, tasks };
}

async function show(data: InstanceExport): Promise<void> {
  const diagrams = await loadDiagrams();
  const entry = diagrams[data.workflow.id];
  const host = document.getElementById('iv-diagram')!;
  if (entry) showActive(mountDiagram(host, entry), activeStateIds(data.instance.state));
  else host.innerHTML = `<div class="message error">${esc(`This site has no diagram for workflow "${data.workflow.id}".`)}</div>`;
  const html = instanceHtml(data, entry?.graph);
  document.getElementById('iv-summary')!.innerHTML = html.summary;
  document.getElementById('iv-history')!.innerHTML = html.history;
  document.getElementById('iv-timers')!.innerHTML = html.timers;
  document.getElementById('iv-tasks')!.innerHTML = html.tasks;
  document.getElementById('iv-result')!.hidden = false;
}

async function load(text: string): Promise<void> {
  const error = document.getElementById('iv-error')!;
  error.innerHTML = '';
  try {
    await show(parseInstanceExport(JSON.parse(text)));
  } catch (e) {
    error.innerHTML = `<div class="message error">${esc(e instanceof Error ? e.message : String(e))}</div>`;
  }
}

/** Wire the instance page: a file picker, and `?src=<url>` to load an export from the site. */
export async function initInstanceView(): Promise<void> {
  const input = document.getElementById('iv-file') as HTMLInputElement;
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (file) await load(await file.text());
    document.body.dataset['loaded'] = 'true';
  });
  const src = new URLSearchParams(location.search).get('src');
  if (src) {
    const response = await fetch(src);
    await load(await response.text());
    document.body.dataset['loaded'] = 'true';
  }
  document.body.dataset['ready'] = 'true';
}
