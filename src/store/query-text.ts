import { checkInstanceQuery, checkTaskQuery, type FieldLabel } from './query-rules.js';
import type { InstanceQuery, TaskQuery } from './store.js';

/**
 * A filter as a text front door receives it: each name with the strings given for it, in the order
 * given (a URL's query, the CLI's repeatable flags). One string is a value; two or more are kept as
 * they are, an array, which the one rule refuses as "a single string" (a repeated
 * `--workflow a --workflow b` listed workflow b alone).
 */
export type QueryText = Readonly<Record<string, readonly string[] | undefined>>;

/**
 * A page size as text: digits only, read as their number (Number() took '0x10', '1e2', ' 5' and
 * '5.0'); anything else stays the text it is, which the rule then refuses naming `limit` in its place
 * among the fields, so a query with two faults names the same one through every door.
 */
export function limitFromText(text: string): number | string {
  return /^[0-9]{1,16}$/.test(text) ? Number(text) : text;
}

function fromText(text: QueryText): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, values] of Object.entries(text)) {
    if (values === undefined) continue;
    const value: unknown = values.length === 1 ? values[0] : [...values];
    out[name] = name === 'limit' && typeof value === 'string' ? limitFromText(value) : value;
  }
  return out;
}

/**
 * The {@link InstanceQuery} a text front door (`GET /instances`, `docket list`) was given, checked by
 * the store's own rule ({@link checkInstanceQuery}) before anything is read: blank, repeated, unknown
 * status, over-long or unstorable values and a page size that is not 1 to 1000 in digits are each
 * `INVALID_ARGUMENT` with the same `details.field` the store gives for the same value. `label` words
 * the field as the door's caller wrote it (`--workflow`).
 */
export function instanceQueryFromText(text: QueryText, label?: FieldLabel): InstanceQuery {
  const query = fromText(text) as InstanceQuery;
  checkInstanceQuery(query, label);
  return query;
}

/** The {@link TaskQuery} a text front door (`GET /tasks`) was given, checked as {@link instanceQueryFromText} checks a list's. */
export function taskQueryFromText(text: QueryText, label?: FieldLabel): TaskQuery {
  const query = fromText(text) as TaskQuery;
  checkTaskQuery(query, label);
  return query;
}
