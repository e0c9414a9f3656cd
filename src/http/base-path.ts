import { DocketError } from '../errors.js';

/**
 * A segment a basePath may hold: RFC 3986's path characters (`pchar`) written as they are, less what
 * would change what it mounts. Hono matches a route against the decoded path, so a percent-encoded
 * `'/a%20b'` matched nothing (every route a 404); `*` is a wildcard and a leading `:` a parameter in a
 * route, not the mount point the option names; `.` and `..` are resolved away by URLs.
 */
function isPlainSegment(segment: string): boolean {
  return /^[A-Za-z0-9._~!$&'()+,;=:@-]+$/.test(segment) && !segment.startsWith(':') && segment !== '.' && segment !== '..';
}

/**
 * `basePath` as Hono mounts it: `''` for the root, otherwise one leading `/`, no trailing `/`, no
 * empty segment (`'api'`, `'/api/'`, `'api//v1/'` are `/api` and `/api/v1`). Hono prefixes the routes
 * with a leading `/` either way, so `'api'` served `/api/instances` while the query rule cut
 * `'api'.length` characters off `/api/instances` and found no route's parameter list: every query
 * parameter of every route was a 400 ("takes no query parameters"), and `Location` and the OpenAPI
 * server were the relative `api/...`. The one reading of the option, for the routes, the query rule,
 * `Location`, messages and the OpenAPI document alike.
 *
 * @param caller names the entry point in the refusal (`createHttpHandler`, `openApiDocument`).
 * @throws DocketError `INVALID_ARGUMENT` (`details.field: 'basePath'`) for anything but such a path.
 */
export function readBasePath(value: unknown, caller: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') {
    throw new DocketError('INVALID_ARGUMENT', `${caller}: basePath must be a path such as '/api', not ${value === null ? 'null' : typeof value}.`, { field: 'basePath' });
  }
  const segments = value.split('/').filter((segment) => segment !== '');
  const bad = segments.find((segment) => !isPlainSegment(segment));
  if (bad !== undefined) {
    throw new DocketError('INVALID_ARGUMENT', `${caller}: basePath segment ${JSON.stringify(bad.length > 40 ? `${bad.slice(0, 40)}…` : bad)} is not a plain path segment: use letters, digits and - . _ ~ ! $ & ' ( ) + , ; = : @ (such as '/api/v1' or '/@acme/docket'), written as is, not percent-encoded, with no '*', no ':' first and no '.' or '..' segment.`, { field: 'basePath' });
  }
  return segments.length === 0 ? '' : `/${segments.join('/')}`;
}

