import { EventEmitter } from 'eventemitter3';
import { nanoid } from 'nanoid';
import { newInstanceId } from './instance-id.js';
import { DocketError, isDocketError } from '../errors.js';
import type { Actor } from '../store/records.js';
import { loadForVerify, walkHistory } from './chain-verifier.js';
import { createCommitPipeline } from './commit-pipeline.js';
import type { AnyWorkflow } from './define-workflow.js';
import type { EngineParts } from './engine-core.js';
import type { BatchResult, CanResult, Engine, EngineEvents, EngineOptions, InstanceView, RetryPolicy, SendOptions, TypedInstanceView } from './engine-types.js';
import { createKeyring } from './history-key.js';
import { historyPage, mergeRefusals } from './history-page.js';
import { Outbox } from './outbox.js';
import { checkEffectHandlers, checkEffectTypes } from './effect-handlers.js';
import { canSend, decideSend } from './send-decision.js';
import { machineError, WorkflowRegistry, workflowList, type RegisteredWorkflow } from './workflow-registry.js';
import type { Step } from './xstate-runtime.js';
import { adminOperations } from './admin-operations.js';
import { timerDelivery } from './timer-delivery.js';
import { stalledTimerSweep } from './timer-stalls.js';
import { inboxWithStandIns, type PermissionsOf } from '../organisation/task-inbox.js';
import { provisionalDeadlines, reresolveDeadlines } from './reresolve-deadlines.js';
import { InstanceWaiters } from './instance-waiters.js';
import { migrateInstances } from './migration/migrate-instances.js';
import { assertId, checkBatchInput, checkSendInput, checkStartInput } from './validate-input.js';
import { archivedHistory, archivedView, orArchived, retain, retentionStep, verifyArchived, type RetentionParts } from './retention.js';
import { TenantRouting } from './tenant-routing.js';
import { tenantView } from './tenant-view.js';
import { logEngine, readLogger } from './engine-logger.js';
import { copyWith } from '../store/copy-with.js';
import { readOptions } from '../input/read-options.js';
import { INSTANT_BOUND, wholeMillisecondClock } from '../clock/whole-instant.js';
import { checkClock } from '../clock/clock.js';
import { checkStore } from '../store/store-shape.js';
import { checkNewId } from '../store/id-rule.js';
import { safeString } from '../input/safe-string.js';

const HISTORY_OPTION_KEYS = ['includeRefused', 'limit', 'cursor'] as const;
const ENGINE_OPTION_KEYS = [
  'store',
  'clock',
  'calendar',
  'workflows',
  'directory',
  'effects',
  'retry',
  'workerId',
  'leaseMs',
  'snapshotCacheSize',
  'conflictRetries',
  'effectTimeoutMs',
  'effectConcurrency',
  'historyKey',
  'logger',
  'tenants',
] as const satisfies readonly (keyof EngineOptions<AnyWorkflow>)[];

export { toView } from './instance-view.js';

/**
 * INVALID_ARGUMENT unless `signal` is absent or reads as an AbortSignal (an `aborted` flag and
 * listeners, so a signal of another realm or a polyfill works): a plain object failed later with a
 * raw TypeError, inside a loop or a waiting promise.
 */
function checkSignal(value: unknown, what: string, consequence: string): void {
  if (value === undefined) return;
  const signal = value as Partial<AbortSignal> | null;
  let ok: boolean;
  try {
    ok = signal !== null && typeof signal === 'object' && typeof signal.aborted === 'boolean' && typeof signal.addEventListener === 'function' && typeof signal.removeEventListener === 'function';
  } catch {
    ok = false;
  }
  if (!ok) throw new DocketError('INVALID_ARGUMENT', `${what} must be an AbortSignal (new AbortController().signal); ${consequence}.`, { field: 'signal' });
}

/** A positive finite option, its default when absent, or INVALID_ARGUMENT naming it. */
function positive(value: number | undefined, fallback: number, name: string, integer = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new DocketError('INVALID_ARGUMENT', `${name} must be a positive ${integer ? 'whole number of deliveries' : 'number of milliseconds'}; got ${safeString(value)}.`, { field: name });
  }
  return value;
}

/**
 * A whole-number option of at least `min`, its default when absent, or INVALID_ARGUMENT naming it.
 * Lease lengths are added to stored instants: `'30000'` from an environment variable would make
 * every lease end in the year 5.7 million (string concatenation), so a crashed worker's timers never
 * came back; a fraction would not fit a 64-bit integer column.
 */
function whole(value: unknown, fallback: number, name: string, min: number, unit: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new DocketError('INVALID_ARGUMENT', `${name} must be a whole number of ${unit} of at least ${min}; got ${typeof value === 'number' ? String(value) : typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value}.`, { field: name });
  }
  return value;
}

/** The names `engine.on` takes: every key of {@link EngineEvents} (the compiler checks the list is whole). */
const ENGINE_EVENTS: readonly string[] = Object.keys({
  started: true,
  transition: true,
  'timer.fired': true,
  'timer.retired': true,
  refused: true,
  'effect.delivered': true,
  'effect.failed': true,
  warning: true,
  error: true,
} satisfies Record<keyof EngineEvents, true>);

/**
 * The retry policy of effect deliveries, checked: each field absent or a number in range, no other
 * key (a misspelt `maxAttemps` was dropped, so effects were retried ten times, not the three asked).
 * `initialDelayMs: NaN` scheduled the first retry at NaN: the effect stayed pending and was never
 * delivered nor marked dead; `maxAttempts: '3'` was compared as text; a negative delay retried at once.
 */
function retryPolicy(value: unknown): RetryPolicy {
  if (value === undefined) return {};
  const v = readOptions(value, { keys: ['maxAttempts', 'initialDelayMs', 'maxDelayMs'], what: 'retry', usage: '{ maxAttempts?, initialDelayMs?, maxDelayMs? }', path: 'retry' });
  return {
    maxAttempts: whole(v.maxAttempts, 10, 'retry.maxAttempts', 1, 'attempts'),
    initialDelayMs: whole(v.initialDelayMs, 1000, 'retry.initialDelayMs', 0, 'milliseconds'),
    maxDelayMs: whole(v.maxDelayMs, 3_600_000, 'retry.maxDelayMs', 0, 'milliseconds'),
  };
}

/**
 * Create the engine that makes XState machines durable: every accepted event becomes one store
 * commit (snapshot, chained history entry, timers, outbox effects), timers are delivered once by
 * the clock, and bad input is refused with a typed error that changes nothing.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the option in `details.field`, before anything is
 * made (no clock subscription, no store opened): an option it does not know (a misspelt `clok`), or
 * `store`, `clock` or `workflows` left out; a `store`, `clock`, `calendar` or `directory` (also a
 * tenant's, `tenants.<id>.calendar`) that is not one (`null`, a number, an object without its
 * interface's methods, listed in `details.missing`); `workflows` that is not an array, or a workflow
 * in it that is not a definition (`workflows[0]…`); a number, `retry`, `effects`, `logger`,
 * `historyKey` or `tenants` out of shape (see each option); an `effects` handler under a name no
 * registered workflow emits (`effects.notfy`, a misspelling: see `effectTypesOf`).
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
export function createEngine<const W extends AnyWorkflow>(raw: EngineOptions<W>): Engine<W> {
  // Read once by the house rule: a misspelt option (`leasems`, `effectTimeoutMS`) is refused, not
  // silently left at its default, and a getter that throws is INVALID_ARGUMENT, not a raw error.
  const options = readOptions(raw, { keys: ENGINE_OPTION_KEYS, what: 'createEngine()', usage: '{ store, clock, workflows }' }) as unknown as EngineOptions<W>;
  // The required options, each by the shape check of its own kind, before anything is made: left out
  // or not what it should be (`clock: null`, a store `{}`, `workflows: undefined`) failed later with a
  // raw TypeError (at once, or at the first act). The calendar and directory are checked by the
  // tenant routing, with each tenant's.
  checkStore(options.store, 'store', 'createEngine()');
  checkClock(options.clock, 'clock', 'createEngine()');
  const workflows = workflowList(options.workflows);
  const { store, calendar, directory } = options;
  // Every instant the engine writes is a whole millisecond, whatever its clock yields (see whole-instant.ts);
  // `engine.clock` stays the caller's own clock.
  const clock = wholeMillisecondClock(options.clock);
  // Checked before anything is made or started: a handler refused here is refused with nothing running.
  const handlers = checkEffectHandlers(options.effects);
  const retry = retryPolicy(options.retry);
  const logger = options.logger === undefined ? undefined : readLogger(options.logger);
  // Each instance's calendar and directory are its tenant's, chosen per act (see tenant-routing.ts).
  const routing = new TenantRouting({ calendar, directory }, options.tenants);
  const registry = new WorkflowRegistry(workflows, routing);
  // A handler for an effect no registered workflow emits is a misspelling (`notfy` for `notify`), by
  // the house rule refused, with nothing started; the effects it was meant for would go `dead`.
  checkEffectTypes(handlers, registry.effectTypes(), 'of the registered workflows');
  // A workflow version's permissions (roles per event) and the acts a stand-in may do for a task's
  // holder, for what a stand-in's inbox lists; undefined when that version is not registered.
  const permissionsOf: PermissionsOf = (workflow, version) => {
    try {
      const registered = registry.get(workflow, version).workflow;
      return { permissions: registered.permissions ?? {}, ...(registered.standInActions === undefined ? {} : { standInActions: registered.standInActions }) };
    } catch {
      return undefined;
    }
  };
  const emitter = new EventEmitter<EngineEvents>();
  // A new id, by the one id rule roles, tenants and actors follow: the worker is written as the owner
  // of every claim (and shown to operators), so a blank or invisible one (' ', '\u200b') named nobody.
  if (options.workerId !== undefined) checkNewId(options.workerId, 'createEngine(): workerId', 'workerId');
  const workerId = options.workerId ?? `engine-${nanoid(8)}`;
  // Each claim of a timer or effect gets a fresh random token, and every later hand on the item (an
  // outcome, a release, a deferral, a retirement) names it: two engines sharing a workerId (a fixed
  // id in a config copied to every pod) no longer pass each other's claim checks.
  const claimToken = () => nanoid(16);
  const leaseMs = whole(options.leaseMs, 30_000, 'leaseMs', 1, 'milliseconds');
  const keys = createKeyring(options.historyKey);
  const effectTimeoutMs = positive(options.effectTimeoutMs, 30_000, 'effectTimeoutMs');
  // An effect is claimed for both together, and a claim's lease must be one a store keeps (≤ 2^53 ms):
  // past it every claim was refused, reported on 'error' at each dispatch, and no effect was ever delivered.
  if (effectTimeoutMs + leaseMs > INSTANT_BOUND) {
    const field = effectTimeoutMs >= leaseMs ? 'effectTimeoutMs' : 'leaseMs';
    throw new DocketError('INVALID_ARGUMENT', `effectTimeoutMs + leaseMs is how long an effect is claimed and must be at most 2^53 ms; got ${safeString(effectTimeoutMs)} + ${safeString(leaseMs)}. Give ${field} a length in range (the defaults are 30 000 each).`, { field });
  }
  // Whether this engine registers a workflow version (an effect of another version's instance that has
  // no handler here is left for an engine that registers it: see the outbox's handBack).
  const registers = (workflow: string, version: number): boolean => registry.has(workflow, version);
  const outbox = new Outbox(
    store,
    clock,
    handlers,
    { workerId, claimToken, leaseMs, timeoutMs: effectTimeoutMs, concurrency: positive(options.effectConcurrency, 16, 'effectConcurrency', true), retry, registers },
    emitter,
  );
  const pipeline = createCommitPipeline({
    store,
    clock,
    registry,
    emitter,
    outbox,
    keys,
    routing,
    conflictRetries: whole(options.conflictRetries, 5, 'conflictRetries', 0, 'retries'),
    snapshotCacheSize: whole(options.snapshotCacheSize, 4096, 'snapshotCacheSize', 0, 'records'),
  });
  const { load, viewOf } = pipeline;
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

  async function send(instanceId: string, rawEvent: { type: string }, opts: SendOptions): Promise<InstanceView> {
    if (!isReady || closed) await ready();
    // Ids, actor and key are checked, and the event copied as plain JSON, before anything is hashed or stored.
    const input = checkSendInput(instanceId, rawEvent, opts);
    if (input.invalid) {
      await pipeline.refuseInput(instanceId, input.opts.actor, input.event, input.invalid);
      throw input.invalid;
    }
    const outcome = await pipeline.act<InstanceView>({
      instanceId,
      source: 'cached',
      refusal: { actor: input.opts.actor, event: input.event },
      decide: (record, ctx) => decideSend(store, record, ctx, input.event, input.opts),
    });
    return outcome.commit ? outcome.view : outcome.value;
  }
  /** `engine.can`: see {@link canSend}. */
  async function can(instanceId: string, rawEvent: { type: string }, actor: Actor): Promise<CanResult> {
    // The same input checks as `send`: malformed ids, events or actors throw INVALID_ARGUMENT; a
    // payload that is not plain JSON is an answer (INVALID_PAYLOAD), as `send` would refuse it.
    const input = checkSendInput(instanceId, rawEvent, { actor }, 'can');
    if (input.invalid) return { ok: false, code: input.invalid.code, message: input.invalid.message };
    const record = await load(instanceId, input.opts.actor);
    let reg: RegisteredWorkflow;
    try {
      reg = registry.get(record.workflow, record.version, record.id);
    } catch (error) {
      if (isDocketError(error)) return { ok: false, code: error.code, message: error.message };
      throw error;
    }
    const now = clock.now();
    return canSend(reg, record, input.event, input.opts.actor, now, pipeline.restore, pipeline.envAt(reg, now, record.tenant));
  }

  const waiters = new InstanceWaiters({
    get: async (instanceId) => {
      await ready();
      // The view `get` gives, with the workflow's timer owners: without them a timer armed by a state
      // with its own id (an approval step) was named by that id instead of its path.
      return viewOf(await load(instanceId));
    },
    onTransition: (fn) => {
      emitter.on('transition', fn);
      return () => emitter.off('transition', fn);
    },
  });

  const parts: EngineParts = { store, registry, clock, emitter, outbox, pipeline, workerId, claimToken, leaseMs, ready, isReady: () => isReady && !closed, isClosed: () => closed };
  const retention: RetentionParts = { store, clock, keys, ready, forget: pipeline.forget };
  const admin = adminOperations(parts);
  const timers = timerDelivery(parts, admin.suspendAfterFailure);
  // The worker loop's look for timers no worker can claim (a row edited outside Docket): run() and tick().
  const stalls = stalledTimerSweep(parts);
  // A virtual clock steps only once the deliveries in flight have settled, and a step ends once its
  // own have: simulated time never passes while a handler runs (`engine.run` does not wait for them).
  // (Like a time-skipping test server: a handler that never settles holds the advance, until `close`.)
  let closeStarted!: () => void;
  const closeBegins = new Promise<void>((resolve) => (closeStarted = resolve));
  // Nothing in flight (the common case between two steps): no promise race to build for every step.
  const settledOrClosing = () => (outbox.idle ? undefined : Promise.race([outbox.settled(), closeBegins]));
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
    clock: options.clock,
    store,
    calendar,
    directory,
    async start(workflowId, rawInput, opts) {
      await ready();
      const { input, actor, id: givenId, tenant } = checkStartInput(workflowId, rawInput, opts);
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
      const id = givenId ?? newInstanceId();
      await pipeline.create(
        id,
        reg,
        ({ now }) => {
          let step: Step;
          try {
            step = reg.runtime.initial(copyWith(parsed.data as object, { $actor: actor, $at: now }), now, tenant);
          } catch (error) {
            throw machineError(error, id, workflowId);
          }
          if (step.snapshot.status === 'error') throw machineError(step.snapshot.error, id, workflowId);
          const event = tenant === undefined ? { type: 'docket.start', input: parsed.data } : { type: 'docket.start', input: parsed.data, tenant };
          return { step, initiator: actor.id, change: { kind: 'start', event, actor } };
        },
        tenant,
      );
      return id;
    },
    // An actor of a tenant acts on that tenant's instances only (another tenant's is not found): the
    // pipeline decides it for every act, so `sendMany`, admin operations and migrations share it.
    send: (instanceId, event, opts) => send(instanceId, event, opts),
    async sendMany(acts, opts) {
      const batch = checkBatchInput(acts, opts);
      const results: BatchResult[] = [];
      for (const act of batch.acts) {
        try {
          const view = await send(act.instanceId, act.event as { type: string }, {
            actor: batch.actor,
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
      await ready();
      return can(instanceId, rawEvent as { type: string }, actor);
    },
    waitFor(instanceId, until, opts = {}) {
      let signal: unknown;
      try {
        ({ signal } = readOptions(opts, { keys: ['signal'], what: 'waitFor() options', usage: '{ signal?: AbortSignal }', details: { instanceId } }));
        checkSignal(signal, 'waitFor(id, until, { signal })', 'nothing is waited for');
      } catch (error) {
        return Promise.reject(error);
      }
      return waiters.wait(instanceId, until as never, signal as AbortSignal | undefined) as Promise<TypedInstanceView<W>>;
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
      if (opts.includeRefused !== undefined && typeof opts.includeRefused !== 'boolean') {
        throw new DocketError('INVALID_ARGUMENT', 'history() takes { includeRefused?: boolean } or a page { limit?, cursor? }; leave it out for the whole accepted history.', { instanceId, field: 'includeRefused' });
      }
      const record = await load(instanceId);
      if (opts.limit !== undefined || opts.cursor !== undefined) {
        const page = { ...(opts.limit === undefined ? {} : { limit: opts.limit }), ...(opts.cursor === undefined ? {} : { cursor: opts.cursor }) };
        return historyPage(store, record, opts.includeRefused ? { ...page, includeRefused: true } : page, () => store.refusals(instanceId));
      }
      const entries = await store.history(instanceId);
      if (!opts.includeRefused) return entries;
      return mergeRefusals(entries, await store.refusals(instanceId));
    }) as Engine<W>['history'],
    async tasks(query = {}) {
      await ready();
      // Added for approvals: a deputy's inbox also shows the tasks of whoever they stand in for (代理) today.
      return inboxWithStandIns(store, directory, query, clock.now(), permissionsOf);
    },
    async effects(instanceId) {
      assertId(instanceId, 'The instance id', {}, 'instanceId');
      await ready();
      const found = await store.effects(instanceId);
      if (found.length > 0) return found;
      // None: an answer only for an instance that exists (a mistyped id is INSTANCE_NOT_FOUND, as
      // for get, history and a tenant's effects); an archived instance's effects are in its archive.
      return orArchived(
        async () => {
          await load(instanceId);
          return found;
        },
        async () => (store.archived ? (await store.archived(instanceId))?.effects : undefined),
      );
    },
    async verify(instanceId) {
      await ready();
      return orArchived(
        async () => walkHistory(store, await loadForVerify(() => load(instanceId), instanceId), keys, () => store.load(instanceId)),
        () => verifyArchived(retention, instanceId),
      );
    },
    retain: (opts) => retain(retention, opts),
    archived: async (instanceId) => {
      assertId(instanceId, 'The instance id', {}, 'instanceId');
      return archivedView(retention, instanceId);
    },
    forTenant: (tenant) => tenantView(engine, retention, tenant, (t) => routing.configOf(t).directory, permissionsOf),
    reresolveDeadlines: (opts) => reresolveDeadlines(parts, calendar, opts, (tenant) => routing.configOf(tenant).calendar),
    migrate: (opts) => migrateInstances(parts, opts),
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
      await stalls(clock.now());
      await outbox.settled();
      return fired;
    },
    settled: () => outbox.settled(),
    async run(raw = {}) {
      // Options read before anything runs, once, by the house rule: null, a number, or a signal that
      // is not an AbortSignal (reading `aborted` of a plain object, or adding a listener to it) failed
      // with a raw TypeError, and a misspelt `signl` was ignored, so the loop could never be stopped.
      const opts = readOptions(raw, { keys: ['signal', 'pollMs', 'retain'], what: 'run()', usage: '{ signal?, pollMs?, retain? } (or nothing)' }) as { signal?: AbortSignal; pollMs?: number; retain?: Parameters<typeof retentionStep>[1] };
      checkSignal(opts.signal, 'run({ signal })', 'nothing was started');
      // A pollMs of 0, NaN or '1000' made the loop spin (`now + '1000'` is a string, and NaN wakes at once).
      const pollMs = positive(opts.pollMs, 1000, 'run({ pollMs })');
      // The retain options (their shape, everyMs, mode, limit, policy, the store) are checked by
      // retentionStep here, before anything is subscribed or looped.
      const retaining = opts.retain === undefined ? undefined : retentionStep(retention, opts.retain);
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
            await stalls(clock.now());
            await retaining?.();
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
      // A misspelt name ('timer.fire', 'effect.dead') was a listener that never ran: nothing failed,
      // and an alert wired to it stayed silent.
      if (typeof event !== 'string' || !ENGINE_EVENTS.includes(event)) {
        throw new DocketError('INVALID_ARGUMENT', `engine.on() takes one of the engine's events (${ENGINE_EVENTS.join(', ')}); got ${typeof event === 'string' ? JSON.stringify(event.slice(0, 60)) : typeof event}.`, { field: 'event' });
      }
      if (typeof fn !== 'function') {
        throw new DocketError('INVALID_ARGUMENT', `engine.on('${event}', fn) takes a function as its listener; got ${fn === null ? 'null' : typeof fn}.`, { field: 'fn' });
      }
      // A listener runs inside the act that emits (after its commit is durable): one that throws, or
      // returns a promise that rejects, made start/send/admin calls reject with the listener's error
      // for a write that was made (a retry then acted twice, or started a second instance), turned a
      // refusal's typed error into that raw one, and failed a fired timer's delivery. Its error goes
      // to the 'error' listeners instead, as background work's does. An 'error' listener's own failure
      // has nowhere left to go (reporting it to 'error' again could loop): it is dropped. It was let
      // through before, so a logger whose `error` threw failed every act whose listener failed, and
      // the emitters of background errors (the outbox, the run loop) with them.
      const report = event === 'error' ? () => {} : (error: unknown) => void emitter.emit('error', error);
      const listener = (...args: unknown[]) => {
        try {
          const returned: unknown = (fn as (...a: unknown[]) => unknown)(...args);
          if (returned !== null && (typeof returned === 'object' || typeof returned === 'function')) {
            const then: unknown = (returned as { then?: unknown }).then;
            if (typeof then === 'function') then.call(returned, undefined, report);
          }
        } catch (error) {
          report(error);
        }
      };
      emitter.on(event, listener as never);
      return () => emitter.off(event, listener as never);
    },
    close(opts = {}) {
      if (closing) return closing;
      let timeoutMs: number;
      try {
        const { timeoutMs: given } = readOptions(opts, { keys: ['timeoutMs'], what: 'close()', usage: '{ timeoutMs? } (or nothing)' });
        timeoutMs = positive(given as number | undefined, effectTimeoutMs, 'close({ timeoutMs })');
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
      closing = outbox.close(clock.now() + timeoutMs, pipeline.idle()).then(() => {
        emitter.removeAllListeners();
      });
      return closing;
    },
  };
  // An archived instance's history is read from the archive (see `engine.retain`).
  const hotHistory = engine.history;
  engine.history = (async (instanceId: string, raw?: unknown) => {
    // Read once, before either the live or the archived history reads them: an unknown key
    // (`limt: 5` returned the whole history), a Proxy or a throwing getter is INVALID_ARGUMENT.
    const opts = raw === undefined ? {} : readOptions(raw, { keys: HISTORY_OPTION_KEYS, what: 'history() options', usage: '{ includeRefused?: boolean } or a page { limit?, cursor? }', details: { instanceId } });
    return orArchived(() => hotHistory(instanceId, opts as never), () => archivedHistory(retention, instanceId, opts as never));
  }) as Engine<W>['history'];
  if (logger !== undefined) logEngine(engine, logger);
  return engine;
}
