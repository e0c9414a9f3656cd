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
 * Read `README.md`, `docs/*.md` and `docs/machines/*.md` under `repo` and render each. Links to
 * another of these files go to its page; links elsewhere in the repository stay as written.
 */
export function guidePages(repo: string): Guide[] {
  const docs = join(repo, 'docs');
  const sources = [
    ...(existsSync(join(repo, 'README.md')) ? ['README.md'] : []),
    ...readdirSync(docs).filter((f) => f.endsWith('.md')).sort(),
    ...(existsSync(join(docs, 'machines')) ? readdirSync(join(docs, 'machines')).filter((f) => f.endsWith('.md')).sort().map((f) => `machines/${f}`) : []),
  ];
  const known = new Set(sources);
  return sources.map((source) => {
    const file = source === 'README.md' ? join(repo, source) : join(docs, source);
    const text = readFileSync(file, 'utf8');
    const dir = source === 'README.md' ? '..' : posix.dirname(source);
    const link = (href: string) => {
      const m = /^([^#?:]+\.md)(#.*)?$/.exec(href);
      if (!m) return href;
      const target = posix.normalize(posix.join(dir, m[1]!));
      const key = target === '../README.md' ? 'README.md' : target;
      return known.has(key) ? `${pageOf(key)}${m[2] ?? ''}` : href;
    };
    const title = /^#\s+(.+)$/m.exec(text)?.[1]?.replace(/`/g, '') ?? basename(source, '.md');
    return { source, page: pageOf(source), title, html: blockMd(text, link) };
  });
}
