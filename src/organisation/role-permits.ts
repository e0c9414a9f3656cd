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
