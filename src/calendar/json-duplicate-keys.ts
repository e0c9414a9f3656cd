import { visit } from 'jsonc-parser';

/**
 * The first key that one object of a JSON text names twice, with the path of that object (`[]` for
 * the top level, `['2027']` inside the year 2027), or `undefined` when every object's keys are
 * distinct. `JSON.parse` keeps the last of two equal keys without a word, so a holiday file listing
 * 2027 twice (a draft and the corrected notice pasted one under the other) silently lost one; only
 * the text can tell. Keys are compared as `JSON.parse` reads them (`"\u0032027"` is `"2027"`). The
 * text must already be valid JSON (parse it first).
 *
 * The text is walked by `jsonc-parser` (Microsoft's JSON scanner, the one VS Code uses), not a
 * tokenizer of our own: reading JSON is not what Docket is for.
 *
 * @example
 * ```ts
 * import { duplicateJsonKey } from './json-duplicate-keys.js';
 * duplicateJsonKey('{"2027":{},"2027":{}}'); // { key: '2027', path: [] }
 * ```
 */
export function duplicateJsonKey(text: string): { readonly key: string; readonly path: readonly string[] } | undefined {
  // One frame per open object or array: an object's keys seen so far (none for an array).
  const stack: (Set<string> | undefined)[] = [];
  let found: { readonly key: string; readonly path: readonly string[] } | undefined;
  visit(text, {
    onObjectBegin: () => {
      stack.push(new Set());
      return found === undefined;
    },
    onArrayBegin: () => {
      stack.push(undefined);
      return found === undefined;
    },
    onObjectEnd: () => void stack.pop(),
    onArrayEnd: () => void stack.pop(),
    onObjectProperty: (key, _offset, _length, _line, _character, pathSupplier) => {
      const keys = stack[stack.length - 1];
      if (found !== undefined || keys === undefined) return;
      // The path of the object holding `key`, by the keys (and array indexes) leading to it.
      if (keys.has(key)) found = { key, path: pathSupplier().map(String) };
      keys.add(key);
    },
  });
  return found;
}
