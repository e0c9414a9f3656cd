import { DocketError } from '../errors.js';
import type { HistoryEntry } from './records.js';

/**
 * How a store that keeps rows reads them back, the same everywhere: a row it cannot read is
 * refused for its own instance only (`CORRUPT_SNAPSHOT`, naming the instance), never guessed at,
 * and a row written in a newer row format is refused rather than misread.
 */

/**
 * Where in the store a row that cannot be read sits, as {@link corruptRow} puts it in the error's
 * `details` (beside `instanceId` and `what`, why it cannot be read): `verify` reads it to report
 * the row as an `unreadable` problem and go on past it (see `VerifyProblem`).
 */
export interface UnreadableRowPlace {
  /** The instance's own row, one of its history entries, or one of its timer rows. */
  readonly part: 'instance' | 'history' | 'timer';
  /** The column that cannot be read, e.g. `snapshot`, `entry`, `event`. */
  readonly column?: string;
  /** The row's revision: the instance's, the history entry's, or the commit that armed the timer. */
  readonly revision?: number;
  /** A timer row's id. */
  readonly timerId?: string;
}

/**
 * The error for a row that cannot be read back: it names the instance, and nothing else breaks.
 * `place` (details `part`, `column`, `revision`, `timerId`) says which row and column.
 */
export function corruptRow(instanceId: string, what: string, cause?: unknown, place?: UnreadableRowPlace): DocketError {
  return new DocketError(
    'CORRUPT_SNAPSHOT',
    `Instance ${instanceId} has a stored row that cannot be read (${what}). Restore it from a backup or terminate it; other instances are unaffected.`,
    { instanceId, what, ...place, ...(cause === undefined ? {} : { cause }) },
  );
}

/** Throws {@link corruptRow} when a row's format (`found`) is newer than the one this library writes. */
export function checkRowFormat(instanceId: string, found: number, supported: number, place?: UnreadableRowPlace): void {
  if (found > supported) {
    throw corruptRow(instanceId, `row format ${found} comes from a newer Docket schema than this library's ${supported}; upgrade Docket`, undefined, place);
  }
}

/** Where a history row sits: its `entry` column, at `revision` when the row's plan selects it. */
export function historyRowPlace(revision: number | undefined): UnreadableRowPlace {
  return { part: 'history', column: 'entry', ...(revision === undefined ? {} : { revision }) };
}

/**
 * A history row's entry, read from its column (parsed, by a store whose column is text), as an entry:
 * a value that is not one (`42`, `[]`, `null`: an edit that still parses) is {@link corruptRow} at
 * `place`, so `verify` can report that entry and read on past it rather than fail on its fields.
 */
export function historyEntryOf(instanceId: string, entry: unknown, place: UnreadableRowPlace): HistoryEntry {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw corruptRow(instanceId, 'the history entry is not an object', undefined, place);
  return entry as HistoryEntry;
}
