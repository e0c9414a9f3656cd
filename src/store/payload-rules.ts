import { DocketError } from '../errors.js';
import type { RefusalEntry } from './records.js';
import type { Commit } from './store.js';
import { frozenMark, heightBoundOfMark, isStorableMark } from './frozen-data.js';
import { jsonValueOf } from './json-value.js';
import { checkWholeInstant, isWholeInstant } from '../clock/whole-instant.js';

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
 * - No stored payload nests objects and arrays more than {@link PAYLOAD_DEPTH_MAX} levels deep (the
 *   payload itself is level 1; a structure that contains itself nests without end): `INVALID_PAYLOAD`
 *   otherwise. The memory store would keep any depth, but the SQL stores write JSON text, which
 *   `JSON.stringify` stops writing a few thousand levels down (where the stack ends), and SQLite's
 *   JSON functions stop at 1,000 (JSON_MAX_DEPTH, https://sqlite.org/json1.html).
 */

/** Longest instance id or actor id a store accepts, in UTF-16 code units. */
export const ID_MAX_LENGTH = 256;
/** Longest idempotency key a store accepts, in UTF-16 code units. */
export const KEY_MAX_LENGTH = 256;
/**
 * Deepest nesting of objects and arrays a store keeps in one payload (the payload itself is level
 * 1). The engine refuses a context nested more than 1,000 levels (`INPUT_LIMITS.contextDepth`) before
 * it gets here; this leaves room for the record around it.
 */
export const PAYLOAD_DEPTH_MAX = 1_024;

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
 * `text` as every store can keep it: U+0000 and lone surrogates replaced by U+FFFD, and at most `max`
 * code units (a cut never splits a surrogate pair). For diagnostic text the engine records from
 * outside (an effect handler's error message), where refusing would lose the record itself.
 */
export function storableText(text: string, max: number): string {
  let out = isStorableString(text) ? text : (text.replaceAll('\u0000', '\ufffd') as unknown as { toWellFormed(): string }).toWellFormed();
  if (out.length > max) {
    const cut = out.charCodeAt(max - 1) >= 0xd800 && out.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
    out = `${out.slice(0, cut)}…`;
  }
  return out;
}

/**
 * Why a string cannot be stored, or `undefined` when it can: an unstorable string holds a NUL or
 * is not well-formed ({@link isStorableString}), so the reason follows from whether it holds a NUL.
 */
export function stringFault(value: string): string | undefined {
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

/** What {@link jsonView} gives for an object whose toJSON (or a getter it reads) throws. */
const UNWRITABLE: unique symbol = Symbol('unwritable');

/**
 * What JSON writes of object `v` found under `key`, when that is not `v`'s own members (a toJSON's
 * result, a boxed primitive's value; see `json-value.ts`); `v` itself when it is; {@link UNWRITABLE}
 * when reading it throws. The stores keep what JSON writes, so that is what their rules check.
 */
function jsonView(v: object, key: string | number): unknown {
  try {
    return jsonValueOf(v, key);
  } catch {
    return UNWRITABLE;
  }
}

/**
 * Whether any string or own key in `value` (found at `level`: the payload is 1, under `key`) is
 * unstorable, a value is a BigInt (JSON cannot write one) or cannot be written at all, or it nests
 * past {@link PAYLOAD_DEPTH_MAX}, as JSON writes it (`viewed`: `value` is already what JSON writes):
 * the hot path, no paths built.
 */
function hasPayloadFault(value: unknown, level = 1, key: string | number = '', viewed = false): boolean {
  if (typeof value === 'string') return !isStorableString(value);
  if (typeof value === 'bigint') return true;
  if (typeof value === 'function') {
    // Left out by JSON, unless its toJSON gives something to write.
    if (viewed) return false;
    const given = jsonView(value, key);
    return given === UNWRITABLE || (given !== undefined && hasPayloadFault(given, level, key, true));
  }
  if (value === null || typeof value !== 'object') return false;
  // Frozen JSON data (see frozen-data.ts) was checked when it was frozen and cannot change: it is not
  // walked again (a context that changes in one field is checked along that path). Its mark bounds
  // its height, so the depth it reaches here is known without a walk; only near the limit, where
  // the bound may be up to 31 levels high, are its members walked to decide.
  const mark = frozenMark(value);
  if (mark !== undefined && isStorableMark(mark) && level - 1 + heightBoundOfMark(mark) <= PAYLOAD_DEPTH_MAX) return false;
  if (!viewed) {
    const given = jsonView(value, key);
    if (given === UNWRITABLE) return true;
    if (given !== value) return hasPayloadFault(given, level, key, true);
  }
  if (level > PAYLOAD_DEPTH_MAX) return true;
  if (level > RECURSION_LIMIT) return hasPayloadFaultDeep(value, level, key);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item !== null && typeof item !== 'number' && typeof item !== 'boolean' && item !== undefined && hasPayloadFault(item, level + 1, i)) return true;
    }
  } else {
    // Object.keys: the own enumerable string keys, as for-in with hasOwn gives them, without an
    // own-property lookup per key.
    const keys = Object.keys(value);
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j]!;
      if (!isStorableString(k)) return true;
      const child = (value as Record<string, unknown>)[k];
      if (child !== null && typeof child !== 'number' && typeof child !== 'boolean' && child !== undefined && hasPayloadFault(child, level + 1, k)) return true;
    }
  }
  return false;
}

/** {@link hasPayloadFault} for what lies deeper than the recursion limit (`value` already viewed): an explicit stack. */
function hasPayloadFaultDeep(value: unknown, level: number, key: string | number): boolean {
  const stack: [unknown, number, string | number, boolean][] = [[value, level, key, true]];
  while (stack.length > 0) {
    const [raw, at, k, viewed] = stack.pop()!;
    let v = raw;
    if (v !== null && (typeof v === 'object' || typeof v === 'function')) {
      const mark = frozenMark(v as object);
      if (mark !== undefined && isStorableMark(mark) && at - 1 + heightBoundOfMark(mark) <= PAYLOAD_DEPTH_MAX) continue;
      if (!viewed) v = jsonView(v as object, k);
      else if (typeof v === 'function') continue;
      if (v === UNWRITABLE) return true;
    }
    if (typeof v === 'string') {
      if (!isStorableString(v)) return true;
      continue;
    }
    if (typeof v === 'bigint') return true;
    if (v === null || typeof v !== 'object') continue;
    if (at > PAYLOAD_DEPTH_MAX) return true;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push([v[i], at + 1, i, false]);
    } else {
      for (const name in v) {
        if (!Object.hasOwn(v, name)) continue;
        if (!isStorableString(name)) return true;
        const child = (v as Record<string, unknown>)[name];
        if (child !== null && typeof child !== 'number' && typeof child !== 'boolean' && child !== undefined) stack.push([child, at + 1, name, false]);
      }
    }
  }
  return false;
}

/** What {@link checkPayload} says of a value whose toJSON (or a getter it reads) throws. */
const UNWRITABLE_FAULT = 'cannot be written as JSON (its toJSON or a getter threw)';

/** What {@link checkPayload} says of a BigInt. */
const BIGINT_FAULT = 'is a BigInt, which JSON cannot hold (convert it to a string)';

/** What {@link checkPayload} says of a part nested too deep. */
const TOO_DEEP_FAULT = `is nested more than ${PAYLOAD_DEPTH_MAX} levels deep (or is part of a structure that contains itself)`;

/**
 * The path (`context.note`, `event["a\u0000"]`) of the first string or key in `value` that no store
 * can keep, and why; `undefined` when every string is storable. Iterative, so deep nesting cannot
 * overflow the stack; only plain JSON shapes (objects, arrays, strings) are walked, down to
 * {@link PAYLOAD_DEPTH_MAX} levels (a structure that contains itself ends there).
 */
export function findUnstorableString(value: unknown, root = 'payload'): { path: string; fault: string } | undefined {
  return firstFault(value, root, false);
}

/**
 * The first fault in `value` walked depth-first: an unstorable string or key, or (`depthToo`) a
 * BigInt or an object or array nested past {@link PAYLOAD_DEPTH_MAX} levels (the payload is level
 * 1). Nothing deeper than that is walked.
 */
function firstFault(value: unknown, root: string, depthToo: boolean): { path: string; fault: string } | undefined {
  if (!hasPayloadFault(value)) return undefined;
  const stack: [unknown, string, number, string | number][] = [[value, root, 1, '']];
  while (stack.length > 0) {
    const [raw, path, level, key] = stack.pop()!;
    const v = raw !== null && (typeof raw === 'object' || typeof raw === 'function') && frozenMark(raw as object) === undefined ? jsonView(raw as object, key) : raw;
    if (v === UNWRITABLE) {
      if (depthToo) return { path, fault: UNWRITABLE_FAULT };
      continue;
    }
    if (typeof v === 'string') {
      const fault = stringFault(v);
      if (fault !== undefined) return { path, fault };
      continue;
    }
    if (typeof v === 'bigint' && depthToo) return { path, fault: BIGINT_FAULT };
    if (v === null || typeof v !== 'object') continue;
    if (level > PAYLOAD_DEPTH_MAX) {
      if (depthToo) return { path, fault: TOO_DEEP_FAULT };
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`, level + 1, i]);
    } else {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const name = keys[i]!;
        const keyFault = stringFault(name);
        if (keyFault !== undefined) return { path: `${path} (a key)`, fault: keyFault };
        stack.push([(v as Record<string, unknown>)[name], /^[A-Za-z_$][\w$]*$/.test(name) ? `${path}.${name}` : `${path}[${JSON.stringify(name)}]`, level + 1, name]);
      }
    }
  }
  return undefined;
}

function checkPayload(value: unknown, root: string, instanceId: string): void {
  let bad: { path: string; fault: string } | undefined;
  try {
    if (!hasPayloadFault(value)) return;
    bad = firstFault(value, root, true);
  } catch (error) {
    // A getter of the payload threw while it was read: the data cannot be written as it stands.
    throw new DocketError('INVALID_PAYLOAD', `Instance ${instanceId}: the ${root} could not be read (${error instanceof Error ? error.message : String(error)}), so no Docket store can keep it. Pass plain data.`, { instanceId, path: root });
  }
  if (bad === undefined) return;
  // A path through deep nesting is long: the message shows its ends, the details keep all of it.
  const shown = bad.path.length > 200 ? `${bad.path.slice(0, 80)}…${bad.path.slice(-80)}` : bad.path;
  const fix =
    bad.fault === TOO_DEEP_FAULT ? 'Keep the data flatter' : bad.fault === BIGINT_FAULT ? 'Store it as text' : bad.fault === UNWRITABLE_FAULT ? 'Pass plain data' : 'Remove or replace that character';
  throw new DocketError('INVALID_PAYLOAD', `Instance ${instanceId}: ${shown} ${bad.fault}, which no Docket store can keep. ${fix}: the same data is refused every time.`, {
    instanceId,
    path: bad.path,
  });
}

/**
 * Check one commit against the store rules before it is queued: `INVALID_ARGUMENT` for a bad id,
 * actor id or idempotency key, `INVALID_PAYLOAD` for an unstorable string or a payload nested past
 * {@link PAYLOAD_DEPTH_MAX} levels. Nothing is written.
 */
export function checkCommit(c: Commit): void {
  // commit(null) was a raw TypeError in every store.
  if (typeof c !== 'object' || c === null) throw new DocketError('INVALID_ARGUMENT', `A commit must be an object { instance, history, expectedRevision, ... }, not ${c === null ? 'null' : typeof c}.`, { field: 'commit' });
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
  checkCommitInstants(c, id);
}

/**
 * Every instant a commit stores, checked by the one rule for instants ({@link checkWholeInstant}: a
 * whole number of epoch ms): the instance's stamps and timers, the entry's `at`, the timers added
 * and fired, the effects, the tasks, the idempotency record. Memory and SQLite kept a `dueAt` of
 * `x.5` that PostgreSQL's bigint refused; now every store refuses it, naming the field.
 */
function checkCommitInstants(c: Commit, instanceId: string): void {
  // Loops and one shared details object, no closures: this runs on every commit (the hot path).
  const details = { instanceId };
  const i = c.instance;
  instantAt(i.createdAt, 'instance.createdAt', details);
  instantAt(i.updatedAt, 'instance.updatedAt', details);
  if (i.nextDueAt !== null) instantAt(i.nextDueAt, 'instance.nextDueAt', details);
  dueAtsOf(i.timers, 'instance.timers', details);
  dueAtsOf(i.heldTimers, 'instance.heldTimers', details);
  instantAt(c.history.at, 'history.at', details);
  if (c.history.timer !== undefined) instantAt(c.history.timer?.dueAt, 'history.timer.dueAt', details);
  dueAtsOf(c.addTimers, 'addTimers', details);
  if (c.firesTimer !== undefined) instantAt(c.firesTimer?.firedAt, 'firesTimer.firedAt', details);
  if (Array.isArray(c.effects)) {
    for (let n = 0; n < c.effects.length; n++) {
      const at = c.effects[n]?.nextAttemptAt;
      if (!isWholeInstant(at)) checkWholeInstant(at, `effects[${n}].nextAttemptAt`, "A commit's", details);
    }
  }
  if (Array.isArray(c.tasks)) {
    for (let n = 0; n < c.tasks.length; n++) {
      const t = c.tasks[n];
      if (!isWholeInstant(t?.createdAt)) checkWholeInstant(t?.createdAt, `tasks[${n}].createdAt`, "A commit's", details);
      if (t?.dueAt !== null && !isWholeInstant(t?.dueAt)) checkWholeInstant(t?.dueAt, `tasks[${n}].dueAt`, "A commit's", details);
    }
  }
  if (c.idempotency !== undefined) instantAt(c.idempotency?.at, 'idempotency.at', details);
}

function instantAt(value: unknown, field: string, details: { readonly instanceId: string }): void {
  if (!isWholeInstant(value)) checkWholeInstant(value, field, "A commit's", details);
}

// The `dueAt` of each timer in `list`. As above, a field's name is only written for a value that fails.
function dueAtsOf(list: readonly ({ readonly dueAt: unknown } | undefined)[] | undefined, field: string, details: { readonly instanceId: string }): void {
  if (!Array.isArray(list)) return;
  for (let n = 0; n < list.length; n++) {
    const dueAt = list[n]?.dueAt;
    if (!isWholeInstant(dueAt)) checkWholeInstant(dueAt, `${field}[${n}].dueAt`, "A commit's", details);
  }
}

// What a refusal keeps of a part nested past PAYLOAD_DEPTH_MAX (or of a structure that contains itself).
const TOO_DEEP = `(nested more than ${PAYLOAD_DEPTH_MAX} levels deep: not kept)`;

function sanitize(value: unknown, level = 1): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
  if (typeof value === 'bigint') return String(value);
  if (value === null || typeof value !== 'object') return value;
  if (level > PAYLOAD_DEPTH_MAX) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((item) => sanitize(item, level + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[sanitize(k) as string] = sanitize(v, level + 1);
  return out;
}

/**
 * The refusal as every store keeps it. A refusal is an audit record outside the hash chain, and a
 * refused payload is often the hostile one, so it is recorded rather than refused: each U+0000 and
 * lone surrogate becomes U+FFFD (the same in every store), and a part nested past
 * {@link PAYLOAD_DEPTH_MAX} levels is replaced by a note saying so. Its instance id follows {@link checkId}.
 */
export function storableRefusal(entry: RefusalEntry): RefusalEntry {
  checkId(entry?.instanceId);
  return hasPayloadFault(entry) ? (sanitize(entry) as RefusalEntry) : entry;
}
