import type { EventEmitter } from 'eventemitter3';
import type { AnyMachineSnapshot } from 'xstate';
import type { Clock, Instant } from '../clock/clock.js';
import { DocketError, isDocketError } from '../errors.js';
import type { Actor, HistoryEntry, InstanceRecord, PendingTimer, RetiredTimerNote } from '../store/records.js';
import type { Commit, Store } from '../store/store.js';
import type { InstanceFacts, TaskTimer, WorkflowEnv } from './define-workflow.js';
import type { EngineEvents, InstanceView, RetiredTimer } from './engine-types.js';
import { checkOutput, freezeJsonData } from './freeze-state.js';
import { stateDataError } from './state-fault.js';
import { checkClaimedTimer, checkHead } from './head-check.js';
import type { DigestedTimer } from './state-digest.js';
import type { Keyring } from './history-key.js';
import { KeyedMutex } from './keyed-mutex.js';
import type { Outbox } from './outbox.js';
import type { TenantRouting } from './tenant-routing.js';
import { planCommit, type ChangeFacts } from './plan-commit.js';
import { provisionalWarning } from './reresolve-deadlines.js';
import { ownerOfTimer, type TimerOwners } from './timer-owner.js';
import { assertId } from './validate-input.js';
import { toView } from './instance-view.js';
import { landedStart } from './start-replay.js';
import { retainedInstance } from './retained-instance.js';
import type { RegisteredWorkflow, WorkflowRegistry } from './workflow-registry.js';
import type { Step } from './xstate-runtime.js';
import { copyWith } from '../store/copy-with.js';
import { privateMark } from '../store/private-mark.js';
import { messageOf } from '../input/safe-string.js';

/**
 * What a decision changes, besides the step: the history entry's facts and the admin overrides of
 * {@link ChangeFacts}. The pipeline fills in the instance's identity, the instant, the inbox and the
 * timer owners.
 */
export type ChangeInput = Omit<ChangeFacts, 'instanceId' | 'workflow' | 'version' | 'initiator' | 'now'>;

/** A decision to commit one step. */
export interface CommitDecision {
  readonly kind: 'commit';
  readonly step: Step;
  /**
   * The registered workflow whose runtime computed `step`: its persisted snapshot is stored, its timer
   * owners applied, the inbox projected with its `tasks` hook and the live snapshot remembered; the
   * instance is stored at its version (a migration names the version the instance moves to).
   * Absent: a change of flags and timers on the stored snapshot (admin operations), which keeps the
   * stored snapshot, applies `change.timerOwners` if given and forgets the remembered one.
   */
  readonly reg?: RegisteredWorkflow;
  /** Project the inbox from this workflow and snapshot although the stored snapshot is kept. */
  readonly project?: { readonly reg: RegisteredWorkflow; readonly snapshot: AnyMachineSnapshot };
  readonly change: ChangeInput;
  /** Record the act under this idempotency key (its result is the view of the commit). */
  readonly idempotency?: { readonly key: string; readonly actor: string; readonly payloadHash: string };
}

/** A decision that nothing is to be committed, with the value the caller gets. */
export interface SkipDecision<R> {
  readonly kind: 'skip';
  readonly value: R;
}

/** What a decision returns; a refusal is a thrown {@link DocketError}. */
export type Decision<R> = CommitDecision | SkipDecision<R>;

/** What a decision sees besides the record. */
export interface DecideContext {
  /** The instant of the act, ms since the epoch. */
  readonly now: Instant;
  /**
   * The record's registered workflow version. Always present unless the act set `anyVersion` (then
   * absent when that version is not registered).
   */
  readonly reg: RegisteredWorkflow | undefined;
  /**
   * The tenant that owns the instance (undefined: none). Steps are computed for it
   * (`runtime.transition(snapshot, event, now, tenant)`), so its calendar and directory are used.
   */
  readonly tenant: string | undefined;
  /** The workflow's env for hooks run in this act: `now()` is the act's instant; the tenant's calendar and directory. */
  env(reg: RegisteredWorkflow): WorkflowEnv;
  /** The live snapshot of a record (cached by revision), or CORRUPT_SNAPSHOT. */
  restore(reg: RegisteredWorkflow, record: InstanceRecord): AnyMachineSnapshot;
}

/** One act on an existing instance, as its caller describes it. */
export interface Act<R> {
  readonly instanceId: string;
  /**
   * Where the record comes from: `'cached'` the engine's own last write when it holds one (a refusal
   * decided on it is re-decided on a fresh load), else the store; `'store'` always the store. A
   * record loaded from the store is checked against the head of its history chain before deciding.
   */
  readonly source: 'cached' | 'store';
  /**
   * Act on an instance whose workflow version is not registered (`ctx.reg` absent). Otherwise such an
   * instance is refused with WORKFLOW_VERSION_NOT_REGISTERED before deciding (not a recorded refusal).
   */
  readonly anyVersion?: boolean;
  /** The act's instant (default: the clock's, once the record is loaded). */
  readonly now?: Instant;
  /**
   * A cheap test on the loaded record before its head check: false means nothing is to be done
   * (`skip` is returned), e.g. a timer fired or cancelled since it was claimed. A missing instance
   * then counts as not wanted either.
   */
  readonly wanted?: (record: InstanceRecord) => boolean;
  /** Returned when `wanted` says no, or when the record cannot be loaded and `skipUnloadable` is set. */
  readonly skip?: R;
  /** Give up quietly (return `skip`) when the record cannot be loaded or fails its head check. */
  readonly skipUnloadable?: boolean;
  /**
   * Who acts, when not `refusal.actor`. An actor carrying a `tenant` acts only on that tenant's
   * instances: another tenant's (or one of no tenant) is `INSTANCE_NOT_FOUND`, exactly as an unknown
   * id, before anything is decided or recorded.
   */
  readonly actor?: Actor;
  /**
   * A timer claimed from the store's timer table that the act delivers: the head check also refuses
   * (CORRUPT_SNAPSHOT, problem `timer-mismatch`) unless it is one of the pending timers the history
   * head committed to, exactly. Such an act always loads from the store.
   */
  readonly timer?: DigestedTimer;
  /**
   * Who is refused when the decision throws a DocketError: the refusal is recorded in the refusal
   * log and emitted as `refused` (MACHINE_ERROR is the machine failing, not a refusal, and is not).
   * Absent: the error reaches the caller unrecorded.
   */
  readonly refusal?: { readonly actor: Actor; readonly event: { readonly type: string } };
  /**
   * Plan the decided commit and return it without writing, remembering or notifying anything (a dry
   * run: the caller reports what would happen).
   */
  readonly dryRun?: boolean;
  decide(record: InstanceRecord, ctx: DecideContext): Decision<R> | Promise<Decision<R>>;
}

/** What an act came to: the commit and the caller's view of it, or the decision's skip value. */
export type Outcome<R> = { readonly commit: Commit; readonly view: InstanceView } | { readonly commit?: undefined; readonly value: R };

/** The dependencies of the pipeline, given by `createEngine`. */
export interface PipelineDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly registry: WorkflowRegistry;
  readonly emitter: EventEmitter<EngineEvents>;
  readonly outbox: Outbox;
  readonly keys: Keyring;
  /** Each instance's calendar and directory, by its tenant. */
  readonly routing: TenantRouting;
  readonly conflictRetries: number;
  readonly snapshotCacheSize: number;
}

/**
 * The one path every change to an instance takes (internal): under the instance's lock, load it
 * (the engine's own last write, or the store with the head check), let the caller decide (a step
 * or a refusal), plan the commit (timers, effects, inbox, sealed history entry), commit it, remember
 * the live snapshot, then notify (`started`, `transition`, `warning`, effect delivery). A revision
 * conflict re-runs the act on a fresh load; a failed commit evicts the remembered record.
 */
export interface CommitPipeline {
  /** Run an act on an existing instance. */
  act<R>(act: Act<R>): Promise<Outcome<R>>;
  /**
   * Commit the first step of a new instance, owned by `tenant` when given (no retry: a conflict means
   * the id is taken, unless the instance under it is this very start, landed before: then its view,
   * `replayed`, see {@link landedStart}).
   */
  create(
    instanceId: string,
    reg: RegisteredWorkflow,
    decide: (ctx: DecideContext) => { readonly step: Step; readonly initiator: string; readonly change: ChangeInput },
    tenant?: string,
  ): Promise<{ readonly commit: Commit; readonly view: InstanceView; readonly replayed: boolean }>;
  /** Record a refusal against an instance, if it exists, under its lock (payload refusals of `send`). */
  refuseInput(instanceId: string, actor: Actor, event: { readonly type: string }, error: DocketError): Promise<void>;
  /**
   * Load a record or throw INSTANCE_NOT_FOUND; given an actor carrying a tenant, also for a record of
   * another tenant (see {@link Act.actor}).
   */
  load(instanceId: string, actor?: Actor): Promise<InstanceRecord>;
  /** {@link DecideContext.restore} outside an act (`engine.can`). */
  restore(reg: RegisteredWorkflow, record: InstanceRecord): AnyMachineSnapshot;
  /** Drop what is remembered of an instance that left the hot tables without a commit (retention). */
  forget(instanceId: string): void;
  /** The view callers get of a record, with its registered workflow's timer owners when known. */
  viewOf(record: InstanceRecord): InstanceView;
  /** The env for hooks run at `now` for an instance of `tenant`. */
  envAt(reg: RegisteredWorkflow, now: Instant, tenant: string | undefined): WorkflowEnv;
  /** Resolves once every act that holds an instance lock has finished. */
  idle(): Promise<void>;
}

/** The facts hooks see of an instance. */
export function factsOf(record: InstanceRecord): InstanceFacts {
  return { id: record.id, workflow: record.workflow, initiator: record.initiator };
}

/** The pending timers as the `tasks` hook sees them. */
function taskTimers(timers: readonly PendingTimer[], owners: TimerOwners): TaskTimer[] {
  return timers.map(({ key, name, dueAt, deadline }) => {
    const state = ownerOfTimer(key, owners);
    return deadline?.provisional ? { name, dueAt, state, provisional: true as const } : { name, dueAt, state };
  });
}

/** What the `'timer.retired'` event reports of a timer a commit's entry names as retired. */
function retiredTimer(commit: Commit, note: RetiredTimerNote): RetiredTimer {
  const { id, name, state, dueAt } = note;
  const base = { instanceId: commit.instance.id, name, state, dueAt, retiredAt: commit.history.at, revision: commit.instance.revision };
  return id === undefined ? base : copyWith(base, { timerId: id });
}

/**
 * An engine's mark on a record object it wrote or checked (a private mark, see `store/private-mark.ts`),
 * holding the engine's own token: another engine sharing a memory store checks what this one wrote.
 * Set on every record an engine commits, so it is cheap: no descriptor, no dictionary-mode map.
 */
const vouched = privateMark<object>();

/** Build the pipeline. */
export function createCommitPipeline(deps: PipelineDeps): CommitPipeline {
  const { store, clock, registry, emitter, outbox, keys } = deps;
  const mutex = new KeyedMutex();

  // Live snapshots of recently written instances, by id. A revision is written by exactly one commit,
  // so (id, revision, workflow version) names one state everywhere: reusing it skips XState's restore.
  // The record is kept too: an act may start from it instead of a store round trip (read-your-own-
  // writes). That is safe because every commit is checked against the stored revision, and a refusal
  // is only ever decided on a freshly loaded record (see `act`).
  const live = new Map<string, { revision: number; reg: RegisteredWorkflow; snapshot: AnyMachineSnapshot; record: InstanceRecord }>();
  const LIVE_MAX = deps.snapshotCacheSize;
  // The id last remembered is the newest key in `live` (or absent from it): setting it again keeps it
  // newest without the delete that moves it to the end.
  let newest: string | undefined;
  function remember(reg: RegisteredWorkflow, record: InstanceRecord, snapshot: AnyMachineSnapshot) {
    vouch(record);
    if (newest !== record.id) live.delete(record.id);
    newest = record.id;
    live.set(record.id, { revision: record.revision, reg, snapshot, record });
    if (live.size > LIVE_MAX) live.delete(live.keys().next().value!);
  }
  function forget(instanceId: string) {
    live.delete(instanceId);
  }

  // Record objects this engine vouches for: the very objects it committed (a store that keeps records
  // by reference, the memory store, and SQLite's known rows hand them back on load) and the ones that
  // passed the head check. A record object is never changed once built (stores and engine treat
  // records as immutable), so a vouched object loaded again needs no second head check. A store that
  // reads rows into new objects never returns a vouched one: every cold load there is checked. The
  // mark is this engine's own token, set on the record object itself (see `vouched`): it lasts
  // exactly as long as the record, costs no allocation per record, and no weak table grows with the
  // instances. (The live snapshot is not kept on the record: 100,000 idle instances would each hold
  // one; the bounded `live` map above keeps those of recently written instances.)
  const mark: object = {};
  function vouch(record: InstanceRecord): void {
    if (!Object.isExtensible(record)) return;
    // A record vouched for by another engine sharing the store is not extensible any more: it keeps
    // that engine's token, and this engine head-checks it on each cold load.
    vouched.mark(record, mark);
    // The mark says "this object is what the head check (or this engine's commit) vouched for": make
    // that stay true. The record and its small parts are frozen (its context already is), so a caller
    // holding it (engine.record(), a memory store's load) cannot change it in place behind the mark.
    Object.freeze(record.timers);
    for (const timer of record.timers) Object.freeze(timer);
    Object.freeze(record.statePaths);
    if (record.snapshot !== null && typeof record.snapshot === 'object') Object.freeze(record.snapshot);
    Object.freeze(record);
  }
  function vouchedBy(record: InstanceRecord): boolean {
    return vouched.of(record) === mark;
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

  function notFound(instanceId: string): DocketError {
    return new DocketError('INSTANCE_NOT_FOUND', `No instance "${instanceId}" in the ${store.kind} store. Check the id (engine.list() shows what exists).`, {
      instanceId,
    });
  }

  /**
   * The refusal for an id with no live instance. An instance retention took out of the hot tables is
   * still `INSTANCE_NOT_FOUND` (it takes no act and has no live view), but said as what it is, with
   * `details.retention` (`'archived'` or `'purged'`): "No instance … Check the id" sent a client whose
   * retried send (same Idempotency-Key) came after the archive, or an operator acting on an id from
   * last year's report, looking for a typo. Only for an actor who may see the instance (its tenant, as
   * {@link visibleTo} decides for a live one): to anyone else it stays the plain answer, so ids do not
   * leak. Read only on this miss path; a store without retention, or one whose retention read fails,
   * gives the plain answer.
   */
  async function missing(instanceId: string, actor: Actor | undefined): Promise<DocketError> {
    if (!store.archived || !store.tombstone) return notFound(instanceId);
    try {
      const retained = await retainedInstance(store, instanceId);
      const own = actor !== null && typeof actor === 'object' ? actor.tenant : undefined;
      if (retained === undefined || (own !== undefined && retained.tenant !== own)) return notFound(instanceId);
      const kind = retained.kind;
      const read = kind === 'archived' ? 'its history and state are read with engine.archived(id), history(id) and verify(id)' : 'only its sealed tombstone is kept: engine.archived(id) and verify(id) read it';
      return new DocketError(
        'INSTANCE_NOT_FOUND',
        `Instance "${instanceId}" is finished and was ${kind} by retention: it takes no more acts and has no live view; ${read}. An act retried after the archive (same idempotency key) cannot be replayed: read its outcome from the history.`,
        { instanceId, retention: kind },
      );
    } catch {
      return notFound(instanceId);
    }
  }

  /**
   * Whether `actor` may see `record`: an actor of a tenant sees only that tenant's instances. The one
   * place tenant isolation of acts is decided; the refusal is INSTANCE_NOT_FOUND, so ids do not leak.
   */
  function visibleTo(record: InstanceRecord, actor: Actor | undefined): boolean {
    const tenant = actor !== null && typeof actor === 'object' ? actor.tenant : undefined;
    return tenant === undefined || (record.tenant ?? undefined) === tenant;
  }

  async function load(instanceId: string, actor?: Actor): Promise<InstanceRecord> {
    assertId(instanceId, 'The instance id', {}, 'instanceId');
    const record = await store.load(instanceId);
    if (!record) throw await missing(instanceId, actor);
    if (!visibleTo(record, actor)) throw notFound(instanceId);
    return record;
  }

  function envAt(_reg: RegisteredWorkflow, now: Instant, tenant: string | undefined): WorkflowEnv {
    const { calendar, directory } = deps.routing.envOf(tenant);
    return { directory, calendar, now: () => now };
  }

  /** The record's own workflow version, when it is registered. */
  function registeredOrNot(record: InstanceRecord): RegisteredWorkflow | undefined {
    try {
      return registry.get(record.workflow, record.version, record.id);
    } catch {
      return undefined;
    }
  }

  function viewOf(record: InstanceRecord): InstanceView {
    return record.timers.length === 0 ? toView(record) : toView(record, registeredOrNot(record)?.runtime.timerOwners);
  }

  async function refuse(record: InstanceRecord, actor: Actor, event: { readonly type: string }, error: DocketError): Promise<void> {
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
    // The refusal is the caller's answer; the log entry is audit data beside it. A log write that
    // failed (the store down, a write lock held elsewhere, a full disk, an answer lost) replaced the
    // typed refusal with the store's error: a bad event was told STORE_UNAVAILABLE, "retry", or
    // STORE_OUTCOME_UNKNOWN, "it may have been applied", for an act that was refused and changed
    // nothing. The refusal is thrown as decided; the failed log write is reported on `error`.
    try {
      await store.appendRefusal(refusal);
    } catch (failure) {
      emitter.emit('error', refusalNotRecorded(refusal, failure));
    }
    emitter.emit('refused', refusal, error);
  }

  // The commit is durable: tell the caller now. Its effects are delivered after the instance's lock is
  // released, in the background (`engine.settled()` waits for them), never inside the act.
  function notify(commit: Commit): InstanceView {
    const view = viewOf(commit.instance);
    if (commit.expectedRevision === 0) emitter.emit('started', view);
    emitter.emit('transition', view, commit.history);
    if (commit.history.retiredTimers) for (const t of commit.history.retiredTimers) emitter.emit('timer.retired', retiredTimer(commit, t));
    if (commit.history.deadlines?.some((d) => d.provisional)) emitter.emit('warning', provisionalWarning(commit.instance, commit.history.deadlines));
    if (commit.effects.length > 0) outbox.dispatch();
    return view;
  }

  /**
   * Plan the decided step against `record` (undefined for a new instance): the one place facts are
   * filled in. The instance is stored at the version of the decision's workflow when it names one.
   */
  function plan(
    record: InstanceRecord | undefined,
    instance: { id: string; workflow: string; version: number; initiator: string },
    decision: Omit<CommitDecision, 'kind'>,
    now: Instant,
    tenant: string | undefined,
  ): Commit {
    const { step, reg, change } = decision;
    // The step's context is committed as it is: freeze it, and mark what is new with its Merkle
    // reference and string check (the parts that do not change keep theirs). A final state's output
    // is written once, with the snapshot: checked as the context is. Whatever stops either (a BigInt,
    // a cycle, nesting or length past the limits, a getter, toJSON or Proxy trap that throws) is the
    // state's fault: INVALID_PAYLOAD, naming the path where it can.
    try {
      freezeJsonData(step.snapshot.context);
      if (step.snapshot.output !== undefined) checkOutput(step.snapshot.output);
    } catch (error) {
      throw isDocketError(error) ? error : stateDataError(instance.id, instance.workflow, step, { cause: error });
    }
    const facts: { -readonly [K in keyof ChangeFacts]: ChangeFacts[K] } = {
      instanceId: instance.id,
      workflow: instance.workflow,
      version: reg ? reg.workflow.version : instance.version,
      initiator: instance.initiator,
      now,
      ...change,
    };
    const projector = decision.project ?? (reg ? { reg, snapshot: step.snapshot } : undefined);
    const hook = projector?.reg.workflow.tasks;
    if (hook && change.tasks === undefined) {
      const { reg: preg, snapshot } = projector!;
      // With the version the commit stamps on each task, so a hook that builds its tasks with it (the
      // approval plugin's) hands over records the commit need not copy to stamp.
      const instanceFacts = { id: instance.id, workflow: instance.workflow, initiator: instance.initiator, version: facts.version };
      const env = envAt(preg, now, tenant);
      // Called by planCommit once the timers after the commit are known: due dates come from them.
      facts.tasks = (timers) => hook({ snapshot, instance: instanceFacts, now, env, timers: taskTimers(timers, preg.runtime.timerOwners) });
    }
    if (reg) facts.timerOwners = reg.runtime.timerOwners;
    try {
      return planCommit(record, step, reg ? reg.runtime.persist(step.snapshot) : record!.snapshot, facts, keys.current);
    } catch (error) {
      // Digesting what the machine raised (a delayed event's payload, an effect's params) can fail on
      // the same faults: named as INVALID_PAYLOAD when the diagnosis finds one; anything else is thrown on.
      if (isDocketError(error)) throw error;
      throw stateDataError(instance.id, instance.workflow, step) ?? error;
    }
  }

  function withIdempotency(commit: Commit, idempotency: CommitDecision['idempotency'], instanceId: string, now: Instant): Commit {
    if (idempotency === undefined) return commit;
    return copyWith(commit, {
      idempotency: {
        instanceId,
        key: idempotency.key,
        actor: idempotency.actor,
        payloadHash: idempotency.payloadHash,
        revision: commit.instance.revision,
        result: viewOf(commit.instance),
        at: now,
      },
    });
  }

  async function attempt<R>(act: Act<R>): Promise<Outcome<R>> {
    const { instanceId } = act;
    const actor = act.actor ?? act.refusal?.actor;
    const cached = act.source === 'cached' && act.timer === undefined ? live.get(instanceId)?.record : undefined;
    let record: InstanceRecord;
    if (cached) {
      if (!visibleTo(cached, actor)) throw notFound(instanceId);
      record = cached;
    } else {
      let loaded: InstanceRecord | undefined;
      // The head entry, when the store reads it with the record (one round trip instead of two).
      let head: HistoryEntry | null | undefined;
      // Whether the act wants this record at all (asked once: `wanted` may be a real predicate).
      let wanted = false;
      try {
        if (store.loadWithHead) {
          assertId(instanceId, 'The instance id', {}, 'instanceId');
          const both = await store.loadWithHead(instanceId);
          loaded = both?.record;
          head = both ? (both.head ?? null) : undefined;
          if (!act.wanted && !loaded) throw await missing(instanceId, actor);
          if (!act.wanted && !visibleTo(loaded!, actor)) throw notFound(instanceId);
        } else {
          loaded = act.wanted ? await store.load(instanceId) : await load(instanceId, actor);
        }
        if (loaded && act.wanted && !visibleTo(loaded, actor)) throw notFound(instanceId);
        wanted = loaded !== undefined && (!act.wanted || act.wanted(loaded));
        if (wanted) {
          if (!vouchedBy(loaded!)) {
            await checkHead(store, keys, loaded!, { ...(act.timer === undefined ? {} : { timer: act.timer }), ...(head === undefined ? {} : { head }) });
            vouch(loaded!);
          } else if (act.timer !== undefined) {
            checkClaimedTimer(loaded!, act.timer);
          }
        }
      } catch (error) {
        if (act.skipUnloadable) return { value: act.skip as R };
        throw error;
      }
      if (!loaded || !wanted) return { value: act.skip as R };
      record = loaded;
    }
    const reg = act.anyVersion ? registeredOrNot(record) : registry.get(record.workflow, record.version, record.id);
    const now = act.now ?? clock.now();
    const { tenant } = record;
    const ctx: DecideContext = { now, reg, tenant, env: (r) => envAt(r, now, tenant), restore };
    let decision: Decision<R>;
    try {
      const decided = act.decide(record, ctx);
      decision = decided instanceof Promise ? await decided : decided;
    } catch (error) {
      if (cached && isDocketError(error)) {
        // Decided on a remembered record, which another process may have moved on: decide again
        // on a fresh load before refusing anyone.
        live.delete(instanceId);
        throw new DocketError('CONFLICT', 'Re-checking on a fresh load.', { instanceId });
      }
      if (act.refusal && isDocketError(error) && error.code !== 'MACHINE_ERROR') await refuse(record, act.refusal.actor, act.refusal.event, error);
      throw error;
    }
    if (decision.kind === 'skip') return { value: decision.value };
    const commit = withIdempotency(plan(record, record, decision, now, tenant), decision.idempotency, instanceId, now);
    if (act.dryRun) return { commit, view: viewOf(commit.instance) };
    try {
      await store.commit(commit);
    } catch (error) {
      live.delete(instanceId);
      throw error;
    }
    if (decision.reg) remember(decision.reg, commit.instance, decision.step.snapshot);
    else {
      forget(instanceId);
      vouch(commit.instance);
    }
    return { commit, view: notify(commit) };
  }

  return {
    act<R>(act: Act<R>): Promise<Outcome<R>> {
      return mutex.run(act.instanceId, async () => {
        for (let i = 0; ; i++) {
          try {
            return await attempt(act);
          } catch (error) {
            if (isDocketError(error, 'CONFLICT') && i < deps.conflictRetries) continue;
            throw error;
          }
        }
      });
    },
    create(instanceId, reg, decide, tenant) {
      return mutex.run(instanceId, async () => {
        const now = clock.now();
        const { step, initiator, change } = decide({ now, reg, tenant, env: (r) => envAt(r, now, tenant), restore });
        const facts = tenant === undefined ? change : copyWith(change, { tenant });
        const commit = plan(undefined, { id: instanceId, workflow: reg.workflow.id, version: reg.workflow.version, initiator }, { step, reg, change: facts }, now, tenant);
        try {
          await store.commit(commit);
        } catch (error) {
          // The retry of a start that landed (its first try told STORE_OUTCOME_UNKNOWN) is answered as
          // that start, nothing written or emitted again; any other taken id stays a CONFLICT.
          const landed = await landedStart(store, commit, error);
          return { commit, view: viewOf(landed), replayed: true };
        }
        remember(reg, commit.instance, step.snapshot);
        return { commit, view: notify(commit), replayed: false };
      });
    },
    async refuseInput(instanceId, actor, event, error) {
      await mutex.run(instanceId, async () => {
        let record: InstanceRecord;
        try {
          record = await load(instanceId, actor);
        } catch (failure) {
          // No such instance (or another tenant's) is the caller's answer; a store that cannot read
          // it is not: the input is refused as it is, and the unread instance's log is not written.
          if (isDocketError(failure, 'INSTANCE_NOT_FOUND') || isDocketError(failure, 'INVALID_ARGUMENT')) throw failure;
          emitter.emit('error', refusalNotRecorded({ instanceId, actor: { id: actor.id }, event: { ...event }, code: error.code }, failure));
          return;
        }
        await refuse(record, actor, event, error);
      });
    },
    load,
    restore,
    forget,
    viewOf,
    envAt,
    idle: () => mutex.idle(),
  };
}

/**
 * The `error` reported when a refusal could not be written to the refusal log (its caller still gets
 * the refusal): the store's code (`STORE_UNAVAILABLE`: not recorded; `STORE_OUTCOME_UNKNOWN`: it may
 * be), what was refused and that the act changed nothing, with the store's failure as `cause`.
 */
function refusalNotRecorded(
  refusal: { readonly instanceId: string; readonly actor: { readonly id: string }; readonly event: { readonly type: string }; readonly code: string },
  failure: unknown,
): DocketError {
  const code = isDocketError(failure) && failure.code === 'STORE_OUTCOME_UNKNOWN' ? 'STORE_OUTCOME_UNKNOWN' : 'STORE_UNAVAILABLE';
  const why = messageOf(failure);
  const recorded = code === 'STORE_OUTCOME_UNKNOWN' ? 'may not have been recorded' : 'was not recorded';
  return new DocketError(
    code,
    `The refusal of "${refusal.event.type}" by ${refusal.actor.id} on instance ${refusal.instanceId} (${refusal.code}) ${recorded} in the refusal log: ${why} The act was refused and changed nothing; its caller was told ${refusal.code}.`,
    { instanceId: refusal.instanceId, refused: refusal.code, refusalLogged: false, cause: failure },
  );
}
