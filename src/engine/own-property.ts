/**
 * `record[key]` for a key the caller does not control (an event type, a role, a field name from
 * input), counting only the record's own properties: `__proto__`, `constructor` or `toString` find
 * nothing instead of `Object.prototype`'s members (internal).
 */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && record !== null && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
