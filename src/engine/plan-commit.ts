import type { AnyMachineSnapshot } from 'xstate';
import type { Instant } from '../clock/clock.js';
import { dueInstant } from '../clock/whole-instant.js';
import { DocketError } from '../errors.js';
import type {
  Actor,
  EffectRecord,
  HistoryEntry,
  HistoryKind,
  InstanceRecord,
  InstanceStatus,
  DeadlineNote,
  PendingTimer,
  RetiredTimerNote,
  EndedSuspensionNote,
  TaskRecord,
  TimerRecord,
} from '../store/records.js';
import type { Commit } from '../store/store.js';
import { GENESIS_HASH, sealOwnEntry } from './history.js';
import { ownerOfTimer, timerIsLive, timerNameOf, type TimerOwners } from './timer-owner.js';
import type { SealingKey } from './history-key.js';
import { committedTimersDigest, ENTRY_FORMAT, stateDigest } from './state-digest.js';
import type { Step } from './xstate-runtime.js';
import { stateParts } from './state-parts.js';
import { copyWith } from '../store/copy-with.js';

/** What the engine knows about the change besides the XState step. */
export interface ChangeFacts {
  readonly instanceId: string;
  readonly workflow: string;
  readonly version: number;
  readonly initiator: string;
  readonly kind: HistoryKind;
  readonly event: { readonly type: string; readonly [key: string]: unknown };
  readonly actor: Actor;
  readonly now: Instant;
  /** The timer a timer step delivers; `state` and `label` (what it is, see `describeTimer`) go into the history entry. */
  readonly timer?: { readonly id: string; readonly name: string; readonly dueAt: Instant; readonly state?: string | null; readonly label?: string };
  readonly reason?: string;
  /** Added for approvals: the person an act was done for (委托, 代理), recorded in the history entry. */
  readonly onBehalfOf?: string;
  /** The tenant of a new instance (later revisions keep the previous record's). */
  readonly tenant?: string;
  /**
   * The instance's open inbox tasks after the change: a list, or a function of the pending timers
   * after the commit (called once they are planned, not for an ended instance), e.g. the workflow's
   * `tasks` hook reading due dates from them. Absent: the stored tasks stay as they are.
   */
  readonly tasks?: readonly TaskRecord[] | ((timers: readonly PendingTimer[]) => readonly TaskRecord[] | undefined) | undefined;
  /** Overrides for admin operations that do not come from XState. */
  readonly status?: InstanceStatus;
  readonly suspended?: boolean;
  readonly heldTimers?: InstanceRecord['heldTimers'];
  /** Timers to add besides what the step asks for (resuming held timers). */
  readonly extraTimers?: readonly Omit<TimerRecord, 'id' | 'instanceId' | 'revision' | 'status'>[];
  /** Cancel every pending timer (suspend, terminate). */
  readonly cancelAll?: boolean;
  /** Cancel these pending timers by id (deadline re-resolution). */
  readonly cancelTimers?: ReadonlySet<string>;
  /** Deadline notes for the history entry (re-resolution); otherwise built from the step's `provisional`. */
  readonly deadlineNotes?: readonly DeadlineNote[];
  /**
   * Which state arms each `after` timer (the workflow runtime's `timerOwners`). When given, a timer
   * is kept only while its owning state is active in the new state.
   */
  readonly timerOwners?: TimerOwners;
}

const NO_TIMERS: readonly PendingTimer[] = Object.freeze([]);

const STATUS: Record<string, InstanceStatus> = { active: 'active', done: 'done', error: 'failed', stopped: 'cancelled' };

/**
 * Turn one XState step into one store commit: XState's delayed raises become durable timers, its
 * cancels cancel them, its custom actions become outbox effects; the history entry is sealed into
 * the hash chain (committing to the new state, sealed with `key`'s HMAC when given, else SHA-256).
 * Pure: reads nothing but its arguments.
 */
export function planCommit(
  previous: InstanceRecord | undefined,
  step: Step,
  persisted: unknown,
  facts: ChangeFacts,
  key: SealingKey | undefined,
): Commit {
  const revision = (previous?.revision ?? 0) + 1;
  const { instanceId, now } = facts;
  let cancelKeys: Set<string> | undefined;
  let added: TimerRecord[] = [];
  // Delayed raises without an id (`raise(event, { delay })`) are each a timer of their own, as in
  // XState's scheduler, which gives each a fresh id: keyed by revision and position, so a later
  // step's unnamed raise never replaces (and so silently drops) one still pending.
  let unnamed = 0;
  const effects: EffectRecord[] = [];
  // XState lists a step's actions in the order they happen: a state entered and left within one
  // macrostep (an eventless `always` out of it) arms its `after` timer and then cancels it. So raises
  // and cancels are applied in order: a cancel removes a timer raised earlier in this same step as
  // well as the stored ones with its key.
  for (let actionIndex = 0; actionIndex < step.actions.length; actionIndex++) {
    const action = step.actions[actionIndex]!;
    const params = action.params as Record<string, any> | undefined;
    if (action.type === 'xstate.raise') {
      if (params?.delay === undefined) continue;
      const key: string = params.id ?? `raise.${revision}.${unnamed++}`;
      const event = params.event as TimerRecord['event'];
      // One pending timer per key: a raise replaces a stored timer with its key (a re-entered state
      // re-arms its timer), and a second raise in one step replaces the first.
      (cancelKeys ??= new Set()).add(key);
      if (added.some((t) => t.key === key)) added = added.filter((t) => t.key !== key);
      // Rounded up to the whole millisecond every store keeps (a delay of 1.5 ms fires after 2).
      const dueAt = dueInstant(now, Number(params.delay));
      if (dueAt === undefined) {
        throw new DocketError('MACHINE_ERROR', `Instance ${instanceId}: the delay of timer "${key}" is ${String(params.delay)} ms: the timer would be due at no instant a clock can reach (a finite delay, and a due instant within a Date's range, ±8.64e15 ms). Nothing was changed; fix the machine's delay, or the deadline rule and calendar it is resolved by.`, { instanceId });
      }
      const timer: { -readonly [K in keyof TimerRecord]: TimerRecord[K] } = {
        id: `${instanceId}:${revision}:${key}`,
        instanceId,
        key,
        name: timerNameOf(typeof event?.type === 'string' && event.type.startsWith('xstate.after.') ? event.type : key),
        event,
        dueAt,
        revision,
        status: 'pending',
      };
      if (step.provisional) {
        // The resolution this raise's own delay made (see ProvisionalResolution.action); by name only
        // for one the runtime could not bind.
        const p =
          step.provisional.find((r) => r.action === actionIndex) ??
          step.provisional.find((r) => r.action === undefined && r.name === timer.name && r.delayMs === Number(params.delay));
        if (p) timer.deadline = { rule: p.rule, from: p.from, provisional: true, years: p.years, armedDueAt: timer.dueAt };
      }
      added.push(timer);
    } else if (action.type === 'xstate.cancel') {
      if (typeof params?.sendId === 'string') {
        const sendId = params.sendId;
        (cancelKeys ??= new Set()).add(sendId);
        if (added.length > 0 && added.some((t) => t.key === sendId)) added = added.filter((t) => t.key !== sendId);
      }
    } else if (!action.type.startsWith('xstate.')) {
      effects.push({
        id: `${instanceId}:${revision}:${effects.length}`,
        instanceId,
        workflow: facts.workflow,
        revision,
        index: effects.length,
        type: action.type,
        params: action.params ?? null,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
      });
    }
  }
  // Timers the step itself raised come first in `added`; held timers re-armed (resume) after them.
  const raised = added.length;
  if (facts.extraTimers) for (const timer of facts.extraTimers) {
    added.push(copyWith(timer, { id: `${instanceId}:${revision}:${timer.key}`, instanceId, revision, status: 'pending' as const }));
  }
  const status = facts.status ?? STATUS[step.snapshot.status] ?? 'active';
  const ended = status !== 'active';
  // The value and its paths as shared, frozen and marked objects (see state-parts.ts).
  const parts = stateParts(step.snapshot.value);
  const state = parts.value as InstanceRecord['state'];
  const paths = parts.paths as string[];
  // Every pending timer must belong to a state that is active after this commit: one whose owner
  // is not (a timer stored before in-order cancels, a held timer of a state since left) is dropped.
  // Such a timer is retired: taken out without firing, and named in the entry (`retiredTimers`), so
  // the one commit that drops it says so, whichever act it is (a send, a firing, the delivery of the
  // timer itself, a resume). Nothing the engine arms today is dropped this way: a state left cancels
  // its timers by key, which is a cancel, not a retirement.
  const owners = facts.timerOwners;
  const live = (key: string) => !owners || timerIsLive(key, paths, owners);
  let retired: RetiredTimerNote[] | undefined;
  if (owners && added.length > 0 && !added.every((t) => live(t.key))) {
    added = added.filter((t, i) => {
      if (live(t.key)) return true;
      // A held timer whose state is gone: its row was cancelled by the suspension, so no id.
      if (i >= raised) (retired ??= []).push({ name: t.name, state: owners.get(t.key)!, dueAt: t.dueAt });
      return false;
    });
  }
  // A timer cancelled and re-armed in the same step (re-entry) keeps only the new one.
  const cancelTimerIds: string[] = [];
  const kept: PendingTimer[] = [];
  if (previous?.timers) for (const timer of previous.timers) {
    const cancelled = facts.cancelAll || ended || cancelKeys?.has(timer.key) || timer.id === facts.timer?.id || facts.cancelTimers?.has(timer.id);
    if (cancelled || !live(timer.key)) {
      if (timer.id !== facts.timer?.id) cancelTimerIds.push(timer.id);
      if (!cancelled) (retired ??= []).push({ id: timer.id, name: timer.name, state: owners!.get(timer.key)!, dueAt: timer.dueAt });
    } else {
      kept.push(timer);
    }
  }
  const addTimers = ended ? [] : added;
  // Every pending timer kept and none added: the same (frozen) list, whose digest is known.
  const unchanged = previous !== undefined && addTimers.length === 0 && kept.length === previous.timers.length && Object.isFrozen(previous.timers);
  const timers =
    kept.length + addTimers.length === 0
      ? NO_TIMERS
      : unchanged
        ? previous.timers
        : [...kept, ...addTimers.map(({ id, key, name, dueAt, event, deadline }) => (deadline ? { id, key, name, dueAt, event, deadline } : { id, key, name, dueAt, event }))].sort((a, b) => a.dueAt - b.dueAt);
  // Built without conditional spreads (each allocates and defeats V8's literal fast path); the key
  // order is the same as before: optional timer, reason, onBehalfOf between `to` and `prevHash`.
  const actor: { id: string; roles: string[]; name?: string; tenant?: string } = { id: facts.actor.id, roles: [...facts.actor.roles] };
  if (facts.actor.name) actor.name = facts.actor.name;
  if (facts.actor.tenant !== undefined) actor.tenant = facts.actor.tenant;
  const entry: Record<string, unknown> = {
    instanceId,
    revision,
    kind: facts.kind,
    event: facts.event,
    actor,
    at: now,
    from: previous?.state ?? null,
    to: state,
  };
  if (facts.timer) {
    const t = facts.timer;
    // The owning state and label are sealed with the entry, so a reader of the history (HTTP, an
    // export, a webhook consumer) learns what fired without parsing XState's delay key.
    entry.timer = t.label === undefined ? { name: t.name, dueAt: t.dueAt, lateMs: now - t.dueAt } : { name: t.name, dueAt: t.dueAt, lateMs: now - t.dueAt, state: t.state ?? null, label: t.label };
  }
  if (facts.reason) entry.reason = facts.reason;
  if (facts.onBehalfOf) entry.onBehalfOf = facts.onBehalfOf;
  if (retired) entry.retiredTimers = retired;
  const notes = facts.deadlineNotes ?? provisionalNotes(addTimers);
  if (notes.length > 0) entry.deadlines = notes;
  // A finished instance is not suspended and holds no timers: whatever ends it (terminate is the one
  // act that reaches a suspended instance today; a final state reached any other way would be the
  // same), the suspension ends with it and its held timers are dropped, never to fire. Every reader
  // (get, the inbox, the CLI, HTTP) showed a cancelled instance as suspended. The entry that ends
  // the suspension says so (`endedSuspension`), naming the timers it dropped.
  const wasSuspended = facts.suspended ?? previous?.suspended ?? false;
  const heldTimers = ended ? undefined : facts.heldTimers ?? previous?.heldTimers;
  if (ended && (wasSuspended || (previous?.heldTimers?.length ?? 0) > 0)) {
    const note: EndedSuspensionNote = {
      heldTimers: (facts.heldTimers ?? previous?.heldTimers ?? []).map((t) => ({ name: t.name, dueAt: t.dueAt, state: ownerOfTimer(t.key, owners) })),
    };
    entry.endedSuspension = note;
  }
  entry.prevHash = previous?.historyHash ?? GENESIS_HASH;
  const instance: InstanceRecord = {
    id: instanceId,
    workflow: facts.workflow,
    version: facts.version,
    status,
    suspended: ended ? false : wasSuspended,
    snapshot: persisted,
    state,
    statePaths: paths,
    context: step.snapshot.context,
    revision,
    historyHash: '',
    initiator: facts.initiator,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    timers,
    nextDueAt: timers[0]?.dueAt ?? null,
  };
  if (heldTimers && heldTimers.length > 0) (instance as { heldTimers?: typeof heldTimers }).heldTimers = heldTimers;
  const tenant = previous ? previous.tenant : facts.tenant;
  if (tenant !== undefined) (instance as { tenant?: string }).tenant = tenant;
  // Entry format 5: the entry commits to the state (tenant and timers' deadline records included, as a Merkle digest) and the
  // pending timers it leaves behind, then seals (with the key, if any).
  entry.format = ENTRY_FORMAT;
  entry.stateHash = stateDigest(instance);
  entry.timersHash = committedTimersDigest(timers);
  const history: HistoryEntry = sealOwnEntry(entry as unknown as Omit<HistoryEntry, 'hash'>, key);
  (instance as { historyHash: string }).historyHash = history.hash;
  // Same keys in the same order as a literal with conditional spreads, without the throwaway objects.
  const commit: { -readonly [K in keyof Commit]: Commit[K] } = {
    instance,
    expectedRevision: previous?.revision ?? 0,
    history,
    cancelTimerIds,
    addTimers,
  } as unknown as Commit;
  if (facts.timer) commit.firesTimer = { id: facts.timer.id, firedAt: now };
  commit.effects = ended && facts.status === 'cancelled' ? [] : effects;
  if (ended) {
    commit.tasks = [];
  } else if (facts.tasks !== undefined) {
    const tasks = typeof facts.tasks === 'function' ? facts.tasks(timers) : facts.tasks;
    if (tasks !== undefined) commit.tasks = withVersion(withDeadlineDues(tasks, timers), instance.version);
  }
  return commit;
}

function provisionalNotes(timers: readonly TimerRecord[]): readonly DeadlineNote[] {
  let notes: DeadlineNote[] | undefined;
  for (const t of timers) if (t.deadline?.provisional) (notes ??= []).push({ name: t.name, dueAt: t.dueAt, provisional: true, years: t.deadline.years });
  return notes ?? NO_NOTES;
}
const NO_NOTES: readonly DeadlineNote[] = Object.freeze([]);

/**
 * The tasks stamped with the workflow version of their instance after the commit, so the inbox can
 * read that version's permissions for a task (a stand-in's inbox lists what the principal may do).
 */
function withVersion(tasks: readonly TaskRecord[], version: number): readonly TaskRecord[] {
  return tasks.every((t) => t.version === version) ? tasks : tasks.map((t) => (t.version === version ? t : { ...t, version }));
}

/**
 * Inbox tasks due at the instant a provisional timer was armed for follow that timer: they show its
 * current due instant (moved by re-resolution) and `dueProvisional` while it rests on estimated data.
 */
function withDeadlineDues(tasks: readonly TaskRecord[], timers: readonly PendingTimer[]): readonly TaskRecord[] {
  if (tasks.length === 0 || !timers.some((t) => t.deadline)) return tasks;
  return tasks.map((task) => {
    const timer = task.dueAt === null ? undefined : timers.find((t) => t.deadline?.armedDueAt === task.dueAt);
    if (!timer) return task;
    const { dueProvisional: _, ...rest } = task;
    return timer.deadline!.provisional ? copyWith(rest, { dueAt: timer.dueAt, dueProvisional: true as const }) : copyWith(rest, { dueAt: timer.dueAt });
  });
}

/** The persisted snapshot is what XState would persist; kept here so the engine has one place for it. */
export type Snapshot = AnyMachineSnapshot;
