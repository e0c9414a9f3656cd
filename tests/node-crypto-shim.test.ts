import * as nodeCrypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as shim from '../docs/site-src/node-crypto-shim.js';

// The docs site's simulator runs the real engine in the browser with this shim for node:crypto: its
// history hashes (plain and keyed) must be the ones Node computes, or a chain sealed in one would not
// verify in the other.
describe('browser node:crypto shim', () => {
  it('hashes every string as Node does (sha256, one-shot and chunked)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), (a, b) => {
        const expected = nodeCrypto.createHash('sha256').update(a + b).digest('hex');
        expect(shim.hash('sha256', a + b, 'hex')).toBe(expected);
        expect(shim.createHash('sha256').update(a).update(b).digest('hex')).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('computes HMAC-SHA256 as Node does, with string and byte keys', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.uint8Array({ minLength: 1, maxLength: 80 }), fc.string({ unit: 'binary' }), (sk, bk, text) => {
        expect(shim.createHmac('sha256', sk).update(text).digest('hex')).toBe(nodeCrypto.createHmac('sha256', sk).update(text).digest('hex'));
        expect(shim.createHmac('sha256', bk).update(text).digest('hex')).toBe(nodeCrypto.createHmac('sha256', bk).update(text).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses other algorithms with a message naming the one it has', () => {
    expect(() => shim.createHash('md5')).toThrow(/only has sha256/);
  });
});
