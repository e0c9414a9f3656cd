// HTML templates for the static site. Run at build time in Node; every page loads one stylesheet and
// one bundle, and marks itself with <body data-page> so the bundle knows what to wire up.

/** Both languages of a piece of page text. */
export interface Bi {
  readonly 'zh-CN': string;
  readonly en: string;
}

/** Escape text for HTML content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** Both languages as two spans; CSS shows the one `html[data-lang]` selects. */
export function bi(text: Bi): string {
  return `<span class="l-zh" lang="zh-CN">${esc(text['zh-CN'])}</span><span class="l-en" lang="en">${esc(text.en)}</span>`;
}

/**
 * Several texts as one, each language with its own separator: 、 in Chinese, a comma in English
 * (never a Chinese separator inside an English cell).
 */
export function biJoin(texts: readonly Bi[]): Bi {
  return { 'zh-CN': texts.map((t) => t['zh-CN']).join('、'), en: texts.map((t) => t.en).join(', ') };
}

/** The site's icon (a docket: a folded sheet with a tick), written to favicon.svg by the build. */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="5" y="3" width="22" height="26" rx="3" fill="#1f5fae"/><path d="M10 16l4 4 8-9" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/></svg>';

export interface NavItem {
  readonly href: string;
  readonly label: Bi;
}

export interface PageOptions {
  readonly title: Bi;
  readonly page: 'home' | 'workflow' | 'timeline' | 'simulator' | 'instance' | 'guide';
  /** Path from this page to the site root (`''` or `'../'`). */
  readonly root: string;
  readonly nav: readonly NavItem[];
  readonly body: string;
  readonly data?: Record<string, string>;
}

/** A full HTML page with the header, language switch and navigation. */
export function page(options: PageOptions): string {
  const data = Object.entries(options.data ?? {})
    .map(([k, v]) => ` data-${k}="${esc(v)}"`)
    .join('');
  const nav = options.nav.map((n) => `<a href="${options.root}${n.href}" data-nav="${esc(n.href)}">${bi(n.label)}</a>`).join('');
  return `<!doctype html>
<html lang="zh-CN" data-lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(options.title['zh-CN'])} · ${esc(options.title.en)} — Docket</title>
<link rel="icon" type="image/svg+xml" href="${options.root}favicon.svg">
<link rel="stylesheet" href="${options.root}assets/site.css">
<script>document.documentElement.dataset.lang = localStorage.getItem('docket.lang') || 'zh-CN';</script>
</head>
<body data-page="${options.page}" data-root="${options.root}"${data}>
<header class="site-header">
  <a class="brand" href="${options.root}index.html">Docket</a>
  <nav>${nav}<a href="${options.root}api/index.html" data-nav="api/index.html">${bi({ 'zh-CN': 'API 参考', en: 'API reference' })}</a></nav>
  <div class="lang-switch" role="group" aria-label="Language">
    <button type="button" data-set-lang="zh-CN">中文</button><button type="button" data-set-lang="en">English</button>
  </div>
</header>
<main>
${options.body}
</main>
<script type="module" src="${options.root}assets/app.js"></script>
</body>
</html>
`;
}
