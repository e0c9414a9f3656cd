import type { StandIn } from './stand-ins.js';
import { DocketError } from '../errors.js';
import { checkNewId } from '../store/id-rule.js';
import { plainInput } from '../input/plain-input.js';
import { readOptions } from '../input/read-options.js';
import { kindOf } from '../input/kind-of.js';
import { checkMethodObject } from '../input/method-object.js';
import { checkWholeInstant } from '../clock/whole-instant.js';

const USER_FIELDS = ['id', 'name', 'roles', 'department', 'supervisor', 'active'] as const;
const STAND_IN_KEYS = ['principal', 'deputy', 'from', 'to', 'workflows'] as const;

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

/** The methods every {@link Directory} has, and the one it may leave out (the compiler checks both lists are whole). */
const DIRECTORY_METHODS: readonly string[] = Object.keys({ user: true, usersWithRole: true, departmentHead: true } satisfies Record<Exclude<keyof Directory, 'standIns'>, true>);
const OPTIONAL_DIRECTORY_METHODS: readonly string[] = Object.keys({ standIns: true } satisfies Record<Exclude<keyof Directory, 'user' | 'usersWithRole' | 'departmentHead'>, true>);

/**
 * Refuse, where it is given, a value that is not a {@link Directory}: `null`, a number, or an object
 * without `user()`, `usersWithRole()` and `departmentHead()` (or whose `standIns` is not a function).
 * `INVALID_ARGUMENT` with `details.field` (`directory`, `tenants.acme.directory`); `undefined` passes
 * (no directory). A directory `{}` was taken and failed, raw, at the first approval step. Only the
 * shape is checked: a custom directory is still asked live at each act. Internal: `createEngine`
 * calls it (not exported, so no compiled example).
 */
export function checkDirectory(value: unknown, field: string, what: string): asserts value is Directory | undefined {
  checkMethodObject(value, {
    what,
    field,
    noun: 'a directory',
    usage: "staticDirectory({ users: [...] }) from 'docket', or an object with user(id), usersWithRole(role) and departmentHead(department)",
    methods: DIRECTORY_METHODS,
    optional: OPTIONAL_DIRECTORY_METHODS,
    required: false,
  });
}

/** How many people a supervisor-cycle refusal names before it says how many more there are. */
const CYCLE_NAMES_SHOWN = 8;

/**
 * Refuse a chart the supervisor chain cannot be walked up: a supervisor who is not a listed user (the
 * chain stopped there without a word: 连续多级主管 skipped every level above), the user themselves,
 * or a cycle (a → b → a), each `INVALID_ARGUMENT` naming `users[i].supervisor`. The chain walk
 * (`supervisorChain`) stops at a cycle anyway, for a custom directory; a static one has none.
 */
function checkSupervisors(users: readonly DirectoryUser[]): void {
  const index = new Map<string, number>();
  users.forEach((u, i) => index.set(u.id, i));
  const field = (i: number) => `users[${i}].supervisor`;
  users.forEach((u, i) => {
    const boss = u.supervisor;
    if (boss === undefined || boss === null) return;
    if (boss === u.id) throw new DocketError('INVALID_ARGUMENT', `staticDirectory(): users[${i}] ("${u.id}") is their own supervisor; give the person they report to, or null at the top.`, { field: field(i), user: u.id });
    if (!index.has(boss)) throw new DocketError('INVALID_ARGUMENT', `staticDirectory(): users[${i}].supervisor is "${boss}", who is not in users; list them in users (active: false if they left), or give null at the top.`, { field: field(i), user: u.id });
  });
  // Each user's chain, walked once: 0 unseen, 1 on the current walk, 2 known to reach the top.
  const state = new Array<number>(users.length).fill(0);
  for (let i = 0; i < users.length; i++) {
    const walk: number[] = [];
    let at: number | undefined = i;
    while (at !== undefined && state[at] === 0) {
      state[at] = 1;
      walk.push(at);
      const boss: string | null | undefined = users[at]!.supervisor;
      at = boss === undefined || boss === null ? undefined : index.get(boss);
    }
    if (at !== undefined && state[at] === 1) {
      const loop = walk.slice(walk.indexOf(at));
      const first = Math.min(...loop);
      const ordered = [...loop.slice(loop.indexOf(first)), ...loop.slice(0, loop.indexOf(first))].map((n) => users[n]!.id);
      // At most CYCLE_NAMES_SHOWN names: a cycle of 100,000 people made a message of 889,000 characters.
      const names = ordered.length <= CYCLE_NAMES_SHOWN ? [...ordered, ordered[0]].join(' → ') : `${ordered.slice(0, CYCLE_NAMES_SHOWN).join(' → ')} → … (${ordered.length} people) → ${ordered[0]}`;
      throw new DocketError('INVALID_ARGUMENT', `staticDirectory(): the supervisors form a cycle (${names}); someone in it reports to no one in it (null at the top).`, { field: field(first), user: users[first]!.id });
    }
    for (const n of walk) state[n] = 2;
  }
}

/**
 * A directory from plain data, read once: the users, department heads and stand-ins are copied into
 * deep-frozen data of the directory's own, so a caller changing its objects afterwards changes nobody
 * (build a new directory, or implement {@link Directory} over your own source, for an organisation
 * that changes while the engine runs). Before, `user(id)` answered from the users as given while
 * `usersWithRole` and `departmentHead` read the caller's arrays and objects again at each call: a
 * user pushed afterwards was a role member that `user(id)` did not know, and a role added afterwards
 * skipped the id rule below.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the field (`users[2].id`, `users[0].roles[1]`,
 * `standIns[0].deputy`, `departmentHeads.sales`) for a user id, role, department head or stand-in's person that is not an id by the one rule
 * every filter shares (a string of 1 to 256 characters, not blank, without U+0000 or an unpaired
 * surrogate), a stand-in whose `from`/`to` are not whole epoch ms with `from < to` (`standIns[0].to`), a user id given twice (`user(id)` and `usersWithRole` answered from different entries),
 * an unknown key of the data or of a stand-in (`standins`: the stand-ins were silently dropped; a
 * stand-in's `workflow`: it covered every workflow), a user's `active` that is not a boolean, `name`
 * that is not a string, `department` or `supervisor` that is not an id (`supervisor` may be `null`),
 * a stand-in's `workflows` that is not an array of ids, a department key that is not an id, a
 * department head who is not a listed user (`departmentHeads.sales`), a supervisor who is not a listed
 * user, the user themselves or part of a cycle (`users[3].supervisor`), an argument that is not an object,
 * or (as every kept input) a getter, inherited key, class instance or Map inside it.
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
  const given = readOptions(data, { keys: ['users', 'departmentHeads', 'standIns'], what: 'staticDirectory()', usage: '{ users, departmentHeads?, standIns? }', field: 'data' });
  const read = (value: unknown, field: string) => plainInput(value, 'staticDirectory()', field, { ownData: true });
  const users = read(given.users, 'users') as readonly DirectoryUser[];
  if (!Array.isArray(users)) throw new DocketError('INVALID_ARGUMENT', `staticDirectory(): users must be an array of { id, roles }, not ${kindOf(users)}.`, { field: 'users' });
  // Each user's id and roles are ids the engine writes (assignees, approvers) and the inbox is
  // filtered by (`assignee`, `role`): the one id rule, so a user `' '` is refused here, not made an
  // approver whose tasks no filter could find.
  const byId = new Map<string, DirectoryUser>();
  users.forEach((u, i) => {
    if (typeof u !== 'object' || u === null || Array.isArray(u)) throw new DocketError('INVALID_ARGUMENT', `staticDirectory(): users[${i}] must be { id, roles }, not ${kindOf(u)}.`, { field: `users[${i}]` });
    // The fields the directory reads, checked: `active: 'no'` was taken as active (a leaver offered tasks
    // and resolved as an approver), `supervisor: 5` or a blank department kept as given. Other keys are
    // the caller's own data and pass (the inbox example's users carry `nameEn` and `zone`).
    const entry = u as { readonly [K in (typeof USER_FIELDS)[number]]?: unknown };
    checkNewId(u.id, `staticDirectory(): users[${i}].id`, `users[${i}].id`);
    if (entry.active !== undefined && typeof entry.active !== 'boolean') {
      throw new DocketError('INVALID_ARGUMENT', `staticDirectory(): users[${i}].active must be true or false (false: left the organisation), not ${kindOf(entry.active)}.`, { field: `users[${i}].active`, user: u.id });
    }
    if (entry.name !== undefined && typeof entry.name !== 'string') throw new DocketError('INVALID_ARGUMENT', `staticDirectory(): users[${i}].name must be a string, not ${kindOf(entry.name)}.`, { field: `users[${i}].name`, user: u.id });
    // A department and a supervisor are looked up by id (departmentHead, the supervisor chain): the one id rule.
    if (entry.department !== undefined) checkNewId(entry.department, `staticDirectory(): users[${i}].department`, `users[${i}].department`, { user: u.id });
    if (entry.supervisor !== undefined && entry.supervisor !== null) checkNewId(entry.supervisor, `staticDirectory(): users[${i}].supervisor (null at the top)`, `users[${i}].supervisor`, { user: u.id });
    if (!Array.isArray(u.roles)) throw new DocketError('INVALID_ARGUMENT', `staticDirectory(): users[${i}].roles must be an array of role ids (e.g. ['manager']), not ${kindOf(u.roles)}.`, { field: `users[${i}].roles` });
    (u.roles as readonly unknown[]).forEach((role: unknown, j: number) => checkNewId(role, `staticDirectory(): users[${i}].roles[${j}]`, `users[${i}].roles[${j}]`, { user: u.id }));
    if (byId.has(u.id)) throw new DocketError('INVALID_ARGUMENT', `staticDirectory(): users[${i}].id "${u.id}" is given twice; list each person once.`, { field: `users[${i}].id`, user: u.id });
    byId.set(u.id, u);
  });
  const heads = given.departmentHeads === undefined ? undefined : (read(given.departmentHeads, 'departmentHeads') as Readonly<Record<string, string>>);
  if (heads !== undefined && (typeof heads !== 'object' || heads === null || Array.isArray(heads))) {
    throw new DocketError('INVALID_ARGUMENT', `staticDirectory(): departmentHeads must be an object of head user ids by department, not ${kindOf(heads)}.`, { field: 'departmentHeads' });
  }
  // A department's head is a person the engine makes an assignee: an id by the one rule.
  if (heads !== undefined) {
    for (const [department, head] of Object.entries(heads)) {
      // The department too: a user's department is an id by the same rule, so a key ' ' is nobody's.
      checkNewId(department, `staticDirectory(): departmentHeads: the department ${JSON.stringify(department)}`, `departmentHeads.${department}`);
      checkNewId(head, `staticDirectory(): departmentHeads[${JSON.stringify(department)}]`, `departmentHeads.${department}`);
      // A head the directory does not list was an approver `user(head)` did not know: resolved, then
      // dropped as unknown (NO_APPROVER), so the step silently fell to its whenNobody.
      if (!byId.has(head)) {
        throw new DocketError('INVALID_ARGUMENT', `staticDirectory(): departmentHeads[${JSON.stringify(department)}] is "${head}", who is not in users; list them in users (active: false if they left) or name a listed person.`, { field: `departmentHeads.${department}`, user: head });
      }
    }
  }
  checkSupervisors(users);
  const standIns = (given.standIns === undefined ? [] : read(given.standIns, 'standIns')) as readonly StandIn[];
  if (!Array.isArray(standIns)) throw new DocketError('INVALID_ARGUMENT', `staticDirectory(): standIns must be an array of { principal, deputy, from, to }, not ${kindOf(standIns)}.`, { field: 'standIns' });
  standIns.forEach((s, i) => {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new DocketError('INVALID_ARGUMENT', `staticDirectory(): standIns[${i}] must be { principal, deputy, from, to }, not ${kindOf(s)}.`, { field: `standIns[${i}]` });
    // A stand-in's keys are Docket's own, by the options rule: a misspelt `workflow` made the stand-in
    // cover every workflow; `workflows: 'contract-approval'` (a string) matched any workflow whose id
    // it contains ('contract'), by String.includes. Both widened what the deputy may do.
    const entry = readOptions(s, { keys: STAND_IN_KEYS, what: `staticDirectory(): standIns[${i}]`, usage: '{ principal, deputy, from, to, workflows? }', path: `standIns[${i}]` });
    if (entry.workflows !== undefined) {
      if (!Array.isArray(entry.workflows)) throw new DocketError('INVALID_ARGUMENT', `staticDirectory(): standIns[${i}].workflows must be an array of workflow ids (leave it out for every workflow), not ${kindOf(entry.workflows)}.`, { field: `standIns[${i}].workflows` });
      (entry.workflows as readonly unknown[]).forEach((w, j) => checkNewId(w, `staticDirectory(): standIns[${i}].workflows[${j}]`, `standIns[${i}].workflows[${j}]`));
    }
    checkNewId(s.principal, `staticDirectory(): standIns[${i}].principal`, `standIns[${i}].principal`);
    checkNewId(s.deputy, `staticDirectory(): standIns[${i}].deputy`, `standIns[${i}].deputy`);
    // When it is in force, as every instant Docket takes: whole ms since the epoch, `from` before `to`.
    // A `from: 'soon'` or NaN, or a range that ends before it starts, was taken and never in force.
    checkWholeInstant(s.from, `standIns[${i}].from`, "staticDirectory():");
    checkWholeInstant(s.to, `standIns[${i}].to`, "staticDirectory():");
    if (s.from >= s.to) throw new DocketError('INVALID_ARGUMENT', `staticDirectory(): standIns[${i}] ends (to ${s.to}) before it starts (from ${s.from}); give the range it is in force, from < to.`, { field: `standIns[${i}].to` });
  });
  return {
    user: (id) => byId.get(id),
    usersWithRole: (role) => users.filter((u) => u.active !== false && u.roles.includes(role)),
    // Own keys only: `__proto__` or `toString` as a department finds nobody.
    departmentHead: (department) => (heads !== undefined && Object.prototype.hasOwnProperty.call(heads, department) ? heads[department] : undefined),
    standIns: () => standIns,
  };
}
