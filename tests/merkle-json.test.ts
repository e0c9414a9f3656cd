// The Merkle digest of entry format 4: pinned to its documented rule (a verifier written elsewhere can
// recompute it), equal exactly when the canonical JSON is equal, and the same for data read back
// from a store as for the objects the engine committed.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/engine/canonical-json.js';
import { MERKLE_INLINE_MAX, merkleDigest } from '../src/engine/merkle-json.js';
import { freezeJsonData, StateDataFault } from '../src/engine/freeze-state.js';
import { INPUT_LIMITS } from '../src/engine/validate-input.js';

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.constantFrom('审批', '😀', '#', 'x'.repeat(70)), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 5 }),
})).object;

describe('merkleDigest: the rule, by hand', () => {
  it('holds a short node inline and a long one by "#" and its hash; keys sorted at every depth', () => {
    const long = { s: 'y'.repeat(60) }; // {"s":"yyy…"}: 67 code units, over the inline limit
    const short = [1, 'a']; // [1,"a"]: well under it, held inline
    const longText = `{"s":"${'y'.repeat(60)}"}`;
    expect(longText.length).toBeGreaterThan(MERKLE_INLINE_MAX);
    const expected = sha(`{"a":1,"l":#${sha(longText)},"s":[1,"a"]}`);
    expect(merkleDigest({ s: short, l: long, a: 1 })).toBe(expected);
    // Frozen (references cached) gives the same.
    const frozen = { s: [1, 'a'], l: { s: 'y'.repeat(60) }, a: 1 };
    freezeJsonData(frozen);
    expect(merkleDigest(frozen)).toBe(expected);
    expect(merkleDigest(frozen)).toBe(expected);
  });

  it('a string that looks like a reference is still a string', () => {
    const inner = { s: 'z'.repeat(70) };
    const ref = `#${sha(`{"s":"${'z'.repeat(70)}"}`)}`;
    expect(merkleDigest({ a: inner })).not.toBe(merkleDigest({ a: ref }));
  });

  it('undefined members are left out, undefined array items are null, dates and toJSON as JSON.stringify has them', () => {
    expect(merkleDigest({ a: 1, b: undefined })).toBe(merkleDigest({ a: 1 }));
    expect(merkleDigest([undefined, 1])).toBe(merkleDigest([null, 1]));
    const when = new Date(86_400_000);
    expect(merkleDigest({ when })).toBe(merkleDigest({ when: when.toISOString() }));
    expect(merkleDigest({ v: { toJSON: () => ({ x: 'w'.repeat(80) }) } })).toBe(merkleDigest({ v: { x: 'w'.repeat(80) } }));
    expect(() => merkleDigest({ n: 1n })).toThrowError(TypeError);
  });
});

describe('merkleDigest: the kind (fast-check)', () => {
  it('equal exactly when the canonical JSON is equal; key order and store round trips do not matter (500 runs)', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        const reordered = Object.fromEntries(Object.entries(a).reverse());
        expect(merkleDigest(reordered)).toBe(merkleDigest(a));
        // What a store hands back (JSON text parsed again) digests the same as the frozen original.
        const committed = structuredClone(a);
        freezeJsonData(committed);
        expect(merkleDigest(JSON.parse(JSON.stringify(committed)))).toBe(merkleDigest(committed));
        expect(merkleDigest(a) === merkleDigest(b)).toBe(canonicalJson(a) === canonicalJson(b));
      }),
      { numRuns: 500 },
    );
  });

  it('different data never shares a digest, whatever is nested how deep (near-misses, 500 runs)', () => {
    fc.assert(
      fc.property(json, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.string(), (a, path, leaf) => {
        // Change one leaf somewhere (or add one): the digest changes exactly when the JSON does.
        const b = structuredClone(a) as Record<string, unknown>;
        let node: Record<string, unknown> = b;
        for (const step of path.slice(0, -1)) {
          const keys = Object.keys(node);
          const next = keys.length ? node[keys[step % keys.length]!] : undefined;
          if (next === null || typeof next !== 'object') break;
          node = next as Record<string, unknown>;
        }
        const keys = Object.keys(node);
        const key = keys.length && !Array.isArray(node) ? keys[path.at(-1)! % keys.length]! : 'added';
        if (Array.isArray(node)) node.push(leaf);
        else node[key] = leaf;
        expect(merkleDigest(a) === merkleDigest(b)).toBe(canonicalJson(a) === canonicalJson(b));
      }),
      { numRuns: 500 },
    );
  });
});

describe('merkleDigest: deep nesting', () => {
  /** `depth` levels of alternating objects and arrays, a long string every 7th level (a hashed node). */
  function chain(depth: number, freezeEach: boolean): object {
    let node: object = { leaf: 'end' };
    if (freezeEach) freezeJsonData(node);
    for (let i = 0; i < depth; i++) {
      node = i % 2 === 0 ? { i, next: node, ...(i % 7 === 0 ? { s: 'x'.repeat(70) } : {}) } : [i, node];
      if (freezeEach) freezeJsonData(node);
    }
    return node;
  }

  it('digests data nested 20,000 deep without overflowing the stack (a record read back from a store carries no marks), one level more or less digests differently', () => {
    const readBack = chain(20_000, false);
    expect(() => merkleDigest({ context: readBack })).not.toThrow();
    expect(merkleDigest({ context: readBack })).toBe(merkleDigest({ context: chain(20_000, false) }));
    expect(merkleDigest({ context: readBack })).not.toBe(merkleDigest({ context: chain(19_999, false) }));
  });

  it('a context frozen level by level up to the deepest one allowed digests as the same data read back (unmarked); one level more is refused', () => {
    // chain(n) nests n + 1 levels; the context around it one more.
    const deepest = INPUT_LIMITS.contextDepth - 2;
    const committed = chain(deepest, true);
    expect(merkleDigest({ context: committed })).toBe(merkleDigest({ context: chain(deepest, false) }));
    expect(() => freezeJsonData({ next: chain(deepest, true) })).not.toThrow();
    expect(() => freezeJsonData({ a: { next: chain(deepest, true) } })).toThrow(StateDataFault);
  });

  it('past the depth written recursively, toJSON, dates, boxed primitives and left-out members are written as JSON.stringify writes them', () => {
    let node: unknown = { when: new Date(0), n: new Number(2), f: () => 1, u: undefined, list: [undefined, () => 1, new String('s')], own: { toJSON: () => ({ k: 'v'.repeat(70) }) } };
    for (let i = 0; i < 1_000; i++) node = i % 3 === 0 ? [node, { s: 'y'.repeat(i % 5 === 0 ? 70 : 3) }] : { i, node };
    const value = { context: node };
    expect(merkleDigest(value)).toBe(merkleDigest(JSON.parse(JSON.stringify(value))));
  });
});
