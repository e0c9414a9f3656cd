// What Docket writes and digests of a state (canonicalJson, merkleDigest) is what JSON.stringify, and
// so every store, writes of it (ECMA-262 SerializeJSONProperty): a toJSON is given its key, a boxed
// primitive is told by its internal slot and read through valueOf / toString, a toJSON at the root
// counts. A record read back from a store then digests as the one committed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/engine/canonical-json.js';
import { merkleDigest } from '../src/engine/merkle-json.js';

describe('what Docket digests is what JSON.stringify writes', () => {
  const same = (value: unknown) => {
    const text = JSON.stringify(value) ?? 'null';
    expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(text)));
    expect(merkleDigest({ root: value })).toBe(merkleDigest(JSON.parse(JSON.stringify({ root: value })) as object));
  };

  it('a toJSON is given its key: the member name, an array item index as a string, "" at the root', () => {
    const keyed = { toJSON: (key: string) => `key=${key}` };
    expect(canonicalJson({ a: keyed, list: [keyed, keyed] })).toBe('{"a":"key=a","list":["key=0","key=1"]}');
    expect(canonicalJson(keyed)).toBe('"key="');
    same({ a: keyed, list: [keyed, { deeper: keyed }] });
  });

  it('an object with Number.prototype but no number in it is written as an object ({}), as JSON.stringify writes it', () => {
    expect(canonicalJson({ n: Object.create(Number.prototype) as object })).toBe('{"n":{}}');
    same({ n: Object.create(Number.prototype) as object, s: Object.create(String.prototype) as object, b: Object.create(Boolean.prototype) as object });
  });

  it('a boxed String is written through its toString, a boxed Number through its valueOf, as JSON.stringify reads them', () => {
    const s = Object.assign(new String('stored'), { toString: () => 'shown' });
    const n = Object.assign(new Number(1), { valueOf: () => 2 });
    expect(canonicalJson({ n, s })).toBe('{"n":2,"s":"shown"}');
    same({ n, s, b: new Boolean(false) });
  });

  it('merkleDigest of a value with a toJSON at the root digests what the toJSON gives', () => {
    expect(merkleDigest({ toJSON: () => ({ z: 1 }) })).toBe(merkleDigest({ z: 1 }));
    expect(merkleDigest({ toJSON: () => [1, 'x'.repeat(80)] })).toBe(merkleDigest([1, 'x'.repeat(80)]));
  });

  it('canonicalJson and merkleDigest agree with JSON.stringify on data holding toJSON (keyed, on objects and functions), boxed primitives (null-prototype too), prototype-only objects, dates, functions and undefined (fast-check, 500 runs)', () => {
    const leaf: fc.Arbitrary<() => unknown> = fc.oneof(
      fc.jsonValue({ maxDepth: 1 }).map((v) => () => v),
      fc.constant(() => ({ toJSON: (key: string) => `k:${key}` })),
      fc.constant(() => ({ toJSON: (key: string) => ({ at: key, long: 'y'.repeat(70) }) })),
      fc.constant(() => Object.create(Number.prototype) as object),
      fc.integer().map((n) => () => Object.assign(new Number(n), { valueOf: () => n + 1 })),
      fc.string().map((s) => () => Object.assign(new String(s), { toString: () => `${s}!` })),
      fc.boolean().map((b) => () => new Boolean(b)),
      fc.integer({ min: 0, max: 4e12 }).map((ms) => () => new Date(ms)),
      fc.constant(() => undefined),
      fc.constant(() => () => 1),
      fc.constant(() => Object.assign(() => 1, { toJSON: (key: string) => ({ fn: key }) })),
      fc.constant(() => Object.setPrototypeOf(new Boolean(true), null) as object),
    );
    const tree = fc.letrec<{ node: () => unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node'), { maxLength: 4 }).map((items) => () => items.map((make) => make())),
        fc.dictionary(fc.string({ maxLength: 4 }), tie('node'), { maxKeys: 4 }).map((members) => () => {
          const out: Record<string, unknown> = {};
          for (const [k, make] of Object.entries(members)) out[k] = make();
          return out;
        }),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (make) => {
        same(make());
      }),
      { numRuns: 500 },
    );
  });
});

describe('canonicalJson: a structure that contains itself', () => {
  it('is refused with a TypeError saying so, as JSON.stringify refuses it (not "Maximum call stack size exceeded")', () => {
    const node: Record<string, unknown> = { a: 1 };
    node['self'] = { back: [node] };
    expect(() => JSON.stringify(node)).toThrow(TypeError);
    expect(() => canonicalJson(node)).toThrow(new TypeError('Converting circular structure to JSON (canonicalJson cannot write a structure that contains itself).'));
  });

  it('shared but acyclic data is written, each copy in full (fast-check, 100 runs)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.nat({ max: 5 }), (shared, copies) => {
        const value = { list: Array.from({ length: copies }, () => shared), again: shared };
        expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))));
      }),
      { numRuns: 100 },
    );
  });
});
