import { DocketError, isDocketError } from '../errors.js';
import { INSTANT_BOUND } from '../clock/whole-instant.js';
import { ID_MAX_LENGTH } from './payload-rules.js';
import { idRuleProblem, isBlankId } from './id-rule.js';
import { readOptions } from '../input/read-options.js';
import { INSTANCE_STATUSES, type InstanceStatus, type TaskRecord } from './records.js';
import type { RetentionQuery } from './retention.js';
import type { InstanceQuery, Page, TaskQuery } from './store.js';

/** Page size of `list()` when the query gives no `limit`. */
export const PAGE_LIMIT_DEFAULT = 100;
/** Largest page `list()` returns: a bigger `limit` is refused with `INVALID_ARGUMENT`. */
export const PAGE_LIMIT_MAX = 1000;

const STATUSES: readonly InstanceStatus[] = INSTANCE_STATUSES;
const TASK_STATUSES: readonly TaskRecord['status'][] = ['open', 'claimed'];
const LIST_KEYS = ['workflow', 'state', 'status', 'tenant', 'dueBefore', 'limit', 'cursor'] as const satisfies readonly (keyof InstanceQuery)[];
const TASK_FILTERS = ['assignee', 'role', 'workflow', 'instanceId', 'tenant', 'status'] as const satisfies readonly (keyof TaskQuery)[];
const TASK_KEYS = [...TASK_FILTERS, 'limit'] as const;
const HISTORY_KEYS = ['afterRevision', 'limit'] as const;
const RETENTION_KEYS = ['finishedBefore', 'limit', 'tenant', 'archived'] as const satisfies readonly (keyof RetentionQuery)[];
/**
 * A cursor is a position (the last item of a page, or where the next page starts), in base 36, then
 * `.` and four check characters computed from it: opaque to callers. The check is what tells a
 * mangled or made-up cursor from one a store returned: every lowercase word is a base-36 number, so
 * without it `cursor: 'garbage'` was read as position 36,238,672,802 and answered with an empty page,
 * as if the listing had ended.
 */
const CURSOR = /^([0-9a-z]{1,11})\.([0-9a-z]{4})$/;
/** 36^4: the check is four base-36 characters. */
const CHECK_RANGE = 1_679_616;

/** Four base-36 characters derived from the cursor's position text (FNV-1a; a typo check, not a secret). */
function cursorCheck(position: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < position.length; i++) {
    hash ^= position.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % CHECK_RANGE).toString(36).padStart(4, '0');
}

function invalid(message: string, field: string): never {
  throw new DocketError('INVALID_ARGUMENT', message, { field });
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : typeof value;
}

/**
 * The query (or options) read once by the house rule ({@link readOptions}): an object of known keys,
 * each read once; INVALID_ARGUMENT for anything else (an unknown key is refused, not ignored: a
 * misspelt `wokflow` filter listed every instance; a throwing getter or a Proxy is refused, not let
 * through as a raw error). The checks and the store then read the snapshot only.
 */
function checkQueryObject(query: unknown, what: string, keys: readonly string[]): Record<string, unknown> {
  if (query === undefined) return {};
  return readOptions(query, { keys, what: `The ${what} query`, field: 'query', usage: what === 'history' || what === 'retainable' ? `{ ${keys.join(', ')} }` : '{ workflow: "expense" }' }) as Record<string, unknown>;
}

/**
 * How a refusal names a filter: the store's own words (`The list query field "workflow"`) unless a
 * front door passes its own (the CLI: `--workflow`). Only the words differ: the code
 * (`INVALID_ARGUMENT`) and `details.field` are the rule's, the same through every door.
 */
export type FieldLabel = (field: string) => string;

function labelOf(what: string): FieldLabel {
  return (field) => `${what} query field "${field}"`;
}

/**
 * The one rule for a text filter (workflow, state, status, tenant, assignee, role, instance id, a
 * migration's `where.state`), by every front door: the store's `list` and `tasks`, the engine's
 * `list`, `tasks`, `migrate` and tenant views, `GET /instances` and `GET /tasks`, `docket list` and
 * `docket migrate`. `undefined` is no filter; anything else must be a single string, not blank (a
 * form field left empty, an unset shell variable: `docket list --workflow ''` listed every instance
 * while `GET /instances?workflow=` was refused), one of `allowed` when given, and an id by the one
 * rule the doors that create ids share ({@link idRuleProblem}: 1 to {@link ID_MAX_LENGTH} characters,
 * not blank, storable), so every value a write accepts can be filtered by and no other. Throws `INVALID_ARGUMENT` with
 * `details.field` = `field` (the path, e.g. `where.state`) and a sentence saying what to pass.
 */
export function checkFilterText(value: unknown, field: string, label: FieldLabel, allowed?: readonly string[]): asserts value is string | undefined {
  if (value === undefined) return;
  const name = label(field);
  // The one rule for an id ({@link idRuleProblem}), the same words as the doors that write one: a
  // value a write refuses is refused as a filter, and one a write accepts can be filtered by.
  const problem = idRuleProblem(value);
  if (typeof value !== 'string') invalid(`${name} ${problem}; query one value at a time.`, field);
  if (isBlankId(value)) {
    invalid(`${name} ${problem}: leave it out to match any, or give ${allowed === undefined ? 'a value' : `one of ${allowed.join(', ')}`}.`, field);
  }
  if (allowed !== undefined && !allowed.includes(value)) invalid(`${name} must be one of ${allowed.join(', ')}, not ${describe(value)}.`, field);
  // A filter names an id (instance, workflow, person, role, tenant): the same bounds as the ids stored.
  // Nor a string no store keeps: Postgres failed the whole query on U+0000 (STORE_UNAVAILABLE, as if
  // worth a retry) and bound a lone surrogate as U+FFFD, while memory and SQLite answered an empty page.
  if (problem !== undefined) invalid(`${name} ${problem}.`, field);
}

function checkText(query: Record<string, unknown>, field: string, label: FieldLabel, allowed?: readonly string[]): void {
  checkFilterText(query[field], field, label, allowed);
}

/**
 * A page size: an integer from 1 to `max`, or INVALID_ARGUMENT naming `limit` with `hint` (how to
 * see more). The list, the inbox and their text readers ({@link instanceQueryFromText}) share it.
 */
function checkLimit(value: unknown, max: number, label: FieldLabel, hint: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    invalid(`${label('limit')} must be an integer from 1 to ${max}, not ${typeof value === 'number' ? String(value) : describe(value)}; ${hint}.`, 'limit');
  }
  return value;
}

/**
 * `value` as an exclusive upper bound on stored instants, or INVALID_ARGUMENT naming `field`.
 * Instants are stored as whole epoch milliseconds within ±2^53 (the one rule, `src/clock/whole-instant.ts`).
 * An exclusive bound `< value` on them means the same for `Math.ceil(value)`, and nothing stored lies
 * beyond ±2^53, so a finite bound is rounded up and clamped there: every store then takes the same
 * bounds (PostgreSQL's bigint refuses `1.5` and `1e+300`, which memory and SQLite compare as numbers).
 */
export function instantBefore(value: unknown, field: string, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    invalid(`${what} "${field}" must be an instant in epoch milliseconds (a finite number), not ${describe(value)}.`, field);
  }
  return Math.min(Math.max(Math.ceil(value), -INSTANT_BOUND), INSTANT_BOUND);
}

/** Highest revision a store keeps (PostgreSQL's `int` column): no history reaches past it. */
export const REVISION_MAX = 2 ** 31 - 1;

/**
 * Validate the `history` / `archivedHistory` options, the same in every store: `afterRevision` an
 * integer (below 0 reads from the start; past {@link REVISION_MAX} finds nothing), `limit` an integer
 * of at least 1. Returns them clamped to what every database can bind; INVALID_ARGUMENT otherwise.
 */
export function checkHistoryRange(options: { readonly afterRevision?: number; readonly limit?: number } | undefined): { readonly after: number; readonly limit: number | undefined } {
  const o = checkQueryObject(options, 'history', HISTORY_KEYS);
  const after = o.afterRevision ?? 0;
  if (typeof after !== 'number' || !Number.isInteger(after)) invalid(`The history option "afterRevision" must be a whole revision number, not ${typeof after === 'number' ? after : describe(after)}.`, 'afterRevision');
  const limit = o.limit;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
    invalid(`The history option "limit" must be an integer of at least 1, not ${typeof limit === 'number' ? limit : describe(limit)}; leave it out for every entry.`, 'limit');
  }
  return { after: Math.min(Math.max(after, 0), REVISION_MAX), limit: limit === undefined ? undefined : Math.min(limit, REVISION_MAX) };
}

/**
 * Validate a {@link RetentionQuery} for `retainable()`, the same in every store: `finishedBefore` an
 * instant (bound as {@link instantBefore} binds it), `limit` an integer of at least 1, `tenant` an id.
 * Returns the query as every store binds it; INVALID_ARGUMENT otherwise.
 */
export function checkRetentionQuery(query: RetentionQuery): { readonly finishedBefore: number; readonly limit: number; readonly tenant: string | undefined; readonly archived: boolean } {
  const q = checkQueryObject(query, 'retainable', RETENTION_KEYS);
  const finishedBefore = instantBefore(q.finishedBefore, 'finishedBefore', 'The retention query field');
  if (typeof q.limit !== 'number' || !Number.isInteger(q.limit) || q.limit < 1) invalid(`The retention query field "limit" must be an integer of at least 1, not ${typeof q.limit === 'number' ? q.limit : describe(q.limit)}.`, 'limit');
  checkText(q, 'tenant', labelOf('The retention'));
  if (q.archived !== undefined && typeof q.archived !== 'boolean') invalid(`The retention query field "archived" must be true or false, not ${describe(q.archived)}.`, 'archived');
  return { finishedBefore, limit: Math.min(q.limit, REVISION_MAX), tenant: q.tenant as string | undefined, archived: q.archived === true };
}

/** The position a cursor stands for (`0` when absent). Throws `INVALID_ARGUMENT` for a forged or mangled one. */
export function decodeCursor(cursor: unknown): number {
  if (cursor === undefined) return 0;
  const parts = typeof cursor === 'string' ? CURSOR.exec(cursor) : null;
  if (parts === null || cursorCheck(parts[1]!) !== parts[2]) {
    invalid(`Cursor ${describe(cursor)} is not one this store returned; pass back a page's nextCursor unchanged, or omit it to start from the first page.`, 'cursor');
  }
  const position = Number.parseInt(parts[1]!, 36);
  if (!Number.isSafeInteger(position)) invalid(`Cursor ${describe(cursor)} is not one this store returned; omit it to start from the first page.`, 'cursor');
  return position;
}

/** The cursor for the page that continues after `position` (an insertion sequence or index, ≥ 0). */
export function encodeCursor(position: number | string): string {
  const text = Number(position).toString(36);
  return `${text}.${cursorCheck(text)}`;
}

/**
 * The page of a keyset query, the same in every store that pages on an insertion sequence: ask the
 * database for `limit + 1` rows after the position {@link checkInstanceQuery} returned, in sequence
 * order, and pass them here. Returns the first `limit` rows decoded, with a `nextCursor` at the last
 * one's `position` only when the extra row shows that more exist.
 *
 * A row that cannot be read fails the page with its `CORRUPT_SNAPSHOT` (naming the instance), which
 * also carries `details.readableBefore` (how many rows of the page before it do read) and
 * `details.skipCursor` (a cursor just past it): `docket verify` lists a whole store with them, the
 * readable rows and then on past the damaged one, so one damaged instance does not hide the others.
 */
export function keysetPage<R, T>(rows: readonly R[], limit: number, position: (row: R) => number | string, decode: (row: R) => T): Page<T> {
  const page = rows.length > limit ? rows.slice(0, limit) : rows;
  const items = page.map((row, index) => {
    try {
      return decode(row);
    } catch (error) {
      if (!isDocketError(error, 'CORRUPT_SNAPSHOT')) throw error;
      throw new DocketError('CORRUPT_SNAPSHOT', error.message, { ...error.details, readableBefore: index, skipCursor: encodeCursor(position(row)) });
    }
  });
  const last = page.at(-1);
  return rows.length > limit && last !== undefined ? { items, nextCursor: encodeCursor(position(last)) } : { items };
}

/**
 * Validate a {@link InstanceQuery} for `list()`, the same in every store. Returns the page size and
 * the position to continue after, `dueBefore` as every store binds it ({@link instantBefore}), and
 * `bound`, the query with that `dueBefore`, for a store to bind. Throws `INVALID_ARGUMENT` (naming the field and what to pass) for
 * a non-object query (or a Proxy, or one whose read throws), an unknown key, a non-string filter
 * (arrays included), an unknown status, a `dueBefore` that is
 * not a finite number, a `limit` that is not an integer from 1 to {@link PAGE_LIMIT_MAX}, or a cursor
 * this store did not return.
 */
export function checkInstanceQuery(query: InstanceQuery | undefined, label: FieldLabel = labelOf('The list')): { readonly limit: number; readonly after: number; readonly dueBefore: number | undefined; readonly bound: InstanceQuery } {
  const q = checkQueryObject(query, 'list', LIST_KEYS);
  checkText(q, 'workflow', label);
  checkText(q, 'state', label);
  checkText(q, 'status', label, STATUSES);
  checkText(q, 'tenant', label);
  const dueBefore = q.dueBefore === undefined ? undefined : instantBefore(q.dueBefore, 'dueBefore', 'The list query field');
  const limit = q.limit === undefined ? PAGE_LIMIT_DEFAULT : checkLimit(q.limit, PAGE_LIMIT_MAX, label, 'page through larger results with nextCursor');
  // The filters read by name, as they were checked and as the memory store matches them: a spread
  // copy kept own keys only, so a filter on the query's prototype was dropped by SQLite and Postgres
  // whenever dueBefore was given (memory still applied it).
  const bound: { -readonly [K in keyof InstanceQuery]: InstanceQuery[K] } = {};
  for (const field of ['workflow', 'state', 'status', 'tenant'] as const) if (q[field] !== undefined) bound[field] = q[field] as never;
  if (dueBefore !== undefined) bound.dueBefore = dueBefore;
  return { limit, after: decodeCursor(q.cursor), dueBefore, bound };
}

/**
 * Validate a {@link TaskQuery} for `tasks()`, the same in every store: each filter a single string.
 * Returns the page size and `bound`, the filters as read once, for a store to match or bind.
 */
export function checkTaskQuery(query: TaskQuery | undefined, label: FieldLabel = labelOf('The tasks')): { readonly limit: number; readonly bound: TaskQuery } {
  const q = checkQueryObject(query, 'tasks', TASK_KEYS);
  for (const field of ['assignee', 'role', 'workflow', 'instanceId', 'tenant'] as const) checkText(q, field, label);
  checkText(q, 'status', label, TASK_STATUSES);
  const bound: { -readonly [K in keyof TaskQuery]: TaskQuery[K] } = {};
  for (const field of TASK_FILTERS) if (q[field] !== undefined) bound[field] = q[field] as never;
  if (q.limit === undefined) return { limit: PAGE_LIMIT_MAX, bound };
  return { limit: checkLimit(q.limit, PAGE_LIMIT_MAX, label, 'narrow a longer inbox with its filters (workflow, status, instanceId)'), bound };
}
