import { customAlphabet } from 'nanoid';

/**
 * A new instance id: 21 characters from `0-9A-Za-z` (about 125 random bits, as nanoid's default).
 * Letters and digits only, so an id never starts with `-` (which a command line reads as an option:
 * `docket show db -abc…`) and is selected whole by a double click in a terminal or a table.
 */
export const newInstanceId: () => string = customAlphabet('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', 21);
