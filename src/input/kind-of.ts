/**
 * How a refusal names what it was given instead of the object or array it wanted: `'null'`, `'an
 * array'`, or the `typeof` (`'string'`, `'number'`, `'object'`, …). Internal: one wording for every
 * shape check's message (the directory's, the effects map's, the OpenAPI arguments', a definition's).
 */
export function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}
