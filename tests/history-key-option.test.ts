// createEngine's historyKey (and every verifier that takes one) is read by the options house rule:
// one key { id, secret } or a keyring { current, previous?, acceptUnkeyed? }, no other key, each part
// checked and named. Regression: a misspelt `previus` was ignored, so the entries the old keys sealed
// no longer verified (`unknown-key`); `acceptUnkeyed` on a single key was silently dropped; `null`, a
// string, or a `previous` that is not an array failed with a raw TypeError.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, memoryStore, virtualClock, type HistoryKeyOption } from '../src/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

const SECRET = 'a-secret-of-at-least-thirty-two-bytes!!';
const K1 = { id: 'k1', secret: SECRET };
const K0 = { id: 'k0', secret: SECRET.replace('a', 'b') };

const refusal = (historyKey: unknown) => {
  try {
    createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [reviewWorkflow], historyKey: historyKey as HistoryKeyOption });
    return 'accepted';
  } catch (error) {
    return { name: (error as Error).name, code: (error as { code?: string }).code, field: (error as { details?: { field?: unknown } }).details?.field };
  }
};

describe('historyKey is read by the options house rule', () => {
  it.each([
    ['null', null, 'historyKey'],
    ['a string', 'k1:secret', 'historyKey'],
    ['a misspelt previous', { current: K1, previus: [K0] }, 'historyKey.previus'],
    ['acceptUnkeyed on a single key', { ...K1, acceptUnkeyed: true }, 'historyKey.acceptUnkeyed'],
    ['a previous that is one key, not an array', { current: K1, previous: K0 }, 'historyKey.previous'],
    ['an acceptUnkeyed that is text', { current: K1, acceptUnkeyed: 'true' }, 'historyKey.acceptUnkeyed'],
    ['a previous key with a misspelt secret', { current: K1, previous: [{ id: 'k0', secert: SECRET }] }, 'historyKey.previous[0].secert'],
  ] as const)('refuses %s: INVALID_ARGUMENT naming the field', (_, historyKey, field) => {
    expect(refusal(historyKey)).toEqual({ name: 'DocketError', code: 'INVALID_ARGUMENT', field });
  });

  it('the right shapes are still taken', () => {
    expect([refusal(K1), refusal({ current: K1 }), refusal({ current: K1, previous: [K0], acceptUnkeyed: false })]).toEqual(['accepted', 'accepted', 'accepted']);
  });

  it('property: a key or keyring with one unknown key is refused naming that key, never taken nor a raw error', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Record<string, unknown>>(K1, { current: K1 }, { current: K1, previous: [K0] }),
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !['id', 'secret', 'current', 'previous', 'acceptUnkeyed', '__proto__'].includes(k)),
        fc.anything(),
        (shape, extra, value) => {
          const option = { ...shape, [extra]: value === undefined ? 0 : value };
          const got = refusal(option);
          expect(got).toMatchObject({ name: 'DocketError', code: 'INVALID_ARGUMENT' });
          expect((got as { field: string }).field).toBe(`historyKey.${extra}`);
        },
      ),
    );
  });
});
