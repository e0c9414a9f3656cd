import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUnstorableString, isStorableString, isWellFormedByRegex } from '../src/store/payload-rules.js';

// The rule, written the slow and obvious way: no U+0000, and every surrogate paired (a high one
// followed by a low one).
function storableByDefinition(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

// Code units that matter to the rule, mixed with ordinary ones (ASCII, Latin-1, CJK).
const unit = fc.oneof(
  fc.constantFrom(0, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xd83d, 0xde00, 0x4e2d, 0xe9, 0xff, 0x100),
  fc.integer({ min: 0, max: 0xffff }),
  fc.integer({ min: 0x20, max: 0x7e }),
);
const anyString = fc.array(unit, { maxLength: 40 }).map((units) => String.fromCharCode(...units));

describe('isStorableString: well-formed Unicode without U+0000', () => {
  it('agrees with the rule written out for any string of UTF-16 code units, and findUnstorableString finds exactly the unstorable ones (fast-check, 5,000 runs)', () => {
    fc.assert(
      fc.property(anyString, (value) => {
        const expected = storableByDefinition(value);
        expect(isStorableString(value)).toBe(expected);
        // The stand-in for runtimes without String.prototype.isWellFormed agrees with it.
        expect(isWellFormedByRegex(value)).toBe(value.isWellFormed());
        expect(isWellFormedByRegex(value) && !value.includes('\u0000')).toBe(expected);
        expect(findUnstorableString({ note: value }) === undefined).toBe(expected);
      }),
      { numRuns: 5_000 },
    );
  });

  it('cases: a lone high surrogate at the end, a low one at the start, a NUL, an emoji pair, Chinese text', () => {
    expect(isStorableString('ok\uD83D')).toBe(false);
    expect(isStorableString('\uDE00ok')).toBe(false);
    expect(isStorableString('a\u0000b')).toBe(false);
    expect(isStorableString('同意 \uD83D\uDE00')).toBe(true);
    expect(isStorableString('法务审核通过')).toBe(true);
    expect(findUnstorableString({ a: ['x', 'y\u0000'] })).toEqual({ path: 'payload.a[1]', fault: 'contains U+0000 (NUL)' });
  });
});
