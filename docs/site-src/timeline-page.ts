// The timeline page: a quarter day by day (weekends, holidays, make-up working days 调休) with the
// quarterly cycle's milestones on their resolved dates, all computed in the browser from the machines.
import { businessCalendar, CN_HOLIDAY_DATA } from '../../src/calendar/index.js';
import { quarterTimeline, type QuarterTimeline } from '../../src/visualizer/quarter-timeline.js';
import { workflowCatalog } from '../../src/cli/workflow-catalog.js';
import { USER_WORKFLOWS } from './user-workflows.js';
import { bi, esc, type Bi } from './templates.js';

/** A narrow day cell may break "product/market" after the slash, never inside a word. */
function breakAfterSlash(label: Bi): Bi {
  return { 'zh-CN': label['zh-CN'], en: label.en.replace(/\//g, '/\u200b') };
}

const DOW: readonly Bi[] = [
  { 'zh-CN': '一', en: 'Mon' },
  { 'zh-CN': '二', en: 'Tue' },
  { 'zh-CN': '三', en: 'Wed' },
  { 'zh-CN': '四', en: 'Thu' },
  { 'zh-CN': '五', en: 'Fri' },
  { 'zh-CN': '六', en: 'Sat' },
  { 'zh-CN': '日', en: 'Sun' },
];
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const KIND_TEXT: Record<string, Bi> = {
  holiday: { 'zh-CN': '休', en: 'Holiday' },
  'makeup-workday': { 'zh-CN': '班（调休）', en: 'Make-up workday' },
};

function renderTimeline(t: QuarterTimeline): string {
  const byDate = new Map<string, QuarterTimeline['milestones'][number][]>();
  for (const m of t.milestones) byDate.set(m.date, [...(byDate.get(m.date) ?? []), m]);
  const months = t.months
    .map((month) => {
      const first = month.days[0]!;
      const pads = Array.from({ length: first.weekday - 1 }, () => '<div class="day pad"></div>').join('');
      const cells = month.days
        .map((d) => {
          const ms = byDate.get(d.date) ?? [];
          const tag = KIND_TEXT[d.kind];
          const name = d.name ? bi({ 'zh-CN': d.name, en: d.nameEn ?? d.name }) : '';
          return `<div class="day kind-${d.kind}${ms.length > 0 ? ' has-milestone' : ''}" data-date="${d.date}" data-kind="${d.kind}" data-working="${d.working}"><span class="num">${Number(d.date.slice(8))}</span>${tag ? `<span class="tag">${bi(tag)}</span>` : ''}${d.kind !== 'workday' && d.kind !== 'weekend' && name ? `<span class="tag">${name}</span>` : ''}${ms.map((m) => `<span class="ms" data-milestone="${esc(m.deadline)}">◆ ${bi(breakAfterSlash(m.label))}</span>`).join('')}</div>`;
        })
        .join('');
      return `<section class="month"><h3>${bi({ 'zh-CN': `${month.year}年${month.month}月`, en: `${MONTHS_EN[month.month - 1]} ${month.year}` })}</h3><div class="cal">${DOW.map((d) => `<div class="dow">${bi(d)}</div>`).join('')}${pads}${cells}</div></section>`;
    })
    .join('');
  const rows = t.milestones
    .map(
      (m) =>
        `<tr data-milestone="${esc(m.deadline)}"><td>${esc(m.date)}</td><td>${bi(m.label)}</td><td>${bi(m.ruleText)}</td><td>${m.rolled ? bi({ 'zh-CN': `由 ${m.nominalDate} ${'roll' in m.rule && m.rule.roll === 'previous' ? '提前' : '顺延'}`, en: `moved from ${m.nominalDate}` }) : ''}${m.inQuarter ? '' : bi({ 'zh-CN': '（不在本季度）', en: ' (outside this quarter)' })}${m.provisional ? bi({ 'zh-CN': '（暂定：节假日安排未公布）', en: ' (provisional: holiday schedule not yet published)' }) : ''}</td><td><code>${esc(m.workflow)}</code></td></tr>`,
    )
    .join('');
  return `<div class="months">${months}</div>
<h2>${bi({ 'zh-CN': '里程碑', en: 'Milestones' })}</h2>
<table id="milestones"><thead><tr><th>${bi({ 'zh-CN': '日期', en: 'Date' })}</th><th>${bi({ 'zh-CN': '里程碑', en: 'Milestone' })}</th><th>${bi({ 'zh-CN': '规则', en: 'Rule' })}</th><th>${bi({ 'zh-CN': '调整', en: 'Adjusted' })}</th><th>${bi({ 'zh-CN': '流程', en: 'Workflow' })}</th></tr></thead><tbody>${rows || `<tr><td colspan="5">${bi({ 'zh-CN': '没有按季度日期设定的期限。', en: 'No quarter-dated deadlines.' })}</td></tr>`}</tbody></table>`;
}

/** Wire the timeline page. */
export function initTimeline(): void {
  const yearSelect = document.getElementById('tl-year') as HTMLSelectElement;
  const quarterSelect = document.getElementById('tl-quarter') as HTMLSelectElement;
  const host = document.getElementById('tl-body')!;
  const years = Object.keys(CN_HOLIDAY_DATA).map(Number).sort((a, b) => a - b);
  yearSelect.innerHTML = years.map((y) => `<option value="${y}">${y}</option>`).join('');
  const params = new URLSearchParams(location.search);
  yearSelect.value = params.get('year') ?? (years.includes(2026) ? '2026' : String(years[years.length - 1]));
  quarterSelect.value = params.get('quarter') ?? '4';
  const calendar = businessCalendar();
  const workflows = workflowCatalog(USER_WORKFLOWS);
  const draw = () => {
    const quarter = { year: Number(yearSelect.value), quarter: Number(quarterSelect.value) as 1 | 2 | 3 | 4 };
    host.innerHTML = renderTimeline(quarterTimeline(calendar, quarter, workflows));
    const url = new URL(location.href);
    url.searchParams.set('year', yearSelect.value);
    url.searchParams.set('quarter', quarterSelect.value);
    history.replaceState(null, '', url);
  };
  yearSelect.addEventListener('change', draw);
  quarterSelect.addEventListener('change', draw);
  draw();
  document.body.dataset['ready'] = 'true';
}
