import { DocketError } from '../errors.js';

/**
 * The path parameters of a request (`:id` in `/instances/:id/history`), read from the URL as sent
 * and percent-decoded by one strict rule: each is its segment decoded as UTF-8
 * (`decodeURIComponent`), and a segment that is not valid percent-encoding (`%zz`, a `%` without two
 * hex digits) or does not decode to valid UTF-8 (`%ED%A0%80`, an encoded lone surrogate; `%FF`) is
 * refused with 400 `INVALID_ARGUMENT` whose `details.field` names the parameter. The router's own
 * decoding (Hono's `c.req.param`) keeps such a segment as the literal text, so `GET /instances/%zz`
 * read, and `POST /instances/%ED%A0%80/events` acted on, the instance whose id is the six characters
 * `%ED%A0%80`: a URL no client meant. Nothing is read or written on refusal.
 *
 * `routePath` is the matched route's path as registered, base path included
 * (`/api/instances/:id`); `url` is the request's URL (already normalised by the URL parser, so its
 * segments are the router's).
 *
 * @throws DocketError `INVALID_ARGUMENT` (`details.field`: the parameter's name) for a segment that
 *   does not decode.
 */
export function readPathParameters(routePath: string, url: string): Readonly<Record<string, string>> {
  const pattern = routePath.split('/');
  const segments = new URL(url).pathname.split('/');
  const out: Record<string, string> = {};
  pattern.forEach((part, i) => {
    if (!part.startsWith(':')) return;
    const name = part.slice(1);
    const raw = segments[i] ?? '';
    out[name] = decodeSegment(raw, name);
  });
  return out;
}

/** One segment, decoded strictly (see {@link readPathParameters}). */
function decodeSegment(raw: string, name: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
    throw new DocketError(
      'INVALID_ARGUMENT',
      `The path parameter "${name}" is not valid percent-encoding of UTF-8 text ("${shown}"): each % must start a %XX byte of a UTF-8 character. ` +
        `Encode the ${name} with encodeURIComponent (a literal % is %25); nothing was read or done.`,
      { field: name },
    );
  }
}
