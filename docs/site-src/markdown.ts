// Markdown at build time (Node only, never bundled for the browser): inline markdown in page text,
// so `docket export` reads as code rather than as literal backticks, and the docs/*.md guides.
import { Marked } from 'marked';
import { esc, type Bi } from './templates.js';

/** Raw HTML in markdown is shown as text: the site's pages are built from strings, not trusted HTML. */
const marked = new Marked({ gfm: true, renderer: { html: ({ text }) => esc(text) } });

/** Inline markdown (`code`, **bold**, links) to HTML; anything else is escaped. */
export function inlineMd(text: string): string {
  return marked.parseInline(text, { async: false });
}

/** Both languages with inline markdown rendered, as two spans (see `bi`). */
export function bim(text: Bi): string {
  return `<span class="l-zh" lang="zh-CN">${inlineMd(text['zh-CN'])}</span><span class="l-en" lang="en">${inlineMd(text.en)}</span>`;
}

/** A markdown document to HTML, with links to sibling `.md` files pointed at their pages (`x.md#a` → `x.html#a`). */
export function blockMd(text: string, link: (href: string) => string = (h) => h): string {
  const doc = new Marked({
    gfm: true,
    renderer: {
      link({ href, title, tokens }) {
        const inner = this.parser.parseInline(tokens);
        return `<a href="${esc(link(href))}"${title ? ` title="${esc(title)}"` : ''}>${inner}</a>`;
      },
    },
  });
  return doc.parse(text, { async: false });
}
