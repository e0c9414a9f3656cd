import type { Directory } from '../organisation/directory.js';
import { DocketError, isDocketError } from '../errors.js';
import type { Actor } from '../store/records.js';
import type { AnyWorkflow } from './define-workflow.js';
import type { BatchResult, Engine } from './engine-types.js';
import { archivedTenant, archivedView, type ArchivedView, type RetentionParts } from './retention.js';
import { assertId, checkBatchInput } from './validate-input.js';
import { checkNewId } from '../store/id-rule.js';
import { copyOptions, isOptionsObject, readOptions } from '../input/read-options.js';
import { inboxWithStandIns, type PermissionsOf } from '../organisation/task-inbox.js';

/** Engine methods a tenant-scoped view offers: each one sees and acts on that tenant's instances only. */
export type TenantScopedMethods =
  | 'start'
  | 'send'
  | 'sendMany'
  | 'get'
  | 'can'
  | 'waitFor'
  | 'record'
  | 'list'
  | 'history'
  | 'tasks'
  | 'effects'
  | 'verify'
  | 'suspend'
  | 'resume'
  | 'terminate'
  | 'moveTo'
  | 'migrate'
  | 'retain';

/**
 * `engine.forTenant(tenant)`: the engine as one tenant sees it. `start` creates instances owned by
 * the tenant; `list` and `tasks` return only its instances and tasks; every call naming an instance
 * of another tenant (or of no tenant) throws `INSTANCE_NOT_FOUND`, exactly as for an id that does not
 * exist, so ids of other tenants do not leak. Transitions of its instances use the tenant's calendar
 * and directory (`createEngine({ tenants })`), and its inbox applies the stand-ins (代理) of the
 * tenant's directory. `migrate` and `retain` take only the tenant's instances. An actor passed in may
 * carry this tenant (it is then recorded in the history entry's actor) but no other (`FORBIDDEN`).
 */
export type TenantEngine<W extends AnyWorkflow> = Pick<Engine<W>, TenantScopedMethods> & {
  readonly tenant: string;
  /** The tenant's archived instance (with history) or purged instance's tombstone; `INSTANCE_NOT_FOUND` otherwise. */
  archived(instanceId: string): Promise<ArchivedView>;
};

function notFound(instanceId: string): DocketError {
  return new DocketError('INSTANCE_NOT_FOUND', `No instance "${instanceId}" in this tenant. Check the id (list() shows what exists).`, { instanceId });
}

/** Refuse (FORBIDDEN) an actor of another tenant; the actor is passed on as it is, tenant and all. */
function sameTenant(actor: Actor, tenant: string): Actor {
  if (actor === null || typeof actor !== 'object') return actor;
  if (actor.tenant !== undefined && actor.tenant !== tenant) {
    throw new DocketError('FORBIDDEN', `Actor ${String(actor.id)} belongs to tenant ${JSON.stringify(actor.tenant)}, not ${JSON.stringify(tenant)}: act through engine.forTenant(actor.tenant).`, {
      actor: actor.id,
    });
  }
  return actor;
}

/** The actor without its tenant, for `engine.can` (which, given a tenant, would come back here). */
function plainActor(actor: Actor, tenant: string): Actor {
  sameTenant(actor, tenant);
  if (actor === null || typeof actor !== 'object' || actor.tenant === undefined) return actor;
  const { tenant: _, ...rest } = actor;
  return rest;
}

/**
 * `query` with the tenant's filter added: its keys, inherited ones too, read once (a spread kept own
 * keys only, so an inherited `workflow` filter was dropped here and applied by `engine.list`). A value
 * that is not an object goes on as it is, for the engine to refuse (spread, `null` became `{}` and a
 * string `{ 0: 's' }`: both listed every instance of the tenant).
 */
function withTenant<Q extends object>(query: Q | undefined, tenant: string, what: string): Q {
  if (query === undefined) return { tenant } as Q;
  return isOptionsObject(query) ? ({ ...copyOptions(query, what), tenant } as Q) : query;
}

/** Build the tenant-scoped view of `engine` (internal: `engine.forTenant`). */
export function tenantView<W extends AnyWorkflow>(
  engine: Engine<W>,
  core: RetentionParts,
  tenant: string,
  /** The tenant's directory (its own, else the engine's), for the stand-ins (代理) of its inbox. */
  directoryOf: (tenant: string) => Directory | undefined,
  /** Each workflow version's permissions, for what a stand-in's inbox may list. */
  permissionsOf?: PermissionsOf,
): TenantEngine<W> {
  // A new tenant id, by the one rule every filter shares: `forTenant(' ')` started instances its own
  // `list()` refused as `tenant`.
  checkNewId(tenant, 'The tenant', 'tenant');
  /** Throw INSTANCE_NOT_FOUND unless the instance (live, archived or purged) belongs to this tenant. */
  async function own(instanceId: string): Promise<void> {
    assertId(instanceId, 'The instance id', {}, 'instanceId');
    await core.ready();
    const record = await core.store.load(instanceId);
    if (record) {
      if (record.tenant !== tenant) throw notFound(instanceId);
      return;
    }
    const gone = core.store.archived ? await archivedTenant(core, instanceId) : { found: false, tenant: undefined };
    if (!gone.found || gone.tenant !== tenant) throw notFound(instanceId);
  }
  const scoped =
    <A extends unknown[], R>(fn: (instanceId: string, ...rest: A) => Promise<R>) =>
    async (instanceId: string, ...rest: A): Promise<R> => {
      await own(instanceId);
      return fn(instanceId, ...rest);
    };
  // The options copied once (inherited keys too, a getter read once, a Proxy or a throwing getter
  // refused here): the engine then reads the copy, never the caller's object again.
  const withActor = <O extends { readonly actor: Actor }>(opts: O, what: string): O => {
    if (!isOptionsObject(opts)) return opts;
    const copy = copyOptions(opts, what);
    return { ...copy, actor: sameTenant(copy.actor, tenant) };
  };
  return {
    tenant,
    start: async (workflowId, input, opts) => engine.start(workflowId, input, (isOptionsObject(opts) ? { ...withActor(opts, 'start() options'), tenant } : opts) as never),
    // Through the batch path, which acts as the actor given, so the history entry records the actor's
    // tenant (the pipeline scopes the act to the actor's tenant as well).
    send: scoped(async (id, event, opts) => {
      // Read as engine.send reads them (an unknown key refused: a misspelt idempotencyKey was dropped here).
      const checked = isOptionsObject(opts) ? readOptions(opts, { keys: ['actor', 'idempotencyKey'], what: 'send() options', details: { instanceId: id } }) : { actor: opts as unknown };
      const act = checked.idempotencyKey !== undefined ? { instanceId: id, event, idempotencyKey: checked.idempotencyKey as string } : { instanceId: id, event };
      const [result] = await engine.sendMany([act], { actor: sameTenant(checked.actor as Actor, tenant) });
      if (!result!.ok) throw result!.error;
      return result!.view;
    }),
    async sendMany(acts, opts) {
      // As `engine.sendMany`: a malformed batch or actor is refused before any act is sent, and from
      // then on each act's failure is its own result, so a caller is never told the batch failed
      // after some of it was written.
      const batch = checkBatchInput(acts, opts);
      const scopedOpts = { actor: sameTenant(batch.actor, tenant) };
      const results: BatchResult[] = [];
      // The acts as checked, read once: a getter on an act's instanceId named this tenant's
      // instance to `own` and another tenant's to the send.
      for (const act of batch.acts as typeof acts) {
        try {
          await own(act.instanceId);
        } catch (error) {
          if (!isDocketError(error)) throw error;
          results.push({ ok: false, instanceId: act.instanceId, error });
          continue;
        }
        results.push(...(await engine.sendMany([act], scopedOpts)));
      }
      return results;
    },
    get: scoped((id) => engine.get(id)),
    can: scoped((id, event, actor) => engine.can(id, event, plainActor(actor, tenant))),
    waitFor: scoped((id, until, opts) => engine.waitFor(id, until, opts)),
    record: scoped((id) => engine.record(id)),
    list: (query) => engine.list(withTenant(query, tenant, 'The list query')),
    history: scoped((id: string, opts?: never) => engine.history(id, opts)) as Engine<W>['history'],
    async tasks(query) {
      await core.ready();
      // The store filters by the instance's tenant; stand-ins (代理) come from the tenant's directory.
      return inboxWithStandIns(core.store, directoryOf(tenant), withTenant(query, tenant, 'The tasks query'), core.clock.now(), permissionsOf);
    },
    effects: scoped((id) => engine.effects(id)),
    verify: scoped((id) => engine.verify(id)),
    suspend: scoped((id, opts) => engine.suspend(id, withActor(opts, 'suspend() options'))),
    resume: scoped((id, opts) => engine.resume(id, withActor(opts, 'resume() options'))),
    terminate: scoped((id, opts) => engine.terminate(id, withActor(opts, 'terminate() options'))),
    moveTo: scoped((id, opts) => engine.moveTo(id, withActor(opts, 'moveTo() options'))),
    // A `where` that is not an object goes through as it is, for the engine to refuse (spread, a
    // string became { 0: 's', … } and selected the tenant's every instance).
    migrate: async (opts) => {
      if (!isOptionsObject(opts)) return engine.migrate(opts);
      const copy = withActor(opts, 'migrate() options');
      const where: unknown = copy.where;
      const scopedWhere = where === undefined ? { tenant } : isOptionsObject(where) ? { ...copyOptions(where, 'migrate(): where'), tenant } : where;
      return engine.migrate({ ...copy, where: scopedWhere as never });
    },
    retain: async (opts) => engine.retain(isOptionsObject(opts) ? { ...copyOptions(opts, 'retain() options'), tenant } : opts),
    archived: scoped(async (id) => {
      const found = await archivedView(core, id);
      if (!found) throw notFound(id);
      return found;
    }),
  };
}
