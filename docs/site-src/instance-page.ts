// The instance view: load a `docket export` JSON file and show where the instance is on its diagram,
// its history (who, when, from which state) and its pending timers.
import { parseInstanceExport, type InstanceExport } from '../../src/visualizer/instance-export.js';
import { activeStateIds, type StateGraph } from '../../src/visualizer/state-graph.js';
import { firedTimerState } from '../../src/visualizer/timer-text.js';
import { ownerOfTimer } from '../../src/engine/timer-owner.js';
import { loadDiagrams, mountDiagram, showActive } from './diagrams.js';
import { eventText, instantHtml, stateText, timerText } from './format.js';
import { isDocketError } from '../../src/errors.js';
import { bi, esc, type Bi } from './templates.js';

/** Tooltip of the provisional mark (both languages: a title attribute cannot switch). */
const PROVISIONAL_TITLE = '暂定：该年节假日安排尚未公布，截止时间按法定假日估算 · Provisional: the year\'s holiday schedule is not yet published; the due time is estimated from the statutory holidays';

/** A problem `verify` reports, as a zh-CN reader is told it (its message is English). */
const PROBLEM_ZH: Readonly<Record<string, string>> = {
  edited: '记录被改动过',
  missing: '缺少记录',
  reordered: '记录顺序被打乱',
  'head-mismatch': '链头与实例记录不符',
  'snapshot-mismatch': '存储的状态与历史不符',
  'timers-mismatch': '计时器与历史不符',
  'unknown-key': '由未知的历史密钥签署',
  unkeyed: '未用历史密钥签署',
  'tenant-mismatch': '租户与发起记录不符',
  unreadable: '无法读取（请从备份恢复该行）',
};

/** A failed chain check's problems in both languages: the engine's English messages, and each by its kind in Chinese. */
export function chainProblemsText(problems: readonly { readonly revision?: unknown; readonly problem?: unknown; readonly message: string }[]): Bi {
  const zh = problems.map((p) => {
    const kind = typeof p.problem === 'string' && Object.hasOwn(PROBLEM_ZH, p.problem) ? PROBLEM_ZH[p.problem] : p.message;
    return typeof p.revision === 'number' ? `第 ${p.revision} 条：${kind}` : kind;
  });
  return { 'zh-CN': `未通过：${zh.join('；')}`, en: problems.map((p) => p.message).join('; ') };
}

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
<tr><th>${bi({ 'zh-CN': '状况', en: 'Status' })}</th><td><span class="badge ${i.status === 'done' ? 'done' : 'active'}">${esc(i.status)}${i.suspended ? ` · ${bi({ 'zh-CN': '已挂起', en: 'suspended' })}` : ''}</span></td></tr>
<tr><th>${bi({ 'zh-CN': '发起人', en: 'Initiator' })}</th><td>${esc(i.initiator)}</td></tr>
<tr><th>${bi({ 'zh-CN': '历史链校验', en: 'History chain' })}</th><td>${data.verify.ok ? bi({ 'zh-CN': `完好（${data.verify.entries} 条）`, en: `intact (${data.verify.entries} entries)` }) : `<span class="message error">${bi(chainProblemsText(data.verify.problems))}</span>`}</td></tr>
<tr><th>${bi({ 'zh-CN': '导出时间', en: 'Exported' })}</th><td>${instantHtml(data.exportedAt)}</td></tr>
</tbody></table>`;
  const history = data.history
    .map(
      (h) =>
        `<tr><td>${esc(String(h.revision))}</td><td>${instantHtml(h.at)}</td><td>${esc(h.actor.name ?? h.actor.id)}${h.onBehalfOf ? bi({ 'zh-CN': `（代 ${h.onBehalfOf}）`, en: ` (for ${h.onBehalfOf})` }) : ''}</td><td>${eventText(graph?.events, h.event.type)}${h.timer ? `: ${timerText(graph, { name: h.timer.name, state: firedTimerState(h) })}` : ''}</td><td>${h.from === null || h.from === undefined ? '—' : bi(stateText(graph, h.from))}</td><td>${bi(stateText(graph, h.to))}</td></tr>`,
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
  else host.innerHTML = `<div class="message error">${bi({ 'zh-CN': `本站点没有流程 "${data.workflow.id}" 的图：请用 \`npm run docs -- --workflows <模块>\` 构建含该流程的站点。`, en: `This site has no diagram for workflow "${data.workflow.id}": build the site with it, \`npm run docs -- --workflows <module>\`.` })}</div>`;
  const html = instanceHtml(data, entry?.graph);
  document.getElementById('iv-summary')!.innerHTML = html.summary;
  document.getElementById('iv-history')!.innerHTML = html.history;
  document.getElementById('iv-timers')!.innerHTML = html.timers;
  document.getElementById('iv-tasks')!.innerHTML = html.tasks;
  document.getElementById('iv-result')!.hidden = false;
}

/**
 * Why a file could not be shown, in both languages (the page shows the one it is in): a file that is
 * not JSON, a refusal of `parseInstanceExport` (its `details.messageZh`), or anything else by its
 * message. The zh-CN page showed the English text alone.
 */
export function loadErrorText(error: unknown): Bi {
  if (error instanceof SyntaxError) {
    return {
      'zh-CN': `这个文件不是 JSON（${error.message}）：请打开 \`docket export <db> <id>\` 写出的文件。`,
      en: `This file is not JSON (${error.message}): open a file written by \`docket export <db> <id>\`.`,
    };
  }
  if (isDocketError(error) && typeof error.details['messageZh'] === 'string') return { 'zh-CN': error.details['messageZh'], en: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { 'zh-CN': `无法显示这个实例：${message}`, en: `The instance cannot be shown: ${message}` };
}

async function load(text: string): Promise<void> {
  const error = document.getElementById('iv-error')!;
  error.innerHTML = '';
  try {
    await show(parseInstanceExport(JSON.parse(text)));
  } catch (e) {
    error.innerHTML = `<div class="message error">${bi(loadErrorText(e))}</div>`;
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
