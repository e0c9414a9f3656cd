import type { HistoryEntry } from '../store/records.js';
import { canonicalJson } from './canonical-json.js';
import { checkSealedText, sealText, type Keyring, type SealingKey } from './history-key.js';

/** The hash of the empty chain: what the first entry's `prevHash` is. */
export const GENESIS_HASH = '0'.repeat(64);

// The entry's own fields in sorted order, so the text equals canonicalJson(entry) without sorting
// the top level on the hot path (nested values still go through canonicalJson). `keyId` and
// `stateHash` (entry format 2), `timersHash` (format 3) and `format` (4) are absent from older
// entries, whose text is therefore unchanged; so is `retiredTimers` from every entry that retired none, and `endedSuspension` from every
// entry that did not finish a suspended instance.
const FIELDS = [
  'actor',
  'at',
  'deadlines',
  'endedSuspension',
  'event',
  'format',
  'from',
  'instanceId',
  'keyId',
  'kind',
  'onBehalfOf',
  'prevHash',
  'reason',
  'retiredTimers',
  'revision',
  'stateHash',
  'timer',
  'timersHash',
  'to',
] as const;
const FIELD_SET: ReadonlySet<string> = new Set(FIELDS);

// `"field":` and `,"field":` for each field, so the hot path appends one precomputed piece per field.
const FIRST: Readonly<Record<string, string>> = Object.fromEntries(FIELDS.map((field) => [field, `${JSON.stringify(field)}:`]));
const NEXT: Readonly<Record<string, string>> = Object.fromEntries(FIELDS.map((field) => [field, `,${JSON.stringify(field)}:`]));

/** The sealed text of an entry: canonical JSON of every field but `hash`. */
export function entryText(entry: Omit<HistoryEntry, 'hash'>): string {
  const known = entry as unknown as Record<string, unknown>;
  for (const key in known) if (!FIELD_SET.has(key)) return canonicalJson(entry);
  let out = '{';
  let first = true;
  for (const field of FIELDS) {
    const value = known[field];
    if (value === undefined) continue;
    out += (first ? FIRST[field]! : NEXT[field]!) + canonicalJson(value);
    first = false;
  }
  return out + '}';
}

/**
 * Seal an entry: its hash covers every field and the previous entry's hash. With a `key`, the entry
 * records the key's id and its hash is the key's HMAC-SHA256 instead of plain SHA-256.
 */
export function sealEntry(entry: Omit<HistoryEntry, 'hash' | 'keyId'>, key?: SealingKey): HistoryEntry {
  return sealOwnEntry({ ...entry }, key);
}

/**
 * `sealEntry` for an entry the caller has just built and owns: adds `keyId` (with a key) and `hash`
 * to the same object instead of copying every field into a new one.
 */
export function sealOwnEntry(entry: Omit<HistoryEntry, 'hash' | 'keyId'>, key?: SealingKey): HistoryEntry {
  if (key) (entry as { keyId?: string }).keyId = key.id;
  (entry as { hash?: string }).hash = sealText(entryText(entry), key);
  return entry as HistoryEntry;
}

/**
 * Whether an entry's hash matches its content: `'ok'`, `'edited'`, or `'unknown-key'` when it names a
 * key the keyring does not hold (its hash cannot be checked).
 */
export function checkSeal(entry: HistoryEntry, keys: Keyring): 'ok' | 'edited' | 'unknown-key' {
  const { hash, ...rest } = entry;
  return checkSealedText(entryText(rest), hash, entry.keyId, keys);
}
