// A typedoc plugin for the docs build: every public export gets an `@category` from the area its
// source file lives in (Engine, Workflow, Calendar, Clock, Store, Approvals, Errors, Testing,
// Visualizer), so the API reference groups ~200 symbols by what a reader looks for. An explicit
// `@category` in a symbol's TSDoc wins. Every API page also gets the site's navigation bar.
import { Comment, CommentTag, Converter, JSX, ReflectionKind } from 'typedoc';

/** The category of a source file, by its path under src/. */
export function categoryOf(file) {
  const path = file.replace(/\\/g, '/');
  if (/\/src\/errors\.ts$/.test(path)) return 'Errors';
  if (/\/src\/engine\/(define-workflow|effect|directory|stand-ins)\.ts$/.test(path)) return 'Workflow';
  const area = /\/src\/([^/]+)\//.exec(path)?.[1];
  const byArea = {
    engine: 'Engine',
    calendar: 'Calendar',
    clock: 'Clock',
    store: 'Store',
    sqlite: 'Store',
    postgres: 'Store',
    approvals: 'Approvals',
    testing: 'Testing',
    visualizer: 'Visualizer',
  };
  return area ? byArea[area] : undefined;
}

const NAV = [
  ['index.html', '流程', 'Workflows'],
  ['guides/index.html', '指南', 'Guides'],
  ['timeline.html', '季度时间线', 'Quarter timeline'],
  ['simulator.html', '模拟器', 'Simulator'],
  ['instance.html', '实例查看', 'Instance view'],
  ['api/index.html', 'API 参考', 'API reference'],
];

/** The site's header as HTML, with links relative to the site root `root`. */
function siteNav(root) {
  const links = NAV.map(([href, zh, en]) => `<a href="${root}${href}" data-nav="${href}">${en} · ${zh}</a>`).join('');
  return `<header class="docket-site-nav" style="display:flex;gap:16px;flex-wrap:wrap;align-items:center;padding:8px 24px;border-bottom:1px solid #d7dde5;background:#fff;font:14px system-ui,'Noto Sans CJK SC','WenQuanYi Micro Hei','PingFang SC','Microsoft YaHei',sans-serif"><a href="${root}index.html" style="font-weight:700;color:#1d2733;text-decoration:none">Docket</a><nav style="display:flex;gap:14px;flex-wrap:wrap">${links}</nav></header>`;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.renderer.hooks.on('body.begin', (context) => {
    const apiRoot = context.relativeURL('index.html').replace(/index\.html$/, '');
    return JSX.createElement(JSX.Raw, { html: siteNav(`${apiRoot}../`) });
  });
  app.renderer.hooks.on('head.end', (context) => {
    const apiRoot = context.relativeURL('index.html').replace(/index\.html$/, '');
    return JSX.createElement(JSX.Raw, { html: `<link rel="icon" type="image/svg+xml" href="${apiRoot}../favicon.svg">` });
  });
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const top = context.project.getReflectionsByKind(ReflectionKind.SomeExport);
    for (const refl of top) {
      if (!refl.parent || !(refl.parent.kindOf(ReflectionKind.Project) || refl.parent.kindOf(ReflectionKind.Module))) continue;
      const file = refl.sources?.[0]?.fullFileName ?? '';
      const category = categoryOf(file);
      if (!category) continue;
      const target = refl.comment ?? (refl.signatures?.[0]?.comment !== undefined ? undefined : undefined);
      if (refl.comment?.getTag('@category') || refl.signatures?.some((s) => s.comment?.getTag('@category'))) continue;
      refl.comment = target ?? refl.comment ?? new Comment();
      refl.comment.blockTags.push(new CommentTag('@category', [{ kind: 'text', text: category }]));
    }
  });
}
