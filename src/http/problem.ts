import { isDocketError, type DocketError, type DocketErrorCode } from '../errors.js';

/**
 * The HTTP status for each {@link DocketErrorCode}: 4xx for what the caller can fix, 503 for a store
 * or engine that is not available (retry later), 500 for a fault on the server (a corrupt row, a
 * machine bug, a missing calendar year). Exhaustive on purpose: a new code must be placed here.
 */
export const STATUS_BY_CODE: Readonly<Record<DocketErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  FORBIDDEN: 403,
  WORKFLOW_NOT_FOUND: 404,
  INSTANCE_NOT_FOUND: 404,
  INSTANCE_NOT_ACTIVE: 409,
  EVENT_NOT_ACCEPTED: 409,
  OPERATION_NOT_ALLOWED: 409,
  IDEMPOTENCY_MISMATCH: 409,
  CONFLICT: 409,
  UNKNOWN_EVENT: 422,
  INVALID_PAYLOAD: 422,
  NO_APPROVER: 422,
  INVALID_DEADLINE_RULE: 422,
  INVALID_MIGRATION: 422,
  STORE_UNAVAILABLE: 503,
  ENGINE_CLOSED: 503,
  MISSING_DEPENDENCY: 503,
  // The write may or may not have landed: retry with the same Idempotency-Key, or read the instance.
  STORE_OUTCOME_UNKNOWN: 503,
  INVALID_HOLIDAY_DATA: 500,
  EFFECT_TIMEOUT: 500,
  WORKFLOW_VERSION_NOT_REGISTERED: 500,
  CORRUPT_SNAPSHOT: 500,
  CALENDAR_YEAR_MISSING: 500,
  MACHINE_ERROR: 500,
  // Thrown by docket/testing only, never by a request; placed for exhaustiveness.
  EXPLORATION_LIMIT: 500,
  INVALID_WORKFLOW_GRAPH: 500,
};

/**
 * An RFC 9457 problem details body. `code` is the DocketError code (or `UNAUTHENTICATED`,
 * `NOT_FOUND`, `METHOD_NOT_ALLOWED` (405, with an `Allow` header), `PAYLOAD_TOO_LARGE`, `INTERNAL` for refusals
 * made by the HTTP layer itself);
 * `detail` is its message.
 */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: DocketErrorCode | 'UNAUTHENTICATED' | 'NOT_FOUND' | 'METHOD_NOT_ALLOWED' | 'PAYLOAD_TOO_LARGE' | 'INTERNAL';
  readonly instance?: string;
  /** JSON-safe details of a DocketError (instance, state, event, zod issues), without `cause`. */
  readonly details?: Record<string, unknown>;
}

/** JSON-safe copy of a DocketError's details: drops `cause` and anything that does not serialize. */
function safeDetails(error: DocketError): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error.details)) {
    if (key === 'cause' || value === undefined) continue;
    try {
      out[key] = JSON.parse(JSON.stringify(value));
    } catch {
      // Not JSON (a cycle, a BigInt): leave it out of the response rather than fail the response.
    }
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The problem body and status for any thrown value; unknown errors become a generic 500. */
export function toProblem(error: unknown, path?: string): Problem {
  if (isDocketError(error)) {
    const details = safeDetails(error);
    return {
      type: `urn:docket:error:${error.code}`,
      title: error.code,
      status: STATUS_BY_CODE[error.code] ?? 500,
      detail: error.message,
      code: error.code,
      ...(path === undefined ? {} : { instance: path }),
      ...(details === undefined ? {} : { details }),
    };
  }
  return {
    type: 'urn:docket:error:INTERNAL',
    title: 'INTERNAL',
    status: 500,
    detail: 'The server failed to handle the request. See the server log.',
    code: 'INTERNAL',
    ...(path === undefined ? {} : { instance: path }),
  };
}

/** A problem as an `application/problem+json` response. */
export function problemResponse(problem: Problem): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
  });
}
