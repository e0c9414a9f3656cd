import type { Directory } from './directory.js';

/**
 * Whether a person with `roles` may send `type` under a workflow's `permissions` (roles per event
 * type): an event the permissions do not list is open to everyone, a listed one needs one of its
 * roles. Only the permissions' own keys count (`__proto__` or `toString` list nothing). The one
 * reading of the rule, for `send`'s check (engine/authorize.ts) and for what a stand-in's inbox
 * offers (task-inbox.ts).
 */
export function rolesPermit(permissions: Readonly<Record<string, readonly string[] | undefined>> | undefined, type: string, roles: readonly string[]): boolean {
  const needed = permissions !== undefined && Object.hasOwn(permissions, type) ? permissions[type] : undefined;
  return needed === undefined || needed.some((role) => roles.includes(role));
}

/**
 * Whether a deputy (代理) may do `type` for `principal` under a workflow's `permissions`: the
 * principal's roles (the directory's: the deputy acts for them) and the deputy's own roles must both
 * permit it, so a stand-in never lets anyone do more than either person could. The one reading of
 * the rule for what a stand-in's inbox offers (task-inbox.ts, with the deputy's directory roles) and
 * for what `send` accepts from them (the approval plugin's authorization, with the roles the deputy
 * sends with, which the engine's own role check reads too). The inbox read the principal's roles
 * alone and send the deputy's alone: each refused what the other allowed.
 */
export function standInPermits(
  permissions: Readonly<Record<string, readonly string[] | undefined>> | undefined,
  type: string,
  directory: Directory | undefined,
  principal: string,
  deputyRoles: readonly string[],
): boolean {
  return rolesPermit(permissions, type, directory?.user(principal)?.roles ?? []) && rolesPermit(permissions, type, deputyRoles);
}
