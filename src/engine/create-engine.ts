import { EventEmitter } from 'eventemitter3';
import { nanoid } from 'nanoid';
import type { AnyMachineSnapshot } from 'xstate';
import type { Instant } from '../clock/clock.js';
import { DocketError, isDocketError } from '../errors.js';
import type { Actor, InstanceRecord } from '../store/records.js';
import type { Commit } from '../store/store.js';
import { checkActor, checkEvent, checkPayload, checkTakesEvents } from './authorize.js';
import { canonicalJson, sha256 } from './canonical-json.js';
import type { AnyWorkflow, InstanceFacts } from './define-workflow.js';
import type { BatchResult, CanResult, Engine, EngineEvents, EngineOptions, InstanceView, SendOptions, TypedInstanceView } from './engine-types.js';
import { walkHistory } from './chain-verifier.js';
import { checkHead } from './head-check.js';
import { createKeyring } from './history-key.js';
import { historyPage } from './history-page.js';
import { KeyedMutex } from './keyed-mutex.js';
import { Outbox } from './outbox.js';
import { planCommit, type ChangeFacts } from './plan-commit.js';
import { machineError, WorkflowRegistry, type RegisteredWorkflow } from './workflow-registry.js';
import type { Step } from './xstate-runtime.js';
import { adminOperations } from './admin-operations.js';
import type { EngineCore } from './engine-core.js';
import { timerDelivery } from './timer-delivery.js';
import { inboxWithStandIns } from '../organisation/task-inbox.js';
import { provisionalDeadlines, provisionalWarning, reresolveDeadlines } from './reresolve-deadlines.js';
import { ownerOfTimer, timerLabel, type TimerOwners } from './timer-owner.js';
import { InstanceWaiters } from './instance-waiters.js';
import { migrateInstances } from './migration/migrate-instances.js';
import { assertId, checkBatchInput, checkSendInput, checkStartInput } from './validate-input.js';
import { archivedHistory, archivedView, orArchived, retain, retentionStep, verifyArchived } from './retention.js';
import { TenantRouting } from './tenant-routing.js';
import { tenantView } from './tenant-view.js';

/**
 * `{ ...event, $actor, $at }` without the spread: the same own keys in the same order (a key named
 * `__proto__`, which plain assignment would treat as the prototype, takes the spread).
 */
function withMeta(event: { type: string; [key: string]: unknown }, actor: Actor, at: Instant): { type: string; [key: string]: unknown } {
  const out: Record<string, unknown> = {};
  for (const key in event) {
    if (key === '__proto__' || !Object.prototype.hasOwnProperty.call(event, key)) return { ...event, $actor: actor, $at: at };
    out[key] = event[key];
  }
  if (Object.getOwnPropertySymbols(event).length > 0) return { ...event, $actor: actor, $at: at };
  out.$actor = actor;
  out.$at = at;
  return out as { type: string; [key: string]: unknown };
}

/** A positive finite option, its default when absent, or INVALID_ARGUMENT naming it. */
function positive(value: number | undefined, fallback: number, name: string, integer = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new DocketError('INVALID_ARGUMENT', `${name} must be a positive ${integer ? 'whole number of deliveries' : 'number of milliseconds'}; got ${String(value)}.`);
  }
  return value;
}

/**
 * The view callers get of a stored record. `owners` (the workflow runtime's `timerOwners`) names each
 * timer's state exactly; without it the state is read from the timer's key (XState's default ids).
 */
export function toView(record: InstanceRecord, owners?: TimerOwners): InstanceView {
  return {
    id: record.id,
    workflow: record.workflow,
    version: record.version,
    state: record.state,
    context: record.context,
    status: record.status,
    suspended: record.suspended,
    revision: record.revision,
    initiator: record.initiator,
    timers: record.timers.map(({ key, name, dueAt, deadline }) => {
      const state = ownerOfTimer(key, owners);
      const view = { name, dueAt, state, label: timerLabel(name, state) };
      return deadline?.provisional ? { ...view, provisional: true as const } : view;
    }),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.tenant === undefined ? {} : { tenant: record.tenant }),
  };
}

/**
 * Create the engine that makes XState machines durable: every accepted event becomes one store
 * commit (snapshot, chained history entry, timers, outbox effects), timers are delivered once by
 * the clock, and bad input is refused with a typed error that changes nothing.
 *
 * @example
 * ```ts
 * import { setup } from 'xstate';
 * import { z } from 'zod';
 * import { createEngine, defineWorkflow, memoryStore, virtualClock } from 'docket';
 *
 * const review = defineWorkflow({
 *   id: 'review',
 *   version: 1,
 *   machine: setup({}).createMachine({
 *     initial: 'open',
 *     states: {
 *       open: { on: { APPROVE: 'approved' }, after: { 86400000: 'expired' } },
 *       approved: { type: 'final' },
 *       expired: { type: 'final' },
 *     },
 *   }),
 *   input: z.object({}),
 *   events: { APPROVE: z.object({}) },
 *   permissions: { APPROVE: ['manager'] },
 * });
 * const clock = virtualClock('2026-11-02T09:00:00+08:00');
 * const engine = createEngine({ store: memoryStore(), clock, workflows: [review] });
 * const id = await engine.start('review', {}, { actor: { id: 'li', roles: ['staff'] } });
 * await clock.advanceBy({ days: 2 });
 * (await engine.get(id)).state; // 'expired'
 * ```
 */
export function createEngine<const W extends AnyWorkflow>(options: EngineOptions<W>): Engine<W> {
  const { store, clock, calendar, directory } = options;
  const routing = new TenantRouting({ calendar, directory }, options.tenants);
  const registry = new WorkflowRegistry(options.workflows, routing.calendar, routing.directory);
  const emitter = new EventEmitter<EngineEvents>();
  const mutex = new KeyedMutex();
  const workerId = options.workerId ?? `engine-${nanoid(8)}`;
  const leaseMs = options.leaseMs ?? 30_000;
  const retries = options.conflictRetries ?? 5;
  const keys = createKeyring(options.historyKey);
  const effectTimeoutMs = positive(options.effectTimeoutMs, 30_000, 'effectTimeoutMs');
  const outbox = new Outbox(
    store,
    clock,
    options.effects ?? {},
    { workerId, leaseMs, timeoutMs: effectTimeoutMs, concurrency: positive(options.effectConcurrency, 16, 'effectConcurrency', true), retry: options.retry ?? {} },
    emitter,
  );
  let closed = false;
  let closing: Promise<void> | undefined;
  // Sleeps of `run` loops, cut short by `close`.
  const naps = new Set<AbortController>();
  let initialised: Promise<void> | undefined;
  // Set once the store's init has resolved: `send` then skips awaiting `ready()` (a microtask per event).
  let isReady = false;

  function ready(): Promise<void> {
    if (closed) return Promise.reject(new DocketError('ENGINE_CLOSED', 'This engine was closed; create a new one.'));
    if (initialised === undefined) {
      initialised = store.init();
      initialised.then(
        () => {
          isReady = true;
        },
        () => {},
      );
    }
    return initialised;
  }

  async function load(instanceId: string): Promise<InstanceRecord> {
    assertId(instanceId, 'The instance id');
    const record = await store.load(instanceId);
    if (!record) {
      throw new DocketError('INSTANCE_NOT_FOUND', `No instance "${instanceId}" in the ${store.kind} store. Check the id (engine.list() shows what exists).`, {
        instanceId,
      });
    }
    return record;
  }

  /** `load`, then refuse a record whose state its history chain does not vouch for (see `checkHead`). */
  async function loadForAct(instanceId: string): Promise<InstanceRecord> {
    const record = await load(instanceId);
    await checkHead(store, keys, record);
    return record;
  }

  // Live snapshots of recently written instances, by id. A revision is written by exactly one commit,
  // so (id, revision, workflow version) names one state everywhere: reusing it skips XState's restore.
  // The record is kept too: `send` starts from it instead of a store round trip (read-your-own-writes).
  // That is safe because every commit is checked against the stored revision, and a refusal is only
  // ever decided on a freshly loaded record (see `send`).
  const live = new Map<string, { revision: number; reg: RegisteredWorkflow; snapshot: AnyMachineSnapshot; record: InstanceRecord }>();
  const LIVE_MAX = options.snapshotCacheSize ?? 1000;
  // The id last remembered is the newest key in `live` (or absent from it): setting it again keeps it
  // newest without the delete that moves it to the end.
  let newest: string | undefined;
  function remember(reg: RegisteredWorkflow, record: InstanceRecord, snapshot: AnyMachineSnapshot) {
    if (newest !== record.id) live.delete(record.id);
    newest = record.id;
    live.set(record.id, { revision: record.revision, reg, snapshot, record });
    if (live.size > LIVE_MAX) live.delete(live.keys().next().value!);
  }

  function restore(reg: RegisteredWorkflow, record: InstanceRecord): AnyMachineSnapshot {
    routing.tenant = record.tenant; // The transition that follows sees its tenant's calendar and directory.
    const cached = live.get(record.id);
    if (cached && cached.revision === record.revision && cached.reg === reg) return cached.snapshot;
    try {
      const snapshot = reg.runtime.restore(record.snapshot);
      if (!snapshot || snapshot.value === undefined) throw new Error('no state value');
      return snapshot;
    } catch (error) {
      throw new DocketError(
        'CORRUPT_SNAPSHOT',
        `Instance ${record.id} has a stored snapshot that workflow "${record.workflow}" v${record.version} cannot restore (${error instanceof Error ? error.message : String(error)}). Restore it from a backup or terminate it; other instances are unaffected.`,
        { instanceId: record.id, workflow: record.workflow, version: record.version, cause: error },
      );
    }
  }

  function facts(record: InstanceRecord): InstanceFacts {
    return { id: record.id, workflow: record.workflow, initiator: record.initiator };
  }

  function transition(reg: RegisteredWorkflow, snapshot: AnyMachineSnapshot, event: { type: string }, now: Instant, instanceId: string): Step {
    registry.now = now;
    let step: Step;
    try {
      step = reg.runtime.transition(snapshot, event);
    } catch (error) {
      throw machineError(error, instanceId, reg.workflow.id);
    }
    if (step.snapshot.status === 'error') throw machineError(step.snapshot.error, instanceId, reg.workflow.id);
    return step;
  }

  function tasksFor(reg: RegisteredWorkflow, step: Step, instance: InstanceFacts, now: Instant) {
    return reg.workflow.tasks?.({ snapshot: step.snapshot, instance, now, env: reg.env });
  }

  /** Commit with transparent retry on a revision conflict; `attempt` recomputes from a fresh load. */
  async function withRetry<T>(attempt: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await attempt();
      } catch (error) {
        if (isDocketError(error, 'CONFLICT') && i < retries) continue;
        throw error;
      }
    }
  }

  /** {@link toView} with the owners of the record's own workflow version, when it is registered. */
  function viewOf(record: InstanceRecord): InstanceView {
    if (record.timers.length === 0) return toView(record);
    let owners: TimerOwners | undefined;
    try {
      owners = registry.get(record.workflow, record.version, record.id).runtime.timerOwners;
    } catch {
      owners = undefined;
    }
    return toView(record, owners);
  }

  // The commit is durable: tell the caller now. Its effects are delivered after the instance's lock is
  // released, in the background (`engine.settled()` waits for them), never inside the act.
  function afterCommit(commit: Commit): InstanceView | Promise<InstanceView> {
    const view = viewOf(commit.instance);
    if (commit.expectedRevision === 0) emitter.emit('started', view);
    emitter.emit('transition', view, commit.history);
    if (commit.history.deadlines?.some((d) => d.provisional)) emitter.emit('warning', provisionalWarning(commit.instance, commit.history.deadlines));
    if (commit.effects.length > 0) outbox.dispatch();
    return view;
  }

  async function refuse(record: InstanceRecord, actor: Actor, event: { type: string }, error: DocketError) {
    const refusal = {
      instanceId: record.id,
      at: clock.now(),
      actor: { id: actor.id, roles: [...actor.roles] },
      event: { ...event },
      code: error.code,
      message: error.message,
      state: record.state,
      revision: record.revision,
    };
    await store.appendRefusal(refusal);
    emitter.emit('refused', refusal, error);
  }

  /** Refuse a payload that is not a JSON value: recorded (type only) against the instance, if it exists. */
  async function refuseInput(instanceId: string, actor: Actor, event: { type: string }, error: DocketError): Promise<never> {
    await mutex.run(instanceId, async () => refuse(await load(instanceId), actor, event, error));
    throw error;
  }

  async function send(instanceId: string, rawEvent: { type: string }, opts: SendOptions): Promise<InstanceView> {
    if (!isReady || closed) await ready();
    // Ids, actor and key are checked, and the event copied as plain JSON, before anything is hashed or stored.
    const input = checkSendInput(instanceId, rawEvent, opts);
    opts = input.opts;
    if (input.invalid) return refuseInput(instanceId, opts.actor, input.event, input.invalid);
    rawEvent = input.event;
    return mutex.run(instanceId, () =>
      withRetry(async () => {
        const cached = live.get(instanceId)?.record;
        // A record the engine wrote itself is trusted; one loaded from the store is checked first.
        const record = cached ?? (await loadForAct(instanceId));
        const key = opts.idempotencyKey;
        const payloadHash = key === undefined ? '' : sha256(canonicalJson(rawEvent));
        const seen = key === undefined ? undefined : await store.findIdempotency(instanceId, key);
        const reg = registry.get(record.workflow, record.version, record.id);
        const now = clock.now();
        let prepared: { event: { type: string; [key: string]: unknown } };
        let step: Step;
        let onBehalfOf: string | undefined;
        try {
          // Who may send this event is checked before any replay: a key never stands in for the
          // right to act. The rest (the instance still active, the workflow's hook, the machine's
          // guards) concerns the state the first act already changed, so a retry skips it.
          prepared = checkPayload(reg, record, rawEvent);
          checkActor(reg, record, prepared.event, opts.actor);
          if (seen && (seen.actor === undefined || seen.actor === opts.actor.id)) {
            if (seen.payloadHash === payloadHash) return seen.result as InstanceView;
            throw new DocketError(
              'IDEMPOTENCY_MISMATCH',
              `Idempotency key "${key}" was already used on instance ${instanceId} with a different event. Use a new key for a new act.`,
              { instanceId, event: rawEvent.type, actor: opts.actor.id },
            );
          }
          checkTakesEvents(record, rawEvent.type);
          const snapshot = restore(reg, record);
          registry.now = now;
          const hook = reg.workflow.authorize?.({ actor: opts.actor, event: prepared.event, snapshot, instance: facts(record), env: reg.env });
          // Added for approvals: a hook may refuse with its own DocketError code, or allow an act done
          // on someone else's behalf (委托 / 代理), which the machine sees as `$onBehalfOf`.
          if (isDocketError(hook)) {
            throw new DocketError(hook.code, hook.message, { ...hook.details, instanceId, event: rawEvent.type, actor: opts.actor.id, state: record.state });
          }
          if (typeof hook === 'object' && hook !== null) onBehalfOf = hook.onBehalfOf;
          else if (hook !== undefined && hook !== true) {
            throw new DocketError('FORBIDDEN', hook, { instanceId, event: rawEvent.type, actor: opts.actor.id, state: record.state });
          }
          if (seen) {
            // Another person's key: their act is not replayed to this actor, and this act is not
            // silently dropped either.
            throw new DocketError(
              'IDEMPOTENCY_MISMATCH',
              `Idempotency key "${key}" was already used on instance ${instanceId} by ${seen.actor}; keys are per actor. Send again with a key of your own.`,
              { instanceId, event: rawEvent.type, actor: opts.actor.id },
            );
          }
          const event = withMeta(prepared.event, opts.actor, now);
          if (onBehalfOf !== undefined) event.$onBehalfOf = onBehalfOf;
          step = transition(reg, snapshot, event, now, instanceId);
          // XState hands back the very same snapshot when no transition was enabled; only then ask
          // can() (an explicit empty handler is accepted and recorded, though nothing changes).
          if (step.snapshot === snapshot && !snapshot.can(event as never)) {
            throw new DocketError(
              'EVENT_NOT_ACCEPTED',
              `Instance ${instanceId} is in state ${JSON.stringify(record.state)}, which does not accept "${rawEvent.type}" (or its guard refused it). Check engine.get(id).state before sending.`,
              { instanceId, event: rawEvent.type, state: record.state },
            );
          }
        } catch (error) {
          if (cached && isDocketError(error)) {
            // Decided on a remembered record, which another process may have moved on: decide again
            // on a fresh load before refusing anyone.
            live.delete(instanceId);
            throw new DocketError('CONFLICT', 'Re-checking on a fresh load.', { instanceId });
          }
          if (isDocketError(error) && error.code !== 'MACHINE_ERROR') await refuse(record, opts.actor, rawEvent, error);
          throw error;
        }
        const change: { -readonly [K in keyof ChangeFacts]: ChangeFacts[K] } = {
          instanceId,
          workflow: record.workflow,
          version: record.version,
          initiator: record.initiator,
          kind: 'event',
          event: prepared.event,
          actor: opts.actor,
          now,
          tasks: tasksFor(reg, step, facts(record), now),
          provisional: registry.takeProvisional(),
          timerOwners: reg.runtime.timerOwners,
        };
        if (onBehalfOf !== undefined) change.onBehalfOf = onBehalfOf;
        const commit = planCommit(record, step, reg.runtime.persist(step.snapshot), change, keys.current);
        const final =
          opts.idempotencyKey === undefined
            ? commit
            : {
                ...commit,
                idempotency: {
                  instanceId,
                  key: opts.idempotencyKey,
                  actor: opts.actor.id,
                  payloadHash,
                  revision: commit.instance.revision,
                  result: viewOf(commit.instance),
                  at: now,
                },
              };
        try {
          await store.commit(final);
        } catch (error) {
          live.delete(instanceId);
          throw error;
        }
        remember(reg, final.instance, step.snapshot);
        return afterCommit(final);
      }),
    );
  }

  /**
   * `engine.can`: the checks `send` makes, in the same order, on a fresh load, without committing,
   * recording a refusal or emitting anything. Keep in step with `send` above.
   */
  async function canSend(instanceId: string, rawEvent: { type: string }, actor: Actor): Promise<CanResult> {
    // The same input checks as `send`: malformed ids, events or actors throw INVALID_ARGUMENT; a
    // payload that is not plain JSON is an answer (INVALID_PAYLOAD), as `send` would refuse it.
    const input = checkSendInput(instanceId, rawEvent, { actor }, 'can');
    if (input.invalid) return { ok: false, code: input.invalid.code, message: input.invalid.message };
    rawEvent = input.event;
    actor = input.opts.actor;
    const record = await load(instanceId);
    try {
      const reg = registry.get(record.workflow, record.version, record.id);
      const now = clock.now();
      const prepared = checkEvent(reg, record, rawEvent);
      checkActor(reg, record, prepared.event, actor);
      const snapshot = restore(reg, record);
      registry.now = now;
      const hook = reg.workflow.authorize?.({ actor, event: prepared.event, snapshot, instance: facts(record), env: reg.env });
      if (isDocketError(hook)) return { ok: false, code: hook.code, message: hook.message };
      if (typeof hook === 'string') return { ok: false, code: 'FORBIDDEN', message: hook };
      const event = withMeta(prepared.event, actor, now);
      if (typeof hook === 'object' && hook !== null) event.$onBehalfOf = hook.onBehalfOf;
      const step = transition(reg, snapshot, event, now, instanceId);
      if (step.snapshot === snapshot && !snapshot.can(event as never)) {
        return { ok: false, code: 'EVENT_NOT_ACCEPTED', message: `Instance ${instanceId} is in state ${JSON.stringify(record.state)}, which does not accept "${rawEvent.type}" (or its guard refused it).` };
      }
      return { ok: true };
    } catch (error) {
      if (isDocketError(error)) return { ok: false, code: error.code, message: error.message };
      throw error;
    }
  }

  const waiters = new InstanceWaiters({
    get: async (instanceId) => {
      await ready();
      return toView(await load(instanceId));
    },
    onTransition: (fn) => {
      emitter.on('transition', fn);
      return () => emitter.off('transition', fn);
    },
  });

  const core: EngineCore = {
    store,
    clock,
    registry,
    emitter,
    mutex,
    outbox,
    workerId,
    leaseMs,
    ready,
    isClosed: () => closed,
    load,
    loadForAct,
    checkHead: (record) => checkHead(store, keys, record),
    keys,
    restore,
    remember,
    forget: (instanceId) => {
      live.delete(instanceId);
    },
    facts,
    transition,
    tasksFor,
    withRetry,
    afterCommit,
    refuse,
  };
  const admin = adminOperations(core);
  const timers = timerDelivery(core, admin.suspendAfterFailure);
  // A virtual clock steps only once the deliveries in flight have settled, and a step ends once its
  // own have: simulated time never passes while a handler runs (`engine.run` does not wait for them).
  // (Like a time-skipping test server: a handler that never settles holds the advance, until `close`.)
  let closeStarted!: () => void;
  const closeBegins = new Promise<void>((resolve) => (closeStarted = resolve));
  const settledOrClosing = () => Promise.race([outbox.settled(), closeBegins]);
  const unsubscribe = clock.subscribe({
    async nextDue() {
      await settledOrClosing();
      return timers.nextDue();
    },
    async fireDue(now) {
      const fired = await timers.fireDue(now);
      await settledOrClosing();
      return fired;
    },
  });

  const engine: Engine<W> = {
    clock,
    store,
    calendar,
    directory,
    async start(workflowId, rawInput, opts) {
      await ready();
      const { input, actor, id: givenId, tenant } = checkStartInput(workflowId, rawInput, opts);
      routing.tenant = tenant;
      const reg = registry.latest(workflowId);
      const allowed = reg.workflow.permissions?.start;
      if (allowed && !allowed.some((role) => actor.roles.includes(role))) {
        throw new DocketError('FORBIDDEN', `Starting "${workflowId}" needs one of the roles [${allowed.join(', ')}]; ${actor.id} has [${actor.roles.join(', ')}].`, {
          workflow: workflowId,
          actor: actor.id,
        });
      }
      const parsed = reg.workflow.input.safeParse(input);
      if (!parsed.success) {
        throw new DocketError('INVALID_PAYLOAD', `The input to start "${workflowId}" is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}.`, {
          workflow: workflowId,
          issues: parsed.error.issues.map((i) => ({ path: i.path, message: i.message })),
        });
      }
      const id = givenId ?? nanoid();
      const now = clock.now();
      registry.now = now;
      let step: Step;
      try {
        step = reg.runtime.initial({ ...(parsed.data as object), $actor: actor, $at: now });
      } catch (error) {
        throw machineError(error, id, workflowId);
      }
      if (step.snapshot.status === 'error') throw machineError(step.snapshot.error, id, workflowId);
      const instance = { id, workflow: workflowId, initiator: actor.id };
      const commit = planCommit(undefined, step, reg.runtime.persist(step.snapshot), {
        instanceId: id,
        workflow: workflowId,
        version: reg.workflow.version,
        initiator: actor.id,
        kind: 'start',
        event: tenant === undefined ? { type: 'docket.start', input: parsed.data } : { type: 'docket.start', input: parsed.data, tenant },
        ...(tenant === undefined ? {} : { tenant }),
        actor,
        now,
        tasks: tasksFor(reg, step, instance, now),
        provisional: registry.takeProvisional(),
        timerOwners: reg.runtime.timerOwners,
      }, keys.current);
      await store.commit(commit);
      remember(reg, commit.instance, step.snapshot);
      await afterCommit(commit);
      return id;
    },
    send: (instanceId, event, opts) => (opts?.actor?.tenant !== undefined ? engine.forTenant(opts.actor.tenant).send(instanceId, event, opts) : send(instanceId, event, opts)),
    async sendMany(acts, opts) {
      checkBatchInput(acts, opts);
      const results: BatchResult[] = [];
      for (const act of acts) {
        try {
          const view = await send(act.instanceId, act.event, {
            actor: opts.actor,
            ...(act.idempotencyKey === undefined ? {} : { idempotencyKey: act.idempotencyKey }),
          });
          results.push({ ok: true, instanceId: act.instanceId, view });
        } catch (error) {
          if (!isDocketError(error)) throw error;
          results.push({ ok: false, instanceId: act.instanceId, error });
        }
      }
      return results;
    },
    async get(instanceId) {
      await ready();
      return viewOf(await load(instanceId)) as TypedInstanceView<W>;
    },
    async can(instanceId, rawEvent, actor) {
      if (actor?.tenant !== undefined) return engine.forTenant(actor.tenant).can(instanceId, rawEvent, actor);
      await ready();
      return canSend(instanceId, rawEvent as { type: string }, actor);
    },
    waitFor(instanceId, until, opts = {}) {
      return waiters.wait(instanceId, until as never, opts.signal) as Promise<TypedInstanceView<W>>;
    },
    async record(instanceId) {
      await ready();
      return load(instanceId);
    },
    async list(query = {}) {
      await ready();
      const page = await store.list(query);
      return { items: page.items.map(viewOf), ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
    },
    history: (async (instanceId: string, opts: { includeRefused?: boolean; limit?: number; cursor?: string } = {}) => {
      await ready();
      const record = await load(instanceId);
      if (opts.limit !== undefined || opts.cursor !== undefined) {
        if (opts.includeRefused) throw new DocketError('INVALID_ARGUMENT', 'history() pages accepted entries only: leave out includeRefused when giving limit or cursor.', { instanceId });
        return historyPage(store, record, { ...(opts.limit === undefined ? {} : { limit: opts.limit }), ...(opts.cursor === undefined ? {} : { cursor: opts.cursor }) });
      }
      const entries = await store.history(instanceId);
      if (!opts.includeRefused) return entries;
      const refused = (await store.refusals(instanceId)).map((r) => ({ ...r, kind: 'refused' as const }));
      return [...entries, ...refused].sort((a, b) => a.at - b.at || ('hash' in a ? 0 : 1) - ('hash' in b ? 0 : 1));
    }) as Engine<W>['history'],
    async tasks(query = {}) {
      await ready();
      // Added for approvals: a deputy's inbox also shows the tasks of whoever they stand in for (代理) today.
      return inboxWithStandIns(store, directory, query, clock.now());
    },
    async effects(instanceId) {
      assertId(instanceId, 'The instance id');
      await ready();
      return store.effects(instanceId);
    },
    async verify(instanceId) {
      await ready();
      return orArchived(async () => walkHistory(store, await load(instanceId), keys, () => store.load(instanceId)), () => verifyArchived(core, instanceId));
    },
    retain: (opts) => retain(core, opts),
    archived: async (instanceId) => {
      assertId(instanceId, 'The instance id');
      return archivedView(core, instanceId);
    },
    forTenant: (tenant) => tenantView(engine, core, tenant),
    reresolveDeadlines: (opts) => reresolveDeadlines(core, calendar, opts),
    migrate: (opts) => migrateInstances(core, opts),
    provisionalDeadlines: async (opts) => {
      await ready();
      return provisionalDeadlines(store, opts);
    },
    suspend: admin.suspend,
    resume: admin.resume,
    terminate: admin.terminate,
    moveTo: admin.moveTo,
    async tick() {
      const fired = await timers.fireDue(clock.now());
      await outbox.settled();
      return fired;
    },
    settled: () => outbox.settled(),
    async run(opts = {}) {
      const pollMs = opts.pollMs ?? 1000;
      // A store that can announce new work (Postgres LISTEN/NOTIFY) cuts the current sleep short.
      let nap: AbortController | undefined;
      let woken = false;
      const stopWaking = store.onWake?.(() => {
        woken = true;
        nap?.abort();
      });
      const stop = () => nap?.abort();
      const retention = opts.retain && retentionStep(core, opts.retain);
      opts.signal?.addEventListener('abort', stop);
      try {
        while (!opts.signal?.aborted && !closed) {
          woken = false;
          try {
            await timers.fireDue(clock.now());
            await retention?.();
          } catch (error) {
            emitter.emit('error', error);
          }
          const due = await timers.nextDue().catch(() => undefined);
          if (woken) continue;
          if (opts.signal?.aborted) break; // Aborted while working: a nap begun now would never be cut short.
          const wake = Math.min(due ?? Number.POSITIVE_INFINITY, clock.now() + pollMs);
          nap = new AbortController();
          naps.add(nap);
          await clock.sleepUntil(wake, nap.signal);
          naps.delete(nap);
        }
      } finally {
        if (nap) naps.delete(nap);
        stopWaking?.();
        opts.signal?.removeEventListener('abort', stop);
      }
    },
    on(event, fn) {
      emitter.on(event, fn as never);
      return () => emitter.off(event, fn as never);
    },
    close(opts = {}) {
      if (closing) return closing;
      let timeoutMs: number;
      try {
        timeoutMs = positive(opts?.timeoutMs, effectTimeoutMs, 'close({ timeoutMs })');
      } catch (error) {
        return Promise.reject(error);
      }
      closed = true;
      waiters.closeAll();
      unsubscribe();
      closeStarted();
      for (const nap of naps) nap.abort();
      // Acts already inside the engine finish (their commits' effects are dispatched), then deliveries
      // get until the deadline; whatever still runs then is aborted and left claimed for a retry.
      closing = outbox.close(clock.now() + timeoutMs, mutex.idle()).then(() => {
        emitter.removeAllListeners();
      });
      return closing;
    },
  };
  // An archived instance's history is read from the archive (see `engine.retain`).
  const hotHistory = engine.history;
  engine.history = ((instanceId: string, opts?: never) => orArchived(() => hotHistory(instanceId, opts), () => archivedHistory(core, instanceId, opts))) as Engine<W>['history'];
  return engine;
}
