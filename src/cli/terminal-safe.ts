/**
 * Characters that change what a terminal shows or does instead of being shown: C0 controls
 * (U+0000–U+001F, which include ESC), DEL (U+007F), C1 controls (U+0080–U+009F, which include the
 * 8-bit CSI U+009B), and the bidirectional overrides, embeddings and isolates (U+202A–U+202E,
 * U+2066–U+2069) plus the invisible direction marks (U+200E, U+200F, U+061C) that reorder a line.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

function visible(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * `text` with every terminal control character written out as a visible escape (`\x1b`, `\x07`,
 * `\u{202e}`), so text read from a database or a user's workflow (ids, actor names, labels) is shown
 * and never obeyed by the terminal. With `keepNewlines`, `\n` stays a line break (for whole blocks of
 * output the CLI composed itself); without it (one stored value: a table cell, an id) a newline is
 * escaped too, so a value cannot forge a line of output. Every other character, including
 * backslashes and CJK text, is kept as is. Pure; never throws.
 *
 * @example terminalSafe('mallory\x1b[2J') === 'mallory\\x1b[2J'
 */
export function terminalSafe(text: string, options: { readonly keepNewlines?: boolean } = {}): string {
  return text.replace(options.keepNewlines === true ? CONTROL_BUT_NEWLINE : CONTROL, visible);
}

const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * `JSON.stringify` output made terminal-safe: JSON already escapes C0 controls, and this escapes the
 * rest (DEL, C1, bidi controls) as `\uXXXX`, which parses back to the very same value.
 */
export function jsonSafe(json: string): string {
  return json.replace(JSON_UNSAFE, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
