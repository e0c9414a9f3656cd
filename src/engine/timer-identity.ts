import type { DeadlineRule } from '../calendar/deadline-rule.js';
import { describeDeadlineRule } from '../calendar/deadline-rule.js';
import { ownValue } from './own-property.js';
import { isNumericDelay, ownerOfTimer, timerLabel, timerNameOf, type TimerOwners } from './timer-owner.js';

/** A timer as the engine holds it (a pending, held or claimed timer): what naming it needs. */
export interface TimerFacts {
  /** XState's send id (`xstate.after.<delay>.<state id>`), or Docket's `raise.<revision>.<n>`. */
  readonly key: string;
  /** The delay's name, or its length in ms. */
  readonly name: string;
  readonly event?: { readonly type: string };
  readonly deadline?: { readonly rule: DeadlineRule; readonly provisional: boolean };
}

/** What the engine knows of a timer's workflow: which state arms each `after`, and the named deadlines. */
export interface TimerScope {
  /** The workflow runtime's `timerOwners`; without it the state is read from the key. */
  readonly owners?: TimerOwners | undefined;
  /** The workflow's `deadlines` (rules, or functions of the instance's data). */
  readonly deadlines?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * What a timer is, for people and operators, beyond its name: the state that armed it and a label
 * naming both (as {@link TimerView} has them), and, where known, the deadline rule it was armed by
 * and whether its due instant is provisional.
 */
export interface TimerIdentity {
  /** The dotted path of the state whose `after` armed it (`''` for the root); `null` when none did. */
  readonly state: string | null;
  /** e.g. `after 1h in review.waiting`, `reviewDue in legal` (see `timerLabel`). */
  readonly label: string;
  /**
   * The rule its due instant was resolved by: a numeric `after` delay as a `duration`, a named
   * deadline's static rule, or the rule a function deadline gave when it is kept (provisional ones).
   * Absent when the engine does not know it (a deadline computed from the instance's data).
   */
  readonly rule?: DeadlineRule;
  /** Present (true) while its due instant rests on estimated holiday data. */
  readonly provisional?: true;
}

/**
 * The one reading of what a timer is (internal): every engine output that names a timer (views,
 * `timer.fired`, history entries, logs, spans, reports, error messages) goes through here, so none
 * of them shows XState's key (`xstate.after.3600000.m.review.waiting`) or a bare `3600000`.
 */
export function describeTimer(timer: TimerFacts, scope: TimerScope = {}): TimerIdentity {
  const { state, label } = nameTimer(timer, scope.owners);
  const rule = timerRule(timer, scope.deadlines);
  const identity: { state: string | null; label: string; rule?: DeadlineRule; provisional?: true } = { state, label };
  if (rule !== undefined) identity.rule = rule;
  if (timer.deadline?.provisional) identity.provisional = true;
  return identity;
}

/**
 * The state and label of {@link describeTimer} alone, for outputs that carry no rule (an instance
 * view, on every commit's hot path).
 */
export function nameTimer(timer: TimerFacts, owners?: TimerOwners): { readonly state: string | null; readonly label: string } {
  const state = ownerOfTimer(timer.key, owners);
  return { state, label: timerLabel(timer.name, state, timer.event ? { eventType: timer.event.type } : {}) };
}

/** The rule a timer's due instant came from, where the engine knows it (see {@link TimerIdentity.rule}). */
export function timerRule(timer: TimerFacts, deadlines?: Readonly<Record<string, unknown>>): DeadlineRule | undefined {
  if (timer.deadline) return timer.deadline.rule;
  if (isNumericDelay(timer.name) && timer.key.startsWith('xstate.after.')) return { kind: 'duration', duration: Number(timer.name) };
  const spec = ownValue(deadlines, timer.name);
  return typeof spec === 'object' && spec !== null && typeof (spec as { kind?: unknown }).kind === 'string' ? (spec as DeadlineRule) : undefined;
}

/** A rule in words for operators (English), e.g. `3 working days`; undefined for none or one that cannot be described. */
export function ruleText(rule: DeadlineRule | undefined): string | undefined {
  if (rule === undefined) return undefined;
  try {
    return describeDeadlineRule(rule, 'en');
  } catch {
    return undefined;
  }
}

/**
 * A delay event as XState delivers it (`xstate.after.<delay>.<state id>`: what a generated path or a
 * refusal holds) named for people, as the timer it stands for: `after 1h in review.waiting`;
 * undefined for any other event type.
 */
export function delayEventLabel(type: string, owners?: TimerOwners): string | undefined {
  if (!type.startsWith('xstate.after.')) return undefined;
  return timerLabel(timerNameOf(type), ownerOfTimer(type, owners));
}
