import type { Instant } from '../clock/clock.js';
import type { Directory } from './directory.js';
import { activeStandIns } from './stand-ins.js';

/**
 * Whom `deputy` acts for among `principals` at `at`: the first principal the directory lists
 * `deputy` as a stand-in (代理) for, in `workflow` (when given); `undefined` when none. Internal (for
 * the approval plugin): with `{ principal: 'wang', deputy: 'zhao', from: 0, to: 10 }` listed,
 * `standInFor(directory, 5, 'zhao', ['li', 'wang'], undefined, [])` is `'wang'`, and with
 * `['zhao']` seated it is `undefined`.
 *
 * `seated` is who holds a seat in the step the principals' task belongs to (the approval plugin's
 * `seatHolders`; on an inbox task, `TaskRecord.seated`). A deputy among them stands in for nobody
 * there: one person counts once in a step's tally (会签, 票签, 依次 and, for the same rule everywhere,
 * 或签), so they act in their own seat only, and the principal's task goes to someone else (转交 by an
 * administrator, or the principal's 委托). The one rule for the stand-in's inbox (task-inbox.ts) and
 * for what `send` accepts from them (approvalAuthorize).
 */
export function standInFor(
  directory: Directory | undefined,
  at: Instant,
  deputy: string,
  principals: readonly string[],
  workflow: string | undefined,
  seated: readonly string[],
): string | undefined {
  if (seated.includes(deputy)) return undefined;
  const covered = new Set(activeStandIns(directory, at, workflow).filter((s) => s.deputy === deputy).map((s) => s.principal));
  return principals.find((p) => covered.has(p));
}
