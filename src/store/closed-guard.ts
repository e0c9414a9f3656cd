import { DocketError } from '../errors.js';

/** Whether a store was closed; every method but `close` calls {@link ClosedGuard.check} first. */
export interface ClosedGuard {
  readonly closed: boolean;
  /** Throws `STORE_UNAVAILABLE` ("The <store> was closed; create a new one.") once closed. */
  check(): void;
  /** Marks the store closed; `true` the first time, `false` when it already was (close is idempotent). */
  close(): boolean;
}

/**
 * The closed guard every store uses, so a closed store refuses work the same way everywhere.
 * `description` names the store in the message: `"memory store"`, `"SQLite store ./docket.db"`.
 */
export function closedGuard(description: string): ClosedGuard {
  let closed = false;
  return {
    get closed() {
      return closed;
    },
    check() {
      if (closed) throw new DocketError('STORE_UNAVAILABLE', `The ${description} was closed; create a new one.`);
    },
    close() {
      if (closed) return false;
      closed = true;
      return true;
    },
  };
}
