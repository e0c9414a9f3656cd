/**
 * The fields each route's JSON body takes, by the route's method and path as the handler registers
 * it (relative to `basePath`). The one list the handler's body rule (`body` in create-http-handler.ts:
 * any other field is a 400 naming it) reads, and the OpenAPI document closes each of these bodies
 * (`additionalProperties: false`) to agree with it. A field the route does not know was dropped, so a
 * misspelt `dryrun: true` ran a real purge, `inputs` started an instance with an empty input, and a
 * batch act's `idempotencyKy` went unkeyed, so its retry acted twice. An event's body
 * (`POST /instances/:id/events`) is not listed: its fields are the event's payload, which the
 * workflow's schema checks.
 */
export const BODY_FIELDS = {
  'POST /instances': ['workflow', 'input', 'id'],
  'POST /batch': ['acts'],
  /** One act of `POST /batch`'s `acts`. */
  'POST /batch act': ['instanceId', 'event', 'idempotencyKey'],
  'POST /instances/:id/suspend': ['reason'],
  'POST /instances/:id/resume': ['reason'],
  'POST /instances/:id/terminate': ['reason'],
  'POST /instances/:id/move': ['target', 'reason'],
  'POST /admin/reassign': ['from', 'to', 'reason', 'workflow'],
  'POST /admin/migrate': ['workflow', 'from', 'to', 'reason', 'dryRun', 'where'],
  'POST /admin/retain': ['policy', 'mode', 'dryRun', 'limit'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** A route (or part of one) whose JSON body has a fixed set of fields. */
export type BodyRoute = keyof typeof BODY_FIELDS;
