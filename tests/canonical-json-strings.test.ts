import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/engine/canonical-json.js';

describe('canonicalJson strings', () => {
  it('quotes every single UTF-16 unit (and surrogate pairs) exactly as JSON.stringify does, in values and keys', () => {
    const samples = ['', 'plain', '😀', '\ud83d', 'x\udc00y', '审批'];
    for (let c = 0; c < 0x10000; c += c < 0x100 ? 1 : 97) samples.push(`a${String.fromCharCode(c)}b`);
    for (const text of samples) {
      expect(canonicalJson(text)).toBe(JSON.stringify(text));
      expect(canonicalJson({ [text]: text })).toBe(`{${JSON.stringify(text)}:${JSON.stringify(text)}}`);
    }
  });
});
