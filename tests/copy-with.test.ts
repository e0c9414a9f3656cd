// copyWith stands in for `{ ...base, ...props }` on the hot paths (store records, approval state):
// it must give exactly what the spread gives, keys and order included, for any data.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyWith } from '../src/store/copy-with.js';

const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'a', 'b', '0', '1'));
const record = fc.dictionary(key, fc.jsonValue(), { maxKeys: 6 }).map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>);

describe('copyWith', () => {
  it('gives what the spread gives: own keys in order, values, prototype (fast-check, 1,000 runs)', () => {
    fc.assert(
      fc.property(record, record, fc.boolean(), (base, props, freeze) => {
        if (freeze) Object.freeze(base);
        const spread = { ...base, ...props };
        const copy = copyWith(base, props);
        expect(Reflect.ownKeys(copy)).toEqual(Reflect.ownKeys(spread));
        expect(copy).toStrictEqual(spread);
        expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
        expect(Object.isFrozen(copy)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('an own "__proto__" key (as JSON.parse makes one) stays a key and does not set the prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const copy = copyWith(parsed, { b: 2 }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a', 'b']);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
    const viaProps = copyWith({ a: 1 }, parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(viaProps)).toBe(Object.prototype);
    expect(Object.keys(viaProps)).toEqual(['a', '__proto__']);
  });

  it('copies enumerable symbol keys, as the spread does, and reads getters once', () => {
    const s = Symbol('s');
    let reads = 0;
    const base = { [s]: 1, get n() { return ++reads; } };
    const copy = copyWith(base, { x: 1 });
    expect(copy[s]).toBe(1);
    expect(copy.n).toBe(1);
    expect(reads).toBe(1);
  });
});
