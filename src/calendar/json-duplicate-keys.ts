import { createScanner } from 'jsonc-parser';

/**
 * The first key that one object of a JSON text names twice, with the path of that object (`[]` for
 * the top level, `['2027']` inside the year 2027), or `undefined` when every object's keys are
 * distinct. `JSON.parse` keeps the last of two equal keys without a word, so a holiday file listing
 * 2027 twice (a draft and the corrected notice pasted one under the other) silently lost one; only
 * the text can tell. Keys are compared as `JSON.parse` reads them (`"\u0032027"` is `"2027"`). The
 * text must already be valid JSON (parse it first).
 *
 * The text is read by `jsonc-parser`'s scanner (Microsoft's JSON tokenizer, the one VS Code uses), not a
 * tokenizer of our own: reading JSON is not what Docket is for. Its objects and arrays are followed on
 * a list, not by recursion, so any nesting `JSON.parse` reads is walked.
 *
 * @example
 * ```ts
 * import { duplicateJsonKey } from './json-duplicate-keys.js';
 * duplicateJsonKey('{"2027":{},"2027":{}}'); // { key: '2027', path: [] }
 * ```
 */
export function duplicateJsonKey(text: string): { readonly key: string; readonly path: readonly string[] } | undefined {
  // One frame per open object or array, kept on a list (no recursion): jsonc-parser's `visit`
  // recurses once per nesting level, so a text JSON.parse reads (an array nested 20,000 deep) threw
  // a raw RangeError out of parseHolidaySchedule instead of its INVALID_HOLIDAY_DATA.
  const stack: Frame[] = [];
  const scanner = createScanner(text, true);
  for (let kind = scanner.scan(); kind !== EOF; kind = scanner.scan()) {
    const top = stack[stack.length - 1];
    if (kind === OPEN_BRACE || kind === OPEN_BRACKET) {
      // The new object's or array's name in its parent: the key just read, or the array index.
      const name = top === undefined ? '' : top.keys !== undefined ? top.lastKey : String(top.index);
      stack.push({ keys: kind === OPEN_BRACE ? new Set() : undefined, name, index: 0, lastKey: '', expectKey: kind === OPEN_BRACE });
    } else if (kind === CLOSE_BRACE || kind === CLOSE_BRACKET) {
      stack.pop();
    } else if (kind === COMMA && top !== undefined) {
      if (top.keys !== undefined) top.expectKey = true;
      else top.index++;
    } else if (kind === STRING && top?.keys !== undefined && top.expectKey) {
      // A key: the scanner gives its value as JSON.parse reads it (escapes decoded).
      const key = scanner.getTokenValue();
      if (top.keys.has(key)) return { key, path: stack.slice(1).map((frame) => frame.name) };
      top.keys.add(key);
      top.lastKey = key;
      top.expectKey = false;
    }
  }
  return undefined;
}

// jsonc-parser's SyntaxKind is a const enum (not importable under isolated modules): its values.
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const COMMA = 5;
const STRING = 10;
const EOF = 17;

/** An open object (its keys so far) or array (its index so far), and its name in its parent. */
interface Frame {
  readonly keys: Set<string> | undefined;
  readonly name: string;
  index: number;
  lastKey: string;
  expectKey: boolean;
}
