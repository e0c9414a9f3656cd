import { describeDeadlineRule, type BusinessCalendar, type DayInfo, type DeadlineRule, type QuarterRef } from '../calendar/index.js';
import type { AnyWorkflow } from '../engine/define-workflow.js';
import { initialTransition, transition, type AnyStateMachine, type AnyMachineSnapshot } from 'xstate';
import { exampleContext, exampleInput, stateGraph, type StateGraph } from './state-graph.js';
import { same, type BiText } from './text-metrics.js';

/** A deadline of a workflow resolved to a date in the chosen quarter. */
export interface TimelineMilestone {
  readonly workflow: string;
  /** The deadline's name in `workflow.deadlines`. */
  readonly deadline: string;
  /** The label of the state that waits on it (or the deadline's name). */
  readonly label: BiText;
  readonly rule: DeadlineRule;
  /** The rule in words. */
  readonly ruleText: BiText;
  /** The resolved instant and its local date in the calendar's zone. */
  readonly at: number;
  readonly date: string;
  /** The date the rule names before rolling off a non-working day (equal to `date` when not rolled). */
  readonly nominalDate: string;
  readonly rolled: boolean;
  /** True when the date lies inside the chosen quarter. */
  readonly inQuarter: boolean;
  /**
   * True when the date rests on estimated holiday data (a year with no official schedule yet, as
   * `BusinessCalendar.resolveWithProvenance` says): a 2027 quarter day rolled off a statutory estimate
   * may move when the State Council's notice is added, as an armed timer's would.
   */
  readonly provisional?: true;
}

/** A calendar quarter, day by day, with the workflows' milestones on their resolved dates. */
export interface QuarterTimeline {
  readonly quarter: QuarterRef;
  readonly first: string;
  readonly last: string;
  readonly zone: string;
  readonly months: readonly { readonly year: number; readonly month: number; readonly days: readonly DayInfo[] }[];
  readonly milestones: readonly TimelineMilestone[];
}

/** Resolve a deadline spec (static or computed from a sample instance's context) to a rule, if possible. */
function ruleOf(workflow: AnyWorkflow, name: string, context: unknown): DeadlineRule | undefined {
  const spec = workflow.deadlines?.[name];
  if (spec === undefined) return undefined;
  if (typeof spec !== 'function') return spec;
  try {
    return spec({ context, event: {} });
  } catch {
    return undefined;
  }
}

/** How many times a recurring deadline is followed at most (a monthly meeting: three a quarter). */
const MAX_RECURRENCES = 12;

/**
 * The contexts a recurring deadline (a state whose `after` re-enters itself: a monthly meeting) is
 * armed with, one per occurrence: the machine is run purely (XState's `transition`, no engine, no
 * clock) from a sample instance, firing that timer again and again while the state keeps arming it.
 * Just the sample context for a deadline that does not recur, or when the machine cannot be run so.
 */
function occurrenceContexts(workflow: AnyWorkflow, graph: StateGraph, name: string, context: unknown): unknown[] {
  const loop = graph.edges.find((e) => e.kind === 'after' && e.delay === name && e.source === e.target);
  if (!loop) return [context];
  try {
    const base = workflow.machine as AnyStateMachine;
    // Delays as plain numbers: the engine's deadline placeholders throw outside the engine.
    const delays = Object.fromEntries(Object.keys(workflow.deadlines ?? {}).map((n) => [n, 1]));
    const machine = base.provide({ delays }) as AnyStateMachine;
    const [initial] = initialTransition(machine, exampleInput(workflow)) as [AnyMachineSnapshot, unknown];
    // Straight into the state that holds the timer, with the sample's starting context.
    let snapshot = machine.resolveState({ value: pathValue(loop.source) as never, context: initial.context }) as AnyMachineSnapshot;
    const event = { type: `xstate.after.${name}.${base.id}.${loop.source}` };
    const out: unknown[] = [];
    for (let i = 0; i < MAX_RECURRENCES && snapshot.status === 'active' && snapshot.matches(pathValue(loop.source)); i++) {
      out.push(snapshot.context);
      const [next, actions] = transition(machine, snapshot, event as never) as [AnyMachineSnapshot, readonly { readonly params?: unknown }[]];
      // The timer fired without arming itself again (the last occurrence), or nothing changed: done.
      const rearmed = actions.some((a) => JSON.stringify(a.params ?? null).includes(event.type));
      if (!rearmed || JSON.stringify(next.context) === JSON.stringify(snapshot.context)) break;
      snapshot = next;
    }
    return out.length > 0 ? out : [context];
  } catch {
    return [context];
  }
}

/** `a.b.c` → `{ a: { b: 'c' } }`, for `snapshot.matches`. */
function pathValue(path: string): unknown {
  const parts = path.split('.');
  return parts.reduceRight<unknown>((inner, key) => (inner === undefined ? key : { [key]: inner }), undefined);
}

/** True for rules that land on a calendar date (quarter days and fixed dates), the ones a timeline shows. */
function isDated(rule: DeadlineRule): boolean {
  return rule.kind === 'quarterDay' || rule.kind === 'absolute';
}

/**
 * The days of `quarter` (weekends, public holidays, make-up working days 调休) and the date-landing
 * deadlines (`quarterDay`, `absolute`) of `workflows` resolved from the quarter's first day, so the
 * quarterly cycle reads as a calendar. Computed from the machines' own deadline rules.
 */
export function quarterTimeline(calendar: BusinessCalendar, quarter: QuarterRef, workflows: readonly AnyWorkflow[] = []): QuarterTimeline {
  const { first, last } = calendar.quarterDates(quarter);
  const days = calendar.daysInRange(first, last);
  const months: { year: number; month: number; days: DayInfo[] }[] = [];
  for (const day of days) {
    const year = Number(day.date.slice(0, 4));
    const month = Number(day.date.slice(5, 7));
    let bucket = months[months.length - 1];
    if (!bucket || bucket.month !== month) months.push((bucket = { year, month, days: [] }));
    bucket.days.push(day);
  }
  const start = calendar.localInstant(first);
  const milestones: TimelineMilestone[] = [];
  for (const workflow of workflows) {
    const names = Object.keys(workflow.deadlines ?? {});
    if (names.length === 0) continue;
    const graph = stateGraph(workflow);
    const context = exampleContext(workflow);
    for (const name of names) {
     for (const occurrence of occurrenceContexts(workflow, graph, name, context)) {
      const found = ruleOf(workflow, name, occurrence);
      if (!found || !isDated(found)) continue;
      // A quarter day computed from a sample instance names the sample's quarter: move it to the
      // quarter on screen (the quarter the work happens in). Static rules keep their own quarter.
      const computed = typeof workflow.deadlines?.[name] === 'function';
      const rule: DeadlineRule = computed && found.kind === 'quarterDay' && !('relative' in found.quarter) ? { ...found, quarter } : found;
      let at: number;
      let nominal: number;
      let provisional: boolean;
      try {
        // With its provenance, as the engine arms a timer: the days on screen say when they are an
        // estimate, and a milestone resolved on them was shown as settled.
        ({ at, provisional } = calendar.resolveWithProvenance(rule, start));
        nominal = calendar.resolve({ ...rule, roll: 'none' } as DeadlineRule, start);
      } catch {
        continue;
      }
      const holder = graph.nodes.find((n) => n.deadlines.some((d) => d.name === name));
      // A deadline armed in a phase's first sub-state ("on time") is the phase's milestone: name it
      // after the phase, not after "on time".
      const parent = holder?.parent ? graph.nodes.find((n) => n.id === holder.parent) : undefined;
      const state = holder?.initial && parent && parent.kind !== 'parallel' ? parent : holder;
      const date = calendar.toLocalDate(at);
      const nominalDate = calendar.toLocalDate(nominal);
      milestones.push({
        workflow: workflow.id,
        deadline: name,
        label: state?.label ?? same(name),
        rule,
        ruleText: { 'zh-CN': describeDeadlineRule(rule, 'zh-CN'), en: describeDeadlineRule(rule, 'en') },
        at,
        date,
        nominalDate,
        rolled: date !== nominalDate,
        inQuarter: date >= first && date <= last,
        ...(provisional ? { provisional: true as const } : {}),
      });
     }
    }
  }
  milestones.sort((a, b) => a.at - b.at);
  return { quarter, first, last, zone: calendar.zone, months, milestones };
}
