/**
 * The first key that one object of a JSON text names twice, with the path of that object (`[]` for
 * the top level, `['2027']` inside the year 2027), or `undefined` when every object's keys are
 * distinct. `JSON.parse` keeps the last of two equal keys without a word, so a holiday file listing
 * 2027 twice (a draft and the corrected notice pasted one under the other) silently lost one; only
 * the text can tell. Keys are compared as `JSON.parse` reads them (`"\u0032027"` is `"2027"`). The
 * text must already be valid JSON (parse it first): this walks its tokens, nothing more.
 *
 * @example
 * ```ts
 * import { duplicateJsonKey } from './json-duplicate-keys.js';
 * duplicateJsonKey('{"2027":{},"2027":{}}'); // { key: '2027', path: [] }
 * ```
 */
export function duplicateJsonKey(text: string): { readonly key: string; readonly path: readonly string[] } | undefined {
  // One frame per open object or array: an object's keys seen so far, and the key it was opened under.
  const stack: { readonly keys: Set<string> | undefined; readonly under: string | undefined }[] = [];
  let pendingKey: string | undefined;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const token = text.slice(i, j + 1);
      i = j + 1;
      const top = stack[stack.length - 1];
      // A string directly followed by ':' is a key of the innermost object.
      let k = i;
      while (k < text.length && /\s/.test(text[k]!)) k++;
      if (top?.keys !== undefined && text[k] === ':') {
        const key = JSON.parse(token) as string;
        if (top.keys.has(key)) return { key, path: stack.slice(1).map((f) => f.under ?? '') };
        top.keys.add(key);
        pendingKey = key;
        i = k + 1;
      }
      continue;
    }
    if (ch === '{' || ch === '[') {
      stack.push({ keys: ch === '{' ? new Set() : undefined, under: pendingKey });
      pendingKey = undefined;
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      pendingKey = undefined;
    }
    i++;
  }
  return undefined;
}
