import { DocketError } from '../errors.js';
import { kindOf } from './kind-of.js';

/**
 * What {@link checkMethodObject} checks one value against: an object the library calls methods on
 * (a store, a clock, a business calendar, a directory), named for the message.
 */
export interface MethodObjectSpec {
  /** How the message names the call: `createEngine()`. */
  readonly what: string;
  /** The option's path, the error's `details.field`: `clock`, `tenants.acme.calendar`. */
  readonly field: string;
  /** What it should be, with its article: `a clock`. */
  readonly noun: string;
  /** What to pass, as code: `systemClock() or virtualClock(start) from 'docket'`. */
  readonly usage: string;
  /** The members that must be functions (own or inherited: a store made by `Object.create(store)` is one). */
  readonly methods: readonly string[];
  /** Members that may be left out, but are functions when present. */
  readonly optional?: readonly string[];
  /** Whether leaving the option out (`undefined`) is refused too. */
  readonly required: boolean;
}

function refuse(spec: MethodObjectSpec, message: string, extra: Readonly<Record<string, unknown>> = {}): never {
  throw new DocketError('INVALID_ARGUMENT', `${spec.what}: ${message}`, { field: spec.field, ...extra });
}

/**
 * The one shape check of an object the library calls methods on, made where it is given (at
 * creation), not at its first use: `createEngine({ clock: null })`, a store `{}` or a calendar `5`
 * failed later with a raw TypeError (`Cannot read properties of undefined (reading 'kind')`,
 * `store.init is not a function`), or, for a calendar, at the first deadline of some instance.
 *
 * Refused with `INVALID_ARGUMENT`, `details.field` the option's path and nothing made: a required
 * option left out; a value that is not an object (or function); a value whose methods, read once
 * here, are not all functions (`details.missing` lists them); a member whose read throws (a getter, a
 * Proxy trap; the error kept as `cause`). A Proxy that answers with functions passes: wrappers
 * (instrumentation, a tenant router) are welcome. The methods are called later as the caller's
 * object has them then; this check is of the shape, not a copy.
 */
export function checkMethodObject(value: unknown, spec: MethodObjectSpec): void {
  if (value === undefined) {
    if (!spec.required) return;
    refuse(spec, `${spec.field} is missing; pass ${spec.noun}: ${spec.usage}.`);
  }
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    refuse(spec, `${spec.field} must be ${spec.noun}, not ${typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : kindOf(value)}; pass ${spec.usage}.`);
  }
  const missing: string[] = [];
  for (const name of [...spec.methods, ...(spec.optional ?? [])]) {
    let member: unknown;
    try {
      member = (value as Record<string, unknown>)[name];
    } catch (error) {
      refuse(spec, `${spec.field}.${name} could not be read (${error instanceof Error ? error.message : 'a getter threw'}); pass ${spec.noun}: ${spec.usage}.`, { cause: error });
    }
    if (typeof member === 'function') continue;
    if (member === undefined && spec.optional?.includes(name)) continue;
    missing.push(name);
  }
  if (missing.length > 0) {
    const list = missing.map((name) => `${name}()`).join(', ');
    refuse(spec, `${spec.field} is not ${spec.noun}: it lacks ${missing.length === 1 ? 'the method' : 'the methods'} ${list}. Pass ${spec.usage}.`, { missing });
  }
}
