import type { Instant } from '../clock/clock.js';
import type { TaskRecord } from '../store/records.js';
import type { Store, TaskQuery } from '../store/store.js';
import { checkTaskQuery, PAGE_LIMIT_MAX } from '../store/query-rules.js';
import type { Directory } from './directory.js';
import { activeStandIns } from './stand-ins.js';
import { standInFor } from './on-behalf-of.js';
import { standInPermits } from './role-permits.js';

/**
 * What a workflow version lets a stand-in do: the roles each event needs (its `permissions`) and the
 * events a deputy may send for a task's holder (its `standInActions`; absent: every action), or
 * `undefined` when that version is not registered (no act on its instances is accepted).
 */
export type PermissionsOf = (
  workflow: string,
  version: number,
) => { readonly permissions: Readonly<Record<string, readonly string[] | undefined>>; readonly standInActions?: readonly string[] } | undefined;

/**
 * The inbox for a query: the store's tasks, plus, for an `assignee` who stands in for someone today
 * (代理), the tasks `send` would let them act on for that person: those the person holds in person
 * (`TaskRecord.holders`), in the stand-in's workflows — decided by {@link standInFor}, the rule the
 * approval plugin's authorization applies — with the actions {@link standInPermits} allows under the
 * permissions of the task's workflow version (`permissionsOf`): both the person's and the deputy's
 * roles (the directory's) must permit each, as `send` checks them; a task with none left is not
 * listed. Nor is a task of a step where the deputy holds a seat of their own (`TaskRecord.seated`,
 * the same rule): one person counts once in a step, so they act in their own seat only. A deputy who is not an active user is no stand-in ({@link activeStandIns}). Without
 * stand-ins it is exactly `store.tasks(query)`.
 */
export async function inboxWithStandIns(
  store: Store,
  directory: Directory | undefined,
  query: TaskQuery,
  now: Instant,
  permissionsOf?: PermissionsOf,
): Promise<readonly TaskRecord[]> {
  // Read once, by the stores' own rule: the stand-ins' queries below are built from this copy, so an
  // inherited filter is not dropped by a spread and a getter is not read again.
  const { limit, bound } = checkTaskQuery(query);
  const asked = limit === PAGE_LIMIT_MAX ? bound : { ...bound, limit };
  const own = await store.tasks(asked);
  if (bound.assignee === undefined) return own;
  const deputy = bound.assignee;
  const covering = activeStandIns(directory, now).filter((s) => s.deputy === deputy);
  if (covering.length === 0) return own;
  const out = [...own];
  const seen = new Set(own.map((t) => t.id));
  for (const s of covering) {
    for (const task of await store.tasks({ ...asked, assignee: s.principal })) {
      // The rule `send` applies (approvalAuthorize): a deputy acts only for a task's holder in
      // person, in a workflow and at an instant the stand-in covers, and not in a step where they
      // hold a seat of their own (`seated`). A group task the principal could claim, or one
      // delegated to them, was listed here and then refused as FORBIDDEN; the principal's task in a
      // step the deputy sits in was listed although deciding it would count the deputy twice.
      if (seen.has(task.id) || standInFor(directory, now, deputy, task.holders ?? task.assignees, task.workflow, task.seated ?? []) === undefined) continue;
      const allowed = permissionsOf === undefined ? task : await actionsFor(store, directory, s.principal, deputy, task, permissionsOf);
      if (allowed === undefined) continue;
      seen.add(task.id);
      out.push(allowed);
    }
  }
  // The stand-ins' tasks join the deputy's own: the page is still at most `limit` long.
  return out.length > limit ? out.slice(0, limit) : out;
}

/**
 * The task as `deputy` may act on it for `principal` under its workflow version: its actions that are
 * among the version's `standInActions` (the stand-in's inbox offered 抄送 CC and 减签 REMOVE_SIGNER,
 * which `send` refuses from a deputy) and that {@link standInPermits} allows (an event without
 * permissions is open to all), or
 * undefined when none are left or the version is not registered. The version is the task's own (stamped at commit), or,
 * for a task stored before it was, its instance's. The stand-in's inbox listed the principal's tasks
 * whatever the workflow's roles said (the task named no version to look them up by).
 */
async function actionsFor(store: Store, directory: Directory | undefined, principal: string, deputy: string, task: TaskRecord, permissionsOf: PermissionsOf): Promise<TaskRecord | undefined> {
  const version = task.version ?? (await store.load(task.instanceId))?.version;
  if (version === undefined) return undefined;
  const rules = permissionsOf(task.workflow, version);
  if (rules === undefined) return undefined;
  const { permissions, standInActions } = rules;
  const deputyRoles = directory?.user(deputy)?.roles ?? [];
  const actions = task.actions.filter((type) => (standInActions === undefined || standInActions.includes(type)) && standInPermits(permissions, type, directory, principal, deputyRoles));
  if (actions.length === 0) return undefined;
  return actions.length === task.actions.length ? task : { ...task, actions };
}
