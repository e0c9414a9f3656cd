// The guides on the docs site (README.md, docs/*.md, docs/machines/*.md as pages under guides/): every
// link between them lands on a page and on the heading it names, a link to a source file is shown as
// text rather than a dead link, and a markdown link never carries a script (javascript:, data:).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guidePages, type Guide } from '../docs/site-src/guides.js';
import { blockMd, inlineMd } from '../docs/site-src/markdown.js';

const repo = resolve(import.meta.dirname, '..');

/** Every href in a guide's HTML that does not lead to a guide page and an element with that id. */
function deadLinks(guides: readonly Guide[]): string[] {
  const ids = new Map(guides.map((g) => [g.page, new Set([...g.html.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]!))]));
  const dead: string[] = [];
  for (const g of guides) {
    for (const [, raw] of g.html.matchAll(/href="([^"]*)"/g)) {
      const href = raw!.replace(/&amp;/g, '&');
      if (/^(https?|mailto):/.test(href)) continue;
      const [path, hash] = href.split('#');
      const page = path === '' ? g.page : path!;
      const anchors = ids.get(page);
      if (!anchors) dead.push(`${g.source}: ${href} (no such page)`);
      else if (hash !== undefined && !anchors.has(decodeURIComponent(hash))) dead.push(`${g.source}: ${href} (no such heading)`);
    }
  }
  return dead;
}

function miniRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'docket-guides-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('the guides on the docs site', () => {
  it("every link in the project's own guides lands on a page and a heading (was: 43 anchors and README's docs/ links dead)", () => {
    expect(deadLinks(guidePages(repo))).toEqual([]);
  });

  it("README's links into docs/ go to the guide pages, docs/machines/ to its index", () => {
    const dir = miniRepo({
      'README.md': '# R\n\n[CLI](docs/cli.md) · [processes](docs/machines/) · [a heading](docs/cli.md#two-words)',
      'docs/cli.md': '# CLI\n\n## Two words\n\n[back](../README.md)',
      'docs/machines/index.md': '# Processes\n\n[CLI](../cli.md#two-words)',
    });
    const overview = guidePages(dir).find((g) => g.source === 'README.md')!;
    expect(overview.html).toContain('href="cli.html"');
    expect(overview.html).toContain('href="machines-index.html"');
    expect(overview.html).toContain('href="cli.html#two-words"');
    expect(deadLinks(guidePages(dir))).toEqual([]);
  });

  it('gives headings the anchors GitHub gives them, repeats numbered', () => {
    const html = blockMd('# Workload 1: start → act → timer (2x)\n\n## Earlier full runs\n\n## Earlier full runs\n\n## 中文 标题');
    expect(html).toContain('id="workload-1-start--act--timer-2x"');
    expect(html).toContain('id="earlier-full-runs"');
    expect(html).toContain('id="earlier-full-runs-1"');
    expect(html).toContain('id="中文-标题"');
  });

  it('shows a link to a source file as text, not as a link that 404s on the site', () => {
    const dir = miniRepo({ 'README.md': '# R\n\nRun it ([the server](examples/app/server.ts)).', 'docs/a.md': '# A\n\n[engine](../src/engine/x.ts)' });
    const guides = guidePages(dir);
    expect(deadLinks(guides)).toEqual([]);
    expect(guides.find((g) => g.source === 'README.md')!.html).toContain('the server');
  });

  it.each(['[x](javascript:alert(1))', '[x](JaVaScRiPt:alert(1))', '[x](data:text/html,<script>alert(1)</script>)', '[x](vbscript:msgbox(1))'])(
    'a workflow description or guide with %s shows the text without the link (was: a clickable script)',
    (md) => {
      for (const html of [inlineMd(md), blockMd(md)]) {
        expect(html).not.toMatch(/href="(?!https?:|mailto:)[^"]*:/i);
        expect(html).toContain('x');
      }
    },
  );

  it('property: no link marked renders has a scheme other than http, https or mailto', () => {
    const scheme = fc.constantFrom('javascript', 'JavaScript', 'data', 'vbscript', 'file', 'http', 'https', 'mailto', 'java\tscript', ' javascript', 'javascript\n');
    const href = fc.oneof(fc.tuple(scheme, fc.string()).map(([s, rest]) => `${s}:${rest.replace(/[()\s]/g, '')}`), fc.string().map((s) => s.replace(/[()\s]/g, '')));
    fc.assert(
      fc.property(href, fc.string(), (h, text) => {
        const md = `[${text.replace(/[[\]]/g, '') || 'x'}](${h})`;
        for (const html of [inlineMd(md), blockMd(md)]) {
          for (const [, value] of html.matchAll(/href="([^"]*)"/g)) {
            const decoded = value!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&').replace(/[\u0000-\u0020\u007f]/g, '');
            const s = /^([a-z][a-z0-9+.-]*):/i.exec(decoded)?.[1]?.toLowerCase();
            expect(s === undefined || ['http', 'https', 'mailto'].includes(s), `${md} → ${html}`).toBe(true);
          }
        }
      }),
      { numRuns: Number(process.env['FC_RUNS'] ?? 300) },
    );
  });
});
