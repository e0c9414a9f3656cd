import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { matchedRoutes } from 'hono/route';
import { FILTER_ROUTES, queryNamesOf } from './query-parameters.js';
import { instanceQueryFromText, limitFromText, taskQueryFromText, type QueryText } from '../store/query-text.js';
import { BODY_FIELDS, type BodyRoute } from './body-fields.js';
import { reassignTasks } from '../approvals/reassign-tasks.js';
import type { AnyWorkflow } from '../engine/define-workflow.js';
import type { BatchResult, Engine } from '../engine/engine-types.js';
import { DocketError } from '../errors.js';
import type { Actor, TaskRecord } from '../store/records.js';
import { checkDocumentArguments, openApiDocument, type OpenApiOptions } from './openapi.js';
import { readOptions } from '../input/read-options.js';
import { readBasePath } from './base-path.js';
import { problemResponse, toProblem, type Problem } from './problem.js';
import { readPathParameters } from './path-parameters.js';
import { checkActorInput } from '../engine/validate-input.js';
import { HISTORY_PAGE_DEFAULT } from '../engine/history-page.js';
import { safeString } from '../input/safe-string.js';

/** Options for {@link createHttpHandler}. */
export interface HttpHandlerOptions {
  readonly engine: Engine<AnyWorkflow>;
  /** The workflows registered with the engine: their zod schemas make the OpenAPI document. */
  readonly workflows: readonly AnyWorkflow[];
  /**
   * The host's identity hook: the acting user of a request (from a session cookie, a verified JWT,
   * mTLS…), or `undefined` for 401. The handler trusts what it returns; roles decide the rest.
   */
  readonly identify: (request: Request) => Actor | undefined | Promise<Actor | undefined>;
  /**
   * Where the handler is mounted, e.g. `/api` (routes and the OpenAPI server URL). Default: the root.
   * Plain segments only (RFC 3986 path characters written as they are: letters, digits,
   * `- . _ ~ ! $ & ' ( ) + , ; = : @`; no `*`, no `:` first, not `.` or `..`); slashes are normalised
   * (`'api/'` is `/api`). Anything else is `INVALID_ARGUMENT` (`details.field: 'basePath'`).
   */
  readonly basePath?: string;
  readonly openapi?: Omit<OpenApiOptions, 'basePath'>;
  /** Called with every error answered with a 500 (not with refusals), e.g. to log it. */
  readonly onError?: (error: unknown, request: Request) => void;
  /**
   * The largest request body read, in bytes (counted as it streams, so a larger one is never held in
   * memory); a larger one is refused with 413 `PAYLOAD_TOO_LARGE`. Default {@link DEFAULT_MAX_BODY_BYTES}
   * (8 MiB): room for one payload at the engine's own limit (1,000,000 characters of text, escaped).
   * Raise it for big `POST /batch` requests.
   */
  readonly maxBodyBytes?: number;
}

/** The default of {@link HttpHandlerOptions.maxBodyBytes}: 8 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

function bad(message: string, details: Record<string, unknown> = {}): DocketError {
  return new DocketError('INVALID_ARGUMENT', message, details);
}

/**
 * The media types a body is read as: JSON (`application/json`, or a `+json` type such as
 * `application/merge-patch+json`), parameters (`; charset=utf-8`) allowed. A body sent as anything else
 * was parsed all the same; a browser sends `text/plain` and form bodies cross-site without asking the
 * server first (no CORS preflight), so a page elsewhere could post JSON in a form to a handler whose
 * `identify` reads a session cookie. Requiring the JSON type makes such a request one a browser asks
 * about first.
 */
function isJsonMediaType(header: string | undefined): boolean {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9!#$&^_.-]+\+json$/.test(type);
}

/**
 * The JSON object a route's body holds, read by one rule for every route that takes one: sent as
 * JSON (the content-type), a JSON object, and, when `route` names the route's fields
 * ({@link BODY_FIELDS}), no other field. Each refusal is a 400 `INVALID_ARGUMENT` whose
 * `details.field` names what to fix, before anything is read or written.
 */
async function body(c: Context, route?: BodyRoute): Promise<Record<string, unknown>> {
  const type = c.req.header('content-type');
  if (!isJsonMediaType(type)) {
    throw bad(`The request body must be sent as JSON (content-type: application/json), not ${type === undefined ? 'without a content-type' : `as "${shownName(type)}"`}.`, { field: 'content-type' });
  }
  let value: unknown;
  try {
    value = await c.req.json();
  } catch {
    throw bad('The request body is not valid JSON. Send a JSON object with content-type application/json.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('The request body must be a JSON object.');
  if (route !== undefined) knownFields(value as Record<string, unknown>, route, '');
  return value as Record<string, unknown>;
}

/** Refuses a field of `value` that `route` does not take ({@link BODY_FIELDS}); `at` prefixes its path (`acts[2].`). */
function knownFields(value: Record<string, unknown>, route: BodyRoute, at: string): void {
  const names: readonly string[] = BODY_FIELDS[route];
  for (const key of Object.keys(value)) {
    if (!names.includes(key)) {
      const shown = shownName(key);
      throw bad(`Unknown field "${at}${shown}" in the body of ${route}: it takes ${names.map((n) => `"${n}"`).join(', ')}. Check its spelling; nothing was done.`, { field: `${at}${shown}` });
    }
  }
}

function text(value: unknown, name: string, required = true): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length === 0) throw bad(`"${name}" must be a non-empty string.`, { field: name });
  return value;
}

/**
 * The `?limit=` of the history route, read as the list's is ({@link limitFromText}: digits only;
 * Number() took '0x10', '1e2', ' 5' and '5.0' as page sizes); the engine checks the range.
 * Undefined when the query has none.
 */
function queryLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const limit = limitFromText(value);
  if (typeof limit !== 'number') throw bad('"limit" must be a whole number of entries (1 to 1000), written in digits.', { field: 'limit' });
  return limit;
}

/** A name as a message shows it: at most 40 UTF-16 units, never cut inside a surrogate pair. */
function shownName(name: string): string {
  if (name.length <= 40) return name;
  const code = name.charCodeAt(39);
  return name.slice(0, code >= 0xd800 && code <= 0xdbff ? 39 : 40);
}

/**
 * The query of a request, read by one rule for every route: each parameter named in `names` at
 * most once, none blank, no other name (an empty name, `?=x`, included). A misspelt `?statu=done`
 * or a blank `?workflow=` (a form field left empty) was dropped, so the client was answered as if it
 * had asked for everything; a repeated `?status=a&status=b` kept one of the two. Each is a 400
 * (`INVALID_ARGUMENT`, `field` naming the parameter, at most 40 characters) that says what to send
 * instead. Read as a browser's form encoding is (`URLSearchParams`: `+` is a space).
 */
function readQuery(c: Context, names: readonly string[], filter = false): { query: Partial<Record<string, string>>; text: QueryText } {
  const out: Partial<Record<string, string>> = {};
  const text: Record<string, readonly string[]> = {};
  const search = new URL(c.req.url).searchParams;
  const takes = names.length === 0 ? 'no query parameters' : names.map((n) => `"${n}"`).join(', ');
  for (const name of new Set(search.keys())) {
    if (!names.includes(name)) {
      const shown = shownName(name);
      throw bad(`Unknown query parameter "${shown}": ${c.req.method} ${c.req.path} takes ${takes}.`, { field: shown });
    }
    const values = search.getAll(name);
    text[name] = values;
    // A filter route's values go, repeated or blank as they came, to the one filter rule
    // (store/query-text.ts), which the store, the engine and the CLI apply too.
    if (filter) continue;
    if (values.length !== 1) throw bad(`"${name}" is given ${values.length} times: give it once.`, { field: name });
    const value = values[0]!;
    if (value.trim() === '') throw bad(`"${name}" is empty: leave it out, or give a value.`, { field: name });
    out[name] = value;
  }
  return { query: out, text };
}

/**
 * The `Idempotency-Key` header of a send, or `undefined` without one. A key sent over HTTP holds no
 * comma: the header is one value, not a list, and HTTP lets a client, a proxy or the server's own
 * parser join repeated field lines into one with commas (RFC 9110 §5.3; Fetch's `Headers` and Node's
 * parser do, as `"a, b"`), so a comma in the value cannot be told from the header sent twice. Two
 * headers `a` and `b` were taken as the one key `"a, b"`: a retry that sent only `a` acted again.
 * Refused with 400 `INVALID_ARGUMENT` (`details.field: 'Idempotency-Key'`), as an empty one is, before
 * anything is read or written. The engine's key rule (`checkKey`: at most 256 characters, storable)
 * applies after; a key given in a JSON body (`POST /batch`) may hold a comma.
 */
function idempotencyKeyHeader(headers: Headers): string | undefined {
  const key = headers.get('idempotency-key') ?? undefined;
  if (key !== undefined && key.includes(',')) {
    throw bad(
      `The Idempotency-Key header is sent more than once, or holds a comma ("${shownName(key)}"): send it once, with a key without commas (HTTP joins a repeated header with commas, so the two cannot be told apart). Nothing was done.`,
      { field: 'Idempotency-Key' },
    );
  }
  if (key === '') throw bad('The Idempotency-Key header is empty: give a key (the same one for each retry of this act), or leave the header out. Nothing was done.', { field: 'Idempotency-Key' });
  return key;
}

/**
 * The methods each path takes, from the routes as registered (`:id` matching one segment, as the
 * router does): an empty list for a path no route has. A path with a GET route also takes HEAD,
 * which the router answers as the GET without its body.
 */
function allowedMethods(routes: readonly { readonly method: string; readonly path: string }[]): (path: string) => readonly string[] {
  const table = routes
    .filter((r) => r.method !== 'ALL')
    .map((r) => ({ method: r.method, pattern: new RegExp(`^${r.path.split('/').map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`) }));
  return (path) => {
    const methods = new Set<string>();
    for (const r of table) if (r.pattern.test(path)) methods.add(r.method);
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods];
  };
}

/** What a request carries from the middlewares to its handler: who asks, and the query as read. */
interface HandlerVariables {
  actor: Actor;
  query: Partial<Record<string, string>>;
  /** Every value of each parameter, as given: what a filter route reads by the filter rule. */
  queryText: QueryText;
  /** The route's path parameters, decoded by the one strict rule ({@link readPathParameters}). */
  params: Readonly<Record<string, string>>;
}

function batchJson(r: BatchResult): unknown {
  return r.ok ? r : { ok: false, instanceId: r.instanceId, error: toProblem(r.error) };
}

const HANDLER_OPTION_KEYS = ['engine', 'workflows', 'identify', 'basePath', 'openapi', 'onError', 'maxBodyBytes'] as const satisfies readonly (keyof HttpHandlerOptions)[];

/**
 * The handler's options read once, by the house rule (read-options.ts), and checked before any
 * request: a misspelt `basepath` was ignored, so the handler served every route at the root; a null
 * options object or a missing `identify` failed with a raw TypeError (the latter at each request, as
 * a 500); `identify`, `onError`, the workflows array and the OpenAPI options were read again at each
 * request or at the first `GET /openapi.json`, so a caller's later change to its object changed who a
 * request was, and a bad `workflows` was answered to a client as its own 400. The workflows array is
 * copied (each workflow defineWorkflow returned is already a frozen copy); `identify` and `onError`
 * are the functions given.
 */
function readHandlerOptions(given: unknown): HttpHandlerOptions {
  const o = readOptions(given, { keys: HANDLER_OPTION_KEYS, what: 'createHttpHandler()', usage: '{ engine, workflows, identify }' });
  if (typeof o.engine !== 'object' || o.engine === null) {
    throw bad('createHttpHandler(): engine must be the engine createEngine returned.', { field: 'engine' });
  }
  if (typeof o.identify !== 'function') {
    throw bad('createHttpHandler(): identify must be a function (request) => actor | undefined, the host\'s identity hook.', { field: 'identify' });
  }
  if (o.onError !== undefined && typeof o.onError !== 'function') {
    throw bad('createHttpHandler(): onError must be a function (error, request) => void, or left out.', { field: 'onError' });
  }
  const openapi = o.openapi === undefined ? undefined : readOptions(o.openapi, { keys: ['title', 'version'], what: 'createHttpHandler(): openapi', usage: '{ title?, version? }', path: 'openapi' });
  const workflows = Array.isArray(o.workflows) ? Object.freeze([...(o.workflows as readonly AnyWorkflow[])]) : o.workflows;
  try {
    checkDocumentArguments(workflows, openapi);
  } catch (error) {
    // Named as the handler's own options (openApiDocument's `options.title` is `openapi.title` here).
    const field = (error as DocketError).details?.field;
    throw bad(`createHttpHandler(): ${(error as Error).message.replace(/^openApiDocument(\(workflows, options\))?: /, '')}`, { field: typeof field === 'string' ? field.replace(/^options\./, 'openapi.') : 'workflows' });
  }
  return {
    engine: o.engine as Engine<AnyWorkflow>,
    workflows: workflows as readonly AnyWorkflow[],
    identify: o.identify as HttpHandlerOptions['identify'],
    ...(o.basePath === undefined ? {} : { basePath: o.basePath as string }),
    ...(openapi === undefined ? {} : { openapi: Object.freeze(openapi) as HttpHandlerOptions['openapi'] & object }),
    ...(o.onError === undefined ? {} : { onError: o.onError as NonNullable<HttpHandlerOptions['onError']> }),
    ...(o.maxBodyBytes === undefined ? {} : { maxBodyBytes: o.maxBodyBytes as number }),
  };
}

/**
 * A web-standard `(Request) => Promise<Response>` handler exposing an engine over HTTP, for Node's
 * `http` (through `@hono/node-server`), Hono, Express/Fastify adapters, Bun, Deno or a worker.
 *
 * Routes (relative to `basePath`; bodies are JSON; times are epoch ms):
 * - `GET /openapi.json` — the OpenAPI 3.1 document (no identity needed).
 * - `GET /me` — the identified actor.
 * - `POST /instances` `{ workflow, input, id? }` → 201 instance; `GET /instances?workflow&state&status&limit&cursor` → page.
 * - `GET /instances/:id`, `GET /instances/:id/history?limit=&cursor=&includeRefused=true`: one page
 *   `{ items, nextCursor? }` of accepted entries (100 unless `limit`, 1 to 1000; pass `nextCursor` back
 *   as `cursor`), with `includeRefused=true` merged with the refusals made at the page's revisions.
 * - Query parameters: each at most once, never blank, only the names a route lists; anything else is
 *   a 400 `INVALID_ARGUMENT` whose `details.field` names the parameter (never silently ignored).
 * - Bodies: sent as JSON (`content-type: application/json`, or a `+json` type), a JSON object, and
 *   only the fields the route lists (an event's body is its payload, checked by the workflow's schema);
 *   anything else is a 400 `INVALID_ARGUMENT` whose `details.field` names it (`content-type`, the
 *   unknown field, `acts[2].idempotencyKy`), before anything is read or written.
 * - `POST /instances/:id/events` `{ type, ...payload }` (header `Idempotency-Key` optional: given at
 *   most once, without a comma, which HTTP uses to join a repeated header) → instance.
 * - Path parameters (`:id`): percent-decoded as UTF-8; a segment that is not valid percent-encoding
 *   (`%zz`, an encoded lone surrogate `%ED%A0%80`) is a 400 `INVALID_ARGUMENT` with `details.field: 'id'`.
 * - `POST /batch` `{ acts: [{ instanceId, event, idempotencyKey? }] }` → one result per act.
 * - `GET /tasks` — the caller's inbox (by user id and by each role), each task with its `actions`;
 *   an `admin` may pass `?assignee=`.
 * - `POST /instances/:id/suspend|resume|terminate` `{ reason }`, `POST /instances/:id/move`
 *   `{ target, reason }`, `POST /admin/reassign` `{ from, to, reason, workflow? }` (admin role; the
 *   engine enforces it).
 * - `GET /instances/:id/verify` — the history chain check (`engine.verify`), also for an archived or
 *   purged instance; `GET /instances/:id/archived` — an archived instance with its history, or a
 *   purged one's tombstone (404 while it is live or unknown).
 * - `POST /admin/migrate` `{ workflow, from, to, reason, dryRun?, where?: { state?, instanceIds? } }`
 *   → the migration report (admin role; the engine enforces it and records refusals).
 * - `POST /admin/retain` `{ policy: { olderThan: { days } } | { finishedBefore }, mode: 'archive' |
 *   'purge', dryRun?, limit? }` → the retention report (admin role, checked here).
 *
 * Tenants: the tenant is never a request parameter. When `identify` returns an actor with a
 * `tenant`, every route works through `engine.forTenant(actor.tenant)`: lists, the inbox, migrations
 * and retention see only that tenant's instances, and any other tenant's instance id answers 404
 * `INSTANCE_NOT_FOUND`, exactly as an id that does not exist.
 *
 * A method a path's routes do not take → 405 `METHOD_NOT_ALLOWED` with an `Allow` header (OPTIONS → 204
 * with `Allow`), before identity. No identity → 401. A body over `maxBodyBytes` (default 8 MiB) → 413 `PAYLOAD_TOO_LARGE`. Every refusal is an RFC 9457 `application/problem+json` body with the
 * DocketError `code` and message; statuses per {@link STATUS_BY_CODE} (400/403/404/409/422/503).
 *
 * @example
 * ```ts
 * import type { AnyWorkflow, Engine } from 'docket';
 * import { createHttpHandler } from 'docket/http';
 * declare const engine: Engine;
 * declare const workflows: AnyWorkflow[];
 * const handler = createHttpHandler({
 *   engine, workflows, basePath: '/api',
 *   identify: (req) => (req.headers.get('x-user') ? { id: req.headers.get('x-user')!, roles: ['staff'] } : undefined),
 * });
 * // e.g. with @hono/node-server: serve({ fetch: handler, port: 3000, hostname: '127.0.0.1' })
 * ```
 */
export function createHttpHandler(given: HttpHandlerOptions): (request: Request) => Promise<Response> {
  const options = readHandlerOptions(given);
  const { engine } = options;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new DocketError('INVALID_ARGUMENT', `createHttpHandler: maxBodyBytes must be a positive integer number of bytes, not ${safeString(maxBodyBytes)}.`, { field: 'maxBodyBytes' });
  }
  const basePath = readBasePath(options.basePath, 'createHttpHandler');
  const app = new Hono<{ Variables: HandlerVariables }>();
  const api = basePath ? app.basePath(basePath) : app;
  let document: string | undefined;

  // The method rule, before identity (which methods a path takes is in the public document): a path
  // of a route asked with a method it does not take was answered 404 NOT_FOUND ("No route PUT
  // /instances/x"), as if the path did not exist, and OPTIONS likewise. RFC 9110 §15.5.6: 405 with
  // the methods it takes in Allow; OPTIONS is answered 204 with Allow.
  let allowed: ((path: string) => readonly string[]) | undefined;
  api.use('*', async (c, next) => {
    allowed ??= allowedMethods(app.routes);
    const methods = allowed(c.req.path);
    if (methods.length === 0 || methods.includes(c.req.method)) return next();
    const allow = methods.join(', ');
    if (c.req.method === 'OPTIONS') return new Response(null, { status: 204, headers: { allow } });
    const refused = problemResponse({
      type: 'urn:docket:error:METHOD_NOT_ALLOWED', title: 'METHOD_NOT_ALLOWED', status: 405, code: 'METHOD_NOT_ALLOWED', instance: c.req.path,
      detail: `${c.req.path} takes ${allow}, not ${shownName(c.req.method)}. See ${basePath}/openapi.json for each route's method.`,
      details: { allow: methods },
    });
    refused.headers.set('allow', allow);
    return refused;
  });

  api.get('/openapi.json', (c) => {
    // The query rule of every route (a route not in QUERY_PARAMETERS takes none): `?version=2` was
    // answered with the one document there is, as if the server had one per version.
    readQuery(c, queryNamesOf('GET /openapi.json'));
    document ??= JSON.stringify(openApiDocument(options.workflows, { ...options.openapi, basePath: basePath || '/' }));
    return c.body(document, 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  api.use('*', async (c, next) => {
    const actor = await options.identify(c.req.raw);
    if (actor === undefined) {
      const problem: Problem = {
        type: 'urn:docket:error:UNAUTHENTICATED', title: 'UNAUTHENTICATED', status: 401, code: 'UNAUTHENTICATED',
        detail: 'Who is asking? The request carries no identity the host recognizes. Sign in and retry.', instance: c.req.path,
      };
      return problemResponse(problem);
    }
    // The host's identity is checked like any actor the engine accepts (id, roles as an array of
    // strings, tenant): a malformed one is the host's bug, answered 500, never treated as a person —
    // `roles: 'not-an-admin'` must not pass the handler's own admin checks.
    let checked: Actor;
    try {
      checked = checkActorInput(actor, 'identify');
    } catch (error) {
      options.onError?.(error, c.req.raw);
      const problem = toProblem(error, c.req.path);
      return problemResponse({ ...problem, status: 500, detail: `The host's identify hook returned an actor Docket cannot use: ${problem.detail}` });
    }
    c.set('actor', checked);
    await next();
    return undefined;
  });

  // Every route's path parameters and query, by one rule each (readPathParameters; readQuery,
  // QUERY_PARAMETERS), before any handler runs: a segment that is not valid percent-encoded UTF-8 is
  // refused, not taken as the literal id; a route that takes no query parameter refuses one instead
  // of ignoring it. A path no route matches stays a 404.
  api.use('*', async (c, next) => {
    const route = matchedRoutes(c).findLast((r) => r.method !== 'ALL');
    if (route !== undefined) {
      c.set('params', readPathParameters(route.path, c.req.url));
      const name = `${route.method} ${route.path.slice(basePath.length)}`;
      const { query, text } = readQuery(c, queryNamesOf(name), FILTER_ROUTES.has(name));
      c.set('query', query);
      c.set('queryText', text);
    }
    await next();
  });

  // Without a limit a request body is read whole before any check: one 200 MB POST held 670 MB.
  api.use('*', bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) => {
      const refused = problemResponse({
        type: 'urn:docket:error:PAYLOAD_TOO_LARGE', title: 'PAYLOAD_TOO_LARGE', status: 413, code: 'PAYLOAD_TOO_LARGE', instance: c.req.path,
        detail: `The request body is larger than ${maxBodyBytes} bytes, the limit of this handler. Send less (split a batch), or raise createHttpHandler's maxBodyBytes.`,
        details: { maxBodyBytes },
      });
      // The rest of the body is never read, so the connection cannot carry another request: say so,
      // or a keep-alive client reuses it and its next request fails with "other side closed".
      refused.headers.set('connection', 'close');
      return refused;
    },
  }));

  /**
   * The engine as the caller may see it: an actor the host identified with a `tenant` reads and acts
   * through `engine.forTenant(tenant)` on every route, so another tenant's instance is a 404 like an
   * id that does not exist.
   */
  const on = (c: Context<{ Variables: HandlerVariables }>) => {
    const tenant = c.get('actor').tenant;
    return tenant === undefined ? engine : engine.forTenant(tenant);
  };

  /** The route's `:id`, as the path-parameter rule decoded it (never Hono's lenient `c.req.param`). */
  const idOf = (c: Context<{ Variables: HandlerVariables }>): string => c.get('params').id!;

  api.get('/me', (c) => c.json(c.get('actor')));

  api.post('/instances', async (c) => {
    const b = await body(c, 'POST /instances');
    const workflow = text(b.workflow, 'workflow')!;
    const id = text(b.id, 'id', false);
    // Only a body without `input` starts with {}: an explicit `null` goes to the workflow's schema.
    const instanceId = await on(c).start(workflow as never, (b.input === undefined ? {} : b.input) as never, { actor: c.get('actor'), ...(id === undefined ? {} : { id }) });
    return c.json(await on(c).get(instanceId), 201, { location: `${basePath}/instances/${encodeURIComponent(instanceId)}` });
  });

  api.get('/instances', async (c) => {
    // The query as given, checked by the one filter rule before anything is read: a blank, repeated
    // or unknown value is the 400 (code, `details.field`) the engine and `docket list` give for it.
    // Each value is passed on as it is: only non-empty ones were, so a blank that got past the reader
    // listed every instance.
    return c.json(await on(c).list(instanceQueryFromText(c.get('queryText'))));
  });

  api.get('/instances/:id', async (c) => c.json(await on(c).get(idOf(c))));

  api.get('/instances/:id/history', async (c) => {
    const q = c.get('query');
    if (q.includeRefused !== undefined && q.includeRefused !== 'true' && q.includeRefused !== 'false') {
      throw bad('"includeRefused" must be true or false.', { field: 'includeRefused' });
    }
    // Always a page, as engine.history gives one (100 entries unless `limit` says otherwise), as
    // GET /instances is: without `limit` the whole history was one response (60,000 entries, and
    // every refusal with includeRefused). With includeRefused, the page's refusals come with it.
    // The limit is always passed: a history call without limit or cursor is the whole history.
    const limit = queryLimit(q.limit) ?? HISTORY_PAGE_DEFAULT;
    const page = { limit, ...(q.cursor === undefined ? {} : { cursor: q.cursor }) };
    const id = idOf(c);
    return c.json(q.includeRefused === 'true' ? await on(c).history(id, { ...page, includeRefused: true }) : await on(c).history(id, page));
  });

  api.post('/instances/:id/events', async (c) => {
    const event = await body(c);
    text(event.type, 'type');
    // An empty Idempotency-Key is refused (400), not dropped: dropped, the send went unkeyed and the
    // client's retry acted twice.
    const key = idempotencyKeyHeader(c.req.raw.headers);
    return c.json(await on(c).send(idOf(c), event as never, { actor: c.get('actor'), ...(key === undefined ? {} : { idempotencyKey: key }) }));
  });

  api.post('/batch', async (c) => {
    const b = await body(c, 'POST /batch');
    if (!Array.isArray(b.acts)) throw bad('"acts" must be an array of { instanceId, event, idempotencyKey? }.', { field: 'acts' });
    const acts = b.acts.map((a: unknown, i: number) => {
      const act = (a ?? {}) as Record<string, unknown>;
      const event = act.event as Record<string, unknown> | undefined;
      if (typeof act.instanceId !== 'string' || typeof event !== 'object' || event === null || typeof event.type !== 'string') {
        throw bad(`acts[${i}] must be { instanceId: string, event: { type: string, … } }.`, { field: `acts[${i}]` });
      }
      knownFields(act, 'POST /batch act', `acts[${i}].`);
      // Passed on as given (a non-string key is refused by sendMany, never silently dropped).
      return { instanceId: act.instanceId, event: event as never, ...(act.idempotencyKey === undefined ? {} : { idempotencyKey: act.idempotencyKey as string }) };
    });
    const results = await on(c).sendMany(acts, { actor: c.get('actor') });
    return c.json(results.map(batchJson));
  });

  api.get('/tasks', async (c) => {
    const actor = c.get('actor');
    // Checked by the one filter rule first, as GET /instances is: a blank `assignee` was another
    // person's inbox (FORBIDDEN) and a blank `workflow` no filter at all.
    const q = taskQueryFromText(c.get('queryText'));
    const filter = { ...(q.workflow === undefined ? {} : { workflow: q.workflow }), ...(q.instanceId === undefined ? {} : { instanceId: q.instanceId }) };
    if (q.assignee !== undefined && q.assignee !== actor.id) {
      if (!actor.roles.includes('admin')) throw new DocketError('FORBIDDEN', `Only an admin may read another person's inbox (asked for "${q.assignee}").`, { actor: actor.id });
      return c.json(await on(c).tasks({ ...filter, assignee: q.assignee }));
    }
    const found = new Map<string, TaskRecord>();
    for (const t of await on(c).tasks({ ...filter, assignee: actor.id })) found.set(t.id, t);
    for (const role of actor.roles) for (const t of await on(c).tasks({ ...filter, role })) found.set(t.id, t);
    return c.json([...found.values()].sort((a, b) => (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity) || a.createdAt - b.createdAt));
  });

  for (const op of ['suspend', 'resume', 'terminate'] as const) {
    api.post(`/instances/:id/${op}`, async (c) => {
      const reason = text((await body(c, `POST /instances/:id/${op}`)).reason, 'reason')!;
      return c.json(await on(c)[op](idOf(c), { actor: c.get('actor'), reason }));
    });
  }

  api.post('/instances/:id/move', async (c) => {
    const b = await body(c, 'POST /instances/:id/move');
    return c.json(await on(c).moveTo(idOf(c), { actor: c.get('actor'), target: text(b.target, 'target')!, reason: text(b.reason, 'reason')! }));
  });

  api.get('/instances/:id/verify', async (c) => c.json(await on(c).verify(idOf(c))));

  api.get('/instances/:id/archived', async (c) => {
    const id = idOf(c);
    const tenant = c.get('actor').tenant;
    const found = tenant === undefined ? await engine.archived(id) : await engine.forTenant(tenant).archived(id);
    if (found === undefined) {
      throw new DocketError('INSTANCE_NOT_FOUND', `No archived or purged instance "${id}". A live instance is read at ${basePath}/instances/${encodeURIComponent(id)}.`, { instanceId: id });
    }
    return c.json(found);
  });

  api.post('/admin/migrate', async (c) => {
    const b = await body(c, 'POST /admin/migrate');
    const where = b.where;
    if (where !== undefined && (typeof where !== 'object' || where === null || Array.isArray(where))) {
      throw bad('"where" must be an object { state?, instanceIds? }.', { field: 'where' });
    }
    const w = (where ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(w)) {
      if (key !== 'state' && key !== 'instanceIds') throw bad(`"where.${key}" is not a filter of migrate over HTTP: use state and instanceIds.`, { field: `where.${key}` });
    }
    if (w.instanceIds !== undefined && !(Array.isArray(w.instanceIds) && w.instanceIds.every((i) => typeof i === 'string'))) {
      throw bad('"where.instanceIds" must be an array of instance ids.', { field: 'where.instanceIds' });
    }
    if (b.dryRun !== undefined && typeof b.dryRun !== 'boolean') throw bad('"dryRun" must be true or false.', { field: 'dryRun' });
    const report = await on(c).migrate({
      workflow: text(b.workflow, 'workflow')!,
      from: b.from as number,
      to: b.to as number,
      reason: text(b.reason, 'reason')!,
      actor: c.get('actor'),
      dryRun: b.dryRun === true,
      // `where.state` as given: the engine checks it by the one filter rule, naming `where.state`.
      ...(where === undefined ? {} : { where: { ...(w.state === undefined ? {} : { state: w.state as string }), ...(w.instanceIds === undefined ? {} : { instanceIds: w.instanceIds as string[] }) } }),
    });
    return c.json(report);
  });

  api.post('/admin/retain', async (c) => {
    const b = await body(c, 'POST /admin/retain');
    const actor = c.get('actor');
    if (!actor.roles.includes('admin')) throw new DocketError('FORBIDDEN', 'Only an admin may archive or purge finished instances.', { actor: actor.id });
    if (b.dryRun !== undefined && typeof b.dryRun !== 'boolean') throw bad('"dryRun" must be true or false.', { field: 'dryRun' });
    if (b.policy === null || typeof b.policy !== 'object' || Array.isArray(b.policy)) {
      throw bad('"policy" must be { olderThan: { days } } or { finishedBefore: epoch ms }.', { field: 'policy' });
    }
    const report = await on(c).retain({
      policy: b.policy as never,
      mode: b.mode as 'archive' | 'purge',
      dryRun: b.dryRun === true,
      ...(b.limit === undefined ? {} : { limit: b.limit as number }),
    });
    return c.json(report);
  });

  api.post('/admin/reassign', async (c) => {
    const b = await body(c, 'POST /admin/reassign');
    const actor = c.get('actor');
    if (!actor.roles.includes('admin')) throw new DocketError('FORBIDDEN', 'Only an admin may reassign another person\'s work.', { actor: actor.id });
    const workflow = text(b.workflow, 'workflow', false);
    const results = await reassignTasks(on(c) as Engine<AnyWorkflow>, {
      from: text(b.from, 'from')!, to: text(b.to, 'to')!, reason: text(b.reason, 'reason')!, actor, ...(workflow === undefined ? {} : { workflow }),
    });
    return c.json(results.map((r) => ({ ...(batchJson(r) as object), step: r.step, taskId: r.taskId, status: r.status, from: r.from, to: r.to })));
  });

  app.notFound((c) => problemResponse({
    type: 'urn:docket:error:NOT_FOUND', title: 'NOT_FOUND', status: 404, code: 'NOT_FOUND',
    detail: `No route ${c.req.method} ${c.req.path}. See ${basePath}/openapi.json for the routes.`, instance: c.req.path,
  }));
  app.onError((error, c) => {
    const problem = toProblem(error, c.req.path);
    if (problem.status >= 500 && problem.code === 'INTERNAL') options.onError?.(error, c.req.raw);
    return problemResponse(problem);
  });

  return async (request: Request) => app.fetch(request);
}
