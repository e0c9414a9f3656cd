import { DocketError } from '../errors.js';
import type { RefusalEntry } from './records.js';
import type { Commit } from './store.js';
import { frozenMark, isStorableMark } from './frozen-data.js';

/**
 * What every store accepts, checked the same way by memory, SQLite and PostgreSQL before anything
 * is queued or written, so that the three agree and one bad commit never fails the others of its
 * group. The engine may check earlier; the stores do not rely on it.
 *
 * - Ids (instance ids, actor ids) and keys (idempotency keys) are non-empty strings of at most
 *   {@link ID_MAX_LENGTH} / {@link KEY_MAX_LENGTH} UTF-16 code units: `INVALID_ARGUMENT` otherwise.
 * - Every string and object key in a stored payload (snapshot, state, context, history entry,
 *   timers, effects, tasks, idempotency record) is well-formed Unicode without U+0000:
 *   `INVALID_PAYLOAD` otherwise. PostgreSQL's `jsonb` and `text` cannot hold U+0000, and a lone
 *   surrogate does not survive UTF-8 (it would come back as U+FFFD), so no store keeps either.
 */

/** Longest instance id or actor id a store accepts, in UTF-16 code units. */
export const ID_MAX_LENGTH = 256;
/** Longest idempotency key a store accepts, in UTF-16 code units. */
export const KEY_MAX_LENGTH = 256;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** {@link LONE_SURROGATE} without the global flag: a `test` that keeps no `lastIndex`. */
const ANY_LONE_SURROGATE = new RegExp(LONE_SURROGATE.source);

/**
 * Whether a string is well-formed Unicode (no lone UTF-16 surrogate) by regex: the stand-in for
 * `String.prototype.isWellFormed` (ES2024) where a runtime lacks it, such as a browser older than
 * 2023 running the docs' simulator (built for ES2022). Node 20 has it.
 */
export function isWellFormedByRegex(value: string): boolean {
  return !ANY_LONE_SURROGATE.test(value);
}

const wellFormed: (value: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function' ? (value) => value.isWellFormed() : isWellFormedByRegex;

/**
 * Whether a string is well-formed Unicode without U+0000 (what every store keeps). The hot path of
 * every commit's check: `indexOf` of one code unit and `isWellFormed` are native scans (for a string
 * V8 holds one byte per character, as most are, `isWellFormed` is true without a scan), about twice
 * as fast as the character-class regex they replace.
 */
export function isStorableString(value: string): boolean {
  return value.indexOf('\u0000') === -1 && wellFormed(value);
}

/**
 * Why a string cannot be stored, or `undefined` when it can: an unstorable string holds a NUL or
 * is not well-formed ({@link isStorableString}), so the reason follows from whether it holds a NUL.
 */
function stringFault(value: string): string | undefined {
  if (isStorableString(value)) return undefined;
  return value.includes('\u0000') ? 'contains U+0000 (NUL)' : 'contains a lone UTF-16 surrogate (not well-formed Unicode)';
}

function checkIdentifier(value: unknown, what: string, max: number): string {
  if (typeof value !== 'string') {
    throw new DocketError('INVALID_ARGUMENT', `The ${what} must be a string, not ${value === null ? 'null' : typeof value}; pass it as text (e.g. "12", not 12).`, {
      field: what,
    });
  }
  if (value.length === 0) throw new DocketError('INVALID_ARGUMENT', `The ${what} must not be empty.`, { field: what });
  if (value.length > max) {
    throw new DocketError('INVALID_ARGUMENT', `The ${what} is ${value.length} characters long; at most ${max} are allowed. Use a shorter ${what}.`, {
      field: what,
      length: value.length,
      max,
    });
  }
  const fault = stringFault(value);
  if (fault !== undefined) throw new DocketError('INVALID_ARGUMENT', `The ${what} ${fault}; remove that character.`, { field: what });
  return value;
}

/**
 * Throws `INVALID_ARGUMENT` unless `value` is a non-empty string of at most {@link ID_MAX_LENGTH}
 * code units, well-formed and without U+0000. `what` names it in the message ("instance id").
 */
export function checkId(value: unknown, what = 'instance id'): string {
  return checkIdentifier(value, what, ID_MAX_LENGTH);
}

/** As {@link checkId}, for idempotency keys (at most {@link KEY_MAX_LENGTH} code units). */
export function checkKey(value: unknown, what = 'idempotency key'): string {
  return checkIdentifier(value, what, KEY_MAX_LENGTH);
}

/** Nesting walked recursively; deeper levels are walked iteratively, so no depth overflows the stack. */
const RECURSION_LIMIT = 200;

/** Whether any string or own key in `value` is unstorable: the hot path, no paths built. */
function hasUnstorableString(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return !isStorableString(value);
  if (value === null || typeof value !== 'object') return false;
  // Frozen JSON data (see frozen-data.ts) was checked when it was frozen and cannot change: it is not
  // walked again (a context that changes in one field is checked along that path).
  const mark = frozenMark(value);
  if (mark !== undefined && isStorableMark(mark)) return false;
  if (depth >= RECURSION_LIMIT) return hasUnstorableDeep(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item !== null && (typeof item === 'object' || typeof item === 'string') && hasUnstorableString(item, depth + 1)) return true;
    }
  } else {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (!isStorableString(key)) return true;
      const child = (value as Record<string, unknown>)[key];
      if (child !== null && (typeof child === 'object' || typeof child === 'string') && hasUnstorableString(child, depth + 1)) return true;
    }
  }
  return false;
}

/** {@link hasUnstorableString} for what lies deeper than the recursion limit: an explicit stack. */
function hasUnstorableDeep(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (!isStorableString(v)) return true;
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
    } else if (v !== null && typeof v === 'object') {
      const mark = frozenMark(v);
      if (mark !== undefined && isStorableMark(mark)) continue;
      for (const key in v) {
        if (!Object.hasOwn(v, key)) continue;
        if (!isStorableString(key)) return true;
        const child = (v as Record<string, unknown>)[key];
        if (child !== null && (typeof child === 'object' || typeof child === 'string')) stack.push(child);
      }
    }
  }
  return false;
}

/**
 * The path (`context.note`, `event["a\u0000"]`) of the first string or key in `value` that no store
 * can keep, and why; `undefined` when every string is storable. Iterative, so deep nesting cannot
 * overflow the stack; only plain JSON shapes (objects, arrays, strings) are walked.
 */
export function findUnstorableString(value: unknown, root = 'payload'): { path: string; fault: string } | undefined {
  if (!hasUnstorableString(value)) return undefined;
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const fault = stringFault(v);
      if (fault !== undefined) return { path, fault };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const keyFault = stringFault(key);
        if (keyFault !== undefined) return { path: `${path} (a key)`, fault: keyFault };
        stack.push([(v as Record<string, unknown>)[key], /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`]);
      }
    }
  }
  return undefined;
}

function checkPayload(value: unknown, root: string, instanceId: string): void {
  if (!hasUnstorableString(value)) return;
  const bad = findUnstorableString(value, root);
  if (bad !== undefined) {
    throw new DocketError(
      'INVALID_PAYLOAD',
      `Instance ${instanceId}: ${bad.path} ${bad.fault}, which no Docket store can keep. Remove or replace that character: the same data is refused every time.`,
      { instanceId, path: bad.path },
    );
  }
}

/**
 * Check one commit against the store rules before it is queued: `INVALID_ARGUMENT` for a bad id,
 * actor id or idempotency key, `INVALID_PAYLOAD` for an unstorable string. Nothing is written.
 */
export function checkCommit(c: Commit): void {
  const id = checkId(c.instance?.id);
  checkId(c.history?.actor?.id, 'actor id');
  if (c.idempotency !== undefined) checkKey(c.idempotency.key);
  checkPayload(c.instance, 'instance', id);
  checkPayload(c.history, 'history entry', id);
  checkPayload(c.cancelTimerIds, 'cancelled timers', id);
  checkPayload(c.addTimers, 'timers', id);
  checkPayload(c.firesTimer, 'fired timer', id);
  checkPayload(c.effects, 'effects', id);
  checkPayload(c.tasks, 'tasks', id);
  checkPayload(c.idempotency, 'idempotency record', id);
}

function sanitize(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
  if (Array.isArray(value)) return value.map(sanitize);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[sanitize(k) as string] = sanitize(v);
    return out;
  }
  return value;
}

/**
 * The refusal as every store keeps it. A refusal is an audit record outside the hash chain, and a
 * refused payload is often the hostile one, so it is recorded rather than refused: each U+0000 and
 * lone surrogate becomes U+FFFD (the same in every store). Its instance id follows {@link checkId}.
 */
export function storableRefusal(entry: RefusalEntry): RefusalEntry {
  checkId(entry?.instanceId);
  return hasUnstorableString(entry) ? (sanitize(entry) as RefusalEntry) : entry;
}
