import { DateTime } from 'luxon';
import type { StateGraph } from '../../src/visualizer/state-graph.js';
import { activeStateIds } from '../../src/visualizer/state-graph.js';
import { timerText as timerWords, type TimerTextInput } from '../../src/visualizer/timer-text.js';
import type { Lang } from './lang.js';
import { bi, esc, type Bi } from './templates.js';

export const ZONE = 'Asia/Shanghai';

/** An instant as local date and time in Shanghai, with the weekday. */
export function formatInstant(ms: number, lang: Lang = 'zh-CN'): string {
  const dt = DateTime.fromMillis(ms, { zone: ZONE }).setLocale(lang === 'en' ? 'en' : 'zh-CN');
  return dt.toFormat(lang === 'en' ? 'yyyy-MM-dd HH:mm (ccc)' : 'yyyy-MM-dd HH:mm（ccc）');
}

/** Both languages of an instant, as spans. */
export function instantHtml(ms: number): string {
  return bi({ 'zh-CN': formatInstant(ms, 'zh-CN'), en: formatInstant(ms, 'en') });
}

/** The innermost active states of a state value, by their labels. */
export function stateText(graph: StateGraph | undefined, value: unknown): Bi {
  const ids = activeStateIds(value);
  const leaves = ids.filter((id) => !ids.some((other) => other.startsWith(`${id}.`)));
  const label = (id: string): Bi => graph?.nodes.find((n) => n.id === id)?.label ?? { 'zh-CN': id, en: id };
  const parts = leaves.map(label);
  return { 'zh-CN': parts.map((p) => p['zh-CN']).join('、') || '—', en: parts.map((p) => p.en).join(', ') || '—' };
}

/**
 * A timer by the label of its deadline and the state that armed it (never its key, `signingRemind`,
 * or a bare `3600000`): the wording the CLI uses too (`timerText` in docket/visualizer).
 */
export function timerText(graph: StateGraph | undefined, timer: TimerTextInput): string {
  return bi(timerWords(graph, timer));
}

/** An event type by its label in the graph's workflow. */
export function eventText(labels: Record<string, Bi> | undefined, type: string): string {
  const l = labels?.[type];
  if (l) return bi(l);
  if (type === 'docket.start') return bi({ 'zh-CN': '发起', en: 'Started' });
  if (type.startsWith('docket.timer.')) return bi({ 'zh-CN': '期限到', en: 'Deadline reached' });
  if (type.startsWith('xstate.after.')) return bi({ 'zh-CN': '超时', en: 'Timeout' });
  return esc(type);
}
