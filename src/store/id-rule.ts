import { DocketError, type DocketErrorDetails } from '../errors.js';
import { ID_MAX_LENGTH, isStorableString } from './payload-rules.js';

/**
 * The one rule for what an id is, shared by the doors that create one and the filters that look for
 * one: a string of 1 to {@link ID_MAX_LENGTH} UTF-16 code units, not blank (not made only of
 * whitespace and invisible characters, see {@link isBlankId}), without U+0000 or an unpaired surrogate. Before it, a write accepted a blank id (`forTenant(' ')`,
 * `start(…, { id: '  ' })`, an actor `' '`, a directory user `' '`) that every list and inbox filter
 * refuses: the instance, tenant or task so written could never be listed by it.
 *
 * Applied where a NEW id is created (start's explicit id and tenant, `forTenant`, `defineWorkflow`'s
 * id, an actor's id, roles and tenant, a directory's users and roles, the people an approval act
 * names, `reassignTasks`' `to`) and where a filter is given ({@link checkFilterText}). A read or act
 * by the id of a record already stored (`get`, `send`, `history` of an instance a Docket before this
 * rule stored under a blank id) takes any non-empty id, so old data stays reachable.
 */
export const ID_RULE_TEXT = `Ids are 1 to ${ID_MAX_LENGTH} characters, not blank (at least one visible character: not only spaces or invisible ones such as U+200B), without U+0000 or unpaired surrogates.`;

/**
 * Whitespace, control characters (Cc: U+0001, U+007F, U+0085, which `\s` leaves out), format
 * characters (Unicode category Cf: U+200B zero width space, U+FEFF, U+2060 word joiner, U+180E,
 * U+200E…), the other default-ignorable code points (U+3164 Hangul filler, the variation selectors,
 * U+034F) and the two symbols drawn as nothing, U+2800 BRAILLE PATTERN BLANK and U+1D159 MUSICAL
 * SYMBOL NULL NOTEHEAD: what shows as nothing. `value.trim()` knew whitespace only, so
 * `role('\u200b')` or a user `'\u2060'` was an id that every list, inbox and message showed as empty,
 * and two such ids looked alike while being different people.
 *
 * Not the prepended concatenation marks, format characters that are drawn (U+0600 ARABIC NUMBER SIGN,
 * U+06DD ARABIC END OF AYAH, U+070F, U+0890–U+0891, U+08E2, U+110BD, U+110CD): an id `'\u06dd'` shows.
 */
const INVISIBLE_ONLY = /^(?:(?![\u0600-\u0605\u06DD\u070F\u0890\u0891\u08E2\u{110BD}\u{110CD}])[\s\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800\u{1D159}])*$/u;

/**
 * Whether a string id is blank: empty, or made only of whitespace and invisible characters
 * (controls, undrawn format characters, default-ignorable code points, U+2800, U+1D159), so nobody
 * could read it or tell two apart.
 * The one test of blankness, used by {@link idRuleProblem} and the filter rule's message.
 */
export function isBlankId(value: string): boolean {
  // Most ids start with a visible ASCII character: not blank, without running the Unicode pattern
  // (every id a send, a start or a filter checks passes here).
  const first = value.charCodeAt(0);
  if (first > 0x20 && first < 0x7f) return false;
  return INVISIBLE_ONLY.test(value);
}

/** A short, safe description of a value for a message: never the whole of a huge value. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  return value === null ? 'null' : typeof value;
}

/** The code points of a short invisible string, as a message can show them (`U+200B U+FEFF`). */
function shownCodes(value: string): string {
  const codes = [...value].slice(0, 8).map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  return codes.join(' ') + ([...value].length > 8 ? ' …' : '');
}

/**
 * What is wrong with `value` as an id, as the end of a sentence that starts with its name (`The
 * tenant` + ` is blank (" ")`), or `undefined` when it is one. The same words through every door.
 */
export function idRuleProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return `must be a single string, not ${shown(value)}`;
  if (value === '') return 'is empty';
  if (isBlankId(value)) return value.trim() === '' ? `is blank (${shown(value)})` : `is blank: only invisible characters (${shownCodes(value)}); give an id a person can read`;
  if (value.length > ID_MAX_LENGTH) return `must be 1 to ${ID_MAX_LENGTH} characters, as ids are; got ${value.length}`;
  if (!isStorableString(value)) return 'must not contain U+0000 or unpaired surrogates: no stored id does. Remove them';
  return undefined;
}

/** Whether `value` is an id by the one rule ({@link idRuleProblem}). */
export function isId(value: unknown): value is string {
  return idRuleProblem(value) === undefined;
}

/**
 * Refuse a new id that breaks the one rule: throws `INVALID_ARGUMENT` with `details.field` = `field`,
 * `what` naming it in the message (`The tenant`), and nothing written.
 *
 * For instance `checkNewId('acme', 'The tenant', 'tenant')` passes, and `checkNewId(' ', 'The tenant',
 * 'tenant')` throws INVALID_ARGUMENT with details `{ field: 'tenant' }` (internal: not exported, so no
 * compiled example).
 */
export function checkNewId(value: unknown, what: string, field: string, details: DocketErrorDetails = {}): asserts value is string {
  const problem = idRuleProblem(value);
  if (problem !== undefined) throw new DocketError('INVALID_ARGUMENT', `${what} ${problem}. ${ID_RULE_TEXT}`, { ...details, field });
}
