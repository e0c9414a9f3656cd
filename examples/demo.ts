// npm run demo — one quarter of the documented processes on the embedded store, on a virtual clock:
// the 2027 Q1 strategy cycle worked through 2026 Q4 (China's holidays, 调休, roll policies, late
// submissions), and a bid that is won and becomes a contract. Prints what happened when.
import { mkdirSync, rmSync } from 'node:fs';
import {
  businessCalendar,
  createEngine,
  staticDirectory,
  virtualClock,
  type Actor,
  type DirectoryUser,
  type EffectHandler,
  type HistoryEntry,
  type InstanceView,
  type Store,
} from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { bidReview, contractApproval, strategyCycle, type StartContractApprovalParams, type StrategyCycleContext } from '../machines/index.js';
import { dayMarks, LEGEND } from './demo-day.js';

const DB = '.tmp/demo.db';

/** The embedded default store. One line to change for another store (e.g. `memoryStore()`). */
function demoStore(): Store {
  for (const suffix of ['', '-wal', '-shm']) rmSync(DB + suffix, { force: true });
  mkdirSync('.tmp', { recursive: true });
  return sqliteStore({ filename: DB, durability: 'normal' });
}

const people: DirectoryUser[] = [
  { id: 'wang', name: '王经理', roles: ['marketing', 'manager'], department: 'sales' },
  { id: 'zhao', name: '赵总', roles: ['leadership', 'ceo'] },
  { id: 'zhongzhi', name: '众智', roles: ['provider'] },
  { id: 'tiandao', name: '天道', roles: ['provider'] },
  { id: 'bozhida', name: '博智达', roles: ['provider'] },
  { id: 'yamei', name: '亚美', roles: ['provider'] },
  { id: 'tang', name: '唐（投标管理）', roles: ['bidManager', 'sales'], department: 'sales' },
  { id: 'zhang', name: '张（评审）', roles: ['bidReviewer'] },
  { id: 'wu', name: '吴（评审）', roles: ['bidReviewer'] },
  { id: 'zhou', name: '周副总', roles: ['bidApprover', 'vp'] },
  { id: 'sun', name: '孙（财务）', roles: ['finance'] },
  { id: 'lu', name: '陆（法务）', roles: ['legal'] },
  { id: 'qian', name: '钱（技术）', roles: ['technical'] },
  { id: 'ma', name: '马（部门助理）', roles: ['contractAdmin'] },
];
const as = (id: string): Actor => {
  const p = people.find((u) => u.id === id)!;
  return { id, roles: p.roles, ...(p.name ? { name: p.name } : {}) };
};
const ERP: Actor = { id: 'erp', roles: ['system'], name: 'ERP' };

const warnings: string[] = [];
// The default for 'CN': a year without the official schedule (2027 here) is estimated from the
// holiday law (statutory days off, 补假), and deadlines in it are marked provisional.
const calendar = businessCalendar({ holidays: ['CN'], onWarning: (m) => warnings.push(m) });
const clock = virtualClock('2026-09-21T09:00:00+08:00');
const store = demoStore();
const later: (() => Promise<unknown>)[] = []; // acts an effect handler asks for, run after the current act
const names = new Map<string, string>([
  ['strategy-2027Q1', '策略 2027Q1'],
  ['bid-SZ-2026-031', '投标 SZ-2026-031'],
  ['contract-SZ-2026-031', '合同 HT-SZ-2026-031'],
]);

const record = (_type: string): EffectHandler => () => {};
const engine = createEngine({
  store,
  clock,
  calendar,
  directory: staticDirectory({ users: people, departmentHeads: { sales: 'wang' } }),
  workflows: [strategyCycle, bidReview, contractApproval],
  effects: {
    ...Object.fromEntries(
      ['notifyKickoff', 'remindLate', 'escalateLate', 'holdTriPartyMeeting', 'publishPlan', 'chaseBond', 'chaseBondRefund', 'bidMissed', 'remindSigning', 'chaseReceivable', 'contractClosed', 'approval.assigned', 'approval.cc', 'approval.remind'].map((t) => [t, record(t)]),
    ),
    async startContractApproval(p: StartContractApprovalParams, ctx) {
      const id = await engine.start(
        'contract-approval',
        { contractNo: `HT-${p.tenderNo}`, title: p.title, customer: p.customer, amount: p.amount, department: p.department, source: { bidInstanceId: ctx.instanceId, tenderNo: p.tenderNo } },
        { actor: as('tang'), id: `contract-${p.tenderNo}` },
      );
      names.set(id, names.get(id) ?? `合同 HT-${p.tenderNo}`);
    },
    // The ERP answers asynchronously: its confirmation comes back as an event after this act.
    erpCreateCustomer(_p: unknown, ctx) {
      later.push(() => engine.send(ctx.instanceId, { type: 'ERP_CUSTOMER_CREATED', customerCode: 'C-88001' }, { actor: ERP }));
    },
    erpCreateSalesOrder(_p: unknown, ctx) {
      later.push(() => engine.send(ctx.instanceId, { type: 'ERP_ORDER_CREATED', orderNo: 'SO-2026-7731' }, { actor: ERP }));
    },
  },
});

// ---- the timeline -------------------------------------------------------------------------------
const fmt = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' });
const WEEKDAY = ['', '一', '二', '三', '四', '五', '六', '日'];
function when(at: number): string {
  // A day in a year without the official schedule (2027 here) is marked 暂定: its kind is the statutory estimate.
  // 30 columns: the longest, a provisional holiday ('2026-12-25 23:59 周五 休 暂定'), keeps the table aligned.
  return pad(`${fmt.format(at)} ${dayMarks(calendar.describeDay(at)).join(' ')}`, 30);
}
/** Pad to a display width: CJK characters take two columns in a terminal. */
function pad(text: string, width: number): string {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return text + ' '.repeat(Math.max(1, width - w));
}
function leaves(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix ? `${prefix}.${value}` : value];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}
const short = (v: unknown) =>
  leaves(v)
    .map((s) => s.replace(/^cycle\.flow\./, '').replace(/\.(pending|onTime)$/, '').replace('.work.', '.').replace(/^open\.preparing\.(\w+)\.(\w+)$/, 'open.preparing.$1:$2'))
    .filter((s) => !s.startsWith('cycle.triParty') && !s.endsWith('.deadline'))
    .join(' + ')
    .replace(/open\.preparing\.technical:(\w+) \+ open\.preparing\.commercial:(\w+)/, 'open.preparing[technical:$1, commercial:$2]');
/** A deadline's or event's name with the workflow's Chinese label beside it (`kickoff（启动）`), when it has one. */
const workflowsById = new Map<string, { readonly labels?: { readonly deadlines?: object; readonly events?: object } }>([strategyCycle, bidReview, contractApproval].map((w) => [w.id, w]));
function named(workflow: string, kind: 'deadlines' | 'events', name: string): string {
  const labels = workflowsById.get(workflow)?.labels?.[kind] as Record<string, { readonly 'zh-CN'?: string }> | undefined;
  const zh = labels !== undefined && Object.hasOwn(labels, name) ? labels[name]?.['zh-CN'] : undefined;
  return zh === undefined || zh === name ? name : `${name}（${zh}）`;
}
const lines: string[] = [];
const count = { transitions: 0, timers: 0, effects: 0 };
engine.on('transition', (view: InstanceView, entry: HistoryEntry) => {
  count.transitions++;
  if (entry.kind === 'timer') count.timers++;
  const wf = view.workflow;
  const who =
    entry.kind === 'timer'
      ? `⏱ ${named(wf, 'deadlines', entry.timer?.name ?? '')}`
      : entry.kind === 'start'
        ? `${entry.actor.name ?? entry.actor.id} 发起`
        : `${entry.actor.name ?? entry.actor.id}: ${named(wf, 'events', entry.event.type)}`;
  const from = entry.from === null ? '∅' : short(entry.from);
  const to = short(entry.to);
  const change = from === to ? `(${to})` : `${from} → ${to}`;
  lines.push(`${when(entry.at)}${pad(names.get(view.id) ?? view.id, 20)}${pad(change, 62)}${who}`);
});
// Provisional deadlines by instance: shown at the end for the instances still running (a finished
// one has nothing left to re-resolve).
const provisional = new Map<string, Set<string>>();
engine.on('warning', (w) => {
  const lines = provisional.get(w.instanceId) ?? new Set<string>();
  for (const d of w.deadlines) {
    const day = calendar.describeDay(d.dueAt);
    const years = d.years.join(', ');
    // A day of late December waits on next year's notice too, which may set it (元旦 arrangements).
    const why = d.years.every((y) => y > Number(day.date.slice(0, 4))) ? `${years}'s notice, not yet published, may still set that day` : `${years} has no official schedule yet: statutory estimate`;
    lines.add(`${names.get(w.instanceId) ?? w.instanceId} "${d.name}" due ${fmt.format(d.dueAt)} 周${WEEKDAY[day.weekday]} (${why})`);
  }
  provisional.set(w.instanceId, lines);
});
engine.on('effect.delivered', (effect) => {
  count.effects++;
  if (effect.type.startsWith('approval.')) return;
  const p = effect.params as Record<string, unknown>;
  const detail = p['missing'] ? ` 缺: ${(p['missing'] as string[]).join('、')}` : p['outstanding'] !== undefined ? ` 未回款 ${p['outstanding']}` : '';
  lines.push(`${' '.repeat(45)}↳ effect ${effect.type}${detail}`);
});
engine.on('error', (e) => {
  console.error('engine error:', e);
  process.exitCode = 1;
});

// ---- the script ---------------------------------------------------------------------------------
type Act = readonly [at: string, run: () => Promise<unknown>];
let cycle = '';
let bid = '';
const send = (id: () => string, actor: string, event: Record<string, unknown> & { type: string }) => () => engine.send(id(), event as never, { actor: as(actor) });
const contractId = () => 'contract-SZ-2026-031';

const script: Act[] = [
  ['2026-09-21T09:00', async () => {
    cycle = await engine.start('strategy-cycle', { planQuarter: { year: 2027, quarter: 1 } }, { actor: as('wang'), id: 'strategy-2027Q1' });
  }],
  ...(['zhongzhi', 'tiandao', 'yamei'] as const).map((p): Act => ['2026-11-10T10:00', send(() => cycle, p, { type: 'SUBMIT_SURVEY', provider: p, report: `${p} 受众调查分析报告`, hotspots: ['双十一', '校园开学'] })]),
  ['2026-11-12T16:00', send(() => cycle, 'wang', { type: 'CUSTOMER_COMMS_DONE' })],
  ['2026-11-02T09:30', async () => {
    bid = await engine.start('bid-review', { tenderNo: 'SZ-2026-031', title: '营销平台建设', customer: '深圳电信', submissionDeadline: '2026-11-20T09:30:00+08:00', bondAmount: 50_000 }, { actor: as('tang'), id: 'bid-SZ-2026-031' });
  }],
  ['2026-11-03T11:00', send(() => bid, 'tang', { type: 'TECHNICAL_READY' })],
  ['2026-11-03T17:00', send(() => bid, 'tang', { type: 'COMMERCIAL_READY', quote: 1_180_000 })],
  ['2026-11-04T10:00', send(() => bid, 'zhang', { type: 'APPROVE', step: 'bidReview' })],
  ['2026-11-04T14:00', send(() => bid, 'wu', { type: 'APPROVE', step: 'bidReview' })],
  ['2026-11-05T09:00', send(() => bid, 'zhou', { type: 'APPROVE', step: 'bidApproval' })],
  ['2026-11-06T15:00', send(() => bid, 'tang', { type: 'PUBLISHED', copies: 6 })],
  ['2026-11-18T10:00', send(() => bid, 'tang', { type: 'BID_SUBMITTED' })],
  ['2026-11-18T11:00', send(() => bid, 'sun', { type: 'BOND_PAID', amount: 50_000 })],
  ['2026-11-26T15:00', send(() => cycle, 'bozhida', { type: 'SUBMIT_SURVEY', provider: 'bozhida', report: '政企受众调查（迟交）', hotspots: [] })],
  ['2026-11-27T10:00', send(() => cycle, 'wang', { type: 'INTERNAL_MEETING_HELD' })],
  ['2026-11-27T16:00', send(() => bid, 'tang', { type: 'RESULT_WON', contractAmount: 1_180_000, serviceFee: 15_000 })],
  ['2026-11-30T10:00', send(() => bid, 'sun', { type: 'SERVICE_FEE_PAID', amount: 15_000 })],
  ...(['zhongzhi', 'tiandao', 'bozhida', 'yamei'] as const).map((p): Act => ['2026-11-30T11:00', send(() => cycle, p, { type: 'SUBMIT_SEGMENT', provider: p, summary: `${p} 分段策略` })]),
  ['2026-11-30T14:00', send(contractId, 'tang', { type: 'SUBMIT' })],
  ['2026-12-01T10:00', send(() => cycle, 'yamei', { type: 'SUBMIT_DRAFT', summary: '2027Q1 营销策略初稿' })],
  ['2026-12-01T11:00', send(contractId, 'lu', { type: 'APPROVE', step: 'review' })],
  ['2026-12-01T15:00', send(contractId, 'sun', { type: 'APPROVE', step: 'review' })],
  ['2026-12-02T09:30', send(contractId, 'qian', { type: 'APPROVE', step: 'review' })],
  ['2026-12-02T14:00', send(contractId, 'wang', { type: 'APPROVE', step: 'departmentApproval' })],
  ['2026-12-03T10:00', send(contractId, 'zhou', { type: 'APPROVE', step: 'vpApproval' })],
  ['2026-12-04T10:00', send(() => cycle, 'wang', { type: 'REQUEST_CHANGES', comment: '补充竞争对手分析' })],
  ['2026-12-07T10:00', send(() => cycle, 'yamei', { type: 'SUBMIT_REVISION', summary: '第二稿' })],
  ['2026-12-08T15:00', send(contractId, 'ma', { type: 'SIGNED', signedOn: '2026-12-08' })],
  ['2026-12-09T10:00', send(() => cycle, 'wang', { type: 'CONFIRM_PLAN' })],
  ['2026-12-09T11:00', send(contractId, 'ma', { type: 'ARCHIVED', archiveNo: 'GD-2026-0451' })],
  ['2026-12-10T14:00', send(contractId, 'ma', { type: 'KICKOFF_HELD' })],
  ['2026-12-17T16:00', send(() => cycle, 'zhao', { type: 'LEADERSHIP_APPROVE', comment: '同意发布' })],
  ['2026-12-22T10:00', send(() => cycle, 'wang', { type: 'RELEASE', reference: '深电营〔2026〕88号' })],
  ['2026-12-28T10:00', send(contractId, 'sun', { type: 'PAYMENT_RECEIVED', amount: 590_000, invoiceNo: 'FP-01' })],
  ['2027-01-20T10:00', send(contractId, 'sun', { type: 'PAYMENT_RECEIVED', amount: 590_000, invoiceNo: 'FP-02' })],
];

const t0 = performance.now();
for (const [at, run] of [...script].sort((a, b) => a[0].localeCompare(b[0]))) {
  await clock.advanceTo(`${at}:00+08:00`);
  await run();
  // An act resolves once committed; its effects (which may queue acts in `later`) are delivered after.
  await engine.settled();
  while (later.length > 0) {
    await later.shift()!();
    await engine.settled();
  }
}
await clock.advanceTo('2027-01-31T00:00:00+08:00');

console.log('docket demo — the 2027 Q1 strategy cycle during 2026 Q4, and a bid that becomes a contract');
console.log(`store: SQLite ${DB} · calendar: ${calendar.zone}, China's holidays and 调休 · virtual clock`);
for (const line of LEGEND) console.log(line);
console.log('');
console.log(`${pad('when (Asia/Shanghai)', 25)}${pad('instance', 20)}${pad('from → to', 62)}who / timer`);
for (const line of lines) console.log(line);

console.log('\nsummary');
const all = await engine.list({});
for (const view of all.items) {
  const history = await engine.history(view.id);
  const verified = await engine.verify(view.id);
  let extra = '';
  if (view.workflow === 'strategy-cycle') {
    const c = view.context as StrategyCycleContext;
    const late = Object.entries(c.phases).filter(([, p]) => p.late).map(([k]) => k);
    extra = ` · late phases: ${late.join(', ') || 'none'} · late submissions: ${Object.entries(c.surveys).filter(([, s]) => s.late).map(([p]) => p).join(', ') || 'none'} · tri-party meetings: ${c.triPartyMeetingsHeld}`;
  }
  console.log(`  ${pad(names.get(view.id) ?? view.id, 20)}${pad(view.workflow, 18)}${pad(short(view.state), 10)}${pad(view.status, 6)}${history.length} history entries, chain ${verified.ok ? 'verified' : 'BROKEN'}${extra}`);
}
console.log(`  ${count.transitions} transitions (${count.timers} by timers), ${count.effects} effects delivered, in ${Math.round(performance.now() - t0)} ms of real time`);
if (warnings.length > 0) console.log(`  note: ${warnings[0]?.split(';')[0]} (the demo's contract runs into January).`);
console.log(
  `  2027 is ${calendar.yearCoverage(2027)}: dates marked 暂定 use the statutory estimate (no official schedule yet; 调休 unknown). ` +
    `The receivable chase is 30 calendar days, so its instant is exact; a working-day deadline there would be flagged and re-resolved with engine.reresolveDeadlines().`,
);
console.log(
  `  2027 年为${{ provisional: '暂定', official: '已公布', missing: '缺失' }[calendar.yearCoverage(2027)]}：标「暂定」的日期按法定假日估算（官方安排尚未公布，调休未知）。` +
    `回款催收为 30 个自然日，时刻准确；若为工作日期限，会被标为暂定，并在官方安排公布后用 engine.reresolveDeadlines() 重新计算。`,
);
for (const [id, lines] of provisional) {
  if ((await engine.get(id)).status !== 'active') continue;
  for (const p of lines) console.log(`  provisional: ${p}; re-resolve with engine.reresolveDeadlines() once 2027 is published.`);
}
await engine.close();
await store.close();
