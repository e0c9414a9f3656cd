import type { ClockSubscriber, Instant } from '../clock/clock.js';
import { DocketError, isDocketError, isTransient } from '../errors.js';
import { SYSTEM_ACTOR, type InstanceRecord, type TimerRecord } from '../store/records.js';
import type { CommitDecision } from './commit-pipeline.js';
import type { EngineParts } from './engine-core.js';
import { recordStep } from './record-step.js';
import { stepOf } from './send-decision.js';
import { timerIsLive, type TimerOwners } from './timer-owner.js';
import { describeTimer, nameTimer, type TimerIdentity } from './timer-identity.js';
import type { FiredTimerView } from './engine-types.js';
import { copyWith } from '../store/copy-with.js';
import { setNewest } from './bounded-map.js';
import type { HeldClaim } from '../store/store.js';

/** How many timers' backoff entries one engine keeps (see `setNewest`: the oldest are dropped first). */
export const BACKOFF_MAX = 10_000;

/** A {@link ClockSubscriber} whose firings say what each timer is (see {@link FiredTimerView}). */
export interface TimerDelivery extends ClockSubscriber {
  fireDue(now: Instant): Promise<FiredTimerView[]>;
}

/**
 * Delivers due timers (internal): what a virtual clock drives step by step and `engine.run()` drives
 * in a loop. Each timer is its own event and its own commit, which marks it fired in the same
 * transaction, so it fires once. A timer whose transition cannot be computed is handed to
 * `onFailure` (the engine suspends that instance) instead of being retried at every lease; a
 * transient failure (see {@link isTransient}: the store unreachable, conflicts that outlasted their
 * retries) or a firing whose outcome the store could not tell (`STORE_OUTCOME_UNKNOWN`) is reported
 * on `error` and retried with backoff, the instance left as it is. A timer whose owning state is not
 * active is retired by a commit of its own instead of fired (see `retirement`).
 */
export function timerDelivery(
  parts: EngineParts,
  onFailure: (timer: TimerRecord, error: unknown, now: Instant) => Promise<void>,
): TimerDelivery {
  const { store, emitter, pipeline } = parts;
  // Timers whose last attempt failed transiently, by id: how often in a row, and when to try again.
  // The claim is kept meanwhile, so the timer is due again when its lease runs out; each lease that
  // runs out before `retryAt` is renewed without an attempt (backoff in whole leases, capped).
  const backoff = new Map<string, { failures: number; retryAt: Instant }>();

  async function fireTimer(timer: TimerRecord, now: Instant, seen: Seen): Promise<FiredTimerView | Orphan | undefined> {
    // What the timer is (its state, label, rule), read once the instance and its workflow are loaded;
    // left undefined by a decision that retires the timer instead of firing it (a conflict decides again).
    let about: (TimerIdentity & { readonly workflow: string; readonly version: number }) | undefined;
    // Why nothing is to be done, when the act skips: no instance was loaded (`wanted` is not asked
    // then), or the loaded one does not hold the timer.
    let orphan: Orphan | undefined = { orphan: 'instance-missing' };
    const outcome = await pipeline.act<undefined>({
      instanceId: timer.instanceId,
      source: 'store',
      now,
      // Fired, cancelled or held since it was claimed (the row is then no longer pending), or a row
      // no instance holds (an orphan: it stays pending for ever): nothing to fire either way.
      wanted: (record) => {
        seen.record = record;
        const held = record.timers.some((t) => t.id === timer.id);
        orphan = held ? undefined : { orphan: 'not-held', owners: registeredOwners(record) };
        return held;
      },
      // The claimed row must be a timer the history head committed to, as it is: a due instant moved
      // in the timer table (or in the instance's list) is refused, not fired.
      timer,
      skip: undefined,
      decide: (record, { reg, restore, tenant }) => {
        const owners = reg!.runtime.timerOwners;
        // A timer whose owning state is no longer active (left pending by an older Docket, before a
        // step's cancels were applied in order) is not an event: it is retired, not fired.
        about = undefined;
        if (!timerIsLive(timer.key, record.statePaths, owners)) return retirement(record, owners);
        const step = stepOf(reg!, restore(reg!, record), copyWith(timer.event, { $actor: SYSTEM_ACTOR, $at: now }) as never, now, record.id, tenant);
        // The claimed row carries no deadline provenance; the instance's own copy of the timer does.
        const pending = record.timers.find((t) => t.id === timer.id);
        const identity = describeTimer(pending ?? timer, { owners, deadlines: reg!.workflow.deadlines });
        about = copyWith(identity, { workflow: record.workflow, version: record.version });
        return {
          kind: 'commit',
          step,
          reg: reg!,
          change: {
            kind: 'timer',
            // Recorded under Docket's namespaced name; `delivered` is the event the machine received.
            event: { type: `docket.timer.${timer.name}`, delivered: timer.event.type },
            actor: SYSTEM_ACTOR,
            timer: { id: timer.id, name: timer.name, dueAt: timer.dueAt, state: identity.state, label: identity.label },
          },
        };
      },
    });
    if (!outcome.commit && orphan !== undefined) return orphan;
    if (!outcome.commit || about === undefined) return undefined;
    const fired: FiredTimerView = { timerId: timer.id, instanceId: timer.instanceId, name: timer.name, dueAt: timer.dueAt, firedAt: now, lateMs: now - timer.dueAt, ...about };
    emitter.emit('timer.fired', fired);
    return fired;
  }

  /** Fire one timer claimed under `held`, handling its failure (backoff or suspension); never throws. */
  async function deliver({ timer, held }: Claimed, now: Instant): Promise<FiredTimerView | undefined> {
    if (timer.dueAt > now) return notDueYet(timer, held, now);
    const waiting = backoff.get(timer.id);
    if (waiting && now < waiting.retryAt) return undefined;
    const seen: Seen = {};
    try {
      const done = await fireTimer(timer, now, seen);
      backoff.delete(timer.id);
      if (done !== undefined && 'orphan' in done) return retireOrphan(timer, held, done, now);
      return done;
    } catch (error) {
      const tampered = isTampered(error);
      const unregistered = isUnregistered(error);
      if (isTransient(error) || isOutcomeUnknown(error) || tampered || unregistered) {
        // The store, not the instance, failed: nothing about the timer is wrong. Set it aside and
        // try again later; suspending would need an administrator for a passing outage.
        // A firing whose outcome is unknown (the connection dropped mid-commit, COMMIT's fsync
        // failed) is retried the same way: the retry loads the instance afresh, and a firing that
        // landed after all left the timer fired, so it is skipped; it fires once either way. It
        // suspended the instance before, although nothing about the instance was wrong.
        // An instance edited outside Docket (its head check failed) is not suspended either: that
        // would seal the edit into a new entry. Its timer is parked, not fired, until the instance
        // is restored: an edit does not mend itself within seconds, so it waits the longest backoff
        // (an hour) at once, and is checked again then (it fires, late, once the instance is restored).
        // An instance of a workflow version this engine does not register (a rolling deploy: a new
        // process started it on version 2, an old one that knows version 1 only claimed its timer) is
        // this engine's limit, not the instance's fault: it is set aside the same way, for an engine
        // that registers the version to fire. It suspended the instance before, for an administrator
        // to resume, although the newer processes beside it could have fired the timer.
        const failures = (waiting?.failures ?? 0) + 1;
        const delayMs = tampered ? MAX_RETRY_MS : Math.min(MAX_RETRY_MS, parts.leaseMs * 2 ** (failures - 1));
        const retryAt = now + delayMs;
        // Bounded: a timer another engine fired (a rolling deploy's newer process) leaves its entry here.
        setNewest(backoff, timer.id, { failures, retryAt }, BACKOFF_MAX);
        // Set aside in the store until then: the claim was kept before, and each lease that ran out
        // (every 30 s) claimed it again only to skip it, for ever while an instance stayed edited.
        await store.deferTimer(timer.id, held, retryAt).catch((e: unknown) => emitter.emit('error', e));
        const owners = ownersOf(timer, seen.record);
        emitter.emit(
          'error',
          tampered
            ? parked(error, timer, owners, failures, retryAt)
            : unregistered
              ? leftForAnother(error, timer, owners, failures, retryAt)
              : retrying(error, timer, owners, failures, retryAt, delayMs),
        );
        return undefined;
      }
      backoff.delete(timer.id);
      // One broken instance must not stop the others. A timer whose transition cannot be computed
      // (a machine bug, a year without holiday data, a corrupt snapshot) would fail again at every
      // retry, so the instance is suspended with the reason: its timers are held, nothing is
      // lost, and an administrator resumes it once the cause is fixed (the timer then fires late).
      emitter.emit('error', error);
      await onFailure(timer, error, now).catch((e: unknown) => emitter.emit('error', e));
      return undefined;
    }
  }

  /**
   * A claimed row no instance holds (its instance does not exist, or does not list it: a row written
   * or left in the timer table outside Docket). Nothing could ever fire it, and it stayed pending: it
   * was claimed again at every lease (30 s), for ever. It is retired in the timer table alone (the
   * history head never committed to it, so no entry names it) and reported once, as `timer.retired`
   * with `orphan` saying why; a row fired or cancelled since it was claimed is not reported.
   */
  async function retireOrphan(timer: TimerRecord, held: HeldClaim, found: Orphan, now: Instant): Promise<undefined> {
    let retired: boolean;
    try {
      retired = await store.retireTimer(timer.id, held);
    } catch (error) {
      emitter.emit('error', error);
      return undefined;
    }
    if (!retired) return undefined;
    const { state } = nameTimer(timer, found.owners);
    emitter.emit('timer.retired', { instanceId: timer.instanceId, timerId: timer.id, name: timer.name, state, dueAt: timer.dueAt, retiredAt: now, revision: timer.revision, orphan: found.orphan });
    return undefined;
  }

  /**
   * What the engine knows of the state that armed a claimed timer: the timer owners of its instance's
   * workflow version when the instance was loaded; otherwise (the store failed first, or nothing is
   * loaded for a timer not due) those of the registered workflows that know its key, when they agree.
   * Only when none knows it is the state read from the key (right for XState's default state ids);
   * it was read from the key always, so a state with an id of its own was named by that id.
   */
  function ownersOf(timer: TimerRecord, record: InstanceRecord | undefined): TimerOwners | undefined {
    const loaded = record === undefined ? undefined : registeredOwners(record);
    if (loaded?.has(timer.key)) return loaded;
    let found: TimerOwners | undefined;
    for (const reg of parts.registry.all()) {
      const owner = reg.runtime.timerOwners.get(timer.key);
      if (owner === undefined) continue;
      if (found !== undefined && found.get(timer.key) !== owner) return loaded;
      found = reg.runtime.timerOwners;
    }
    return found ?? loaded;
  }

  /** The timer owners of a loaded record's workflow version, when it is registered. */
  function registeredOwners(record: InstanceRecord): TimerOwners | undefined {
    try {
      return parts.registry.get(record.workflow, record.version, record.id).runtime.timerOwners;
    } catch {
      return undefined;
    }
  }

  /**
   * A claimed timer not due yet. A store claims on the row's ready instant, which is lease
   * bookkeeping outside the history chain: only a ready instant edited in the timer table makes a
   * timer claimable before its committed due instant (the claimed-timer check passes, since the row
   * is otherwise exactly a committed timer). It is handed back (which also resets its ready instant
   * to its due one), so it fires when due, once; `error` says what was found.
   */
  async function notDueYet(timer: TimerRecord, held: HeldClaim, now: Instant): Promise<undefined> {
    await store.releaseTimer(timer.id, held).catch((e: unknown) => emitter.emit('error', e));
    const owners = ownersOf(timer, undefined);
    emitter.emit(
      'error',
      new DocketError(
        'CORRUPT_SNAPSHOT',
        `Timer "${nameTimer(timer, owners).label}" of instance ${timer.instanceId} was claimable at ${now}, before its due instant ${timer.dueAt}: its ready instant in the timer table was changed outside Docket. It was not fired, and is handed back to fire when due.`,
        { instanceId: timer.instanceId, timer: timer.name, ...timerDetails(timer, owners), problem: 'timer-not-due' },
      ),
    );
    return undefined;
  }

  /** Claim due timers under a fresh claim: each comes back with the claim it is held under. */
  async function claimTimers(now: Instant): Promise<readonly Claimed[]> {
    const held: HeldClaim = { owner: parts.workerId, token: parts.claimToken() };
    const timers = await store.claimDueTimers(now, { owner: held.owner, token: held.token, leaseMs: parts.leaseMs, limit: CLAIM_LIMIT });
    return timers.map((timer) => ({ timer, held }));
  }

  async function fireDue(now: Instant): Promise<FiredTimerView[]> {
    if (!parts.isReady()) await parts.ready();
    const fired: FiredTimerView[] = [];
    const first = await claimTimers(now);
    if (first.length === 1) {
      // One timer due (the common case: deadlines rarely share an instant): no workers to start.
      const done = await deliver(first[0]!, now);
      if (done) fired.push(done);
    } else if (first.length > 1) {
      // Up to FIRING_CONCURRENCY firings in flight, so the store's group commit batches their
      // writes; firings of one instance still run one after another, in claim order (its lock).
      // Each claimed timer is handled by exactly one worker, and its commit marks it fired in the
      // same transaction, so a timer still fires once. The next batch is claimed while the last
      // FIRING_CONCURRENCY of this one are in flight: waiting for a batch to end left the group
      // commit a tail of one or two firings, then a claim's round trip, at every 100 timers.
      const claimed: Claimed[] = [...first];
      const results: (FiredTimerView | undefined)[] = [];
      let next = 0;
      let more = first.length === CLAIM_LIMIT;
      let claiming: Promise<void> | undefined;
      let claimError: { error: unknown } | undefined;
      const refill = (): Promise<void> =>
        (claiming ??= claimTimers(now).then(
          (got) => {
            for (const timer of got) claimed.push(timer);
            more = got.length === CLAIM_LIMIT;
            claiming = undefined;
          },
          (error: unknown) => {
            // Reported once all firings in flight have ended, as a claim that failed between batches was.
            claimError ??= { error };
            more = false;
            claiming = undefined;
          },
        ));
      const worker = async () => {
        for (;;) {
          if (more && claimed.length - next <= FIRING_CONCURRENCY) void refill();
          if (next < claimed.length) {
            const index = next++;
            results[index] = await deliver(claimed[index]!, now);
          } else if (claiming !== undefined) await claiming;
          else return;
        }
      };
      await Promise.all(Array.from({ length: Math.min(FIRING_CONCURRENCY, claimed.length) }, worker));
      for (const done of results) if (done) fired.push(done);
      if (claimError !== undefined) throw claimError.error;
    }
    // Effects due now (retries included, and any whose claim ran out) go to the outbox, which delivers
    // them in the background. Asked first: a step with none due (most steps) starts no claim, and a
    // claim is a write on the SQL stores where this is a read of one index's minimum. An effect a
    // commit makes is dispatched by that commit itself.
    // The answer is only a hint: when the store cannot give it, the claim is started anyway (it decides
    // what is due, and reports its own failure). A failed read used to reject the step after its
    // timers had fired, and `engine.run()` then never claimed a retry or a claim that ran out.
    let effectDue: Instant | undefined;
    try {
      effectDue = await store.nextEffectDue();
    } catch (error) {
      emitter.emit('error', error);
      effectDue = now;
    }
    if (effectDue !== undefined && effectDue <= now) parts.outbox.dispatch();
    return fired;
  }

  async function nextDue(): Promise<Instant | undefined> {
    if (parts.isClosed()) return undefined;
    if (!parts.isReady()) await parts.ready();
    // Both asked before either is awaited (a remote store answers them in one round trip's time),
    // without Promise.all's arrays and closures: this runs once per virtual-clock step.
    const timerDue = store.nextTimerDue();
    const effectDue = store.nextEffectDue();
    let timer: Instant | undefined;
    try {
      timer = await timerDue;
    } catch (error) {
      effectDue.catch(() => undefined); // its own failure, if any, is not left unhandled
      throw error;
    }
    const effect = await effectDue;
    if (timer === undefined) return effect;
    if (effect === undefined) return timer;
    return Math.min(timer, effect);
  }

  return { nextDue, fireDue };
}

/** A commit whose outcome the store could not tell (see `STORE_OUTCOME_UNKNOWN`). */
function isOutcomeUnknown(error: unknown): boolean {
  return isDocketError(error, 'STORE_OUTCOME_UNKNOWN');
}

/**
 * The commit that retires the delivered timer of an inactive state, and every other pending timer of
 * the instance whose state is not active: the stored state kept as it is (no transition), the timers
 * taken out (`cancelled` in the timer table) and named in the entry's `retiredTimers` by planCommit,
 * which drops them for `timerOwners`. A history entry of its own, chained and committing to the
 * timers left, so the head and the timer table agree; skipping the timer instead left it claimable
 * again at every lease, forever (a long virtual-clock advance ran out of steps).
 */
function retirement(record: InstanceRecord, owners: TimerOwners): CommitDecision {
  const stale = record.timers.filter((t) => !timerIsLive(t.key, record.statePaths, owners));
  const named = stale.map((t) => `timer "${t.name}" (${nameTimer(t, owners).label}, due ${new Date(t.dueAt).toISOString()})`);
  return {
    kind: 'commit',
    step: recordStep(record),
    change: {
      kind: 'admin',
      event: { type: RETIRE_EVENT },
      actor: SYSTEM_ACTOR,
      reason: `Retired by the engine without firing: ${named.join(', ')}. ${stale.length === 1 ? 'Its state is' : 'Their states are'} not active (the instance is in ${JSON.stringify(record.state)}): an older Docket left ${stale.length === 1 ? 'it' : 'them'} pending. Nothing else changed.`,
      timerOwners: owners,
    },
  };
}

/** The history event of a commit that retires timers of inactive states when one of them falls due. */
export const RETIRE_EVENT = 'docket.admin.retireTimers';

/**
 * Whether the claimed timer's instance runs a workflow (or a version of it) this engine does not
 * register: another engine on the same store may (a rolling deploy), so it is not the instance's fault.
 */
function isUnregistered(error: unknown): boolean {
  return isDocketError(error, 'WORKFLOW_VERSION_NOT_REGISTERED') || isDocketError(error, 'WORKFLOW_NOT_FOUND');
}

/**
 * Whether delivery was refused because the instance (or the claimed timer) is not what its history
 * head committed to: the head check's CORRUPT_SNAPSHOT, which names the failed check.
 */
function isTampered(error: unknown): boolean {
  return isDocketError(error, 'CORRUPT_SNAPSHOT') && typeof error.details?.problem === 'string';
}

/** How many claimed timers are fired at once (distinct instances; one instance's run in order). */
const FIRING_CONCURRENCY = 32;

/** How many due timers one claim takes. */
const CLAIM_LIMIT = 100;

/** The longest wait between two attempts at a timer that keeps failing transiently (ms). */
const MAX_RETRY_MS = 3_600_000;

/** The instance a firing loaded, if it got that far: what names its timer in an error. */
interface Seen {
  record?: InstanceRecord;
}

/** A claimed timer and the claim it is held under (every later hand on it names that claim). */
interface Claimed {
  readonly timer: TimerRecord;
  readonly held: HeldClaim;
}

/** Why a claimed row is an orphan (see `retireOrphan`), and its workflow's timer owners when known. */
interface Orphan {
  readonly orphan: 'instance-missing' | 'not-held';
  readonly owners?: TimerOwners | undefined;
}

/**
 * The error reported for a timer of an instance edited outside Docket: the head check's code and
 * problem, saying the timer is parked (not fired, the instance not suspended), what to do and when
 * it is checked again.
 */
function parked(error: unknown, timer: TimerRecord, owners: TimerOwners | undefined, failures: number, retryAt: Instant): unknown {
  if (!isDocketError(error)) return error;
  return new DocketError(
    error.code,
    `Timer "${nameTimer(timer, owners).label}" of instance ${timer.instanceId} is parked, not fired: the instance is not what its history committed to (${error.message}). It is not suspended (that would seal the edit into its history). Restore the instance from a backup (engine.verify("${timer.instanceId}") names what differs); the timer is checked again at ${new Date(retryAt).toISOString()}, hourly, and fires then, late, once the instance verifies.`,
    { ...error.details, instanceId: timer.instanceId, timer: timer.name, ...timerDetails(timer, owners), failures, retryAt, parked: true, cause: error },
  );
}

/**
 * The error reported for a timer of an instance whose workflow version this engine does not register:
 * same code, saying the instance is not suspended, the timer is left for an engine that registers the
 * version, and when this one looks at it again.
 */
function leftForAnother(error: unknown, timer: TimerRecord, owners: TimerOwners | undefined, failures: number, retryAt: Instant): unknown {
  if (!isDocketError(error)) return error;
  return new DocketError(
    error.code,
    `Timer "${nameTimer(timer, owners).label}" of instance ${timer.instanceId} was not fired by this engine (${error.message}). The instance is not suspended: the timer is set aside until ${new Date(retryAt).toISOString()} for an engine that registers its workflow version (another process on this store) to fire it, once. If no engine does, register that version here.`,
    { ...error.details, instanceId: timer.instanceId, timer: timer.name, ...timerDetails(timer, owners), failures, retryAt, cause: error },
  );
}

/** The error reported for a transient failure: same code, saying it is retried and when. */
function retrying(error: unknown, timer: TimerRecord, owners: TimerOwners | undefined, failures: number, retryAt: Instant, delayMs: number): unknown {
  if (!isDocketError(error)) return error;
  return new DocketError(
    error.code,
    `Timer "${nameTimer(timer, owners).label}" of instance ${timer.instanceId} was not delivered (${error.message}); the instance is left as it is and the timer is tried again in ${delayMs} ms (failure ${failures} in a row).`,
    { ...error.details, instanceId: timer.instanceId, timer: timer.name, ...timerDetails(timer, owners), failures, retryAt, cause: error },
  );
}

/**
 * What a claimed timer is, for an error's details (`timerState`, `timerLabel`): its state from the
 * timer owners the engine found for it (`ownersOf`), from its key only when no workflow knows it.
 */
function timerDetails(timer: TimerRecord, owners: TimerOwners | undefined): { timerState: string | null; timerLabel: string } {
  const { state, label } = nameTimer(timer, owners);
  return { timerState: state, timerLabel: label };
}
