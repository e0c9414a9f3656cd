import { DocketError } from '../errors.js';
import type { HistoryEntry, InstanceRecord, RefusalEntry } from '../store/records.js';
import type { Page, Store } from '../store/store.js';
import type { HistoryPageOptions, RefusedHistoryPageOptions } from './engine-types.js';
import { safeString } from '../input/safe-string.js';

/** A refused attempt as the merged history shows it. */
export type RefusedItem = RefusalEntry & { readonly kind: 'refused' };

/**
 * Accepted entries and refusals in one list, in the order they happened: a refusal made while the
 * instance stood at revision r after entry r and before entry r + 1, refusals of one revision by time.
 * (Sorted by time alone, a refusal and the next entry at the same instant, as on a virtual clock,
 * came out entry first, and a page could not say where its refusals go.)
 */
export function mergeRefusals(entries: readonly HistoryEntry[], refusals: readonly RefusalEntry[]): (HistoryEntry | RefusedItem)[] {
  const refused = refusals.map((r) => ({ ...r, kind: 'refused' as const }));
  const place = (e: HistoryEntry | RefusedItem) => e.revision * 2 + (e.kind === 'refused' ? 1 : 0);
  return [...entries, ...refused].sort((a, b) => place(a) - place(b) || a.at - b.at);
}

/** The most entries one page of `engine.history` returns. */
export const HISTORY_PAGE_MAX = 1000;

/** Entries per page when `limit` is not given. */
export const HISTORY_PAGE_DEFAULT = 100;

const CURSOR = /^(0|[1-9][0-9]{0,14})$/;

/**
 * One page of an instance's accepted history (internal: `engine.history` with `limit`/`cursor`). The
 * cursor is the last revision of the previous page, as a decimal string; treat it as opaque.
 *
 * @throws DocketError `INVALID_ARGUMENT` for a limit that is not an integer from 1 to 1000, or a cursor
 *   that is not one `nextCursor` could have been; nothing is read.
 */
export async function historyPage(
  store: Pick<Store, 'history'>,
  record: InstanceRecord,
  options: HistoryPageOptions | RefusedHistoryPageOptions,
  refusals?: () => Promise<readonly RefusalEntry[]>,
): Promise<Page<HistoryEntry | RefusedItem>> {
  const limit = options.limit ?? HISTORY_PAGE_DEFAULT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > HISTORY_PAGE_MAX) {
    throw new DocketError('INVALID_ARGUMENT', `history() takes a limit from 1 to ${HISTORY_PAGE_MAX} entries per page; got ${safeString(limit).slice(0, 40)}.`, {
      instanceId: record.id,
      field: 'limit',
    });
  }
  const cursor = options.cursor;
  // A nextCursor is a revision below the instance's (revisions only grow, so it stays below): a
  // larger one was made up or mangled, and read as "after revision 999" it gave an empty page, as if
  // the history had ended.
  if (cursor !== undefined && (typeof cursor !== 'string' || !CURSOR.test(cursor) || Number(cursor) >= record.revision)) {
    throw new DocketError('INVALID_ARGUMENT', 'history() takes as cursor the nextCursor of a previous page (or none for the first page).', { instanceId: record.id, field: 'cursor' });
  }
  const after = cursor === undefined ? 0 : Number(cursor);
  const items = await store.history(record.id, { afterRevision: after, limit });
  const last = items.length === 0 ? after : items[items.length - 1]!.revision;
  const more = items.length === limit && last < record.revision;
  if (!options.includeRefused || refusals === undefined) return more ? { items, nextCursor: String(last) } : { items };
  // A refusal made while the instance stood at revision r comes after entry r: it is on the page that
  // holds entry r (the last page takes every later one), so each refusal is on exactly one page.
  const mine = (await refusals()).filter((r) => r.revision > after && (!more || r.revision <= last));
  const merged = mergeRefusals(items, mine);
  return more ? { items: merged, nextCursor: String(last) } : { items: merged };
}
