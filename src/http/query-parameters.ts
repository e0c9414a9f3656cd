import { INSTANCE_STATUSES } from '../store/records.js';
import { ID_MAX_LENGTH } from '../store/payload-rules.js';

/**
 * The query parameters each route takes, by the route's method and path as the handler registers it
 * (relative to `basePath`), each with the JSON Schema of its value. The one list both the handler's
 * query rule (`readQuery` in create-http-handler.ts: any other name is a 400) and the OpenAPI document
 * (openapi.ts) read, so the document cannot offer a parameter the server refuses, nor miss one it
 * takes. A route not listed takes none.
 */
export const QUERY_PARAMETERS: Readonly<Record<string, Readonly<Record<string, QueryValueSchema>>>> = {
  'GET /instances': { workflow: text(), state: text(), status: { type: 'string', enum: INSTANCE_STATUSES }, cursor: text(), limit: pageSize() },
  'GET /instances/:id/history': { includeRefused: { type: 'boolean' }, limit: pageSize(), cursor: text() },
  'GET /tasks': { assignee: text(), workflow: text(), instanceId: text() },
};

/**
 * The routes whose whole query is a filter, read by the one filter rule of every front door
 * (`instanceQueryFromText`, `taskQueryFromText` in store/query-text.ts) rather than by the handler's
 * own value checks: a blank or repeated value there is the refusal the engine and the CLI give.
 */
export const FILTER_ROUTES: ReadonlySet<string> = new Set(['GET /instances', 'GET /tasks']);

/** The JSON Schema (draft 2020-12, as OpenAPI 3.1 reads it) of one query parameter's value. */
export type QueryValueSchema = Readonly<Record<string, unknown>>;

// A filter or cursor as the one filter rule takes it (checkFilterText): not blank (`pattern`: some
// character that is not white space), at most as long as an id.
function text(): QueryValueSchema {
  return { type: 'string', minLength: 1, maxLength: ID_MAX_LENGTH, pattern: '\\S' };
}

// A page's `limit`: the engine's page sizes (1 to 1000, HISTORY_PAGE_MAX and the list's maximum).
function pageSize(): QueryValueSchema {
  return { type: 'integer', minimum: 1, maximum: 1000 };
}

/** The names route `route` (`'GET /tasks'`) takes; none for a route not listed. */
export function queryNamesOf(route: string): readonly string[] {
  const names = QUERY_PARAMETERS[route];
  return names === undefined ? [] : Object.keys(names);
}
