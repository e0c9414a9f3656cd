import type { HistoryEntry, InstanceStatus } from '../store/records.js';
import { DateTime } from 'luxon';
import stringWidth from 'string-width';
import type { StateGraph } from '../visualizer/state-graph.js';
import { activeStateIds } from '../visualizer/state-graph.js';
import type { Lang } from '../visualizer/text-metrics.js';
import { terminalSafe } from './terminal-safe.js';
import { ownValue } from '../engine/own-property.js';
import { ownerOfTimer, timerNameOf } from '../engine/timer-owner.js';
import { firedTimerState, timerStateLabel, timerText as timerWords } from '../visualizer/timer-text.js';

/** Local date and time in the calendar's zone, `2026-10-08 09:00`. */
export function formatTime(ms: number, zone = 'Asia/Shanghai'): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm');
}

/** The local date ('YYYY-MM-DD') of instant `ms` (epoch ms) in `zone` (an IANA zone, as --tz takes). */
export function localDateIn(ms: number, zone = 'Asia/Shanghai'): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd');
}

/**
 * The zh-CN words for an instance's status ({@link InstanceStatus}; `suspended` is a flag beside
 * `active`). English output prints the status as stored (`active`, what `--status` takes).
 */
const STATUS_ZH: Readonly<Record<InstanceStatus, string>> = Object.freeze({ active: '进行中', done: '已完成', failed: '失败', cancelled: '已取消' });

/** An instance's status as a word in the output language: `active` / `进行中`; a status this CLI does not know (a newer store's) as stored. */
export function statusWord(status: string, lang: Lang): string {
  return lang === 'zh-CN' && Object.hasOwn(STATUS_ZH, status) ? STATUS_ZH[status as InstanceStatus] : status;
}

/**
 * An instance's status with its suspension, as `show` and `list` print it: `active (suspended)` /
 * `进行中（已挂起）`. zh-CN printed `active (suspended)` in English.
 */
export function statusText(status: string, suspended: boolean, lang: Lang): string {
  const word = statusWord(status, lang);
  if (!suspended) return word;
  return lang === 'zh-CN' ? `${word}（已挂起）` : `${word} (suspended)`;
}

/** The innermost active states of a state value, by label when the workflow is known. */
export function stateLabel(graph: StateGraph | undefined, value: unknown, lang: Lang): string {
  const ids = activeStateIds(value);
  const leaves = ids.filter((id) => !ids.some((o) => o.startsWith(`${id}.`)));
  if (leaves.length === 0) return '—';
  return leaves.map((id) => graph?.nodes.find((n) => n.id === id)?.label[lang] ?? id).join(lang === 'zh-CN' ? '、' : ', ');
}

/**
 * A timer for people in the output language (`after 1h in Waiting`, `「等待」1小时后`): its name, as a
 * duration or by the workflow's label for the deadline, and the state that armed it (`owner`, a dotted
 * path, or null for none), by its label when the workflow is known. One wording with the docs site
 * (see `timerText` in docket/visualizer). A bare `3600000` told nobody which state or step armed it,
 * and zh-CN read `after 1h in 等待`.
 */
export function timerText(graph: StateGraph | undefined, name: string, owner: string | null | undefined, lang: Lang, event?: { readonly type: string }): string {
  return timerWords(graph, { name, state: owner, ...(event === undefined ? {} : { event }) })[lang];
}

/** The state that armed a timer (`owner`, a dotted path), by its label when the workflow is known; null for none. */
export function timerStateText(graph: StateGraph | undefined, owner: string | null | undefined, lang: Lang): string | null {
  return timerStateLabel(graph, owner)?.[lang] ?? null;
}

/**
 * An event by its label when the workflow is known. A timer's firing (`docket.timer.<name>`) is
 * named by {@link timerText}, with the state its history entry records (`timer`, since entries carry
 * it) or the delay event it delivered; an XState delay event (`xstate.after.<delay>.<state id>`) the
 * same way, never by its raw delay.
 */
export function eventLabelOf(
  graph: StateGraph | undefined,
  event: string | { readonly type: string; readonly delivered?: unknown },
  lang: Lang,
  timer?: { readonly state?: string | null },
): string {
  const type = typeof event === 'string' ? event : event.type;
  if (type === 'docket.start') return lang === 'zh-CN' ? '发起' : 'start';
  if (type.startsWith('docket.timer.')) {
    const state = typeof event === 'string' ? (timer?.state ?? null) : firedTimerState({ event, ...(timer === undefined ? {} : { timer }) });
    // A delayed raise without an id is named by the event it delivered (its name is an internal key).
    const delivered = typeof event === 'string' ? undefined : event.delivered;
    const raised = typeof delivered === 'string' && !delivered.startsWith('xstate.after.') ? { type: delivered } : undefined;
    const text = timerText(graph, type.slice(13), state, lang, raised);
    return lang === 'zh-CN' ? `期限到（${text}）` : `deadline (${text})`;
  }
  if (type.startsWith('docket.admin.')) return lang === 'zh-CN' ? `管理操作（${type.slice(13)}）` : `admin (${type.slice(13)})`;
  if (type.startsWith('xstate.after.')) {
    const text = timerText(graph, timerNameOf(type), ownerOfTimer(type), lang);
    return lang === 'zh-CN' ? `超时（${text}）` : `timeout (${text})`;
  }
  return ownValue(graph?.events, type)?.[lang] ?? type;
}

/**
 * A history entry's event for people ({@link eventLabelOf}), followed by the timers the entry retired
 * without firing (`retiredTimers`: of a state no longer active), each by {@link timerText}:
 * `admin (retireTimers); retired: after 1h in Waiting` / `管理操作（retireTimers）；撤下定时器：「等待」1小时后`.
 * The row of a retirement named no timer, although the entry lists them. An entry that finished a
 * suspended instance (`endedSuspension`) says so, with the held timers it dropped:
 * `admin (terminate); ended the suspension; held timers dropped: after 1h in Waiting` /
 * `管理操作（terminate）；结束挂起，持有的定时器不再触发：「等待」1小时后`.
 */
export function entryEventText(
  graph: StateGraph | undefined,
  entry: Pick<HistoryEntry, 'event' | 'timer' | 'retiredTimers' | 'endedSuspension'>,
  lang: Lang,
): string {
  let text = eventLabelOf(graph, entry.event, lang, entry.timer);
  const retired = entry.retiredTimers;
  if (retired && retired.length > 0) {
    const names = retired.map((r) => timerText(graph, r.name, r.state, lang));
    text = lang === 'zh-CN' ? `${text}；撤下定时器：${names.join('、')}` : `${text}; retired: ${names.join(', ')}`;
  }
  // An entry that finished a suspended instance (终止 of a 挂起 one) ended the suspension and dropped
  // the timers it held: the row said only 'admin (terminate)'.
  const ended = entry.endedSuspension;
  if (ended !== undefined) {
    const held = ended.heldTimers.map((h) => timerText(graph, h.name, h.state, lang));
    if (lang === 'zh-CN') text = `${text}；结束挂起${held.length > 0 ? `，持有的定时器不再触发：${held.join('、')}` : ''}`;
    else text = `${text}; ended the suspension${held.length > 0 ? `; held timers dropped: ${held.join(', ')}` : ''}`;
  }
  return text;
}

/**
 * The columns `text` takes in a terminal, by string-width (Unicode East Asian Width: CJK and
 * fullwidth forms 2, halfwidth forms 1, combining marks and zero-width characters 0, an emoji
 * sequence 2; ambiguous-width characters such as `—` and `→` 1, as most terminals draw them). A
 * devDependency bundled into the CLI as commander is, so the package installs no CLI weight.
 */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** `text` followed by spaces up to `width` display columns ({@link displayWidth}); `padEnd` counts UTF-16 units. */
export function padDisplay(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/**
 * Labelled lines (`show`): each key padded to the widest by display width, two spaces, the value
 * made terminal-safe. Padding by `String.length` put 实例's value two columns left of 发起人's.
 */
export function keyValueLines(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...rows.map(([k]) => displayWidth(k)));
  return rows.map(([k, v]) => `${padDisplay(k, width)}  ${terminalSafe(v)}`).join('\n');
}

/**
 * A plain-text table whose columns line up by display width ({@link displayWidth}). Every cell is one value
 * made terminal-safe ({@link terminalSafe}: controls and newlines escaped), so a stored id or
 * actor name can neither drive the terminal nor break the table into forged lines.
 */
export function table(header: readonly string[], body: readonly (readonly string[])[]): string {
  const rows = body.map((r) => r.map((c) => terminalSafe(c)));
  const head = header.map((h) => terminalSafe(h));
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : padDisplay(c, widths[i] ?? 0))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * The suspension in force on an instance: the last `docket.admin.suspend` entry of its history (when,
 * by whom, and the reason: an administrator's, or the engine's when a timer could not be delivered,
 * which says what to fix), or null when the instance is not suspended. `show` and `simulate` printed
 * `active (suspended)` alone, so a user whose simulation the engine had stopped was not told why.
 */
export function suspensionOf(
  suspended: boolean,
  history: readonly Pick<HistoryEntry, 'event' | 'at' | 'actor' | 'reason'>[],
): { readonly at: number; readonly by: string; readonly reason: string } | null {
  if (!suspended) return null;
  const entry = history.findLast((h) => h.event.type === 'docket.admin.suspend');
  if (entry === undefined) return null;
  return { at: entry.at, by: entry.actor.name ?? entry.actor.id, reason: entry.reason ?? '' };
}

/** {@link suspensionOf} as one line for people, in the output language; every value terminal-safe. */
export function suspensionText(suspension: { readonly at: number; readonly by: string; readonly reason: string }, lang: Lang, zone?: string): string {
  const when = formatTime(suspension.at, zone);
  const by = terminalSafe(suspension.by);
  const reason = terminalSafe(suspension.reason);
  return lang === 'zh-CN' ? `已挂起（${when}，${by}）：${reason}` : `Suspended ${when} by ${by}: ${reason}`;
}

/**
 * The reasons history entries carry (挂起、恢复、终止、任意跳转 and the engine's own suspension), as
 * notes printed under the history table, one line each: `#5 reason: …` / `#5 原因：…`. The table's
 * `admin (suspend)` row alone did not say why; a reason in a table cell would widen every row.
 */
export function reasonNotes(history: readonly Pick<HistoryEntry, 'revision' | 'reason'>[], lang: Lang): string[] {
  return history
    .filter((h) => typeof h.reason === 'string' && h.reason !== '')
    .map((h) => (lang === 'zh-CN' ? `#${h.revision} 原因：${terminalSafe(h.reason!)}` : `#${h.revision} reason: ${terminalSafe(h.reason!)}`));
}
