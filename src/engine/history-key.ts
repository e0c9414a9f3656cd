import { createHmac } from 'node:crypto';
import { sha256 } from './canonical-json.js';
import { DocketError } from '../errors.js';
import { isOptionsObject, readOptions } from '../input/read-options.js';

/**
 * A secret that seals history entries with HMAC-SHA256 instead of plain SHA-256, so that only a holder
 * of the secret can write a chain that verifies (see docs/security.md).
 *
 * - `id`: recorded in every entry the key seals (`keyId`), so a verifier knows which key to use;
 *   1 to 64 characters from `A-Z a-z 0-9 . _ : -`.
 * - `secret`: at least 32 bytes (a string counts its UTF-8 bytes). Keep it outside the database.
 */
export interface HistoryKey {
  readonly id: string;
  readonly secret: string | Uint8Array;
}

/**
 * Keys for a keyed chain, with rotation: `current` seals new entries; `previous` keys only verify
 * entries they sealed earlier. Rotate by moving the old current key into `previous`.
 *
 * `acceptUnkeyed` (default `false`): while migrating a deployment that ran without a key, let a chain
 * whose newest entry is unkeyed (an instance not touched since the key was set) verify. It also lets a
 * full unkeyed rewrite verify, so turn it off once every instance has a keyed head.
 */
export interface HistoryKeyring {
  readonly current: HistoryKey;
  readonly previous?: readonly HistoryKey[];
  readonly acceptUnkeyed?: boolean;
}

/** The engine's `historyKey` option: one key, or a keyring for rotation. */
export type HistoryKeyOption = HistoryKey | HistoryKeyring;

/** A validated key ready to seal: `digest(text)` is the hex HMAC-SHA256 of `text`. */
export interface SealingKey {
  readonly id: string;
  digest(text: string): string;
}

/** The validated keys an engine or verifier holds (internal shape of {@link HistoryKeyOption}). */
export interface Keyring {
  /** Seals new entries; absent in unkeyed mode. */
  readonly current: SealingKey | undefined;
  readonly byId: ReadonlyMap<string, SealingKey>;
  /** Whether an unkeyed head is accepted although keys are configured. */
  readonly acceptUnkeyed: boolean;
}

/** The keyring of an engine without `historyKey`: plain SHA-256 chain. */
export const UNKEYED: Keyring = Object.freeze({ current: undefined, byId: new Map<string, SealingKey>(), acceptUnkeyed: true });

const KEY_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const MIN_SECRET_BYTES = 32;

function sealingKey(key: unknown, path: string): SealingKey {
  const { id, secret } = readOptions(key, { keys: ['id', 'secret'], what: `The history key (${path})`, usage: '{ id, secret }', path });
  if (typeof id !== 'string' || !KEY_ID.test(id)) {
    throw new DocketError('INVALID_ARGUMENT', 'A history key needs an id of 1 to 64 characters from A-Z a-z 0-9 . _ : - (it is stored in every entry it seals).', { field: `${path}.id` });
  }
  // Named as every other refusal of the option is (`historyKey.previous[1].secret`), which it was not.
  const field = `${path}.secret`;
  if (typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
    throw new DocketError('INVALID_ARGUMENT', `History key "${id}" needs a secret that is a string or a Uint8Array of at least ${MIN_SECRET_BYTES} bytes (e.g. crypto.randomBytes(32)), not ${secret === null ? 'null' : Array.isArray(secret) ? 'an array' : typeof secret}.`, { keyId: id, field });
  }
  // HMAC keys a string by its UTF-8 bytes, where an unpaired surrogate becomes U+FFFD: two such secrets
  // of one length sealed alike (every one of them the same key), while their length counted as bytes.
  if (typeof secret === 'string' && !secret.isWellFormed()) {
    throw new DocketError('INVALID_ARGUMENT', `History key "${id}" has a secret string with an unpaired surrogate, which UTF-8 cannot hold: it would be keyed with U+FFFD in its place, so different secrets would seal alike. Use a well-formed string or bytes (crypto.randomBytes(32)).`, { keyId: id, field });
  }
  const bytes = typeof secret === 'string' ? Buffer.byteLength(secret, 'utf8') : secret.byteLength;
  if (bytes < MIN_SECRET_BYTES) {
    throw new DocketError('INVALID_ARGUMENT', `History key "${id}" needs a secret of at least ${MIN_SECRET_BYTES} bytes (a string or a Uint8Array), e.g. crypto.randomBytes(32); it has ${bytes}.`, {
      keyId: id,
      field,
    });
  }
  const material: string | Uint8Array = typeof secret === 'string' ? secret : Uint8Array.from(secret as Uint8Array);
  return { id, digest: (text) => createHmac('sha256', material).update(text).digest('hex') };
}

/**
 * Validate the `historyKey` option into a {@link Keyring}, read once by the options house rule: one
 * key `{ id, secret }`, or a keyring `{ current, previous?, acceptUnkeyed? }` (told apart by its
 * `current`), each with no other key. A misspelt `previus` was ignored, so every entry the old keys
 * sealed verified as `unknown-key`; `null` or a string was a raw TypeError.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the field (`historyKey.previous[1].secret`) for a
 * value that is not such an object, an unknown key, a malformed id, a secret under 32 bytes, a
 * `previous` that is not an array, an `acceptUnkeyed` that is not a boolean, or two keys with one id;
 * a secret (`historyKey.secret`, `historyKey.previous[0].secret`) that is not a string or a Uint8Array,
 * is under 32 bytes, or is a string with an unpaired surrogate (UTF-8 would key it with U+FFFD).
 */
export function createKeyring(option: HistoryKeyOption | undefined): Keyring {
  if (option === undefined) return UNKEYED;
  const isRing = isOptionsObject(option) && 'current' in option;
  const ring = isRing
    ? readOptions(option, { keys: ['current', 'previous', 'acceptUnkeyed'], what: 'The history keyring (historyKey)', usage: '{ current: { id, secret }, previous?: [...], acceptUnkeyed? }', path: 'historyKey' })
    : { current: option };
  const current = sealingKey(ring.current, isRing ? 'historyKey.current' : 'historyKey');
  const byId = new Map<string, SealingKey>([[current.id, current]]);
  if (ring.previous !== undefined && !Array.isArray(ring.previous)) {
    throw new DocketError('INVALID_ARGUMENT', 'historyKey.previous must be an array of the keys that only verify ({ id, secret } each).', { field: 'historyKey.previous' });
  }
  if (ring.acceptUnkeyed !== undefined && typeof ring.acceptUnkeyed !== 'boolean') {
    throw new DocketError('INVALID_ARGUMENT', 'historyKey.acceptUnkeyed must be true or false.', { field: 'historyKey.acceptUnkeyed' });
  }
  ((ring.previous ?? []) as readonly unknown[]).forEach((key, i) => {
    const sealing = sealingKey(key, `historyKey.previous[${i}]`);
    if (byId.has(sealing.id)) {
      throw new DocketError('INVALID_ARGUMENT', `History key id "${sealing.id}" is given twice; every key needs its own id.`, { keyId: sealing.id, field: `historyKey.previous[${i}].id` });
    }
    byId.set(sealing.id, sealing);
  });
  return { current, byId, acceptUnkeyed: ring.acceptUnkeyed === true };
}

/** The seal of `text`: `key`'s HMAC-SHA256 when given, else plain SHA-256 (hex). */
export function sealText(text: string, key: SealingKey | undefined): string {
  return key ? key.digest(text) : sha256(text);
}

/**
 * Whether `hash` seals `text` under the key named `keyId` (none: plain SHA-256): `'ok'`, `'edited'`,
 * or `'unknown-key'` when the keyring does not hold that key (the seal cannot be checked). The one
 * check behind history entries and retention tombstones.
 */
export function checkSealedText(text: string, hash: string, keyId: string | undefined, keys: Keyring): 'ok' | 'edited' | 'unknown-key' {
  if (keyId === undefined) return sha256(text) === hash ? 'ok' : 'edited';
  const key = keys.byId.get(keyId);
  if (!key) return 'unknown-key';
  return key.digest(text) === hash ? 'ok' : 'edited';
}
