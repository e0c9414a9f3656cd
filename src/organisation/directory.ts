import type { StandIn } from './stand-ins.js';

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
