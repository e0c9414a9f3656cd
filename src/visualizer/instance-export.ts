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

/** Not an export this viewer reads: `INVALID_ARGUMENT` naming the part (it was a plain Error without a code). */
function notAnExport(message: string, field: string): DocketError {
  return new DocketError('INVALID_ARGUMENT', message, { field });
}

/**
 * Check that `value` (parsed JSON) is an {@link InstanceExport}.
 *
 * @throws DocketError `INVALID_ARGUMENT` saying what is wrong and what to do, `details.field` naming
 * the part (`export`, `format`, `formatVersion`, `instance`, `history`, `timers`).
 */
export function parseInstanceExport(value: unknown): InstanceExport {
  const obj = value as Partial<InstanceExport> | null;
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw notAnExport('This is not an exported instance: expected a JSON object. Create one with `docket export <db> <id>`.', 'export');
  if (obj.format !== INSTANCE_EXPORT_FORMAT) {
    throw notAnExport(`This is not an exported instance (format is ${JSON.stringify(obj.format)}, expected "${INSTANCE_EXPORT_FORMAT}"). Create one with \`docket export <db> <id>\`.`, 'format');
  }
  if (obj.formatVersion !== 1) throw notAnExport(`Export format version ${String(obj.formatVersion)} is not supported (this viewer reads version 1). Export it again with this version's \`docket export <db> <id>\`.`, 'formatVersion');
  if (typeof obj.instance !== 'object' || obj.instance === null || typeof obj.instance.id !== 'string') throw notAnExport('The export has no instance record. Export it again with `docket export <db> <id>`.', 'instance');
  if (!Array.isArray(obj.history)) throw notAnExport('The export has no history list. Export it again with `docket export <db> <id>`.', 'history');
  if (!Array.isArray(obj.timers)) throw notAnExport('The export has no timer list. Export it again with `docket export <db> <id>`.', 'timers');
  return obj as InstanceExport;
}
