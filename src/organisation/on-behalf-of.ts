import type { Instant } from '../clock/clock.js';
import type { Directory } from './directory.js';
import { activeStandIns } from './stand-ins.js';

/**
 * Whom `deputy` acts for among `principals` at `at`: the first principal the directory lists
 * `deputy` as a stand-in (代理) for, in `workflow` (when given); `undefined` when none. Internal (for
 * the approval plugin): with `{ principal: 'wang', deputy: 'zhao', from: 0, to: 10 }` listed,
 * `standInFor(directory, 5, 'zhao', ['li', 'wang'])` is `'wang'`.
 */
export function standInFor(directory: Directory | undefined, at: Instant, deputy: string, principals: readonly string[], workflow?: string): string | undefined {
  const covered = new Set(activeStandIns(directory, at, workflow).filter((s) => s.deputy === deputy).map((s) => s.principal));
  return principals.find((p) => covered.has(p));
}
