// `npm run docs`: build the static site into docs/site/ — a page per workflow with its statechart
// drawn from the machine (elkjs layout, SVG), the quarter timeline, the simulator running the real
// engine in the browser, the instance view, and the API reference from TSDoc (typedoc).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { loadConfig } from '../src/cli/load-workflows.js';
import { businessCalendar } from '../src/calendar/index.js';
import { virtualClock } from '../src/clock/index.js';
import { createEngine } from '../src/engine/create-engine.js';
import type { AnyWorkflow } from '../src/engine/define-workflow.js';
import { memoryStore } from '../src/store/index.js';
import { autoStep, demoDirectory, sampleOptionsAt } from '../src/cli/auto-pilot.js';
import { exportInstance } from '../src/cli/export-instance.js';
import { isContractWorkflow, workflowCatalog } from '../src/cli/workflow-catalog.js';
import { layoutStateGraph, renderSvg, sampleValue, stateGraph, type StateGraph } from '../src/visualizer/index.js';
import { APPROVAL_EVENT_TYPES } from '../src/approvals/index.js';
import { bi, biJoin, esc, FAVICON_SVG, page, type Bi, type NavItem } from './site-src/templates.js';
import { bim } from './site-src/markdown.js';
import { guidePages, type Guide } from './site-src/guides.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');

/** `npm run docs -- [--workflows ./module.js] [--config docket.config.mjs] [--out dir]`. */
function argValue(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline !== undefined ? inline.slice(name.length + 1) : i >= 0 ? args[i + 1] : undefined;
}
const out = resolve(process.cwd(), argValue('--out') ?? resolve(here, 'site'));

const NAV: NavItem[] = [
  { href: 'index.html', label: { 'zh-CN': '流程', en: 'Workflows' } },
  { href: 'guides/index.html', label: { 'zh-CN': '指南', en: 'Guides' } },
  { href: 'timeline.html', label: { 'zh-CN': '季度时间线', en: 'Quarter timeline' } },
  { href: 'simulator.html', label: { 'zh-CN': '模拟器', en: 'Simulator' } },
  { href: 'instance.html', label: { 'zh-CN': '实例查看', en: 'Instance view' } },
];

const KIND: Record<string, { 'zh-CN': string; en: string }> = {
  atomic: { 'zh-CN': '状态', en: 'state' },
  compound: { 'zh-CN': '复合状态', en: 'compound' },
  parallel: { 'zh-CN': '并行', en: 'parallel' },
  final: { 'zh-CN': '终态', en: 'final' },
  history: { 'zh-CN': '历史', en: 'history' },
};

function legend(): string {
  const item = (cls: string, text: { 'zh-CN': string; en: string }) => `<span><i class="${cls}"></i>${bi(text)}</span>`;
  return `<div class="legend">${item('', { 'zh-CN': '状态', en: 'State' })}${item('approval', { 'zh-CN': '审批节点', en: 'Approval step' })}${item('parallel', { 'zh-CN': '并行区域', en: 'Parallel regions' })}${item('final', { 'zh-CN': '终态', en: 'Final state' })}${item('timeout', { 'zh-CN': '超时转移', en: 'Deadline (timeout)' })}${item('minor', { 'zh-CN': '驳回/撤回/退回等支线', en: 'Side path (reject, withdraw, return)' })}${item('active', { 'zh-CN': '当前状态', en: 'Active state' })}<span>${bi({ 'zh-CN': '[方括号] = 条件分支', en: '[brackets] = condition (guard)' })}</span></div>`;
}

/** Approval operations a step's assignees perform; the step, not a role list, decides who. */
const STEP_OPERATIONS = new Set(['APPROVE', 'REJECT', 'REQUEST_CHANGES', 'RETURN', 'ADD_SIGNER', 'REMOVE_SIGNER', 'TRANSFER', 'DELEGATE', 'CLAIM', 'CC']);
const APPROVAL_TYPES = new Set<string>(APPROVAL_EVENT_TYPES);

/**
 * Who may send an event, as an analyst reads it: the roles `permissions` lists, narrowed by what an
 * approval step decides (its approvers, or the initiator for 撤回), or by the workflow's own rules
 * (its `authorize` hook). "Anyone" only when nothing at all restricts it.
 */
function whoMaySend(workflow: AnyWorkflow, type: string, hasApprovalSteps: boolean): Bi[] {
  const perms = ((workflow.permissions ?? {}) as Record<string, readonly string[] | undefined>)[type] ?? [];
  const roles = perms.map((r) => workflow.roles?.[r] ?? { 'zh-CN': r, en: r });
  // An approval operation's name on a workflow without approval steps is just the workflow's own event.
  if (hasApprovalSteps && APPROVAL_TYPES.has(type)) {
    const step: Bi =
      type === 'WITHDRAW'
        ? { 'zh-CN': '发起人（审批步骤允许撤回时）', en: 'the initiator (while the approval step allows withdrawal)' }
        : type === 'REMIND'
          ? { 'zh-CN': '发起人（或管理员）', en: 'the initiator (or an administrator)' }
          : STEP_OPERATIONS.has(type)
          ? { 'zh-CN': '审批步骤的审批人（见该步骤）', en: "the step's approvers (see the step)" }
          : { 'zh-CN': '由审批步骤决定（见该步骤）', en: 'decided by the approval step (see the step)' };
    return roles.length === 0 ? [step] : [{ 'zh-CN': `${biJoin(roles)['zh-CN']}；且须是${step['zh-CN']}`, en: `${biJoin(roles).en}; and only ${step.en}` }];
  }
  if (roles.length > 0) return roles;
  return workflow.authorize
    ? [{ 'zh-CN': '按流程规则（authorize）', en: "as the workflow's rules allow (its authorize hook)" }]
    : [{ 'zh-CN': '任何人', en: 'anyone' }];
}

function workflowPage(workflow: AnyWorkflow, graph: StateGraph, svg: string): string {
  const stateRows = graph.nodes
    .map((n) => {
      const deadline = n.deadlines.map((d) => bi(d.text)).join('<br>');
      const roles = bi(biJoin(n.roles.map((r) => r.label)));
      const approval = n.approval ? `${bi(n.approval.modeLabel)}${n.approval.approvers ? ` · ${bi(n.approval.approvers)}` : ''}` : '';
      return `<tr data-state-row="${esc(n.id)}"><td>${bi(n.label)}<br><code>${esc(n.id)}</code></td><td>${bi(KIND[n.kind] ?? { 'zh-CN': n.kind, en: n.kind })}</td><td>${approval}</td><td>${deadline}</td><td>${roles}</td></tr>`;
    })
    .join('');
  const eventRows = Object.keys(workflow.events)
    .map((type) => {
      return `<tr data-event-row="${esc(type)}"><td>${bi(graph.events[type] ?? { 'zh-CN': type, en: type })}</td><td><code>${esc(type)}</code></td><td class="who">${bi(biJoin(whoMaySend(workflow, type, graph.nodes.some((n) => n.approval !== null))))}</td></tr>`;
    })
    .join('');
  const body = `
<h1>${bi(graph.title)}</h1>
<p class="lead">${graph.description ? bim(graph.description) : ''} <code>${esc(workflow.id)} v${workflow.version}</code> · <a href="../simulator.html?workflow=${encodeURIComponent(workflow.id)}">${bi({ 'zh-CN': '在模拟器中运行', en: 'Run it in the simulator' })}</a></p>
${legend()}
<div class="diagram-wrap" id="diagram">${svg}</div>
<h2>${bi({ 'zh-CN': '状态', en: 'States' })}</h2>
<table id="states"><thead><tr><th>${bi({ 'zh-CN': '状态', en: 'State' })}</th><th>${bi({ 'zh-CN': '类型', en: 'Kind' })}</th><th>${bi({ 'zh-CN': '审批', en: 'Approval' })}</th><th>${bi({ 'zh-CN': '期限', en: 'Deadline' })}</th><th>${bi({ 'zh-CN': '角色', en: 'Roles' })}</th></tr></thead><tbody>${stateRows}</tbody></table>
<h2>${bi({ 'zh-CN': '事件', en: 'Events' })}</h2>
<table id="events"><thead><tr><th>${bi({ 'zh-CN': '事件', en: 'Event' })}</th><th>${bi({ 'zh-CN': '类型', en: 'Type' })}</th><th>${bi({ 'zh-CN': '可发送的角色', en: 'Who may send it' })}</th></tr></thead><tbody>${eventRows}</tbody></table>`;
  return page({ title: graph.title, page: 'workflow', root: '../', nav: NAV, body, data: { workflow: workflow.id, states: String(graph.nodes.length) } });
}

function homePage(entries: readonly { workflow: AnyWorkflow; graph: StateGraph }[]): string {
  const cards = entries
    .map(
      ({ workflow, graph }) =>
        `<a class="card" href="workflows/${encodeURIComponent(workflow.id)}.html" style="text-decoration:none;color:inherit"><h3>${bi(graph.title)}</h3><p>${graph.description ? bim(graph.description) : ''}</p><p><code>${esc(workflow.id)}</code> · ${bi({ 'zh-CN': `${graph.nodes.length} 个状态`, en: `${graph.nodes.length} states` })}</p></a>`,
    )
    .join('');
  const body = `<h1>${bi({ 'zh-CN': 'Docket 流程', en: 'Docket workflows' })}</h1>
<p class="lead">${bim({
    'zh-CN': '每张流程图都由状态机定义直接生成，永不过时。可查看季度时间线、在模拟器中逐步运行流程，或载入 `docket export` 导出的实例。',
    en: 'Every diagram is generated from the machine definition itself, so it never drifts. See the quarter timeline, step through a workflow in the simulator, or load an instance exported with `docket export`.',
  })}</p>
<div class="grid-home">${cards}</div>`;
  return page({ title: { 'zh-CN': '流程', en: 'Workflows' }, page: 'home', root: '', nav: NAV, body });
}

function timelinePage(): string {
  const body = `<h1>${bi({ 'zh-CN': '季度时间线', en: 'Quarter timeline' })}</h1>
<p class="lead">${bi({ 'zh-CN': '按中国法定节假日与调休安排，显示所选季度的每一天，以及季度流程各里程碑按规则解析后的日期。', en: "Every day of the chosen quarter under China's public holidays and make-up working days, with each milestone of the quarterly cycle on the date its rule resolves to." })}</p>
<div class="controls"><label>${bi({ 'zh-CN': '年份', en: 'Year' })} <select id="tl-year"></select></label><label>${bi({ 'zh-CN': '季度', en: 'Quarter' })} <select id="tl-quarter"><option value="1">Q1</option><option value="2">Q2</option><option value="3">Q3</option><option value="4">Q4</option></select></label>
<span class="legend legend-days"><span><i class="kind-weekend"></i>${bi({ 'zh-CN': '周末', en: 'Weekend' })}</span><span><i class="kind-holiday"></i>${bi({ 'zh-CN': '法定假日', en: 'Public holiday' })}</span><span><i class="kind-makeup-workday"></i>${bi({ 'zh-CN': '调休上班', en: 'Make-up working day' })}</span><span><i class="ms"></i>${bi({ 'zh-CN': '里程碑', en: 'Milestone' })}</span></span></div>
<div id="tl-body"></div>`;
  return page({ title: { 'zh-CN': '季度时间线', en: 'Quarter timeline' }, page: 'timeline', root: '', nav: NAV, body });
}

function simulatorPage(): string {
  const body = `<h1>${bi({ 'zh-CN': '流程模拟器', en: 'Workflow simulator' })}</h1>
<p class="lead">${bi({ 'zh-CN': '浏览器中运行真实的引擎（内存存储、虚拟时钟、中国工作日历）。点击事件推进流程，拨动时钟触发期限。', en: "The real engine runs in your browser (memory store, virtual clock, China's business calendar). Click events to move the workflow on; move the clock to fire deadlines." })}</p>
<div class="controls">
<label>${bi({ 'zh-CN': '流程', en: 'Workflow' })} <select id="sim-workflow"></select></label>
<label>${bi({ 'zh-CN': '开始时间', en: 'Start at' })} <input id="sim-start" type="datetime-local" value="2026-10-08T09:00"></label>
<button type="button" class="btn" id="sim-restart">${bi({ 'zh-CN': '重新开始', en: 'Restart' })}</button>
<span class="status-line">${bi({ 'zh-CN': '虚拟时间', en: 'Virtual time' })}: <b id="sim-now"></b></span>
<button type="button" class="btn" id="sim-advance-day">${bi({ 'zh-CN': '+1 天', en: '+1 day' })}</button>
<button type="button" class="btn" id="sim-advance-week">${bi({ 'zh-CN': '+1 周', en: '+1 week' })}</button>
<button type="button" class="btn" id="sim-next-timer">${bi({ 'zh-CN': '到下一个期限', en: 'To next deadline' })}</button>
</div>
<div id="sim-message"></div>
<div class="sim-layout">
<div><div class="diagram-wrap" id="sim-diagram"></div></div>
<div class="sim-side">
<div class="card"><h3>${bi({ 'zh-CN': '当前', en: 'Now' })}</h3><div class="status-line">${bi({ 'zh-CN': '状态', en: 'State' })}: <b id="sim-state"></b> <span id="sim-status"></span></div>
<h3 style="margin-top:10px">${bi({ 'zh-CN': '可执行的事件', en: 'Events you can send' })}</h3><div class="event-buttons" id="sim-events"></div></div>
<div class="card"><h3>${bi({ 'zh-CN': '待办', en: 'Task inbox' })}</h3><table><thead><tr><th>${bi({ 'zh-CN': '任务', en: 'Task' })}</th><th>${bi({ 'zh-CN': '处理人', en: 'Assignees' })}</th><th>${bi({ 'zh-CN': '期限', en: 'Due' })}</th></tr></thead><tbody id="sim-tasks"></tbody></table></div>
<div class="card"><h3>${bi({ 'zh-CN': '计时器', en: 'Pending timers' })}</h3><table><tbody id="sim-timers"></tbody></table></div>
</div>
</div>
<h2>${bi({ 'zh-CN': '历史', en: 'History' })}</h2>
<div class="scroll"><table><thead><tr><th>#</th><th>${bi({ 'zh-CN': '时间', en: 'When' })}</th><th>${bi({ 'zh-CN': '操作人', en: 'Who' })}</th><th>${bi({ 'zh-CN': '事件', en: 'Event' })}</th><th>${bi({ 'zh-CN': '状态变化', en: 'From → to' })}</th></tr></thead><tbody id="sim-history"></tbody></table></div>`;
  return page({ title: { 'zh-CN': '模拟器', en: 'Simulator' }, page: 'simulator', root: '', nav: NAV, body });
}

function instancePage(): string {
  const body = `<h1>${bi({ 'zh-CN': '实例查看', en: 'Instance view' })}</h1>
<p class="lead">${bim({ 'zh-CN': '载入 `docket export <db> <id>` 导出的 JSON 文件：在流程图上显示当前状态，并列出历史（谁、何时、从哪个状态）与待触发的计时器。', en: 'Load a JSON file from `docket export <db> <id>`: the current state on the diagram, the history (who, when, from which state) and the pending timers.' })}</p>
<div class="controls"><label>${bi({ 'zh-CN': '导出文件', en: 'Export file' })} <input id="iv-file" type="file" accept="application/json,.json"></label>
<a href="instance.html?src=data/example-instance.json">${bi({ 'zh-CN': '查看示例实例', en: 'Open the example instance' })}</a></div>
<div id="iv-error"></div>
<div id="iv-result" hidden>
<div class="sim-layout"><div class="diagram-wrap" id="iv-diagram"></div><div class="sim-side"><div class="card" id="iv-summary"></div>
<div class="card"><h3>${bi({ 'zh-CN': '待触发的计时器', en: 'Pending timers' })}</h3><table><thead><tr><th>${bi({ 'zh-CN': '名称', en: 'Name' })}</th><th>${bi({ 'zh-CN': '到期', en: 'Due' })}</th><th>${bi({ 'zh-CN': '事件', en: 'Event' })}</th></tr></thead><tbody id="iv-timers"></tbody></table></div>
<div class="card"><h3>${bi({ 'zh-CN': '待办', en: 'Open tasks' })}</h3><table><tbody id="iv-tasks"></tbody></table></div></div></div>
<h2>${bi({ 'zh-CN': '历史', en: 'History' })}</h2>
<table><thead><tr><th>#</th><th>${bi({ 'zh-CN': '时间', en: 'When' })}</th><th>${bi({ 'zh-CN': '操作人', en: 'Who' })}</th><th>${bi({ 'zh-CN': '事件', en: 'Event' })}</th><th>${bi({ 'zh-CN': '原状态', en: 'From' })}</th><th>${bi({ 'zh-CN': '新状态', en: 'To' })}</th></tr></thead><tbody id="iv-history"></tbody></table>
</div>`;
  return page({ title: { 'zh-CN': '实例查看', en: 'Instance view' }, page: 'instance', root: '', nav: NAV, body });
}

function guidePage(guide: Guide, all: readonly Guide[]): string {
  const side = all.map((g) => `<li><a href="${esc(g.page)}"${g.page === guide.page ? ' aria-current="page"' : ''}>${esc(g.title)}</a></li>`).join('');
  const body = `<div class="guide-layout"><nav class="guide-nav" aria-label="Guides"><ul>${side}</ul></nav><article class="guide" data-source="${esc(guide.source)}">${guide.html}</article></div>`;
  return page({ title: { 'zh-CN': guide.title, en: guide.title }, page: 'guide', root: '../', nav: NAV, body });
}

function guidesIndex(all: readonly Guide[]): string {
  const items = all.map((g) => `<li><a href="${esc(g.page)}">${esc(g.title)}</a> <code>${esc(g.source)}</code></li>`).join('');
  const body = `<h1>${bi({ 'zh-CN': '指南', en: 'Guides' })}</h1>
<p class="lead">${bi({ 'zh-CN': '项目文档：引擎架构、审批、工作日历、存储、可视化、命令行，以及每个业务流程的说明（英文为主，另有中文说明）。', en: 'The project guides: architecture, approvals, the business calendar, storage, the visualizer, the command line, and a page per business process (in English, with a Chinese overview).' })}</p>
<ul class="guide-list">${items}</ul>`;
  return page({ title: { 'zh-CN': '指南', en: 'Guides' }, page: 'guide', root: '../', nav: NAV, body });
}

/** An example export for the instance view: a few automatic steps of the contract approval (or the fixture). */
async function exampleInstance(workflows: readonly AnyWorkflow[]): Promise<unknown> {
  const workflow = workflows.find(isContractWorkflow) ?? workflows[workflows.length - 1]!;
  const graph = stateGraph(workflow);
  const clock = virtualClock('2026-09-28T09:00:00+08:00');
  const engine = createEngine({ store: memoryStore(), clock, calendar: businessCalendar(), directory: demoDirectory(workflow), workflows: [workflow] });
  const id = await engine.start(workflow.id as never, sampleValue(workflow.input, sampleOptionsAt(clock.now())) as never, {
    actor: { id: 'demo', roles: Object.keys(workflow.roles ?? {}).concat(...Object.values(workflow.permissions ?? {}).map((r) => [...(r ?? [])])), name: 'demo' },
    id: 'example-1',
  });
  for (let i = 0; i < 2; i++) {
    await clock.advanceBy({ hours: 26 });
    await autoStep(engine, workflow, graph, id, '2026-12-31');
  }
  await clock.advanceBy({ days: 2 });
  const data = await exportInstance(engine.store, id, workflows, clock.now());
  await engine.close();
  return data;
}

function apiReference(): string {
  const api = join(out, 'api');
  const result = spawnSync(
    process.execPath,
    [
      join(repo, 'node_modules/typedoc/bin/typedoc'),
      ...['--out', api, '--name', 'docket', '--readme', 'none', '--skipErrorChecking', '--logLevel', 'Warn'],
      // Grouped by area (see site-src/typedoc-categories.mjs), in the order a reader meets them.
      ...['--plugin', join(here, 'site-src', 'typedoc-categories.mjs'), '--categorizeByGroup', 'false'],
      ...['--categoryOrder', 'Engine', '--categoryOrder', 'Workflow', '--categoryOrder', 'Approvals', '--categoryOrder', 'Calendar', '--categoryOrder', 'Clock'],
      ...['--categoryOrder', 'Store', '--categoryOrder', 'Errors', '--categoryOrder', 'Testing', '--categoryOrder', 'Visualizer', '--categoryOrder', '*'],
      ...['src/index.ts', 'src/testing/index.ts', 'src/visualizer/index.ts'],
    ],
    { cwd: repo, encoding: 'utf8' },
  );
  if (result.status === 0) return 'ok';
  mkdirSync(api, { recursive: true });
  const why = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().slice(0, 4000);
  writeFileSync(
    join(api, 'index.html'),
    page({ title: { 'zh-CN': 'API 参考', en: 'API reference' }, page: 'home', root: '../', nav: NAV, body: `<h1>API reference</h1><p class="lead">typedoc failed; see below.</p><pre>${esc(why)}</pre>` }),
  );
  return `failed: ${why.split('\n')[0] ?? ''}`;
}

/**
 * The browser bundle with the user's workflows: `site-src/user-workflows.ts` is replaced by a module
 * importing the user's module (or their config file's `workflows`) and keeping the workflows it exports.
 */
function userWorkflowsPlugin(file: string, isModule: boolean): Plugin {
  const catalog = join(repo, 'src', 'cli', 'workflow-catalog.ts');
  const contents = isModule
    ? `import * as m from ${JSON.stringify(file)};\nimport { isWorkflow } from ${JSON.stringify(catalog)};\nexport const USER_WORKFLOWS = Object.values(m).flatMap((v) => (Array.isArray(v) ? v : v && typeof v === 'object' && !isWorkflow(v) ? Object.values(v) : [v])).filter(isWorkflow);\n`
    : `import * as c from ${JSON.stringify(file)};\nimport { isWorkflow } from ${JSON.stringify(catalog)};\nconst w = (c.default ?? c).workflows;\nexport const USER_WORKFLOWS = (Array.isArray(w) ? w : w && typeof w === 'object' ? Object.values(w) : []).filter(isWorkflow);\n`;
  return {
    name: 'docket-user-workflows',
    setup(b) {
      b.onResolve({ filter: /[\\/]user-workflows\.js$/ }, () => ({ path: 'user-workflows', namespace: 'docket-user' }));
      b.onLoad({ filter: /.*/, namespace: 'docket-user' }, () => ({ contents, loader: 'ts', resolveDir: dirname(file) }));
    },
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'workflows'), { recursive: true });
  mkdirSync(join(out, 'assets'), { recursive: true });
  mkdirSync(join(out, 'data'), { recursive: true });

  // The user's workflows (the CLI's loader: --workflows, or a docket.config file), with the built-in
  // processes as examples unless the config says `examples: false`.
  const workflowsArg = argValue('--workflows');
  const configArg = argValue('--config');
  const config = await loadConfig({ ...(workflowsArg === undefined ? {} : { workflows: workflowsArg }), ...(configArg === undefined ? {} : { config: configArg }) }, process.cwd());
  const user = config.workflows;
  const workflows = config.examples === false ? [...user] : workflowCatalog(user);
  const userModule = workflowsArg !== undefined ? resolve(process.cwd(), workflowsArg) : config.file;
  const entries: { workflow: AnyWorkflow; graph: StateGraph; svg: string }[] = [];
  for (const workflow of workflows) {
    const graph = stateGraph(workflow);
    const svg = renderSvg(await layoutStateGraph(graph), { lang: 'both' });
    entries.push({ workflow, graph, svg });
    writeFileSync(join(out, 'workflows', `${workflow.id}.html`), workflowPage(workflow, graph, svg));
  }
  writeFileSync(join(out, 'data', 'diagrams.json'), JSON.stringify(Object.fromEntries(entries.map((e) => [e.workflow.id, { svg: e.svg, graph: e.graph }]))));
  writeFileSync(join(out, 'data', 'example-instance.json'), `${JSON.stringify(await exampleInstance(workflows), null, 2)}\n`);
  writeFileSync(join(out, 'index.html'), homePage(entries));
  writeFileSync(join(out, 'timeline.html'), timelinePage());
  writeFileSync(join(out, 'simulator.html'), simulatorPage());
  writeFileSync(join(out, 'instance.html'), instancePage());
  copyFileSync(join(here, 'site-src', 'site.css'), join(out, 'assets', 'site.css'));
  writeFileSync(join(out, 'favicon.svg'), FAVICON_SVG);
  const guides = guidePages(repo);
  mkdirSync(join(out, 'guides'), { recursive: true });
  for (const guide of guides) writeFileSync(join(out, 'guides', guide.page), guidePage(guide, guides));
  writeFileSync(join(out, 'guides', 'index.html'), guidesIndex(guides));

  await build({
    entryPoints: [join(here, 'site-src', 'app.ts')],
    outfile: join(out, 'assets', 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    // The engine hashes its history with node:crypto; in the browser @noble/hashes stands in.
    alias: { 'node:crypto': join(here, 'site-src', 'node-crypto-shim.ts') },
    plugins: userModule === undefined || user.length === 0 ? [] : [userWorkflowsPlugin(userModule, workflowsArg !== undefined)],
    logLevel: 'warning',
  });

  const api = process.env['DOCKET_SKIP_TYPEDOC'] === '1' ? 'skipped (DOCKET_SKIP_TYPEDOC=1)' : apiReference();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`docs: ${entries.length} workflow pages, ${guides.length} guides, timeline, simulator, instance view; API reference ${api}; in ${seconds}s → ${out}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`docs build failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
