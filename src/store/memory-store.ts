import type { Instant } from '../clock/clock.js';
import { MinHeap } from './min-heap.js';
import type {
  EffectRecord,
  HistoryEntry,
  IdempotencyRecord,
  InstanceRecord,
  RefusalEntry,
  TaskRecord,
  TimerRecord,
} from './records.js';
import type { ClaimOptions, Commit, EffectUpdate, HeldClaim, InstanceQuery, Page, Store, TaskQuery } from './store.js';
import { matchesInstanceQuery, matchesTaskQuery } from './query-match.js';
import { checkId, checkKey, storableRefusal } from './payload-rules.js';
import { checkHistoryRange, checkInstanceQuery, checkTaskQuery, keysetPage } from './query-rules.js';
import { memoryRetention, type MemoryTables } from './memory-retention.js';
import { checkCommitRules, checkRevision, conflict, conflictReason, tasksOf, timersNotPending } from './commit-rules.js';
import { byEffectDue, byTimerDue, compareIds, checkClaim, checkEffectUpdate, checkTimerHand, leaseExpiry, unknownEffect, staleEffectClaim } from './claim-rules.js';
import { closedGuard } from './closed-guard.js';
import { copyWith } from './copy-with.js';

/** Who holds an item until when: the claim (owner and token) that took it; nobody's while deferred. */
interface Lease {
  owner: string;
  token: string;
  until: Instant;
}

/** Whether `lease` is the claim `claim` names (owner and token): a hand under any other claim changes nothing. */
function heldBy(lease: Lease | undefined, claim: HeldClaim): boolean {
  return lease !== undefined && lease.token === claim.token && lease.owner === claim.owner;
}

const NO_TASKS: readonly TaskRecord[] = Object.freeze([]);

/**
 * A timer as the timer table keeps it: without its deadline provenance, which is kept in the instance's
 * timers alone ({@link TimerRecord.deadline}), as the SQL stores' `docket_timers` rows have no column
 * for it. `timers()` and `claimDueTimers()` gave it back on the memory store only before 2026-12.
 */
function tableRow(timer: TimerRecord): TimerRecord {
  if (timer.deadline === undefined) return timer;
  const { deadline: _provenance, ...row } = timer;
  return row;
}

/**
 * A store in process memory: for tests, simulations and short-lived work. Nothing survives the
 * process. Records are kept by reference and must be treated as immutable (the engine never mutates
 * what it loaded).
 *
 * @example
 * ```ts
 * import { memoryStore } from 'docket';
 * const store = memoryStore();
 * await store.init();
 * (await store.list()).items.length; // 0
 * ```
 */
export function memoryStore(): Store {
  const instances = new Map<string, InstanceRecord>();
  const order: string[] = [];
  const history = new Map<string, HistoryEntry[]>();
  const refusals = new Map<string, RefusalEntry[]>();
  const timers = new Map<string, TimerRecord>();
  const pendingByInstance = new Map<string, Set<string>>();
  const timerDue = new MinHeap<string>(compareIds);
  const timerLeases = new Map<string, Lease>();
  const effects = new Map<string, EffectRecord>();
  const effectsByInstance = new Map<string, string[]>();
  const effectDue = new MinHeap<string>(compareIds);
  const effectLeases = new Map<string, Lease>();
  const tasks = new Map<string, readonly TaskRecord[]>();
  const idempotency = new Map<string, IdempotencyRecord>();
  const archive: MemoryTables['archive'] = new Map();
  const tombstones: MemoryTables['tombstones'] = new Map();
  const guard = closedGuard('memory store');
  const open = guard.check;

  function cancelTimer(id: string) {
    const timer = timers.get(id);
    if (!timer || timer.status !== 'pending') return;
    timers.set(id, { ...timer, status: 'cancelled' });
    pendingByInstance.get(timer.instanceId)?.delete(id);
    timerLeases.delete(id);
  }

  function claim<T extends { id: string }>(
    heap: MinHeap<string>,
    get: (id: string) => T | undefined,
    isReady: (item: T, now: Instant) => boolean,
    leases: Map<string, Lease>,
    now: Instant,
    options: ClaimOptions,
  ): T[] {
    const claimed: T[] = [];
    const aside: [number, string][] = [];
    while (claimed.length < options.limit) {
      const key = heap.peekKey();
      if (key === undefined || key > now) break;
      const id = heap.pop()!;
      const item = get(id);
      // A key left by a claim that ended early (an effect updated to retry later) is stale: the item's
      // own entry, pushed when the claim ended, brings it back when it is ready.
      if (!item || !isReady(item, now)) continue;
      const lease = leases.get(id);
      if (lease && lease.until > now) {
        // Claimed by a worker still within its lease (this one included: it is still working on it).
        aside.push([lease.until, id]);
        continue;
      }
      const until = leaseExpiry(now, options);
      leases.set(id, { owner: options.owner, token: options.token, until });
      // While leased, it is due again only when the lease runs out (a crashed worker's claim).
      aside.push([until, id]);
      claimed.push(item);
    }
    for (const [key, id] of aside) heap.push(key, id);
    return claimed;
  }

  const store: Store = {
    ...memoryRetention({ instances, history, refusals, timers, pendingByInstance, effects, effectsByInstance, tasks, idempotency, archive, tombstones, open }),
    kind: 'memory',
    async init() {
      open();
    },
    async load(instanceId) {
      open();
      checkId(instanceId);
      return instances.get(instanceId);
    },
    async commit(c: Commit) {
      open();
      checkCommitRules(c);
      const id = c.instance.id;
      const current = instances.get(id);
      checkRevision(id, current?.revision, c.expectedRevision);
      if (c.expectedRevision === 0 && (archive.has(id) || tombstones.has(id))) throw conflict(id, conflictReason.retained(id));
      if (c.firesTimer) {
        const timer = timers.get(c.firesTimer.id);
        if (!timer || timer.status !== 'pending') throw conflict(id, conflictReason.timerNotPending(c.firesTimer.id));
      }
      if (c.idempotency && idempotency.has(`${id}\u0000${c.idempotency.key}`)) {
        throw conflict(id, conflictReason.idempotencyKeyUsed(c.idempotency.key));
      }
      const cancelling = c.cancelTimerIds.filter((t) => timers.get(t)?.status === 'pending').length;
      if (cancelling !== c.cancelTimerIds.length) throw timersNotPending(id, cancelling, c.cancelTimerIds.length);
      // All checks passed: apply everything; nothing below can fail halfway.
      if (!current) {
        order.push(id);
        // The instance's place among the task lists, kept while it has none: tasks() lists them in
        // the order their instances were created, as the SQL stores do (see `TaskQuery`).
        tasks.set(id, NO_TASKS);
      }
      instances.set(id, c.instance);
      let entries = history.get(id);
      if (!entries) history.set(id, (entries = []));
      entries.push(c.history);
      if (c.firesTimer) {
        const timer = timers.get(c.firesTimer.id)!;
        timers.set(timer.id, copyWith(timer, { status: 'fired' as const, firedAt: c.firesTimer.firedAt }));
        pendingByInstance.get(id)?.delete(timer.id);
        timerLeases.delete(timer.id);
      }
      for (const timerId of c.cancelTimerIds) cancelTimer(timerId);
      for (const timer of c.addTimers) {
        timers.set(timer.id, tableRow(timer));
        let set = pendingByInstance.get(id);
        if (!set) pendingByInstance.set(id, (set = new Set()));
        set.add(timer.id);
        timerDue.push(timer.dueAt, timer.id);
      }
      for (const effect of c.effects) {
        effects.set(effect.id, effect);
        let list = effectsByInstance.get(id);
        if (!list) effectsByInstance.set(id, (list = []));
        list.push(effect.id);
        effectDue.push(effect.nextAttemptAt, effect.id);
      }
      const stamped = tasksOf(c);
      if (stamped) {
        // Every reader gets these very objects: frozen, so one reader cannot change the task another
        // gets (a copy stamped with the tenant, or with a deadline's current due instant, was not).
        for (const task of stamped) Object.freeze(task);
        tasks.set(id, stamped.length === 0 ? NO_TASKS : stamped);
      }
      if (c.idempotency) idempotency.set(`${id}\u0000${c.idempotency.key}`, c.idempotency);
    },
    async list(query: InstanceQuery = {}): Promise<Page<InstanceRecord>> {
      open();
      const { limit, after, bound } = checkInstanceQuery(query);
      // Positions in `order` of up to limit + 1 matches, paged as the SQL stores page their rows: a
      // cursor only when another match follows. It was given whenever any instance followed the page,
      // so a filtered list ended here with an empty last page that SQLite and Postgres never gave.
      const found: number[] = [];
      for (let i = after; i < order.length && found.length <= limit; i++) {
        // An archived or purged instance leaves its place in `order` (cursors are positions in it).
        const record = instances.get(order[i]!);
        if (record && matchesInstanceQuery(record, bound)) found.push(i);
      }
      return keysetPage(found, limit, (i) => i + 1, (i) => instances.get(order[i]!)!);
    },
    async history(instanceId, options = {}) {
      open();
      checkId(instanceId);
      const entries = history.get(instanceId) ?? [];
      const { after, limit } = checkHistoryRange(options);
      const end = limit === undefined ? undefined : after + limit;
      // Revisions are gapless from 1, so revision r sits at index r - 1: a page is one slice.
      if (after === 0 || entries[after - 1]?.revision === after) return entries.slice(after, end);
      const from = entries.filter((e) => e.revision > after);
      return limit === undefined ? from : from.slice(0, limit);
    },
    async appendRefusal(raw) {
      open();
      const entry = storableRefusal(raw);
      let list = refusals.get(entry.instanceId);
      if (!list) refusals.set(entry.instanceId, (list = []));
      list.push(entry);
    },
    async refusals(instanceId) {
      open();
      checkId(instanceId);
      return refusals.get(instanceId) ?? [];
    },
    async timers(instanceId) {
      open();
      checkId(instanceId);
      const ids = pendingByInstance.get(instanceId);
      if (!ids) return [];
      return [...ids].map((id) => timers.get(id)!).sort(byTimerDue);
    },
    async nextTimerDue() {
      open();
      for (;;) {
        const id = timerDue.peek();
        if (id === undefined) return undefined;
        const key = timerDue.peekKey()!;
        const timer = timers.get(id);
        const lease = timerLeases.get(id);
        // Drop stale heap entries: fired/cancelled timers, and keys that no longer match due or lease.
        if (timer?.status === 'pending' && (key === timer.dueAt ? !lease || lease.until <= key : lease?.until === key)) return key;
        timerDue.pop();
      }
    },
    async claimDueTimers(rawNow, rawOptions) {
      open();
      const { now, options } = checkClaim(rawNow, rawOptions);
      const claimed = claim(timerDue, (id) => timers.get(id), (t, at) => t.status === 'pending' && t.dueAt <= at, timerLeases, now, options);
      return claimed.sort(byTimerDue);
    },
    async releaseTimer(rawId, rawClaim) {
      open();
      const { timerId, claim } = checkTimerHand(rawId, rawClaim);
      const timer = timers.get(timerId);
      if (heldBy(timerLeases.get(timerId), claim)) {
        timerLeases.delete(timerId);
        if (timer?.status === 'pending') timerDue.push(timer.dueAt, timerId);
      }
    },
    async deferTimer(rawId, rawClaim, rawUntil) {
      open();
      const { timerId, claim, until } = checkTimerHand(rawId, rawClaim, rawUntil);
      const timer = timers.get(timerId);
      if (timer?.status !== 'pending' || !heldBy(timerLeases.get(timerId), claim)) return;
      // Leased to nobody until then: the claim skips it, and its heap key is `until`.
      timerLeases.set(timerId, { owner: '', token: '', until });
      timerDue.push(until, timerId);
    },
    async retireTimer(rawId, rawClaim) {
      open();
      const { timerId, claim } = checkTimerHand(rawId, rawClaim);
      const timer = timers.get(timerId);
      if (timer?.status !== 'pending' || !heldBy(timerLeases.get(timerId), claim)) return false;
      cancelTimer(timerId);
      return true;
    },
    async findIdempotency(instanceId, key) {
      open();
      checkId(instanceId);
      checkKey(key);
      return idempotency.get(`${instanceId}\u0000${key}`);
    },
    async claimEffects(rawNow, rawOptions) {
      open();
      const { now, options } = checkClaim(rawNow, rawOptions);
      const claimed = claim(effectDue, (id) => effects.get(id), (e, at) => e.status === 'pending' && e.nextAttemptAt <= at, effectLeases, now, options);
      return claimed.sort(byEffectDue);
    },
    async nextEffectDue() {
      open();
      for (;;) {
        const id = effectDue.peek();
        if (id === undefined) return undefined;
        const key = effectDue.peekKey()!;
        const effect = effects.get(id);
        const lease = effectLeases.get(id);
        if (effect?.status === 'pending' && (key === effect.nextAttemptAt ? !lease || lease.until <= key : lease?.until === key)) return key;
        effectDue.pop();
      }
    },
    async updateEffect(rawId, rawUpdate: EffectUpdate) {
      open();
      const { effectId, update } = checkEffectUpdate(rawId, rawUpdate);
      const effect = effects.get(effectId);
      if (!effect) throw unknownEffect(effectId);
      if (!heldBy(effectLeases.get(effectId), update)) throw staleEffectClaim(effectId, update);
      const { owner: _owner, token: _token, ...outcome } = update;
      const next: EffectRecord = copyWith(effect, outcome);
      effects.set(effectId, next);
      effectLeases.delete(effectId);
      if (next.status === 'pending') effectDue.push(next.nextAttemptAt, effectId);
    },
    async effects(instanceId) {
      open();
      checkId(instanceId);
      return (effectsByInstance.get(instanceId) ?? []).map((id) => effects.get(id)!);
    },
    async tasks(query: TaskQuery = {}) {
      open();
      const { limit, bound } = checkTaskQuery(query);
      const out: TaskRecord[] = [];
      const lists = bound.instanceId ? [tasks.get(bound.instanceId) ?? []] : tasks.values();
      for (const list of lists) {
        for (const task of list) {
          if (out.length >= limit) return out;
          if (!matchesTaskQuery(task, bound)) continue;
          // The instance's tenant decides, as the SQL stores' join on the instance row does.
          if (bound.tenant !== undefined && instances.get(task.instanceId)?.tenant !== bound.tenant) continue;
          out.push(task);
        }
      }
      return out;
    },
    async close() {
      guard.close();
    },
  };
  return store;
}
