// Stands in for `node:crypto` in the browser bundle of the docs site (aliased in docs/build.ts), so the
// real engine, which hashes (and may HMAC) its history chain, runs unchanged in the simulator. The
// hashing is @noble/hashes (audited, widely used), not code of ours.
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

type Input = string | Uint8Array;
const bytes = (input: Input): Uint8Array => (typeof input === 'string' ? utf8ToBytes(input) : input);

function only(algorithm: string): void {
  if (algorithm !== 'sha256') throw new Error(`The browser build of docket only has sha256, not ${algorithm}.`);
}

/** Hex digest of a chunked input, the shape of Node's `Hash` and `Hmac` that the engine uses. */
function digestOf(make: () => { update(data: Uint8Array): unknown; digest(): Uint8Array }) {
  const h = make();
  const api = {
    update(chunk: Input) {
      h.update(bytes(chunk));
      return api;
    },
    digest(_encoding: 'hex') {
      return bytesToHex(h.digest());
    },
  };
  return api;
}

/** `createHash('sha256').update(text).digest('hex')`. */
export function createHash(algorithm: string) {
  only(algorithm);
  return digestOf(() => sha256.create());
}

/** `createHmac('sha256', key).update(text).digest('hex')` (keyed history chains). */
export function createHmac(algorithm: string, key: Input) {
  only(algorithm);
  return digestOf(() => hmac.create(sha256, bytes(key)));
}

/** Node's one-shot `crypto.hash(algorithm, data, 'hex')`, which the engine prefers when present. */
export function hash(algorithm: string, data: string, _encoding: 'hex'): string {
  only(algorithm);
  return bytesToHex(sha256(utf8ToBytes(data)));
}
