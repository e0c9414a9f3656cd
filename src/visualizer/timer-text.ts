import { ownValue } from '../engine/own-property.js';
import { isNumericDelay, ownerOfTimer, timerLabel } from '../engine/timer-owner.js';
import type { HistoryEntry } from '../store/records.js';
import type { StateGraph } from './state-graph.js';
import { same, type BiText } from './text-metrics.js';

/** A timer as people-facing text needs it: its name, the state that armed it, the event it delivers. */
export interface TimerTextInput {
  /** The delay's name, or its length in ms. */
  readonly name: string;
  /** The dotted path of the state that armed it; null, undefined or `''` (the root) for none shown. */
  readonly state: string | null | undefined;
  readonly event?: { readonly type: string };
}

/**
 * A timer for people, in both languages: the one wording the CLI (`show`, `history`, `simulate`,
 * `migrate`) and the docs site (instance view, simulator) use. A numeric delay reads as a duration
 * (`after 1h`, `1小时后`), a named one by the workflow's label for it (`labels.deadlines`, as
 * {@link StateGraph.deadlines} gives it; its name without the workflow), a delayed raise without an
 * id by the event it delivers; the state that armed it by its label (`after 1h in Waiting`,
 * `「等待」1小时后`). Never XState's key (`xstate.after.3600000.m.waiting`) or a bare `3600000`.
 *
 * @example
 * ```ts
 * import { timerText } from 'docket/visualizer';
 * timerText(undefined, { name: '3600000', state: 'review.waiting' });
 * // { 'zh-CN': '「review.waiting」1小时后', en: 'after 1h in review.waiting' }
 * ```
 */
export function timerText(graph: StateGraph | undefined, timer: TimerTextInput): BiText {
  const state = timerStateLabel(graph, timer.state);
  const called = isNumericDelay(timer.name) ? undefined : ownValue(graph?.deadlines, timer.name);
  const eventType = timer.event?.type;
  const text = (lang: 'zh-CN' | 'en') =>
    timerLabel(timer.name, state?.[lang] ?? null, { lang, ...(called ? { called: called[lang] } : {}), ...(eventType === undefined ? {} : { eventType }) });
  return { 'zh-CN': text('zh-CN'), en: text('en') };
}

/** The state that armed a timer (a dotted path), by its label when the graph has it; null for none (or the root). */
export function timerStateLabel(graph: StateGraph | undefined, state: string | null | undefined): BiText | null {
  if (state === null || state === undefined || state === '') return null;
  return graph?.nodes.find((n) => n.id === state)?.label ?? same(state);
}

/**
 * The state that armed the timer a history entry delivered: the entry's own `timer.state` (entries
 * written since it was added), else read from the delay event it delivered
 * (`xstate.after.<delay>.<state id>`, right for XState's default state ids); null for none.
 */
export function firedTimerState(entry: Pick<HistoryEntry, 'event'> & { readonly timer?: { readonly state?: string | null } }): string | null {
  if (entry.timer?.state !== undefined) return entry.timer.state;
  const delivered = entry.event.delivered;
  return typeof delivered === 'string' ? ownerOfTimer(delivered) : null;
}
