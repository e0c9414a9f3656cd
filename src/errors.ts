/**
 * Every error Docket throws on purpose is a {@link DocketError} with a `code` from this closed union.
 * Match on `code`, never on `instanceof`: two copies of the library loaded side by side still agree on
 * codes (see {@link isDocketError}).
 */
export type DocketErrorCode =
  /** The workflow id (or id + version) is not registered with the engine. */
  | 'WORKFLOW_NOT_FOUND'
  /** A stored instance names a workflow version that is no longer registered. */
  | 'WORKFLOW_VERSION_NOT_REGISTERED'
  /** No instance with this id exists in the store. */
  | 'INSTANCE_NOT_FOUND'
  /** The instance is done, failed, cancelled or suspended and takes no events. */
  | 'INSTANCE_NOT_ACTIVE'
  /** The event type is not declared by the workflow at all. */
  | 'UNKNOWN_EVENT'
  /** The event is declared, but the instance's current state does not accept it. */
  | 'EVENT_NOT_ACCEPTED'
  /** The event or start input failed its zod schema. */
  | 'INVALID_PAYLOAD'
  /** The actor's roles (or task assignment) do not allow this event. */
  | 'FORBIDDEN'
  /** The same idempotency key was used before with a different payload. */
  | 'IDEMPOTENCY_MISMATCH'
  /** Another writer changed the instance first (optimistic concurrency on `revision`). */
  | 'CONFLICT'
  /** A stored snapshot or row could not be read back (corrupt, foreign, or from a newer schema). */
  | 'CORRUPT_SNAPSHOT'
  /** The business calendar has no holiday data for a year it was asked about. */
  | 'CALENDAR_YEAR_MISSING'
  /** A holiday schedule loaded at run time (JSON) is malformed or contradicts itself. */
  | 'INVALID_HOLIDAY_DATA'
  /** A deadline rule is malformed (bad month, day, duration). */
  | 'INVALID_DEADLINE_RULE'
  /** The approver rule resolved to nobody and the step's policy refuses to start. */
  | 'NO_APPROVER'
  /** An approval operation is not allowed in the task's current situation. */
  | 'OPERATION_NOT_ALLOWED'
  /** An argument to a Docket API is invalid. */
  | 'INVALID_ARGUMENT'
  /** The store is closed, or its schema is newer than this library. */
  | 'STORE_UNAVAILABLE'
  /**
   * The store failed while writing and cannot tell whether the write landed (an I/O error at
   * commit, a connection lost mid-commit, or after a single write was sent: a timer or effect claim,
   * a release, an effect's outcome, a refusal). Do not blindly retry: reload the instance first (its
   * revision and history show whether the act was applied), or retry with the same idempotency key;
   * the message says what is safe for the write at hand (a claim's leases simply run out).
   */
  | 'STORE_OUTCOME_UNKNOWN'
  /** The machine itself threw while computing a transition (a bug in a guard, action or delay). */
  | 'MACHINE_ERROR'
  /** The engine was closed. */
  | 'ENGINE_CLOSED'
  /** An effect handler did not settle within the engine's `effectTimeoutMs` (a failed attempt, retried). */
  | 'EFFECT_TIMEOUT'
  /** An optional package (a database driver, elkjs) is not installed; the message names what to install. */
  | 'MISSING_DEPENDENCY'
  /** A workflow's declared migration is malformed (unknown state, bad `from`), or none is declared for `migrate`. */
  | 'INVALID_MIGRATION'
  /**
   * `docket/testing`'s path generation visited more transitions than its `limit`: some state grows
   * on every loop. The message says which option to pass (`serialize`, `approvalOperations`, `limit`).
   */
  | 'EXPLORATION_LIMIT'
  /**
   * `docket/testing`'s `assertNoDeadEnds` found the workflow's graph unsound: a state node no path
   * reaches, a reachable state that is not final and that no person or timer can move (a dead end), or
   * a path on which the machine threw. `details.problems` lists each (`kind`, `state`, `path`,
   * `message`); the message says for each what to change (the machine, `ignoreUnreachable`, sample
   * events, `directory`).
   */
  | 'INVALID_WORKFLOW_GRAPH';

export interface DocketErrorDetails {
  readonly instanceId?: string;
  readonly workflow?: string;
  readonly version?: number;
  readonly state?: unknown;
  readonly event?: string;
  readonly actor?: string;
  readonly issues?: readonly { path: readonly PropertyKey[]; message: string }[];
  readonly year?: number;
  readonly cause?: unknown;
  readonly [key: string]: unknown;
}

const BRAND = Symbol.for('docket.error');

/**
 * Thrown for every refusal Docket makes on purpose. `message` says what happened and what to do;
 * `code` is stable and meant for programs; `details` names the instance, state and event involved.
 *
 * @example
 * ```ts
 * import { DocketError } from 'docket';
 * const err = new DocketError('UNKNOWN_EVENT', 'Event "APPROV" is not declared.', { event: 'APPROV' });
 * err.code; // 'UNKNOWN_EVENT'
 * ```
 */
export class DocketError extends Error {
  override readonly name = 'DocketError';
  readonly [BRAND] = true;
  constructor(
    readonly code: DocketErrorCode,
    message: string,
    readonly details: DocketErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }
}

/**
 * True for a {@link DocketError} from any loaded copy of the library; optionally of one `code`, which
 * then narrows `error.code` too (`isDocketError(e, 'FORBIDDEN')` → `e.code` is `'FORBIDDEN'`).
 */
export function isDocketError<TCode extends DocketErrorCode = DocketErrorCode>(value: unknown, code?: TCode): value is DocketError & { readonly code: TCode } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true &&
    (code === undefined || (value as DocketError).code === code)
  );
}

/** Node and driver error codes of a connection or lock that may well work on the next try. */
const TRANSIENT_SYSTEM_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'SQLITE_BUSY', 'SQLITE_LOCKED']);

/**
 * True when `error` is worth retrying unchanged later: the store was unreachable or busy
 * (`STORE_UNAVAILABLE`, a raw connection error or SQLite lock from a custom store) or another writer
 * kept winning (`CONFLICT` after the engine's own retries). Everything else is deterministic: the
 * same input fails the same way (a machine error, a corrupt snapshot, a missing calendar year), so
 * retrying it changes nothing. The one place the engine decides which failures suspend an instance
 * (timer delivery) and which are only retried with backoff and reported on `error`.
 *
 * @example
 * ```ts
 * import { DocketError, isTransient } from 'docket';
 * isTransient(new DocketError('STORE_UNAVAILABLE', 'The database is down.')); // true
 * isTransient(new DocketError('MACHINE_ERROR', 'A guard threw.')); // false
 * ```
 */
export function isTransient(error: unknown): boolean {
  if (isDocketError(error)) return error.code === 'STORE_UNAVAILABLE' || error.code === 'CONFLICT';
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && TRANSIENT_SYSTEM_CODES.has(code);
}

/**
 * INVALID_ARGUMENT naming the first enumerable key of `value` (its own or one it inherits) that is
 * not in `allowed`: an option or filter a call does not know is refused, not ignored (a misspelt
 * `dryrun: true` ran for real, a `where: { ids }` selected everything). Inherited keys count because
 * the options are read by name, so a known key on the prototype is used: an unknown one there must
 * not pass (`Object.create({ dryrun: true })` purged for real). `what` names the object in the
 * message (`retain()`, `migrate(): where`); `path`, when the object is nested (`where`,
 * `policy.olderThan`), prefixes the key in `details.field` (`where.stat`). It lives here, below
 * every layer, so the calendar checks its options by the same rule (a misspelt `workWeek` was ignored).
 */
export function assertKnownKeys(value: object, allowed: readonly string[], what: string, details: DocketErrorDetails = {}, path?: string): void {
  for (const key in value) {
    if (allowed.includes(key)) continue;
    throw new DocketError('INVALID_ARGUMENT', `${what} takes { ${allowed.join(', ')} }, not ${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key)}.`, { ...details, field: path === undefined ? key : `${path}.${key}` });
  }
}
