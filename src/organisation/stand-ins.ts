import type { Instant } from '../clock/clock.js';
import type { Directory } from './directory.js';
import { isActiveUser } from './known-user.js';

/**
 * 代理: a standing stand-in. While `from <= now < to`, `deputy` may act on every task of `principal`
 * (optionally only in the listed workflows); the history records both people (`onBehalfOf`).
 *
 * @example
 * ```ts
 * import type { StandIn } from 'docket';
 * const leave: StandIn = { principal: 'wang', deputy: 'zhao', from: Date.parse('2026-10-08T00:00:00+08:00'), to: Date.parse('2026-10-15T00:00:00+08:00') };
 * ```
 */
export interface StandIn {
  readonly principal: string;
  readonly deputy: string;
  readonly from: Instant;
  readonly to: Instant;
  readonly workflows?: readonly string[];
}

/**
 * The stand-ins in force at `at` (for `workflow`, when given), from a directory that lists them. A
 * stand-in whose deputy is not an active user of that directory ({@link isActiveUser}: unknown, or
 * left) is not in force: the inbox does not list the principal's tasks for them and `send` does not
 * let them act (a ghost deputy acted for the principal, recorded in the history as a real person).
 *
 * @example
 * ```ts
 * import { activeStandIns, staticDirectory } from 'docket';
 * const users = [{ id: 'wang', roles: [] }, { id: 'zhao', roles: [] }];
 * const directory = staticDirectory({ users, standIns: [{ principal: 'wang', deputy: 'zhao', from: 0, to: 10 }] });
 * activeStandIns(directory, 5).map((s) => s.deputy); // ['zhao'] (with users: [], zhao is unknown: [])
 * ```
 */
export function activeStandIns(directory: Directory | undefined, at: Instant, workflow?: string): StandIn[] {
  const all = directory?.standIns?.() ?? [];
  return all.filter((s) => s.from <= at && at < s.to && (workflow === undefined || !s.workflows || s.workflows.includes(workflow)) && isActiveUser(directory, s.deputy));
}
