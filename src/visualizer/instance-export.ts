import { DocketError } from '../errors.js';
import type { VerifyReport } from '../engine/engine-types.js';
import type { HistoryEntry, InstanceRecord, RefusalEntry, TaskRecord, TimerRecord } from '../store/records.js';
import type { BiText } from './text-metrics.js';

/** The format tag of an exported instance file. */
export const INSTANCE_EXPORT_FORMAT = 'docket.instance-export';

/**
 * One instance with everything needed to look at it elsewhere: what `docket export <db> <id>`
 * writes and the docs site's instance view reads.
 */
export interface InstanceExport {
  readonly format: typeof INSTANCE_EXPORT_FORMAT;
  readonly formatVersion: 1;
  /** When it was exported (epoch ms). */
  readonly exportedAt: number;
  readonly workflow: { readonly id: string; readonly version: number; readonly title: BiText | null };
  readonly instance: InstanceRecord;
  readonly history: readonly HistoryEntry[];
  readonly refusals: readonly RefusalEntry[];
  /**
   * Pending timers, by due instant, each with what it is: `state`, the dotted path of the state that
   * armed it (null for none), and `label`, its name for people (`after 1h in review.waiting`), as
   * `engine.get` gives them (absent from exports written before they were added; the docs site then
   * reads the state from the timer's `key`); `provisional` when the due instant rests on estimated
   * holiday data.
   */
  readonly timers: readonly (TimerRecord & { readonly state?: string | null; readonly label?: string; readonly provisional?: true })[];
  readonly tasks: readonly TaskRecord[];
  readonly verify: VerifyReport;
}

/**
 * Not an export this viewer reads: `INVALID_ARGUMENT` naming the part (it was a plain Error without a
 * code), in both languages: `message` in English, `details.messageZh` in Chinese (the instance view
 * shows the one its page is in; it showed the English one on the zh-CN page too).
 */
function notAnExport(text: BiText, field: string): DocketError {
  return new DocketError('INVALID_ARGUMENT', text.en, { field, messageZh: text['zh-CN'] });
}

const EXPORT_AGAIN: BiText = { 'zh-CN': '请用本版本的 `docket export <db> <id>` 重新导出。', en: "Export it again with this version's `docket export <db> <id>`." };

/**
 * Check that `value` (parsed JSON) is an {@link InstanceExport}.
 *
 * @throws DocketError `INVALID_ARGUMENT` saying what is wrong and what to do (`message` in English,
 * `details.messageZh` in Chinese), `details.field` naming the part (`export`, `format`, `formatVersion`, `instance`, `history`, `timers`, or the path of a part
 * inside, such as `history[2].actor.id` or `timers[0].dueAt`, when the file was edited or damaged).
 */
export function parseInstanceExport(value: unknown): InstanceExport {
  const obj = value as Partial<InstanceExport> | null;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw notAnExport({ 'zh-CN': '这不是导出的实例文件：应为一个 JSON 对象。请用 `docket export <db> <id>` 导出。', en: 'This is not an exported instance: expected a JSON object. Create one with `docket export <db> <id>`.' }, 'export');
  }
  if (obj.format !== INSTANCE_EXPORT_FORMAT) {
    const format = describe(obj.format);
    throw notAnExport(
      {
        'zh-CN': `这不是导出的实例文件（format 为${format['zh-CN']}，应为 "${INSTANCE_EXPORT_FORMAT}"）。请用 \`docket export <db> <id>\` 导出。`,
        en: `This is not an exported instance (format is ${format.en}, expected "${INSTANCE_EXPORT_FORMAT}"). Create one with \`docket export <db> <id>\`.`,
      },
      'format',
    );
  }
  if (obj.formatVersion !== 1) {
    const version = describe(obj.formatVersion);
    throw notAnExport(
      { 'zh-CN': `不支持此导出格式版本（formatVersion 为${version['zh-CN']}，本查看页读取版本 1）。${EXPORT_AGAIN['zh-CN']}`, en: `Export format version (formatVersion) ${version.en} is not supported (this viewer reads version 1). ${EXPORT_AGAIN.en}` },
      'formatVersion',
    );
  }
  if (typeof obj.instance !== 'object' || obj.instance === null || typeof obj.instance.id !== 'string') {
    throw notAnExport({ 'zh-CN': `导出文件中没有实例记录（instance）。${EXPORT_AGAIN['zh-CN']}`, en: `The export has no instance record (instance). ${EXPORT_AGAIN.en}` }, 'instance');
  }
  if (!Array.isArray(obj.history)) throw notAnExport({ 'zh-CN': `导出文件中没有历史列表（history）。${EXPORT_AGAIN['zh-CN']}`, en: `The export has no history list (history). ${EXPORT_AGAIN.en}` }, 'history');
  if (!Array.isArray(obj.timers)) throw notAnExport({ 'zh-CN': `导出文件中没有计时器列表（timers）。${EXPORT_AGAIN['zh-CN']}`, en: `The export has no timer list (timers). ${EXPORT_AGAIN.en}` }, 'timers');
  checkParts(obj as Record<string, unknown>);
  return obj as InstanceExport;
}

/** The latest instant a JavaScript date (and so the viewer) can show: ±100,000,000 days from 1970. */
const MAX_INSTANT = 8.64e15;

/** What a part should be, in both languages; null when it is. */
type Check = (value: unknown) => BiText | null;
const A_STRING: BiText = { 'zh-CN': '字符串', en: 'a string' };
const text: Check = (v) => (typeof v === 'string' ? null : A_STRING);
const optional = (check: Check): Check => (v) => (v === undefined ? null : check(v));
const nullable = (check: Check): Check => (v) => (v === null ? null : check(v));
const integer: Check = (v) => (Number.isSafeInteger(v) ? null : { 'zh-CN': '整数', en: 'a whole number' });
const instant: Check = (v) =>
  typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_INSTANT ? null : { 'zh-CN': '以毫秒表示的时刻（日期能表示的数字）', en: 'an instant in epoch milliseconds (a number a date can hold)' };
const bool: Check = (v) => (typeof v === 'boolean' ? null : { 'zh-CN': 'true 或 false', en: 'true or false' });
const biText: Check = (v) =>
  typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)['zh-CN'] === 'string' && typeof (v as Record<string, unknown>)['en'] === 'string'
    ? null
    : { 'zh-CN': '中英双语文本（{ "zh-CN": "…", "en": "…" }）', en: 'a text in both languages ({ "zh-CN": "…", "en": "…" })' };
const textList: Check = (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? null : { 'zh-CN': '字符串列表', en: 'a list of strings' });
const AN_OBJECT: BiText = { 'zh-CN': '对象', en: 'an object' };
const A_LIST: BiText = { 'zh-CN': '列表', en: 'a list' };

/** What a part is, in both languages. */
function describe(value: unknown): BiText {
  if (value === undefined) return { 'zh-CN': '缺失', en: 'missing' };
  if (value === null) return { 'zh-CN': ' null', en: 'null' };
  if (Array.isArray(value)) return { 'zh-CN': '列表', en: 'a list' };
  if (typeof value === 'string') {
    const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    return { 'zh-CN': `字符串 ${shown}`, en: `the string ${shown}` };
  }
  return typeof value === 'object' ? { 'zh-CN': '对象', en: 'an object' } : { 'zh-CN': ` ${typeof value} ${String(value)}`, en: `${typeof value} ${String(value)}` };
}

/** A part of the export that is not what `docket export` writes: the file was edited by hand or damaged. */
function badPart(field: string, value: unknown, want: BiText): DocketError {
  const is = describe(value);
  return notAnExport(
    {
      'zh-CN': `导出文件的 ${field} 应为${want['zh-CN']}，实际为${is['zh-CN']}：文件被手工修改过或已损坏。${EXPORT_AGAIN['zh-CN']}`,
      en: `The export's ${field} should be ${want.en}, but it is ${is.en}: the file was edited or is damaged. ${EXPORT_AGAIN.en}`,
    },
    field,
  );
}

function objectAt(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badPart(field, value, AN_OBJECT);
  return value as Record<string, unknown>;
}

function listAt(field: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw badPart(field, value, A_LIST);
  return value;
}

function fields(at: string, obj: Record<string, unknown>, checks: Record<string, Check>): void {
  for (const [key, check] of Object.entries(checks)) {
    const want = check(obj[key]);
    if (want !== null) throw badPart(`${at}.${key}`, obj[key], want);
  }
}

/**
 * Every part the instance view reads, checked before it reads it: a hand-edited or damaged file is
 * refused naming the part (`history[2].actor.id`), never shown as a TypeError, an "Invalid DateTime"
 * or, worse, as markup. Parts older exports lack (a timer's `state` and `label`, a task's `title`,
 * a history entry's `timer`) stay optional.
 */
function checkParts(obj: Record<string, unknown>): void {
  const exportedAt = instant(obj['exportedAt']);
  if (exportedAt !== null) throw badPart('exportedAt', obj['exportedAt'], exportedAt);
  const workflow = objectAt('workflow', obj['workflow']);
  fields('workflow', workflow, { id: text, version: integer, title: optional(nullable(biText)) });
  fields('instance', objectAt('instance', obj['instance']), { id: text, status: text, initiator: text, suspended: optional(bool) });
  listAt('history', obj['history']).forEach((value, i) => {
    const at = `history[${i}]`;
    const entry = objectAt(at, value);
    fields(at, entry, { revision: integer, at: instant, onBehalfOf: optional(text) });
    fields(`${at}.actor`, objectAt(`${at}.actor`, entry['actor']), { id: text, name: optional(text) });
    fields(`${at}.event`, objectAt(`${at}.event`, entry['event']), { type: text });
    if (entry['timer'] !== undefined) fields(`${at}.timer`, objectAt(`${at}.timer`, entry['timer']), { name: text, state: optional(nullable(text)) });
  });
  listAt('timers', obj['timers']).forEach((value, i) => {
    const at = `timers[${i}]`;
    const timer = objectAt(at, value);
    fields(at, timer, { name: text, key: text, dueAt: instant, state: optional(nullable(text)), label: optional(text) });
    fields(`${at}.event`, objectAt(`${at}.event`, timer['event']), { type: text });
  });
  listAt('tasks', obj['tasks']).forEach((value, i) => {
    const at = `tasks[${i}]`;
    fields(at, objectAt(at, value), { step: text, title: optional(biText), assignees: textList, roles: textList, dueAt: nullable(instant) });
  });
  const verify = objectAt('verify', obj['verify']);
  fields('verify', verify, { ok: bool, entries: integer });
  listAt('verify.problems', verify['problems']).forEach((value, i) => fields(`verify.problems[${i}]`, objectAt(`verify.problems[${i}]`, value), { message: text }));
}
