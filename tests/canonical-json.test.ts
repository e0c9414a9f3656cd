import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/engine/canonical-json.js';

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).reverse().map((k) => [k, reverseKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

describe('canonicalJson', () => {
  it('round-trips any JSON value and ignores key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reverseKeys(value))).toBe(text);
      }),
    );
  });

  it('gives the same text whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
  });

  it('drops undefined fields like JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });
});

describe('history entry hashing', () => {
  it('hashes an entry exactly as canonicalJson of the whole entry would', async () => {
    const { sealEntry } = await import('../src/engine/history.js');
    const { createHash } = await import('node:crypto');
    const entry = {
      instanceId: 'i1', revision: 2, kind: 'event' as const, event: { type: 'APPROVE', z: 1, a: [2] },
      actor: { roles: ['m'], id: 'wang' }, at: 5, from: { a: 'b' }, to: 'c', prevHash: 'p', reason: 'r',
    };
    const sealed = sealEntry(entry);
    expect(sealed.hash).toBe(createHash('sha256').update(canonicalJson(entry)).digest('hex'));
  });
});
