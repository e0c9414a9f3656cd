// Each brand check throws for anything but its own kind (of any realm; a Symbol.toStringTag cannot fake it).
const COLLECTIONS: readonly (readonly [string, (value: object) => unknown])[] = [
  ['a Map', (v) => Map.prototype.has.call(v, undefined)],
  ['a Set', (v) => Set.prototype.has.call(v, undefined)],
  ['a WeakMap', (v) => WeakMap.prototype.has.call(v, {})],
  ['a WeakSet', (v) => WeakSet.prototype.has.call(v, {})],
];

/**
 * What keyed collection `value` is (`'a Map'`), or undefined. Its entries are not properties, so read
 * by name it is an object of no options: `actors: new Map([['APPROVE', li]])` or `retry: new Map(...)`
 * was every option left at its default, without a word (as a Map of tenants was, before it was refused).
 */
export function keyedCollection(value: object): string | undefined {
  // The common case first, without a thrown brand check: a literal or Object.create(null) is none.
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return undefined;
  } catch {
    return undefined; // a Proxy whose trap throws: named as a Proxy by the callers that read it
  }
  for (const [name, brand] of COLLECTIONS) {
    try {
      brand(value);
      return name;
    } catch {
      // not this kind
    }
  }
  return undefined;
}

/**
 * How a refusal names what it was given instead of the object or array it wanted: `'null'`, `'an
 * array'`, `'a Map'` (or Set, WeakMap, WeakSet), or the `typeof` (`'string'`, `'number'`, `'object'`, …). Internal: one wording for every
 * shape check's message (the directory's, the effects map's, the OpenAPI arguments', a definition's).
 */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return (typeof value === 'object' ? keyedCollection(value) : undefined) ?? typeof value;
}
