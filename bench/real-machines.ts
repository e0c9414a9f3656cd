/**
 * The documented processes as bench scenarios (shared by `machines.bench.ts` and `profile.ts`): who
 * starts them with what input, the acts that lead to the measured human act and timer, and a raw
 * XState twin of each workflow (the same machine, the same implementations, deadlines resolved by
 * the same calendar, the same events with `$actor`/`$at`) driven by `createActor` on a fake clock.
 */
import { createActor, type AnyActorRef, type AnyStateMachine } from 'xstate';
import { bidReview, contractApproval, strategyCycle } from '../machines/index.js';
import {
  businessCalendar,
  staticDirectory,
  type Actor,
  type AnyWorkflow,
  type DeadlineRule,
  type DirectoryUser,
  type WorkflowEnv,
} from '../src/index.js';

export const calendar = businessCalendar({ holidays: ['CN'] });

const people: DirectoryUser[] = [
  { id: 'li', roles: ['sales'], department: 'sales', supervisor: 'wang' },
  { id: 'wang', roles: ['manager'], department: 'sales', supervisor: 'zhou' },
  { id: 'zhao', roles: ['legal'], department: 'legal' },
  { id: 'sun', roles: ['finance'], department: 'finance' },
  { id: 'qian', roles: ['technical'], department: 'tech' },
  { id: 'zhou', roles: ['vp', 'bidApprover'], department: 'exec' },
  { id: 'ceo', roles: ['ceo'], department: 'exec' },
  { id: 'ma', roles: ['contractAdmin'], department: 'sales' },
  { id: 'tang', roles: ['bidManager'], department: 'sales' },
  { id: 'zhang', roles: ['bidReviewer'], department: 'sales' },
  { id: 'wu', roles: ['bidReviewer'], department: 'sales' },
];
export const directory = staticDirectory({ users: people, departmentHeads: { sales: 'wang' } });
export const as = (id: string): Actor => ({ id, roles: people.find((p) => p.id === id)?.roles ?? [id === 'wangm' ? 'marketing' : id === 'zhaol' ? 'leadership' : 'provider'] });

/** One act: an event and who sends it. */
export interface Act {
  readonly event: { readonly type: string; readonly [k: string]: unknown };
  readonly actor: Actor;
}

/** A bench scenario on a documented process. */
export interface Scenario {
  readonly name: string;
  readonly workflow: AnyWorkflow;
  readonly startAt: string;
  readonly input: Record<string, unknown>;
  readonly starter: Actor;
  /** Acts before the measured human act (`'timer'`: the next due timers fire); then the act itself. */
  readonly actPrep: readonly (Act | 'timer')[];
  readonly act: Act;
  /** Acts before the measured timer firing (the earliest pending timer then fires). */
  readonly timerPrep: readonly Act[];
}

const marketing: Actor = { id: 'wangm', roles: ['marketing'] };

export const scenarios: readonly Scenario[] = [
  {
    name: 'strategy cycle',
    workflow: strategyCycle,
    startAt: '2026-09-21T09:00:00+08:00',
    input: { planQuarter: { year: 2027, quarter: 1 } },
    starter: marketing,
    // The survey opens at kickoff (8 Oct, the first timer); the measured act is a provider's survey.
    actPrep: ['timer'],
    act: { event: { type: 'SUBMIT_SURVEY', provider: 'zhongzhi', report: '受众调查分析报告', hotspots: ['双十一'] }, actor: { id: 'zhongzhi', roles: ['provider'] } },
    timerPrep: [],
  },
  {
    name: 'contract approval (会签)',
    workflow: contractApproval,
    startAt: '2026-11-02T09:00:00+08:00',
    input: { contractNo: 'HT-2026-118', title: '营销平台建设', customer: '深圳电信', amount: 880_000, department: 'sales' },
    starter: as('li'),
    actPrep: [{ event: { type: 'SUBMIT' }, actor: as('li') }],
    // One of the three 会签 votes (legal/finance/technical).
    act: { event: { type: 'APPROVE', step: 'review' }, actor: as('zhao') },
    timerPrep: [
      { event: { type: 'SUBMIT' }, actor: as('li') },
      ...['zhao', 'sun', 'qian'].map((u) => ({ event: { type: 'APPROVE', step: 'review' }, actor: as(u) })),
      { event: { type: 'APPROVE', step: 'departmentApproval' }, actor: as('wang') },
      { event: { type: 'APPROVE', step: 'vpApproval' }, actor: as('zhou') },
    ],
  },
  {
    name: 'bid review',
    workflow: bidReview,
    startAt: '2026-11-02T09:00:00+08:00',
    input: { tenderNo: 'SZ-2026-031', title: '营销平台', customer: '深圳电信', submissionDeadline: '2026-11-20T09:30:00+08:00', prequalification: false, bondAmount: 50_000, department: 'sales' },
    starter: as('tang'),
    // Both parts ready: the 会签 review by all bid reviewers opens; the measured act is one vote.
    actPrep: [
      { event: { type: 'TECHNICAL_READY' }, actor: as('tang') },
      { event: { type: 'COMMERCIAL_READY', quote: 2_600_000 }, actor: as('tang') },
    ],
    act: { event: { type: 'APPROVE', step: 'bidReview' }, actor: as('zhang') },
    timerPrep: [],
  },
];

/** A clock for raw XState actors: records scheduled callbacks by due instant; nothing runs by itself. */
export class FakeXStateClock {
  constructor(private readonly time: { now: number }) {}
  get now(): number {
    return this.time.now;
  }
  set now(at: number) {
    this.time.now = at;
  }
  private next = 1;
  readonly pending = new Map<number, { due: number; fn: () => void }>();
  setTimeout = (fn: (...args: unknown[]) => void, ms: number): number => {
    const id = this.next++;
    this.pending.set(id, { due: this.now + ms, fn: fn as () => void });
    return id;
  };
  clearTimeout = (id: number): void => {
    this.pending.delete(id);
  };
  /** The earliest scheduled due instant, if any. */
  nextDue(): number | undefined {
    let due: number | undefined;
    for (const e of this.pending.values()) if (due === undefined || e.due < due) due = e.due;
    return due;
  }
  /** Run every callback due at or before `at` (the caller has moved the shared instant there). */
  fireDue(at: number): number {
    let fired = 0;
    for (const [id, e] of [...this.pending]) {
      if (e.due > at || !this.pending.has(id)) continue;
      this.pending.delete(id);
      e.fn();
      fired++;
    }
    return fired;
  }
}

/**
 * The raw XState twin of a workflow: the same machine with the same implementations and the same
 * deadlines resolved by the same calendar (what the engine's registry provides), run by
 * `createActor` with a fake clock. `env.now()` reads the fake clock.
 */
export function rawTwin(workflow: AnyWorkflow) {
  // One instant shared by every actor of the twin; each actor its own scheduled callbacks.
  const clock = { now: 0 };
  const env: WorkflowEnv = { directory, calendar, now: () => clock.now };
  const provided = (workflow.implementations?.(env) ?? {}) as { delays?: Record<string, unknown> };
  const delays: Record<string, (args: { context: unknown; event: unknown }) => number> = {};
  for (const [name, spec] of Object.entries(workflow.deadlines ?? {})) {
    delays[name] = (args) => {
      const rule = (typeof spec === 'function' ? spec(args as never) : spec) as DeadlineRule;
      return Math.max(0, calendar.resolve(rule, clock.now) - clock.now);
    };
  }
  const machine = (workflow.machine as AnyStateMachine).provide({ ...provided, delays: { ...provided.delays, ...delays } } as never);
  return {
    clock,
    /** `input` already parsed by the workflow's schema (the engine parses it too, before starting). */
    start(input: unknown, actor: Actor): { ref: AnyActorRef; timers: FakeXStateClock } {
      const timers = new FakeXStateClock(clock);
      return { ref: createActor(machine, { input: { ...(input as object), $actor: actor, $at: clock.now }, clock: timers }).start(), timers };
    },
    send(ref: AnyActorRef, act: Act): void {
      ref.send({ ...act.event, $actor: act.actor, $at: clock.now });
    },
  };
}
