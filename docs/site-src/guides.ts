// The docs/*.md guides (and the per-process pages in docs/machines/) as site pages under guides/,
// with links between them pointed at their pages. Build time only.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { blockMd } from './markdown.js';

/** One guide: where it came from, its page name, its title (its first heading) and its HTML. */
export interface Guide {
  readonly source: string;
  readonly page: string;
  readonly title: string;
  readonly html: string;
}

/** The page a markdown file becomes: `cli.md` → `cli.html`, `machines/bid-review.md` → `machines-bid-review.html`. */
function pageOf(source: string): string {
  if (source === 'README.md') return 'overview.html';
  return `${source.replace(/\.md$/, '').replace(/\//g, '-')}.html`;
}

/**
 * Read `README.md`, `docs/*.md` and `docs/machines/*.md` under `repo` and render each. A link to
 * another of these files (or to `docs/machines/`, its index) goes to its page, with its anchor; a link
 * to anything else in the repository (a source file) is not on the site, so it is shown as text.
 */
export function guidePages(repo: string): Guide[] {
  const docs = join(repo, 'docs');
  const sources = [
    ...(existsSync(join(repo, 'README.md')) ? ['README.md'] : []),
    ...readdirSync(docs).filter((f) => f.endsWith('.md')).sort(),
    ...(existsSync(join(docs, 'machines')) ? readdirSync(join(docs, 'machines')).filter((f) => f.endsWith('.md')).sort().map((f) => `machines/${f}`) : []),
  ];
  const known = new Set(sources);
  /** A path from the repository root as a source name (`docs/cli.md` → `cli.md`, `README.md`). */
  const keyOf = (path: string) => (path.startsWith('docs/') ? path.slice('docs/'.length) : path);
  return sources.map((source) => {
    const file = source === 'README.md' ? join(repo, source) : join(docs, source);
    const text = readFileSync(file, 'utf8');
    // Links are resolved from the repository root: README.md sits there, the guides under docs/.
    const dir = source === 'README.md' ? '.' : posix.join('docs', posix.dirname(source));
    const link = (href: string): string | null => {
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#') || href.startsWith('/')) return href;
      const m = /^([^#?]*)([?#].*)?$/.exec(href)!;
      let target = posix.normalize(posix.join(dir, m[1]!));
      // A folder of guides (`docs/machines/`) is its index page.
      if (m[1]!.endsWith('/') || !target.endsWith('.md')) target = known.has(keyOf(posix.join(target, 'index.md'))) ? posix.join(target, 'index.md') : target;
      const key = keyOf(target);
      // Another guide: its page. Anything else in the repository (a source file) is not on the site.
      return known.has(key) ? `${pageOf(key)}${m[2] ?? ''}` : null;
    };
    const title = /^#\s+(.+)$/m.exec(text)?.[1]?.replace(/`/g, '') ?? basename(source, '.md');
    return { source, page: pageOf(source), title, html: blockMd(text, link) };
  });
}
