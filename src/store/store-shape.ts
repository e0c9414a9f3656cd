import { checkMethodObject } from '../input/method-object.js';
import type { StoreRetention } from './retention.js';
import type { Store } from './store.js';

type MethodKeys<T> = { [K in keyof T]-?: NonNullable<T[K]> extends (...args: never[]) => unknown ? K : never }[keyof T];
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/** The methods every {@link Store} has (the compiler checks the list is whole). */
const STORE_METHODS: readonly string[] = Object.keys({
  init: true,
  load: true,
  commit: true,
  list: true,
  history: true,
  appendRefusal: true,
  refusals: true,
  timers: true,
  nextTimerDue: true,
  claimDueTimers: true,
  releaseTimer: true,
  deferTimer: true,
  retireTimer: true,
  findIdempotency: true,
  claimEffects: true,
  nextEffectDue: true,
  updateEffect: true,
  effects: true,
  tasks: true,
  close: true,
} satisfies Record<Extract<MethodKeys<Store>, RequiredKeys<Store>>, true>);

/** The methods a store may leave out (retention, the one-round-trip load, wake-ups): functions when present. */
const OPTIONAL_STORE_METHODS: readonly string[] = Object.keys({
  loadWithHead: true,
  onWake: true,
  retainable: true,
  archive: true,
  purge: true,
  archived: true,
  archivedHistory: true,
  tombstone: true,
} satisfies Record<Exclude<MethodKeys<Store>, RequiredKeys<Store>> | keyof StoreRetention, true>);

/**
 * Refuse, where it is given, a value that is not a {@link Store}: left out, `null`, `{}`, or an
 * object one of whose methods is missing or not a function (a custom store written against an older
 * interface, without `retireTimer`). `INVALID_ARGUMENT` with `details.field` (`store`) and
 * `details.missing` naming the methods; it failed at the first call with a raw TypeError
 * (`store.init is not a function`, `reading 'init'`). Internal: `createEngine` calls it (not
 * exported, so no compiled example).
 */
export function checkStore(value: unknown, field: string, what: string): asserts value is Store {
  checkMethodObject(value, {
    what,
    field,
    noun: 'a store',
    usage: "memoryStore() from 'docket', sqliteStore({ filename }) from 'docket/sqlite' or postgresStore({ connectionString }) from 'docket/postgres' (or your own implementation of Store: see docs/storage.md)",
    methods: STORE_METHODS,
    optional: OPTIONAL_STORE_METHODS,
    required: true,
  });
}
