import { DocketError, isDocketError } from '../errors.js';
import type { Actor } from '../store/records.js';
import type { AnyWorkflow } from './define-workflow.js';
import type { BatchResult, Engine } from './engine-types.js';
import { archivedTenant, archivedView, type ArchivedView, type RetentionParts } from './retention.js';
import { assertId } from './validate-input.js';

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
  | 'moveTo';

/**
 * `engine.forTenant(tenant)`: the engine as one tenant sees it. `start` creates instances owned by
 * the tenant; `list` and `tasks` return only its instances and tasks; every call naming an instance
 * of another tenant (or of no tenant) throws `INSTANCE_NOT_FOUND`, exactly as for an id that does not
 * exist, so ids of other tenants do not leak. Transitions of its instances use the tenant's calendar
 * and directory (`createEngine({ tenants })`).
 */
export type TenantEngine<W extends AnyWorkflow> = Pick<Engine<W>, TenantScopedMethods> & {
  readonly tenant: string;
  /** The tenant's archived instance (with history) or purged instance's tombstone; `INSTANCE_NOT_FOUND` otherwise. */
  archived(instanceId: string): Promise<ArchivedView>;
};

function notFound(instanceId: string): DocketError {
  return new DocketError('INSTANCE_NOT_FOUND', `No instance "${instanceId}" in this tenant. Check the id (list() shows what exists).`, { instanceId });
}

/** The actor without its tenant (the view has checked it), as the engine's own methods take it. */
function plainActor(actor: Actor, tenant: string): Actor {
  if (actor === null || typeof actor !== 'object') return actor;
  if (actor.tenant !== undefined && actor.tenant !== tenant) {
    throw new DocketError('FORBIDDEN', `Actor ${String(actor.id)} belongs to tenant ${JSON.stringify(actor.tenant)}, not ${JSON.stringify(tenant)}: act through engine.forTenant(actor.tenant).`, {
      actor: actor.id,
    });
  }
  if (actor.tenant === undefined) return actor;
  const { tenant: _, ...rest } = actor;
  return rest;
}

/** Build the tenant-scoped view of `engine` (internal: `engine.forTenant`). */
export function tenantView<W extends AnyWorkflow>(engine: Engine<W>, core: RetentionParts, tenant: string): TenantEngine<W> {
  assertId(tenant, 'The tenant');
  /** Throw INSTANCE_NOT_FOUND unless the instance (live, archived or purged) belongs to this tenant. */
  async function own(instanceId: string): Promise<void> {
    assertId(instanceId, 'The instance id');
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
  const withActor = <O extends { readonly actor: Actor }>(opts: O): O => (opts && typeof opts === 'object' ? { ...opts, actor: plainActor(opts.actor, tenant) } : opts);
  return {
    tenant,
    start: (workflowId, input, opts) => engine.start(workflowId, input, { ...withActor(opts), tenant } as never),
    send: scoped((id, event, opts) => engine.send(id, event, withActor(opts))),
    async sendMany(acts, opts) {
      const results: BatchResult[] = [];
      for (const act of acts) {
        try {
          await own(act.instanceId);
        } catch (error) {
          if (!isDocketError(error, 'INSTANCE_NOT_FOUND')) throw error;
          results.push({ ok: false, instanceId: act.instanceId, error });
          continue;
        }
        results.push(...(await engine.sendMany([act], withActor(opts))));
      }
      return results;
    },
    get: scoped((id) => engine.get(id)),
    can: scoped((id, event, actor) => engine.can(id, event, plainActor(actor, tenant))),
    waitFor: scoped((id, until, opts) => engine.waitFor(id, until, opts)),
    record: scoped((id) => engine.record(id)),
    list: (query = {}) => engine.list({ ...query, tenant }),
    history: scoped((id: string, opts?: never) => engine.history(id, opts)) as Engine<W>['history'],
    async tasks(query = {}) {
      const all = await engine.tasks(query);
      const tenants = new Map<string, boolean>();
      const out = [];
      for (const task of all) {
        let mine = tenants.get(task.instanceId);
        if (mine === undefined) tenants.set(task.instanceId, (mine = (await core.store.load(task.instanceId))?.tenant === tenant));
        if (mine) out.push(task);
      }
      return out;
    },
    effects: scoped((id) => engine.effects(id)),
    verify: scoped((id) => engine.verify(id)),
    suspend: scoped((id, opts) => engine.suspend(id, withActor(opts))),
    resume: scoped((id, opts) => engine.resume(id, withActor(opts))),
    terminate: scoped((id, opts) => engine.terminate(id, withActor(opts))),
    moveTo: scoped((id, opts) => engine.moveTo(id, withActor(opts))),
    archived: scoped(async (id) => {
      const found = await archivedView(core, id);
      if (!found) throw notFound(id);
      return found;
    }),
  };
}
