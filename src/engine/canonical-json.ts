import * as crypto from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so equal data always hashes the same (a store such as
 * Postgres `jsonb` may hand keys back in another order). Hand-written: the history hash is on the
 * hot path of every send, and a `JSON.stringify` replacer that rebuilds objects was its top cost.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

// Characters JSON.stringify escapes: quote, backslash, controls, and (well-formed JSON.stringify)
// lone surrogates; any surrogate sends the string to JSON.stringify, which decides.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify of a string, without the call into it for the common case of nothing to escape. */
function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : '"' + text + '"';
}

function write(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += write(value[i]) ?? 'null';
        }
        return out + ']';
      }
      const toJSON = (value as { toJSON?: () => unknown }).toJSON;
      if (typeof toJSON === 'function') return write(toJSON.call(value));
      // Boxed primitives are written as their value, as JSON.stringify (and so every store) does.
      if (value instanceof Number || value instanceof String || value instanceof Boolean) return write(value.valueOf());
      const keys = Object.keys(value);
      // Keys usually arrive sorted already (small objects written in order): only sort when not.
      for (let i = 1; i < keys.length; i++) {
        if (keys[i - 1]! > keys[i]!) {
          keys.sort();
          break;
        }
      }
      let out = '{';
      let first = true;
      for (const key of keys) {
        const item = write((value as Record<string, unknown>)[key]);
        if (item === undefined) continue;
        out += (first ? '' : ',') + quote(key) + ':' + item;
        first = false;
      }
      return out + '}';
    }
    case 'bigint':
      throw new TypeError('BigInt values cannot be stored in history; convert them to strings.');
    default:
      return undefined;
  }
}

/** Hex SHA-256 of a string. */
export function sha256(text: string): string {
  // One-shot `crypto.hash` (Node >= 20.12) skips the Hash object; fall back where it is missing.
  const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}
