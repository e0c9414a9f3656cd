import type { AnyStateMachine } from 'xstate';
import { DocketError, isDocketError } from '../../errors.js';
import type { InstanceRecord } from '../../store/records.js';
import type { CommitDecision, DecideContext, Decision } from '../commit-pipeline.js';
import type { EngineParts } from '../engine-core.js';
import { toView } from '../instance-view.js';
import { MOVE_EVENT } from '../move-to-state.js';
import { nameTimer } from '../timer-identity.js';
import { assertId, assertText, checkActorInput, jsonCopy } from '../validate-input.js';
import { isProxy } from '../../input/is-proxy.js';
import { readOptions } from '../../input/read-options.js';
import { checkFilterText } from '../../store/query-rules.js';
import { machineError } from '../workflow-registry.js';
import { machineStatePaths, migrationsOf, type MigrationInstanceInfo, type WorkflowMigration } from './migration-spec.js';
import { migrationRuntime, originSnapshot } from './migration-runtime.js';
import { effectsSentAgain, votesLost } from './migration-warnings.js';
import type { MigrateOptions, MigrationBlocked, MigrationBlockCode, MigrationMove, MigrationReport } from './migration-types.js';
import { safeString } from '../../input/safe-string.js';
import { shownValue } from '../../input/shown-value.js';

/** The history entry's event type of a migration. */
export const MIGRATE_EVENT = 'docket.admin.migrate';

const MIGRATE_KEYS: readonly string[] = ['workflow', 'from', 'to', 'actor', 'reason', 'dryRun', 'where'];
/** How the one filter rule words a refusal of migrate's `where` ({@link checkFilterText}). */
const whereLabel = (field: string): string => `migrate(): ${field}`;
const WHERE_KEYS: readonly string[] = ['state', 'instanceIds', 'match', 'tenant'];

class Blocked extends Error {
  constructor(
    readonly code: MigrationBlockCode,
    message: string,
  ) {
    super(message);
  }
}

/** The leaves of a state (paths with no active child). */
function leavesOf(paths: readonly string[]): string[] {
  return paths.filter((p) => !paths.some((q) => q.startsWith(`${p}.`)));
}

/**
 * The target path for a record: the most specific mapping key that is one of its active states and
 * covers all its active leaves (a key inside one region of a parallel state does not); without one,
 * the same path when the new version has it (single leaf only).
 */
function targetOf(spec: WorkflowMigration, to: number, record: InstanceRecord, info: MigrationInstanceInfo, context: unknown, targets: ReadonlySet<string>): string {
  const leaves = leavesOf(record.statePaths);
  const covering = Object.keys(spec.states ?? {})
    .filter((key) => record.statePaths.includes(key) && leaves.every((leaf) => leaf === key || leaf.startsWith(`${key}.`)))
    .sort((a, b) => b.length - a.length);
  const key = covering[0];
  if (key === undefined) {
    if (leaves.length === 1 && targets.has(leaves[0]!)) return leaves[0]!;
    throw new Blocked('STATE_NOT_MAPPED', `State ${JSON.stringify(record.state)} has no mapping in the migration to v${to} and the new version has no state "${leaves.join('", "')}". Map it in migrations.states, or finish or move the instance first.`);
  }
  const mapping = spec.states![key]!;
  let target: string | undefined;
  if (typeof mapping === 'string') target = mapping;
  else {
    try {
      target = mapping(context, info);
    } catch (error) {
      throw new Blocked('STATE_NOT_MAPPED', `The state mapping for "${key}" threw: ${error instanceof Error ? error.message : String(error)}.`);
    }
    if (target === undefined) throw new Blocked('STATE_NOT_MAPPED', `The state mapping for "${key}" chose no state for this instance.`);
  }
  if (typeof target !== 'string' || !targets.has(target)) throw new Blocked('TARGET_STATE_INVALID', `The mapping for "${key}" chose ${shownValue(target)}, which is not a state of the new version.`);
  return target;
}

/**
 * The state path a migration maps a record to, or undefined when it cannot say (no mapping, or the
 * mapping chooses nothing or an unknown path). For tools comparing an instance's two futures.
 */
export function mappedTarget(spec: WorkflowMigration, record: InstanceRecord, targets: ReadonlySet<string>): string | undefined {
  const info: MigrationInstanceInfo = { instanceId: record.id, state: record.state, statePaths: record.statePaths, initiator: record.initiator };
  try {
    return targetOf(spec, 0, record, info, structuredClone(record.context), targets);
  } catch (error) {
    if (error instanceof Blocked) return undefined;
    throw error;
  }
}

/** What one instance's act came to, besides a move. */
type NotMoved = 'skipped' | 'finished';

/**
 * `engine.migrate`: see `Engine.migrate`. Each instance is one act of the commit pipeline (its lock,
 * a fresh load with the head check, one audited commit); a dry run plans the same commit and writes
 * nothing.
 */
export async function migrateInstances(parts: EngineParts, raw: MigrateOptions): Promise<MigrationReport> {
  // The options and the filter read once by the house rule: a key it does not know is refused (a
  // `where: { ids }` selected every instance of the version, a misspelt `dryrun: true` ran for real),
  // and so is a Proxy or a getter that throws; what was checked is what is used (dryRun was read
  // again for every instance).
  const options = readOptions(raw, { keys: MIGRATE_KEYS, what: 'migrate()', usage: '{ workflow, from, to, actor, reason, dryRun?, where? }' }) as {
    -readonly [K in keyof MigrateOptions]?: unknown;
  };
  const actor = checkActorInput(options.actor, 'migrate');
  assertId(options.workflow, 'migrate(): workflow', {}, 'workflow');
  assertText(options.reason, 'migrate(): reason', {}, 'reason');
  if (options.reason.trim() === '') throw new DocketError('INVALID_ARGUMENT', 'Say why: migrate needs a non-empty reason, for the audit trail.', { workflow: options.workflow, field: 'reason' });
  const workflow = options.workflow;
  const reason = options.reason;
  const from = options.from as number;
  const to = options.to as number;
  for (const [name, v] of [['from', from], ['to', to]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new DocketError('INVALID_ARGUMENT', `migrate(): ${name} must be a version number (a positive integer), got ${safeString(v)}.`, { workflow, field: name });
  }
  if (from === to) throw new DocketError('INVALID_ARGUMENT', `migrate(): from and to are both ${from}; name the version instances move to.`, { workflow, field: 'to' });
  // Only `true` is a dry run: `dryRun: 'true'` (a string from a form or a config) ran the real
  // migration, so anything but a boolean is refused before anything is read.
  if (options.dryRun !== undefined && typeof options.dryRun !== 'boolean') {
    throw new DocketError('INVALID_ARGUMENT', `migrate(): dryRun must be true or false, not ${shownValue(options.dryRun)}.`, { workflow, field: 'dryRun' });
  }
  const dryRun = options.dryRun === true;
  const where = (options.where === undefined ? {} : readOptions(options.where, { keys: WHERE_KEYS, what: 'migrate(): where', usage: '{ state?, instanceIds?, match?, tenant? }', path: 'where', details: { workflow } })) as {
    -readonly [K in keyof NonNullable<MigrateOptions['where']>]?: unknown;
  };
  // A string is iterable too: `instanceIds: 'inst-1'` selected by its characters (nothing), and a number threw a TypeError.
  if (where.instanceIds !== undefined && (!Array.isArray(where.instanceIds) || isProxy(where.instanceIds))) {
    throw new DocketError('INVALID_ARGUMENT', 'migrate(): where.instanceIds must be an array of instance ids.', { workflow, field: 'where.instanceIds' });
  }
  // The state and tenant select instances as list filters do, so by the one filter rule
  // (checkFilterText), named by their path here: a blank `where.state` was passed on to the store's
  // list and refused there as `state`, a field migrate does not take; an over-long one the same.
  checkFilterText(where.state, 'where.state', whereLabel);
  if (where.match !== undefined && typeof where.match !== 'function') throw new DocketError('INVALID_ARGUMENT', 'migrate(): where.match must be a function of the instance view.', { workflow, field: 'where.match' });
  checkFilterText(where.tenant, 'where.tenant', whereLabel);
  if (where.tenant !== undefined && actor.tenant !== undefined && where.tenant !== actor.tenant) {
    throw new DocketError('FORBIDDEN', `${actor.id} belongs to tenant ${JSON.stringify(actor.tenant)} and may not migrate the instances of tenant ${JSON.stringify(where.tenant)}.`, { workflow: options.workflow, actor: actor.id });
  }
  const tenant = where.tenant ?? actor.tenant;
  let listed: unknown[] | undefined;
  try {
    listed = where.instanceIds === undefined ? undefined : [...(where.instanceIds as unknown[])];
  } catch (error) {
    throw new DocketError('INVALID_ARGUMENT', 'migrate(): where.instanceIds could not be read; pass a plain array of instance ids.', { workflow, field: 'where.instanceIds', cause: error });
  }
  // Each id checked where it stands in the list, so the refusal names it (`where.instanceIds[2]`).
  listed?.forEach((id, i) => assertId(id, `migrate(): where.instanceIds[${i}]`, { workflow }, `where.instanceIds[${i}]`));
  const ids = listed === undefined ? undefined : new Set(listed);
  await parts.ready();
  const { registry, store, pipeline } = parts;
  // A version this engine does not register is the caller's `from` or `to`: named as such, saying
  // what to do (the registry's own refusal spoke of "Instance ?" and asked to keep a version
  // registered until its instances finish, with no field). WORKFLOW_NOT_FOUND, the code of a
  // workflow id or version the caller names that is not registered (a 404 over HTTP):
  // WORKFLOW_VERSION_NOT_REGISTERED is a stored instance's version gone missing, a fault of the
  // server's setup, so POST /admin/migrate with `to: 3` was answered 500, as if the server had failed.
  const versionOf = (version: number, field: 'from' | 'to') => {
    try {
      return registry.get(workflow, version);
    } catch (error) {
      if (!isDocketError(error, 'WORKFLOW_VERSION_NOT_REGISTERED')) throw error;
      const known = registry.all().filter((r) => r.workflow.id === workflow).map((r) => r.workflow.version).join(', ') || 'none';
      throw new DocketError(
        'WORKFLOW_NOT_FOUND',
        `migrate(): ${field} is version ${version} of workflow "${workflow}", which this engine does not register (registered versions: ${known}). Register both versions in createEngine({ workflows }) and migrate again; nothing was migrated.`,
        { workflow, version, field },
      );
    }
  };
  const oldReg = versionOf(from, 'from');
  const newReg = versionOf(to, 'to');
  const spec = migrationsOf(newReg.workflow).find((m) => m.from === from);
  if (!spec) {
    throw new DocketError('INVALID_MIGRATION', `Workflow "${workflow}" v${to} declares no migration from v${from}. Add migrations: migrateFrom(v${from}, { states, context }) to its definition.`, { workflow, version: to, from });
  }
  const runtime = migrationRuntime(newReg);
  if (!runtime) throw new DocketError('INVALID_MIGRATION', `Workflow "${workflow}" v${to} has a parallel root state; migrating into it is not supported. Move instances with moveTo instead.`, { workflow, version: to });
  const targets = machineStatePaths(newReg.runtime.machine);

  // Select: the instances of `workflow` on `from` matching `where`.
  const selected: string[] = [];
  let finished = 0;
  let cursor: string | undefined;
  do {
    const page = await store.list({ workflow, limit: 500, ...(tenant === undefined ? {} : { tenant }), ...(where.state === undefined ? {} : { state: where.state }), ...(cursor === undefined ? {} : { cursor }) });
    for (const r of page.items) {
      if (r.version !== from || (ids && !ids.has(r.id))) continue;
      if (where.match && !where.match(toView(r, oldReg.runtime.timerOwners))) continue;
      if (r.status === 'active') selected.push(r.id);
      else finished++;
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);

  if (!actor.roles.includes('admin')) {
    const error = new DocketError('FORBIDDEN', `Only an actor with the "admin" role may migrate instances; ${actor.id} has [${actor.roles.join(', ')}].`, { workflow, actor: actor.id });
    for (const id of selected) {
      try {
        await pipeline.refuseInput(id, actor, { type: MIGRATE_EVENT, from, to } as { type: string }, error);
      } catch (gone) {
        if (!isDocketError(gone, 'INSTANCE_NOT_FOUND')) throw gone;
      }
    }
    throw error;
  }

  // One instant for the whole run: the report's `at`, and every moved instance's entry into its new state.
  const now = parts.clock.now();
  const moved: MigrationMove[] = [];
  const blocked: MigrationBlocked[] = [];
  let skipped = 0;

  /** The decision for one instance: its move into the new version's mapped state, or why not. */
  const decide = (record: InstanceRecord, ctx: DecideContext): Decision<NotMoved> => {
    if (record.version !== from || record.workflow !== workflow) return { kind: 'skip', value: 'skipped' };
    if (record.status !== 'active') return { kind: 'skip', value: 'finished' };
    if (record.suspended) throw new Blocked('INSTANCE_SUSPENDED', `Instance ${record.id} is suspended; its held timers belong to v${from}'s states. Resume it, then migrate.`);
    ctx.restore(oldReg, record); // A snapshot v`from` cannot restore is corrupt: CORRUPT_SNAPSHOT.
    const info: MigrationInstanceInfo = { instanceId: record.id, state: record.state, statePaths: record.statePaths, initiator: record.initiator };
    // Each function gets its own copy of the stored context: what it changes in place changes nothing.
    const fresh = () => {
      const c = jsonCopy(record.context);
      return c.ok ? c.value : structuredClone(record.context);
    };
    const target = targetOf(spec, to, record, info, fresh(), targets);
    let context: unknown = record.context;
    if (spec.context) {
      try {
        context = spec.context(fresh(), info);
      } catch (error) {
        throw new Blocked('CONTEXT_TRANSFORM_FAILED', `The context transform threw: ${error instanceof Error ? error.message : String(error)}.`);
      }
    }
    const copy = jsonCopy(context);
    if (!copy.ok || typeof copy.value !== 'object' || copy.value === null || Array.isArray(copy.value)) {
      throw new Blocked('CONTEXT_INVALID', `The context transform returned ${copy.ok ? 'something that is not an object' : `a value that is not plain JSON (${copy.path}: ${copy.problem})`}.`);
    }
    context = copy.value;
    if (spec.contextSchema) {
      const parsed = spec.contextSchema.safeParse(context);
      if (!parsed.success) {
        throw new Blocked('CONTEXT_INVALID', `The new context fails the migration's contextSchema: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}.`);
      }
    }
    let step;
    try {
      // Entered at the act's instant for the instance's tenant: the new deadlines resolve from them.
      step = runtime.transition(originSnapshot(runtime, context), { type: MOVE_EVENT, target, $actor: actor, $at: ctx.now } as never, ctx.now, ctx.tenant);
    } catch (error) {
      throw machineError(error, record.id, workflow);
    }
    if (step.snapshot.status === 'error') throw machineError(step.snapshot.error, record.id, workflow);
    const persisted = newReg.runtime.persist(step.snapshot);
    let restored;
    try {
      restored = newReg.runtime.restore(persisted);
    } catch (error) {
      throw new Blocked('TARGET_STATE_INVALID', `v${to} cannot restore the migrated snapshot: ${error instanceof Error ? error.message : String(error)}.`);
    }
    // The step as v`to` holds it (its machine, not the migration runtime's): stored at v`to`, its
    // timers owned by v`to`'s states, its inbox projected by v`to`'s `tasks` hook from the timers
    // the commit arms. The old version's timers go with its states; the new state's entry armed its own.
    const decision: CommitDecision = {
      kind: 'commit',
      step: { ...step, snapshot: restored },
      reg: newReg,
      change: {
        kind: 'admin',
        event: { type: MIGRATE_EVENT, fromVersion: from, toVersion: to, fromState: record.state as never, target },
        actor,
        reason,
        cancelAll: true,
      },
    };
    return decision;
  };

  const owners = newReg.runtime.timerOwners;
  const newMachine = newReg.runtime.machine as AnyStateMachine;
  for (const instanceId of selected) {
    let record: InstanceRecord | undefined;
    try {
      const outcome = await pipeline.act<NotMoved>({
        instanceId,
        source: 'store',
        now,
        actor,
        dryRun,
        decide: (loaded, ctx) => {
          record = loaded;
          return decide(loaded, ctx);
        },
      });
      if (!outcome.commit) {
        if (outcome.value === 'skipped') skipped++;
        else finished++;
        continue;
      }
      const { instance } = outcome.commit;
      const target = (outcome.commit.history.event as unknown as { readonly target: string }).target;
      moved.push({
        instanceId,
        fromState: record!.state,
        target,
        toState: instance.state,
        timers: instance.timers.map((t) => {
          const { state, label } = nameTimer(t, owners);
          return { name: t.name, dueAt: t.dueAt, state, label };
        }),
        revision: instance.revision,
        // What the operator is warned of before a real run: entry effects sent again, votes dropped.
        effectsAgain: effectsSentAgain(newMachine, record!, instance.statePaths, target, outcome.commit.effects ?? []),
        lostVotes: votesLost(record!.context, instance.context, newMachine, instance.statePaths),
      });
    } catch (error) {
      const state = (record as InstanceRecord | undefined)?.state ?? null;
      if (error instanceof Blocked) blocked.push({ instanceId, state, code: error.code, message: error.message });
      else if (isDocketError(error)) blocked.push({ instanceId, state, code: error.code, message: error.message });
      else throw error;
    }
  }
  return { workflow, from, to, dryRun, at: now, selected: selected.length, moved, blocked, finished, skipped };
}
