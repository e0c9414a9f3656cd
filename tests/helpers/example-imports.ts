import { join } from 'node:path';

/**
 * An example's imports of `docket` and its subpaths (`from 'docket/…'` and `import('docket/…')`
 * types) pointed at the sources under `root`, so a documented example is checked against the current
 * API, not a built package. One rule for the TSDoc examples and the markdown guides.
 */
export function pointAtSources(code: string, root: string): string {
  const src = join(root, 'src');
  const target = (sub: string | undefined): string => {
    if (sub === undefined) return join(src, 'index.js');
    if (sub === 'otel') return join(src, 'observe', 'otel.js');
    if (sub === 'internals') return join(src, 'internals.js');
    if (sub === 'machines') return join(root, 'machines', 'index.js');
    return join(src, sub, 'index.js');
  };
  return code.replace(/(from |import\()'docket(?:\/(sqlite|postgres|testing|visualizer|http|otel|internals|machines))?'/g, (_m, lead: string, sub: string | undefined) => `${lead}'${target(sub)}'`);
}
