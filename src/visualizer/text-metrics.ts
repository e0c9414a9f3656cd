/** The two languages every label comes in. */
export type Lang = 'zh-CN' | 'en';

/** Both languages of one piece of text. */
export interface BiText {
  readonly 'zh-CN': string;
  readonly en: string;
}

/** The languages in display order. */
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

/** The same text in both languages (for ids, numbers and names that do not translate). */
export function same(text: string): BiText {
  return { 'zh-CN': text, en: text };
}

/** True when `value` looks like a {@link BiText} (both languages present as strings). */
export function isBiText(value: unknown): value is BiText {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)['zh-CN'] === 'string' &&
    typeof (value as Record<string, unknown>)['en'] === 'string'
  );
}

/** Join the texts of several {@link BiText}s language by language. */
export function joinBi(parts: readonly BiText[], separator: BiText | string): BiText {
  const sep = typeof separator === 'string' ? same(separator) : separator;
  return {
    'zh-CN': parts.map((p) => p['zh-CN']).join(sep['zh-CN']),
    en: parts.map((p) => p.en).join(sep.en),
  };
}

// Advance widths in em for a sans-serif face, rounded up so that boxes are never too small: the
// layout runs where no font is available (Node, the CLI), so it estimates instead of measuring.
const NARROW = new Set([...'iljtf.,:;!|\'" ()[]{}/']);
const WIDE_LATIN = new Set([...'mwMW@%']);

function charEm(ch: string): number {
  const code = ch.codePointAt(0) ?? 0;
  // CJK, full-width forms and most symbols beyond Latin take a full em.
  if (code >= 0x2e80 || (code >= 0x2000 && code <= 0x27bf)) return 1.0;
  if (NARROW.has(ch)) return 0.34;
  if (WIDE_LATIN.has(ch)) return 0.9;
  if (ch >= 'A' && ch <= 'Z') return 0.7;
  return 0.6;
}

/**
 * Estimated rendered width in px of `text` at `fontSize`, generous on purpose (labels must never be
 * cut off, a little slack costs nothing).
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) em += charEm(ch);
  return Math.ceil(em * fontSize * (bold ? 1.08 : 1));
}
