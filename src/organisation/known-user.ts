import { DocketError, type DocketErrorDetails } from '../errors.js';
import type { Directory } from './directory.js';
import { checkNewId, isId } from '../store/id-rule.js';

/**
 * Whether `id` is someone the directory knows and who can still act: listed, and not marked
 * inactive (离职, `active: false`). The one reading of the rule for every person an approval act
 * brings in (抄送, 转交, 委托, 加签), for the deputies of stand-ins (代理) and for the people approver
 * rules resolve. An id that breaks the one id rule (empty, blank, over 256 characters, U+0000 or an
 * unpaired surrogate) is never active: no inbox filter could find such a person. Without a directory
 * nobody can be looked up, so everyone else counts as active (the engine then takes the people an act
 * names as given).
 *
 * @example
 * ```ts
 * import { isActiveUser, staticDirectory } from 'docket';
 * const directory = staticDirectory({ users: [{ id: 'li', roles: [] }, { id: 'chen', roles: [], active: false }] });
 * [isActiveUser(directory, 'li'), isActiveUser(directory, 'chen'), isActiveUser(directory, 'nobody'), isActiveUser(undefined, ' ')]; // [true, false, false, false]
 * ```
 */
export function isActiveUser(directory: Directory | undefined, id: string): boolean {
  // The one id rule first, directory or not: a person whose id no filter takes (blank, over-long) is
  // nobody. Without it an approver rule's people (`users(' ')`, a form field or a chosen list holding
  // `' '` or 300 characters) became assignees of tasks no `tasks({ assignee })` could list.
  if (!isId(id)) return false;
  if (directory === undefined) return true;
  const user = directory.user(id);
  return user !== undefined && user.active !== false;
}

/**
 * Refuse a person an act names who is not {@link isActiveUser}: thrown as `OPERATION_NOT_ALLOWED`
 * with `details.field` (the payload field that names them: `to`, `users`) and `details.user`, before
 * anything changes.
 *
 * Thrown when the directory does not know `id`, or knows them as inactive (left the organisation).
 * Before that, `INVALID_ARGUMENT` naming `field` when `id` is not an id by the one rule every filter
 * shares (empty, blank, over 256 characters, U+0000 or an unpaired surrogate), with or without a
 * directory: such a person could never be found by `tasks({ assignee })`.
 *
 * @example
 * ```ts
 * import { checkActiveUser, staticDirectory } from 'docket';
 * const directory = staticDirectory({ users: [{ id: 'li', roles: [] }] });
 * checkActiveUser(directory, 'li', 'to'); // passes
 * // checkActiveUser(directory, 'ghost', 'users') throws OPERATION_NOT_ALLOWED, details { field: 'users', user: 'ghost' }
 * // checkActiveUser(directory, ' ', 'to') throws INVALID_ARGUMENT, details { field: 'to', user: ' ' }
 * ```
 */
export function checkActiveUser(directory: Directory | undefined, id: string, field: string, details: DocketErrorDetails = {}): void {
  // The person an act brings in becomes an assignee, a delegate or a copy (抄送), which the inbox is
  // filtered by: first the one id rule, directory or not (without one, `to: ' '` was taken as given
  // and made a task no `tasks({ assignee })` could find).
  checkNewId(id, `"${field}" names a person whose id`, field, { ...details, user: id });
  if (isActiveUser(directory, id)) return;
  const known = directory?.user(id) !== undefined;
  throw new DocketError(
    'OPERATION_NOT_ALLOWED',
    `"${field}" names ${id}, who ${known ? 'has left the organisation (inactive in the directory)' : 'is unknown to the directory'}; name someone who can act, or update the directory first.`,
    { ...details, field, user: id },
  );
}

/**
 * The ids of a role's members who can act ({@link isActiveUser}), in the directory's order: the one
 * reading of a role for every place an approval step offers it (a rule's role, its 认领 group, a
 * fallback or escalation role). Internal. A directory's `usersWithRole` may list people who have left
 * (the `Directory` contract does not say otherwise); only a plain role rule dropped them, so a claim
 * group, a fallback or an escalation offered the task to them, and a group of leavers alone left the
 * step waiting for a claim nobody could make, where `whenNobody` should have decided.
 */
export function activeMembers(directory: Directory | undefined, role: string): string[] {
  if (directory === undefined) return [];
  return directory.usersWithRole(role).flatMap((u) => (isActiveUser(directory, u.id) ? [u.id] : []));
}
