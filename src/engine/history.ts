import type { HistoryEntry } from '../store/records.js';
import { canonicalJson, sha256 } from './canonical-json.js';
import type { VerifyReport } from './engine-types.js';

/** The hash of the empty chain: what the first entry's `prevHash` is. */
export const GENESIS_HASH = '0'.repeat(64);

// The entry's own fields in sorted order, so the text equals canonicalJson(entry) without sorting
// the top level on the hot path (nested values still go through canonicalJson).
const FIELDS = ['actor', 'at', 'deadlines', 'event', 'from', 'instanceId', 'kind', 'onBehalfOf', 'prevHash', 'reason', 'revision', 'timer', 'to'] as const;
const FIELD_SET: ReadonlySet<string> = new Set(FIELDS);

// `"field":` and `,"field":` for each field, so the hot path appends one precomputed piece per field.
const FIRST: Readonly<Record<string, string>> = Object.fromEntries(FIELDS.map((field) => [field, `${JSON.stringify(field)}:`]));
const NEXT: Readonly<Record<string, string>> = Object.fromEntries(FIELDS.map((field) => [field, `,${JSON.stringify(field)}:`]));

function entryText(entry: Omit<HistoryEntry, 'hash'>): string {
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

/** Seal an entry: its hash covers every field and the previous entry's hash. */
export function sealEntry(entry: Omit<HistoryEntry, 'hash'>): HistoryEntry {
  return { ...entry, hash: sha256(entryText(entry)) };
}

/**
 * `sealEntry` for an entry the caller has just built and owns: adds `hash` to the same object (last,
 * as the copy would) instead of copying every field into a new one.
 */
export function sealOwnEntry(entry: Omit<HistoryEntry, 'hash'>): HistoryEntry {
  (entry as { hash?: string }).hash = sha256(entryText(entry));
  return entry as HistoryEntry;
}

/**
 * Check an instance's history chain: revisions 1..n in order, each entry's hash matching its content,
 * each `prevHash` matching the entry before, and the last hash matching the instance's head.
 */
export function verifyChain(instanceId: string, entries: readonly HistoryEntry[], headHash: string): VerifyReport {
  const problems: VerifyReport['problems'][number][] = [];
  let prev = GENESIS_HASH;
  let expected = 1;
  for (const entry of entries) {
    if (entry.revision !== expected) {
      const problem = entry.revision > expected ? 'missing' : 'reordered';
      problems.push({ revision: entry.revision, problem, message: `Expected revision ${expected} here, found ${entry.revision}.` });
    }
    const { hash, ...rest } = entry;
    if (sha256(entryText(rest)) !== hash) {
      problems.push({ revision: entry.revision, problem: 'edited', message: `Entry ${entry.revision} does not match its hash: it was changed after it was written.` });
    } else if (entry.prevHash !== prev) {
      problems.push({ revision: entry.revision, problem: 'reordered', message: `Entry ${entry.revision} does not follow the entry before it in the chain.` });
    }
    prev = hash;
    expected = entry.revision + 1;
  }
  if (prev !== headHash) {
    problems.push({ revision: expected - 1, problem: 'head-mismatch', message: 'The last entry is not the head the instance records: entries were removed or appended.' });
  }
  return { instanceId, ok: problems.length === 0, entries: entries.length, problems };
}
