import { freezeJsonData } from './freeze-state.js';

/**
 * The parts of a committed record that follow from the XState state value alone: the value itself
 * (`record.state`, and `value` in the persisted snapshot) and its active paths (`record.statePaths`).
 */
export interface StateParts {
  /** A frozen copy of the state value, marked as frozen JSON data (see `store/frozen-data.ts`). */
  readonly value: unknown;
  /** `statePaths(value)`, frozen and marked the same way. */
  readonly paths: readonly string[];
}

/** Distinct state values kept; a machine has a few dozen, so this bounds only a pathological one. */
const LIMIT = 1024;

const byText = new Map<string, StateParts>();

// The last value asked for and its parts: a commit asks twice for the same XState value object (the
// persisted snapshot's `value`, then the record's `state` and `statePaths`), and the second ask is
// answered without writing its JSON text again.
let lastValue: unknown;
let lastParts: StateParts | undefined;

/**
 * The shared, frozen and marked {@link StateParts} of state value `value` (a string or an object of
 * them, as XState gives it). Every commit of every instance in the same state holds the same two
 * objects: their Merkle references and string checks are worked out once, not on every commit's
 * state digest and store check (each was a SHA-256 over the node's text per commit), and an idle
 * instance keeps no copy of its own. A value the cache has not seen (or more distinct values than
 * {@link LIMIT}) is copied and marked once more; the copy holds the same data, so what is committed
 * is the same either way.
 *
 * @throws StateDataFault (see `freeze-state.ts`) for a value no store can keep (a state name with
 * U+0000 is marked unstorable and refused by the store's check, as before).
 */
export function stateParts(value: unknown): StateParts {
  // By identity: a string is compared by its text, and an object value is one XState made for a
  // snapshot and never changes after (snapshots are immutable), so the same object means the same data.
  if (lastParts !== undefined && value === lastValue) return lastParts;
  const parts = partsOf(value);
  lastValue = value;
  lastParts = parts;
  return parts;
}

function partsOf(value: unknown): StateParts {
  const text = JSON.stringify(value) ?? 'null';
  const known = byText.get(text);
  if (known !== undefined) return known;
  // A copy: XState's own value object stays XState's; the committed one is frozen and shared.
  const copy: unknown = typeof value === 'object' && value !== null ? JSON.parse(text) : value;
  const paths = statePaths(copy);
  freezeJsonData(copy);
  freezeJsonData(paths);
  const parts: StateParts = { value: copy, paths };
  if (byText.size >= LIMIT) byText.delete(byText.keys().next().value!);
  byText.set(text, parts);
  return parts;
}

/** Every active state node as a dotted path, parents included: `{ a: { b: 'c' } }` → `a`, `a.b`, `a.b.c`. */
export function statePaths(value: unknown, prefix = ''): string[] {
  const out: string[] = [];
  collectPaths(value, prefix, out);
  return out;
}

// Appends into one array instead of spreading each child's list into push() (argument-count limit).
function collectPaths(value: unknown, prefix: string, out: string[]): void {
  if (typeof value === 'string') {
    out.push(prefix ? `${prefix}.${value}` : value);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    out.push(path);
    collectPaths(child, path, out);
  }
}
