// A history key's secret was refused without naming its field (every other refusal of historyKey names
// one: historyKey.previous[1].id), so a caller could not tell which of a keyring's keys was short; a
// number or an ArrayBuffer was told it was under 32 bytes. And a secret string with unpaired surrogates
// was taken, its length counted as UTF-8 bytes, although HMAC keys it with U+FFFD for each: every such
// secret of one length sealed alike (a key of random UTF-16 code units was no key at all).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, memoryStore, virtualClock, type HistoryKeyOption } from '../src/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';
import { createKeyring } from '../src/engine/history-key.js';

const SECRET = 'a-secret-of-at-least-thirty-two-bytes!!';
const refusal = (historyKey: unknown) => {
  try {
    createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [reviewWorkflow], historyKey: historyKey as HistoryKeyOption });
    return 'accepted';
  } catch (error) {
    return { code: (error as { code?: string }).code, field: (error as { details?: { field?: unknown } }).details?.field };
  }
};

describe("a history key's secret", () => {
  it.each([
    ['too short', { id: 'k1', secret: 'short' }, 'historyKey.secret'],
    ['a number', { id: 'k1', secret: 5 }, 'historyKey.secret'],
    ['an ArrayBuffer', { id: 'k1', secret: new ArrayBuffer(40) }, 'historyKey.secret'],
    ['short, in previous', { current: { id: 'k1', secret: SECRET }, previous: [{ id: 'k0', secret: SECRET }, { id: 'k2', secret: 'x' }] }, 'historyKey.previous[1].secret'],
    ['with unpaired surrogates', { id: 'k1', secret: '\uD800'.repeat(11) }, 'historyKey.secret'],
    ['with an unpaired surrogate among ascii', { current: { id: 'k1', secret: `${SECRET}\uDC00` } }, 'historyKey.current.secret'],
  ])('%s is INVALID_ARGUMENT naming its field', (_name, historyKey, field) => {
    expect(refusal(historyKey)).toEqual({ code: 'INVALID_ARGUMENT', field });
  });

  it('two secrets of unpaired surrogates sealed alike; refused now', () => {
    expect(refusal({ id: 'k1', secret: '\uD800'.repeat(11) })).not.toBe('accepted');
    expect(refusal({ id: 'k1', secret: '\uDBFF'.repeat(11) })).not.toBe('accepted');
  });
});

describe('property: a secret is taken exactly when it is well-formed and at least 32 bytes, and different secrets seal differently', () => {
  it('over strings of any code units, byte arrays and other values', () => {
    const secret = fc.oneof(
      fc.string({ unit: 'binary', minLength: 8, maxLength: 40 }),
      fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 8, maxLength: 40 }),
      fc.uint8Array({ minLength: 20, maxLength: 40 }),
      fc.constantFrom<unknown>(null, 5, [], {}, new ArrayBuffer(40)),
    );
    fc.assert(
      fc.property(secret, secret, (a, b) => {
        const ok = (s: unknown) => (typeof s === 'string' ? s.isWellFormed() && Buffer.byteLength(s) >= 32 : s instanceof Uint8Array && s.byteLength >= 32);
        const r = refusal({ id: 'k1', secret: a });
        expect(r).toEqual(ok(a) ? 'accepted' : { code: 'INVALID_ARGUMENT', field: 'historyKey.secret' });
        if (ok(a) && ok(b)) {
          const bytes = (s: unknown) => Buffer.from(typeof s === 'string' ? Buffer.from(s, 'utf8') : (s as Uint8Array)).toString('hex');
          const seal = (s: unknown) => createKeyring({ id: 'k1', secret: s as string }).current!.digest('entry');
          expect(seal(a) === seal(b)).toBe(bytes(a) === bytes(b));
        }
      }),
      { numRuns: 300 },
    );
  });
});
