// Markdown at build time (Node only, never bundled for the browser): inline markdown in page text,
// so `docket export` reads as code rather than as literal backticks, and the docs/*.md guides.
import GithubSlugger from 'github-slugger';
import { Marked, type Tokens } from 'marked';
import { esc, type Bi } from './templates.js';

/**
 * Whether a link may be followed from the site: a relative path, a fragment, or http(s) and mailto.
 * Anything else (`javascript:`, `data:`, `vbscript:`) would run or show what the text does not say.
 */
export function safeHref(href: string): boolean {
  const scheme = /^\s*([a-z][a-z0-9+.-]*):/i.exec(href.replace(/[\u0000-\u001f\u007f]/g, ''))?.[1]?.toLowerCase();
  return scheme === undefined || scheme === 'http' || scheme === 'https' || scheme === 'mailto';
}

/** A link whose target may not be followed: its text only. */
const linkText = (inner: string, href: string) => `<span class="link-refused" title="${esc(href)}">${inner}</span>`;

/** Raw HTML in markdown is shown as text: the site's pages are built from strings, not trusted HTML. */
const marked = new Marked({
  gfm: true,
  renderer: {
    html: ({ text }) => esc(text),
    link({ href, title, tokens }) {
      const inner = this.parser.parseInline(tokens);
      return safeHref(href) ? `<a href="${esc(href)}"${title ? ` title="${esc(title)}"` : ''}>${inner}</a>` : linkText(inner, href);
    },
  },
});

/** Inline markdown (`code`, **bold**, links) to HTML; anything else is escaped. */
export function inlineMd(text: string): string {
  return marked.parseInline(text, { async: false });
}

/** Both languages with inline markdown rendered, as two spans (see `bi`). */
export function bim(text: Bi): string {
  return `<span class="l-zh" lang="zh-CN">${inlineMd(text['zh-CN'])}</span><span class="l-en" lang="en">${inlineMd(text.en)}</span>`;
}

/**
 * A heading's anchor as GitHub makes it (github-slugger, the slugger GitHub's own rendering follows,
 * repeats numbered `-1`, `-2`), so `x.md#some-heading` links written for GitHub land on the site too.
 * One slugger per document: `slugs()` starts a new one.
 */
export function slugs(): (text: string) => string {
  const slugger = new GithubSlugger();
  return (text) => slugger.slug(text);
}

/**
 * A markdown document to HTML, with links to sibling `.md` files pointed at their pages (`x.md#a` →
 * `x.html#a`) and each heading given GitHub's anchor (`id`, `-1`, `-2` for repeats). `link` returns
 * null for a target that is not on the site (a source file): its text is shown, not a dead link.
 */
export function blockMd(text: string, link: (href: string) => string | null = (h) => h): string {
  const slug = slugs();
  const doc = new Marked({
    gfm: true,
    renderer: {
      link({ href, title, tokens }) {
        const inner = this.parser.parseInline(tokens);
        const target = safeHref(href) ? link(href) : null;
        if (target === null) return linkText(inner, href);
        return `<a href="${esc(target)}"${title ? ` title="${esc(title)}"` : ''}>${inner}</a>`;
      },
      heading({ tokens, depth }: Tokens.Heading) {
        const id = slug(this.parser.parseInline(tokens, this.parser.textRenderer));
        return `<h${depth} id="${esc(id)}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
      },
    },
  });
  return doc.parse(text, { async: false });
}
