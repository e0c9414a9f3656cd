// A typedoc plugin for the docs build: every public export gets an `@category` from the area its
// source file lives in (Engine, Workflow, Calendar, Clock, Store, Approvals, Errors, Testing,
// Visualizer), so the API reference groups ~200 symbols by what a reader looks for. An explicit
// `@category` in a symbol's TSDoc wins.
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc';

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

/** @param {import('typedoc').Application} app */
export function load(app) {
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
