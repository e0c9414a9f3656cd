import { EventEmitter } from 'eventemitter3';
import { nanoid } from 'nanoid';
import type { AnyMachineSnapshot } from 'xstate';
import type { Instant } from '../clock/clock.js';
import { DocketError, isDocketError } from '../errors.js';
import type { Actor, InstanceRecord } from '../store/records.js';
import type { Commit } from '../store/store.js';
import { checkActor, checkEvent } from './authorize.js';
import { canonicalJson, sha256 } from './canonical-json.js';
import type { AnyWorkflow, InstanceFacts } from './define-workflow.js';
import type { BatchResult, Engine, EngineEvents, EngineOptions, InstanceView, SendOptions } from './engine-types.js';
import { verifyChain } from './history.js';
import { KeyedMutex } from './keyed-mutex.js';
import { Outbox } from './outbox.js';
import { planCommit, type ChangeFacts } from './plan-commit.js';
import { machineError, WorkflowRegistry, type RegisteredWorkflow } from './workflow-registry.js';
import type { Step } from './xstate-runtime.js';
import { adminOperations } from './admin-operations.js';
import type { EngineCore } from './engine-core.js';
import { timerDelivery } from './timer-delivery.js';
import { inboxWithStandIns } from './task-inbox.js';
import { assertId, checkBatchInput, checkSendInput, checkStartInput } from './validate-input.js';

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

/** The view callers get of a stored record. */
export function toView(record: InstanceRecord): InstanceView {
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
    timers: record.timers.map(({ name, dueAt }) => ({ name, dueAt })),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
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
  const registry = new WorkflowRegistry(options.workflows, calendar, directory);
  const emitter = new EventEmitter<EngineEvents>();
  const mutex = new KeyedMutex();
  const workerId = options.workerId ?? `engine-${nanoid(8)}`;
  const leaseMs = options.leaseMs ?? 30_000;
  const retries = options.conflictRetries ?? 5;
  const outbox = new Outbox(store, options.effects ?? {}, options.retry ?? {}, workerId, leaseMs, emitter);
  let closed = false;
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

  function afterCommit(commit: Commit): InstanceView | Promise<InstanceView> {
    const view = toView(commit.instance);
    if (commit.expectedRevision === 0) emitter.emit('started', view);
    emitter.emit('transition', view, commit.history);
    if (commit.effects.length > 0) return outbox.deliverDue(clock.now()).then(() => view);
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
        const record = cached ?? (await load(instanceId));
        const payloadHash = opts.idempotencyKey === undefined ? '' : sha256(canonicalJson(rawEvent));
        if (opts.idempotencyKey !== undefined) {
          const seen = await store.findIdempotency(instanceId, opts.idempotencyKey);
          if (seen) {
            if (seen.payloadHash === payloadHash) return seen.result as InstanceView;
            throw new DocketError(
              'IDEMPOTENCY_MISMATCH',
              `Idempotency key "${opts.idempotencyKey}" was already used on instance ${instanceId} with a different event. Use a new key for a new act.`,
              { instanceId, event: rawEvent.type },
            );
          }
        }
        const reg = registry.get(record.workflow, record.version, record.id);
        const now = clock.now();
        let prepared: { event: { type: string; [key: string]: unknown } };
        let step: Step;
        let onBehalfOf: string | undefined;
        try {
          prepared = checkEvent(reg, record, rawEvent);
          checkActor(reg, record, prepared.event, opts.actor);
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
        };
        if (onBehalfOf !== undefined) change.onBehalfOf = onBehalfOf;
        const commit = planCommit(record, step, reg.runtime.persist(step.snapshot), change);
        const final =
          opts.idempotencyKey === undefined
            ? commit
            : {
                ...commit,
                idempotency: {
                  instanceId,
                  key: opts.idempotencyKey,
                  payloadHash,
                  revision: commit.instance.revision,
                  result: toView(commit.instance),
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
  const unsubscribe = clock.subscribe(timers);

  const engine: Engine<W> = {
    clock,
    store,
    calendar,
    directory,
    async start(workflowId, rawInput, opts) {
      await ready();
      const { input, actor, id: givenId } = checkStartInput(workflowId, rawInput, opts);
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
        event: { type: 'docket.start', input: parsed.data },
        actor,
        now,
        tasks: tasksFor(reg, step, instance, now),
      });
      await store.commit(commit);
      remember(reg, commit.instance, step.snapshot);
      await afterCommit(commit);
      return id;
    },
    send: (instanceId, event, opts) => send(instanceId, event, opts),
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
      return toView(await load(instanceId));
    },
    async record(instanceId) {
      await ready();
      return load(instanceId);
    },
    async list(query = {}) {
      await ready();
      const page = await store.list(query);
      return { items: page.items.map(toView), ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }) };
    },
    async history(instanceId, opts = {}) {
      await ready();
      await load(instanceId);
      const entries = await store.history(instanceId);
      if (!opts.includeRefused) return entries;
      const refused = (await store.refusals(instanceId)).map((r) => ({ ...r, kind: 'refused' as const }));
      return [...entries, ...refused].sort((a, b) => a.at - b.at || ('hash' in a ? 0 : 1) - ('hash' in b ? 0 : 1));
    },
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
      const record = await load(instanceId);
      return verifyChain(instanceId, await store.history(instanceId), record.historyHash);
    },
    suspend: admin.suspend,
    resume: admin.resume,
    terminate: admin.terminate,
    moveTo: admin.moveTo,
    async tick() {
      return timers.fireDue(clock.now());
    },
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
      opts.signal?.addEventListener('abort', stop);
      try {
        while (!opts.signal?.aborted && !closed) {
          woken = false;
          try {
            await timers.fireDue(clock.now());
          } catch (error) {
            emitter.emit('error', error);
          }
          const due = await timers.nextDue().catch(() => undefined);
          if (woken) continue;
          const wake = Math.min(due ?? Number.POSITIVE_INFINITY, clock.now() + pollMs);
          nap = new AbortController();
          await clock.sleepUntil(wake, nap.signal);
        }
      } finally {
        stopWaking?.();
        opts.signal?.removeEventListener('abort', stop);
      }
    },
    on(event, fn) {
      emitter.on(event, fn as never);
      return () => emitter.off(event, fn as never);
    },
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      await mutex.idle();
      emitter.removeAllListeners();
    },
  };
  return engine;
}
