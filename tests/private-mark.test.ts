import { describe, expect, it } from 'vitest';
import { privateMark } from '../src/store/private-mark.js';

describe('privateMark', () => {
  it('only the very object marked carries it: not spreads, clones, JSON, Object.assign, a prototype chain, a Proxy, nor another mark', () => {
    const seen = privateMark<string>();
    const other = privateMark<string>();
    const record = seen.mark({ id: 'a', nested: { n: 1 } }, 'checked');
    expect(seen.of(record)).toBe('checked');
    expect(other.of(record)).toBeUndefined();
    for (const copy of [{ ...record }, structuredClone(record), JSON.parse(JSON.stringify(record)) as object, Object.assign({}, record), Object.create(record) as object, new Proxy(record, {})]) {
      expect(seen.of(copy)).toBeUndefined();
    }
    // A Proxy can be marked itself; its target is not.
    const target = {};
    const proxy = seen.mark(new Proxy(target, {}), 'proxy');
    expect([seen.of(proxy), seen.of(target)]).toEqual(['proxy', undefined]);
  });

  it('a second mark of one object throws and keeps the first', () => {
    const seen = privateMark<number>();
    const record = seen.mark({}, 1);
    expect(() => seen.mark(record, 2)).toThrow(TypeError);
    expect(seen.of(record)).toBe(1);
  });
});
