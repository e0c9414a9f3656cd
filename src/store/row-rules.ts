import { DocketError } from '../errors.js';

/**
 * How a store that keeps rows reads them back, the same everywhere: a row it cannot read is
 * refused for its own instance only (`CORRUPT_SNAPSHOT`, naming the instance), never guessed at,
 * and a row written in a newer row format is refused rather than misread.
 */

/** The error for a row that cannot be read back: it names the instance, and nothing else breaks. */
export function corruptRow(instanceId: string, what: string, cause?: unknown): DocketError {
  return new DocketError(
    'CORRUPT_SNAPSHOT',
    `Instance ${instanceId} has a stored row that cannot be read (${what}). Restore it from a backup or terminate it; other instances are unaffected.`,
    cause === undefined ? { instanceId } : { instanceId, cause },
  );
}

/** Throws {@link corruptRow} when a row's format (`found`) is newer than the one this library writes. */
export function checkRowFormat(instanceId: string, found: number, supported: number): void {
  if (found > supported) {
    throw corruptRow(instanceId, `row format ${found} comes from a newer Docket schema than this library's ${supported}; upgrade Docket`);
  }
}
