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
 * Check that `value` (parsed JSON) is an {@link InstanceExport}; throws an `Error` saying what is
 * wrong and what to do otherwise.
 */
export function parseInstanceExport(value: unknown): InstanceExport {
  const obj = value as Partial<InstanceExport> | null;
  if (typeof obj !== 'object' || obj === null) throw new Error('This is not an exported instance: expected a JSON object. Create one with `docket export <db> <id>`.');
  if (obj.format !== INSTANCE_EXPORT_FORMAT) {
    throw new Error(`This is not an exported instance (format is ${JSON.stringify(obj.format)}, expected "${INSTANCE_EXPORT_FORMAT}"). Create one with \`docket export <db> <id>\`.`);
  }
  if (obj.formatVersion !== 1) throw new Error(`Export format version ${String(obj.formatVersion)} is not supported (this viewer reads version 1).`);
  if (typeof obj.instance !== 'object' || obj.instance === null || typeof obj.instance.id !== 'string') throw new Error('The export has no instance record.');
  if (!Array.isArray(obj.history)) throw new Error('The export has no history list.');
  if (!Array.isArray(obj.timers)) throw new Error('The export has no timer list.');
  return obj as InstanceExport;
}
