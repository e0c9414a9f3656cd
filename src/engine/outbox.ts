import type { EventEmitter } from 'eventemitter3';
import type { Clock, Instant } from '../clock/clock.js';
import { DocketError } from '../errors.js';
import type { EffectRecord } from '../store/records.js';
import type { EffectUpdate, HeldClaim, Store } from '../store/store.js';
import type { EffectContext, EffectHandler, EngineEvents, RetryPolicy } from './engine-types.js';
import { copyWith } from '../store/copy-with.js';
import { storableText } from '../store/payload-rules.js';
import { INSTANT_BOUND } from '../clock/whole-instant.js';
import { lookupEffectHandler, type EffectHandlers, type HandlerLookup } from './effect-handlers.js';
import { setNewest } from './bounded-map.js';
import { messageOf } from '../input/safe-string.js';

/** Why an internal timeout is called off: the race it guarded has settled. */
const SETTLED = 'settled';

/** How an {@link Outbox} delivers (internal; the engine fills it from its options). */
export interface OutboxOptions {
  readonly workerId: string;
  /**
   * A fresh token for each claim (random; injected, so a test may name them): an outcome is recorded
   * only under the claim its effect was delivered on, told apart from any other claim of the same
   * `workerId` (two engines may share one).
   */
  readonly claimToken: () => string;
  /** How long a claim outlives the handler's timeout (ms): time to record the outcome. */
  readonly leaseMs: number;
  /** How long one handler call may take before it is aborted and counted as a failed attempt (ms). */
  readonly timeoutMs: number;
  /** How many deliveries may run at once (effects of one instance in one claim run one by one). */
  readonly concurrency: number;
  readonly retry: RetryPolicy;
  /**
   * Whether this engine registers a workflow version: an effect with no handler here, of an instance
   * on a version this engine does not register, is left for an engine that does (see `handBack`).
   */
  readonly registers: (workflow: string, version: number) => boolean;
}

type Outcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

const DELIVERED: Outcome = { ok: true };

/** How many effects' hand-back counts an outbox keeps (see `Outbox.handBack`). */
const HANDED_BACK_MAX = 10_000;

/** The longest an effect handed back to other engines waits before this engine looks at it again (ms). */
const HAND_BACK_MAX_MS = 3_600_000;

/** Longest handler error message kept as an effect's `lastError`. */
const LAST_ERROR_MAX = 10_000;

/** A failed attempt's error as text (a `toString` that throws); made storable where it is recorded. */
function errorText(error: unknown): string {
  return messageOf(error, 'The handler failed with a value that cannot be shown as text.');
}

/**
 * The `then` of a handler's return when it is a promise (or any thenable) still to be awaited, read
 * once as `await` reads it (a getter may throw, or answer differently a second time); undefined
 * when the return has settled already.
 */
function thenOf(value: unknown): ((this: unknown, onFulfilled: (v: unknown) => void, onRejected: (e: unknown) => void) => unknown) | undefined {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  const then: unknown = (value as { then?: unknown }).then;
  return typeof then === 'function' ? (then as never) : undefined;
}

/**
 * How long after failed attempt `attempt` (1, 2, …) the effect is tried again: `initialDelayMs`
 * doubled per attempt, at most `maxDelayMs`; a whole number of ms in [0, maxDelayMs] for any policy
 * `createEngine` accepts and any attempt. `initialDelayMs * 2 ** (attempt - 1)` was `0 * Infinity =
 * NaN` from attempt 1025 with `initialDelayMs: 0`: the failure's next-attempt instant was refused by
 * every store, so it was never recorded and the effect, claimed again at each lease's end, was tried
 * forever at attempt 1024, never counted, never dead.
 */
export function retryDelay(initialDelayMs: number, maxDelayMs: number, attempt: number): number {
  if (initialDelayMs <= 0) return 0;
  // Past 2^1023 the doubling is Infinity, and the policy's cap holds.
  return Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt - 1, 1024));
}

/**
 * Delivers outbox effects at least once, outside any instance's lock: a commit only asks for a
 * delivery (`dispatch`), which claims due effects under a lease and hands each to the handler for its
 * type in the background. A handler that throws, rejects, or does not settle within `timeoutMs`
 * (its `signal` is then aborted) has failed one attempt: retried with exponential backoff, `dead`
 * after the last attempt with the reason. An effect whose type has no handler is marked `dead` at
 * once with a message saying how to register one (never silently kept).
 *
 * One engine never runs two deliveries of the same effect: a claim of an effect it is still
 * delivering is skipped. A claim lasts `timeoutMs + leaseMs`, so another engine takes an effect over
 * only when its claimant crashed or gave it up at `close` (at least once, never lost).
 */
export class Outbox {
  private readonly maxAttempts: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  /** Deliveries in progress, by effect id; each settles (never rejects) once its outcome is stored. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private pumping: Promise<void> | undefined;
  /** A dispatch arrived while claiming, or the last claim was cut short by `concurrency`: claim again. */
  private again = false;
  private starved = false;
  private closed = false;
  /** Aborted when `close` gives up on what is still running: those handlers are told to stop. */
  private readonly abandon = new AbortController();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly handlers: EffectHandlers,
    private readonly options: OutboxOptions,
    private readonly emitter: EventEmitter<EngineEvents>,
  ) {
    this.maxAttempts = options.retry.maxAttempts ?? 10;
    this.initialDelayMs = options.retry.initialDelayMs ?? 1000;
    this.maxDelayMs = options.retry.maxDelayMs ?? 3_600_000;
  }

  /**
   * Start delivering whatever is due now, in the background; returns at once and never throws
   * (a store failure while claiming is emitted as `error`, and the next dispatch claims again).
   */
  dispatch(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump()
      .catch((error: unknown) => {
        this.emitter.emit('error', error);
      })
      .finally(() => {
        this.pumping = undefined;
        // A dispatch that arrived after the last claim's check: claim once more.
        if (this.again) this.dispatch();
      });
  }

  /** Whether nothing is being claimed or delivered now: {@link settled} would resolve at once. */
  get idle(): boolean {
    return this.pumping === undefined && this.inFlight.size === 0;
  }

  /** Resolves once nothing is being claimed or delivered (including deliveries those lead to). */
  async settled(): Promise<void> {
    while (this.pumping !== undefined || this.inFlight.size > 0) {
      await Promise.all([this.pumping, ...this.inFlight.values()]);
    }
  }

  /**
   * Stop taking work: wait for deliveries in progress until `deadline` on the clock, then abort the
   * handlers still running and forget them. Their effects keep their claim and are delivered again
   * once it runs out, by whichever engine claims them (at least once). Resolves by `deadline`.
   */
  async close(deadline: Instant, before: Promise<void>): Promise<void> {
    const stop = new AbortController();
    const timedOut = this.clock.sleepUntil(deadline, stop.signal).then(() => 'timeout' as const);
    const drained = before.then(() => {
      this.closed = true;
      return this.settled();
    });
    await Promise.race([drained, timedOut]);
    stop.abort(SETTLED);
    this.closed = true;
    if (this.pumping !== undefined || this.inFlight.size > 0) {
      const reason = new DocketError('ENGINE_CLOSED', 'The engine was closed before this effect handler settled; the effect will be delivered again.');
      this.abandon.abort(reason);
      for (const tell of [...this.running]) tell(reason);
      this.running.clear();
      this.inFlight.clear();
      this.pumping = undefined;
    }
  }

  private async pump(): Promise<void> {
    do {
      this.again = false;
      this.starved = false;
      for (;;) {
        if (this.closed) return;
        const room = Math.min(100, this.options.concurrency - this.inFlight.size);
        if (room <= 0) {
          this.starved = true;
          return;
        }
        const held: HeldClaim = { owner: this.options.workerId, token: this.options.claimToken() };
        const claimed = await this.store.claimEffects(this.clock.now(), {
          owner: held.owner,
          token: held.token,
          leaseMs: this.options.timeoutMs + this.options.leaseMs,
          limit: room,
        });
        // Claimed is taken: deliver it even if `close` began meanwhile (it waits for it, up to its bound).
        this.start(claimed, held);
        if (claimed.length < room) break;
      }
    } while (this.again);
  }

  /** Deliver the claimed effects, held under `held`: one instance's effects in claim order, instances side by side. */
  private start(claimed: readonly EffectRecord[], held: HeldClaim): void {
    const byInstance = new Map<string, EffectRecord[]>();
    for (const effect of claimed) {
      // Re-claimed after its lease ran out while this engine still delivers it: never twice at once.
      if (this.inFlight.has(effect.id)) continue;
      const list = byInstance.get(effect.instanceId);
      if (list) list.push(effect);
      else byInstance.set(effect.instanceId, [effect]);
    }
    for (const effects of byInstance.values()) {
      let previous: Promise<void> = Promise.resolve();
      for (const effect of effects) {
        // A delivery that fails past its own handling is reported, never left to reject: its effect
        // keeps its claim and is taken again once that runs out (never lost, never twice at once).
        const delivery = previous.then(() => this.deliver(effect, held)).catch((error: unknown) => void this.emitter.emit('error', error));
        previous = delivery;
        this.inFlight.set(effect.id, delivery);
        void delivery.then(() => {
          if (this.inFlight.get(effect.id) !== delivery) return;
          this.inFlight.delete(effect.id);
          if (this.starved) this.dispatch();
        });
      }
    }
  }

  private async deliver(effect: EffectRecord, held: HeldClaim): Promise<void> {
    if (this.abandon.signal.aborted) return;
    const attempt = effect.attempts + 1;
    let found: HandlerLookup;
    try {
      found = lookupEffectHandler(this.handlers, effect.type);
    } catch (error) {
      // A getter or Proxy trap of the effects object threw (a lazy handler that failed to load): a
      // failed attempt of this effect, counted and retried like a handler's throw. It escaped before:
      // the delivery rejected unhandled, stayed "in flight" for good (this engine never tried the
      // effect again, settled() rejected) and the instance's later effects were never delivered.
      await this.failed(effect, held, attempt, error, `Looking up the handler for effect "${effect.type}" failed: ${errorText(error)}`);
      return;
    }
    if (found.missing !== undefined) {
      if (await this.handBack(effect, held, found.missing)) return;
      // The engine's own configuration lacks the handler: a typed error naming the option to fix, as
      // createEngine names it (a plain Error here was the one untyped error the engine reported).
      const error = new DocketError('INVALID_ARGUMENT', found.missing, { field: `effects.${effect.type}`, instanceId: effect.instanceId, effectId: effect.id });
      await this.record(effect, held, { status: 'dead', attempts: effect.attempts, nextAttemptAt: this.clock.now(), lastError: found.missing }, error);
      return;
    }
    const outcome = await this.call(found.handler, effect, attempt);
    if (this.abandon.signal.aborted) return;
    if (outcome.ok) {
      const now = this.clock.now();
      await this.record(effect, held, { status: 'delivered', attempts: attempt, nextAttemptAt: now, deliveredAt: now });
      return;
    }
    await this.failed(effect, held, attempt, outcome.error, errorText(outcome.error));
  }

  /**
   * How often in a row this engine handed each effect back (by id), for the backoff of `handBack`.
   * Bounded: the oldest entries are dropped first (a dropped one starts its backoff again).
   */
  private readonly handedBack = new Map<string, number>();

  /**
   * An effect with no handler here whose instance runs a workflow version this engine does not
   * register (a rolling deploy: a new process emitted it on version 2, an old one claimed it) is not
   * this engine's to judge: another engine on the store may have the handler. It is handed back
   * pending, its attempts unchanged, claimable again after one lease (doubling while this engine keeps
   * claiming it, at most an hour), with one `error` saying so; true when handed back (or when the
   * instance could not be read: the claim then runs out and the effect is claimed again). Before, the
   * old engine marked it `dead` at once and no engine ever delivered it. An instance on a version this
   * engine registers (its own configuration lacks the handler) or no longer live: false, `dead` as before.
   */
  /** When this engine looks again at an effect it hands back: the lease doubled per hand-back in a row, at most an hour. */
  private nextLook(effect: EffectRecord): Instant {
    const count = (this.handedBack.get(effect.id) ?? 0) + 1;
    setNewest(this.handedBack, effect.id, count, HANDED_BACK_MAX);
    return Math.min(this.clock.now() + Math.min(HAND_BACK_MAX_MS, this.options.leaseMs * 2 ** Math.min(count - 1, 32)), INSTANT_BOUND);
  }

  private async handBack(effect: EffectRecord, held: HeldClaim, missing: string): Promise<boolean> {
    let record: { readonly workflow: string; readonly version: number } | undefined;
    try {
      record = await this.store.load(effect.instanceId);
    } catch (error) {
      // The instance cannot be read (a corrupt or newer-schema row, the store down): whose effect this
      // is cannot be judged. It is left pending, attempts unchanged, and looked at again after the
      // same backoff as a hand-back. Keeping the claim instead had it claimed again at every lease's
      // end (each minute of a simulated year, each with an error) for as long as the row stayed so.
      this.emitter.emit('error', error);
      const retryAt = this.nextLook(effect);
      const message = `Effect "${effect.type}" (${effect.id}) was not delivered by this engine: ${missing} Its instance ${effect.instanceId} could not be read (${errorText(error)}), so it is left pending, its attempts unchanged; this engine looks at it again at ${new Date(retryAt).toISOString()}. Run \`docket verify\` on the instance, and restore its row if it is damaged.`;
      try {
        await this.store.updateEffect(effect.id, copyWith({ status: 'pending' as const, attempts: effect.attempts, nextAttemptAt: retryAt, lastError: storableText(message, LAST_ERROR_MAX) }, held));
      } catch (failure) {
        // Not recorded: the claim is kept, and the effect is claimed again once it runs out.
        this.emitter.emit('error', failure);
      }
      return true;
    }
    if (record === undefined || this.options.registers(record.workflow, record.version)) return false;
    const retryAt = this.nextLook(effect);
    const message = `Effect "${effect.type}" (${effect.id}) was not delivered by this engine: ${missing} Its instance ${effect.instanceId} runs workflow "${record.workflow}" version ${record.version}, which this engine does not register, so it is left pending, its attempts unchanged, for an engine that registers that version (another process on this store) to deliver; this one looks at it again at ${new Date(retryAt).toISOString()}.`;
    try {
      await this.store.updateEffect(effect.id, copyWith({ status: 'pending' as const, attempts: effect.attempts, nextAttemptAt: retryAt, lastError: storableText(message, LAST_ERROR_MAX) }, held));
    } catch (failure) {
      this.emitter.emit('error', failure);
      return true;
    }
    this.emitter.emit(
      'error',
      new DocketError('WORKFLOW_VERSION_NOT_REGISTERED', message, { instanceId: effect.instanceId, effectId: effect.id, workflow: record.workflow, version: record.version, field: `effects.${effect.type}`, retryAt }),
    );
    return true;
  }

  /** Record a failed attempt: retried after the policy's backoff, `dead` once it was the last. */
  private async failed(effect: EffectRecord, held: HeldClaim, attempt: number, error: unknown, text: string): Promise<void> {
    const now = this.clock.now();
    // Text every store keeps: a message holding U+0000 failed PostgreSQL's update, so the attempt was
    // never recorded and the effect retried forever, never counted, never dead.
    const lastError = storableText(text, LAST_ERROR_MAX);
    const dead = attempt >= this.maxAttempts;
    const delay = retryDelay(this.initialDelayMs, this.maxDelayMs, attempt);
    // At most the last instant a store keeps: a retry policy's long delay (maxDelayMs up to 2^53 ms)
    // made an instant every store refused, so the failure was never recorded and the effect, claimed
    // again at each lease's end, was tried forever, never counted, never dead.
    const nextAttemptAt = Math.min(now + delay, INSTANT_BOUND);
    const update = { status: dead ? ('dead' as const) : ('pending' as const), attempts: attempt, nextAttemptAt, lastError };
    await this.record(effect, held, update, error);
  }

  /**
   * One sleeper per distinct timeout instant, shared by the deliveries that end then: deliveries
   * started at one instant (a virtual clock's whole day, a claimed batch) share one timer instead of
   * an AbortController and a sleeper each. Resolves at the instant, or once nobody waits on it.
   */
  private readonly timeouts = new Map<Instant, { readonly fired: Promise<void>; readonly stop: AbortController; users: number }>();
  /** Handlers still running, told when `close` gives up on them. */
  private readonly running = new Set<(reason: unknown) => void>();

  private timeoutAt(at: Instant): Promise<void> {
    let entry = this.timeouts.get(at);
    if (!entry) {
      const stop = new AbortController();
      entry = { fired: this.clock.sleepUntil(at, stop.signal), stop, users: 0 };
      this.timeouts.set(at, entry);
    }
    entry.users++;
    return entry.fired;
  }

  private releaseTimeout(at: Instant): void {
    const entry = this.timeouts.get(at);
    if (entry && --entry.users === 0) {
      this.timeouts.delete(at);
      entry.stop.abort(SETTLED);
    }
  }

  /** Run the handler against its timeout (on the engine's clock) and the engine's close. */
  private async call(handler: EffectHandler, effect: EffectRecord, attempt: number): Promise<Outcome> {
    const startedAt = this.clock.now();
    // The handler's signal, made only if the handler reads it (most never do); an abort before
    // then is handed to it when it does.
    let controller: AbortController | undefined;
    let abortReason: { readonly reason: unknown } | undefined;
    const abort = (reason: unknown) => {
      if (abortReason) return;
      abortReason = { reason };
      controller?.abort(reason);
    };
    const context: EffectContext = {
      effectId: effect.id,
      instanceId: effect.instanceId,
      workflow: effect.workflow,
      type: effect.type,
      attempt,
      now: startedAt,
      get signal(): AbortSignal {
        if (!controller) {
          controller = new AbortController();
          if (abortReason) controller.abort(abortReason.reason);
        }
        return controller.signal;
      },
    };
    // The handler is called at once. One that returns without a promise (or throws) has settled
    // already: no timeout, no race, nothing to abandon.
    let returned: unknown;
    let then: ReturnType<typeof thenOf>;
    try {
      returned = handler(effect.params, context);
      then = thenOf(returned);
      if (!then) return DELIVERED;
    } catch (error) {
      return { ok: false, error };
    }
    let settled = false;
    let onAbandon: (reason: unknown) => void = () => {};
    const abandoned = new Promise<Outcome>((resolve) => {
      onAbandon = (reason) => {
        abort(reason);
        resolve({ ok: false, error: reason });
      };
    });
    this.running.add(onAbandon);
    const deadline = startedAt + this.options.timeoutMs;
    // Built only when the timeout fires: a delivery that settles in time constructs no error.
    const timedOut = this.timeoutAt(deadline).then((): Outcome => {
      if (settled) return { ok: true };
      const timeout = new DocketError(
        'EFFECT_TIMEOUT',
        `The handler for effect "${effect.type}" did not settle within ${this.options.timeoutMs} ms (attempt ${attempt}); it was aborted through context.signal and counts as a failed attempt. Make it honour the signal or raise createEngine({ effectTimeoutMs }).`,
        { instanceId: effect.instanceId, workflow: effect.workflow, effectId: effect.id, attempt },
      );
      abort(timeout);
      return { ok: false, error: timeout };
    });
    // The `then` read above, called once (Promise.resolve would read it a second time: a getter
    // answering a function once and then nothing made a thenable that never settles "delivered").
    const thenable = returned;
    const run = new Promise<unknown>((resolve, reject) => {
      then.call(thenable, resolve, reject);
    }).then(
      (): Outcome => DELIVERED,
      (error: unknown): Outcome => ({ ok: false, error }),
    );
    try {
      return await Promise.race([run, timedOut, abandoned]);
    } finally {
      settled = true;
      this.running.delete(onAbandon);
      this.releaseTimeout(deadline);
    }
  }

  /** Store an attempt's outcome; a store failure leaves the claim to run out (retried, never lost). */
  private async record(effect: EffectRecord, held: HeldClaim, outcome: Omit<EffectUpdate, 'owner' | 'token'>, error?: unknown): Promise<void> {
    try {
      // Under the claim it was delivered on: once that ran out and another claim took the effect (another
      // engine's, or one sharing this workerId), the store refuses (CONFLICT) and the successor's outcome stands.
      await this.store.updateEffect(effect.id, copyWith(outcome, held));
    } catch (failure) {
      this.emitter.emit('error', failure);
      return;
    }
    const updated: EffectRecord = copyWith(effect, outcome);
    if (outcome.status === 'delivered') this.emitter.emit('effect.delivered', updated);
    else this.emitter.emit('effect.failed', updated, error);
  }
}
