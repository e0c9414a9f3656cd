import type { StandIn } from './stand-ins.js';
import { DocketError } from '../errors.js';
import { checkNewId } from '../store/id-rule.js';

/** A person as the organisation directory knows them. */
export interface DirectoryUser {
  readonly id: string;
  readonly name?: string;
  readonly roles: readonly string[];
  readonly department?: string;
  /** Direct supervisor's user id; `null` or absent at the top. */
  readonly supervisor?: string | null;
  /** `false` for someone who left (离职) or is otherwise unavailable. */
  readonly active?: boolean;
}

/**
 * Who is who: the engine hands it to approval steps to resolve approver rules (roles, department
 * heads, supervisor chains). Lookups are synchronous and must be deterministic for a given state of
 * the organisation; the resolved people are stored with the instance, so a later change of the
 * directory never rewrites history.
 */
export interface Directory {
  user(id: string): DirectoryUser | undefined;
  usersWithRole(role: string): readonly DirectoryUser[];
  departmentHead(department: string): string | undefined;
  /** 代理: standing stand-ins (deputy acts for principal in a date range). Optional; added for approvals. */
  standIns?(): readonly StandIn[];
}

/**
 * A directory from plain data.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the field (`users[2].id`, `users[0].roles[1]`) for a
 * user id or role that is not an id by the one rule every filter shares (a string of 1 to 256
 * characters, not blank, without U+0000 or an unpaired surrogate).
 *
 * @example
 * ```ts
 * import { staticDirectory } from 'docket';
 * const directory = staticDirectory({
 *   users: [
 *     { id: 'li', roles: ['sales'], department: 'sales', supervisor: 'wang' },
 *     { id: 'wang', roles: ['manager'], department: 'sales', supervisor: null },
 *   ],
 *   departmentHeads: { sales: 'wang' },
 * });
 * directory.user('li')?.supervisor; // 'wang'
 * ```
 */
export function staticDirectory(data: {
  readonly users: readonly DirectoryUser[];
  readonly departmentHeads?: Readonly<Record<string, string>>;
  /** 代理: standing stand-ins for date ranges (see {@link StandIn}). */
  readonly standIns?: readonly StandIn[];
}): Directory {
  // Each user's id and roles are ids the engine writes (assignees, approvers) and the inbox is
  // filtered by (`assignee`, `role`): the one id rule, so a user `' '` is refused here, not made an
  // approver whose tasks no filter could find.
  data.users.forEach((u, i) => {
    checkNewId(u.id, `staticDirectory(): users[${i}].id`, `users[${i}].id`);
    if (!Array.isArray(u.roles)) throw new DocketError('INVALID_ARGUMENT', `staticDirectory(): users[${i}].roles must be an array of role ids (e.g. ['manager']), not ${u.roles === null ? 'null' : typeof u.roles}.`, { field: `users[${i}].roles` });
    u.roles.forEach((role, j) => checkNewId(role, `staticDirectory(): users[${i}].roles[${j}]`, `users[${i}].roles[${j}]`, { user: u.id }));
  });
  const byId = new Map(data.users.map((u) => [u.id, u]));
  const standIns = [...(data.standIns ?? [])];
  return {
    user: (id) => byId.get(id),
    usersWithRole: (role) => data.users.filter((u) => u.active !== false && u.roles.includes(role)),
    // Own keys only: `__proto__` or `toString` as a department finds nobody.
    departmentHead: (department) => (data.departmentHeads !== undefined && Object.prototype.hasOwnProperty.call(data.departmentHeads, department) ? data.departmentHeads[department] : undefined),
    standIns: () => standIns,
  };
}
