import { DocketError } from '../errors.js';
import { ID_MAX_LENGTH } from './payload-rules.js';
import type { InstanceStatus, TaskRecord } from './records.js';
import type { InstanceQuery, Page, TaskQuery } from './store.js';

/** Page size of `list()` when the query gives no `limit`. */
export const PAGE_LIMIT_DEFAULT = 100;
/** Largest page `list()` returns: a bigger `limit` is refused with `INVALID_ARGUMENT`. */
export const PAGE_LIMIT_MAX = 1000;

const STATUSES: readonly InstanceStatus[] = ['active', 'done', 'failed', 'cancelled'];
const TASK_STATUSES: readonly TaskRecord['status'][] = ['open', 'claimed'];
/** A cursor is the position after the last item of a page, in base 36 (opaque to callers). */
const CURSOR = /^[0-9a-z]{1,11}$/;

function invalid(message: string, field: string): never {
  throw new DocketError('INVALID_ARGUMENT', message, { field });
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : typeof value;
}

function checkQueryObject(query: unknown, what: string): Record<string, unknown> {
  if (query === undefined) return {};
  if (query === null || typeof query !== 'object' || Array.isArray(query)) {
    invalid(`The ${what} query must be an object such as { workflow: "expense" }, not ${describe(query)}.`, 'query');
  }
  return query as Record<string, unknown>;
}

function checkText(query: Record<string, unknown>, field: string, what: string, allowed?: readonly string[]): void {
  const value = query[field];
  if (value === undefined) return;
  if (typeof value !== 'string') invalid(`${what} query field "${field}" must be a single string, not ${describe(value)}; query one value at a time.`, field);
  if (allowed !== undefined && !allowed.includes(value)) invalid(`${what} query field "${field}" must be one of ${allowed.join(', ')}, not ${describe(value)}.`, field);
  // A filter names an id (instance, workflow, person, role, tenant): the same bounds as the ids stored.
  if (value.length === 0 || value.length > ID_MAX_LENGTH) invalid(`${what} query field "${field}" must be 1 to ${ID_MAX_LENGTH} characters, as ids are; got ${value.length}.`, field);
}

/** The position a cursor stands for (`0` when absent). Throws `INVALID_ARGUMENT` for a forged or mangled one. */
export function decodeCursor(cursor: unknown): number {
  if (cursor === undefined) return 0;
  if (typeof cursor !== 'string' || !CURSOR.test(cursor)) {
    invalid(`Cursor ${describe(cursor)} is not one this store returned; pass back a page's nextCursor unchanged, or omit it to start from the first page.`, 'cursor');
  }
  const position = Number.parseInt(cursor, 36);
  if (!Number.isSafeInteger(position)) invalid(`Cursor ${describe(cursor)} is not one this store returned; omit it to start from the first page.`, 'cursor');
  return position;
}

/** The cursor for the page that continues after `position` (an insertion sequence or index, ≥ 0). */
export function encodeCursor(position: number | string): string {
  return Number(position).toString(36);
}

/**
 * The page of a keyset query, the same in every store that pages on an insertion sequence: ask the
 * database for `limit + 1` rows after the position {@link checkInstanceQuery} returned, in sequence
 * order, and pass them here. Returns the first `limit` rows decoded (a decode error propagates), with
 * a `nextCursor` at the last one's `position` only when the extra row shows that more exist.
 */
export function keysetPage<R, T>(rows: readonly R[], limit: number, position: (row: R) => number | string, decode: (row: R) => T): Page<T> {
  const page = rows.length > limit ? rows.slice(0, limit) : rows;
  const items = page.map(decode);
  const last = page.at(-1);
  return rows.length > limit && last !== undefined ? { items, nextCursor: encodeCursor(position(last)) } : { items };
}

/**
 * Validate a {@link InstanceQuery} for `list()`, the same in every store. Returns the page size and
 * the position to continue after. Throws `INVALID_ARGUMENT` (naming the field and what to pass) for
 * a non-object query, a non-string filter (arrays included), an unknown status, a `dueBefore` that is
 * not a finite number, a `limit` that is not an integer from 1 to {@link PAGE_LIMIT_MAX}, or a cursor
 * this store did not return.
 */
export function checkInstanceQuery(query: InstanceQuery | undefined): { readonly limit: number; readonly after: number } {
  const q = checkQueryObject(query, 'list');
  checkText(q, 'workflow', 'The list');
  checkText(q, 'state', 'The list');
  checkText(q, 'status', 'The list', STATUSES);
  checkText(q, 'tenant', 'The list');
  if (q.dueBefore !== undefined && (typeof q.dueBefore !== 'number' || !Number.isFinite(q.dueBefore))) {
    invalid(`The list query field "dueBefore" must be an instant in epoch milliseconds (a finite number), not ${describe(q.dueBefore)}.`, 'dueBefore');
  }
  let limit = PAGE_LIMIT_DEFAULT;
  if (q.limit !== undefined) {
    if (typeof q.limit !== 'number' || !Number.isInteger(q.limit) || q.limit < 1 || q.limit > PAGE_LIMIT_MAX) {
      invalid(`The list query field "limit" must be an integer from 1 to ${PAGE_LIMIT_MAX}, not ${typeof q.limit === 'number' ? q.limit : describe(q.limit)}; page through larger results with nextCursor.`, 'limit');
    }
    limit = q.limit;
  }
  return { limit, after: decodeCursor(q.cursor) };
}

/** Validate a {@link TaskQuery} for `tasks()`, the same in every store: each filter a single string. */
export function checkTaskQuery(query: TaskQuery | undefined): { readonly limit: number } {
  const q = checkQueryObject(query, 'tasks');
  for (const field of ['assignee', 'role', 'workflow', 'instanceId', 'tenant'] as const) checkText(q, field, 'The tasks');
  checkText(q, 'status', 'The tasks', TASK_STATUSES);
  if (q.limit === undefined) return { limit: PAGE_LIMIT_MAX };
  if (typeof q.limit !== 'number' || !Number.isInteger(q.limit) || q.limit < 1 || q.limit > PAGE_LIMIT_MAX) {
    invalid(`The tasks query's limit must be an integer from 1 to ${PAGE_LIMIT_MAX}, not ${typeof q.limit === 'number' ? String(q.limit) : describe(q.limit)}; narrow a longer inbox with its filters (workflow, status, instanceId).`, 'limit');
  }
  return { limit: q.limit };
}
