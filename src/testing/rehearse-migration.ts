import type { BusinessCalendar } from '../calendar/index.js';
import { virtualClock, type Instant, type InstantInput } from '../clock/index.js';
import { wholeInstantInput } from '../clock/whole-instant.js';
import { createEngine, type AnyWorkflow, type MigrationBlockCode, type MigrationMove, type MigrationReport, type WorkflowMigration } from '../engine/index.js';
import type { Directory } from '../organisation/directory.js';
import { mappedTarget } from '../engine/migration/migrate-instances.js';
import { machineStatePaths, migrationsOf } from '../engine/migration/migration-spec.js';
import { DocketError } from '../errors.js';
import { readOptions } from '../input/read-options.js';
import { kindOf } from '../input/kind-of.js';
import type { Actor, HistoryEntry, InstanceRecord, TaskRecord, TimerRecord } from '../store/records.js';
import { memoryStore, type Store } from '../store/index.js';
import { nameTimer } from '../engine/timer-identity.js';
import { ownerOfTimer, timerLabel, timerOwnersOf, type TimerOwners } from '../engine/timer-owner.js';
import type { AnyStateMachine } from 'xstate';

/** One instance to rehearse on: its record and its whole history (tasks optional). */
export interface RehearsalInstance {
  readonly record: InstanceRecord;
  readonly history: readonly HistoryEntry[];
  readonly tasks?: readonly TaskRecord[];
}

/** A person's act, sent to both copies of an instance at `at` (its outcome may differ between them). */
export interface RehearsalAct {
  readonly at: InstantInput;
  readonly instanceId: string;
  readonly event: { readonly type: string; readonly [key: string]: unknown };
  readonly actor: Actor;
}

/**
 * Options of {@link rehearseMigration}.
 *
 * - `source`: a store to copy from (only read: the instances of `from`'s id and version), or the
 *   instances themselves.
 * - `from`, `to`: the two versions of the workflow. `migration`: the one to rehearse (default: the one
 *   `to` declares from `from.version`), so a draft migration can be tried before `to` declares it.
 * - `at`: when the migration runs (default: the latest `updatedAt` of the copied instances);
 *   `horizon`: how far both copies are driven (an instant after `at`).
 * - `script`: acts people do meanwhile; without one, only timers move instances.
 */
export interface RehearseOptions {
  readonly source: Store | readonly RehearsalInstance[];
  readonly from: AnyWorkflow;
  readonly to: AnyWorkflow;
  readonly migration?: WorkflowMigration;
  readonly at?: InstantInput;
  readonly horizon: InstantInput;
  readonly calendar?: BusinessCalendar;
  readonly directory?: Directory;
  readonly script?: readonly RehearsalAct[];
}

/** A deadline of one copy after the migration instant: fired (at `dueAt`) or still pending at the horizon. */
export interface RehearsedDeadline {
  /** The delay's name, or its length in ms. */
  readonly name: string;
  /** Epoch ms. */
  readonly dueAt: Instant;
  readonly fired: boolean;
  /** The dotted path of the state that armed it (null for none), as a `TimerView` has it. */
  readonly state: string | null;
  /** The deadline for people: `after 1h in review.waiting`, never a bare `3600000`. */
  readonly label: string;
}

/** Where one copy of an instance is at the horizon. */
export interface RehearsedFuture {
  readonly version: number;
  readonly state: unknown;
  readonly status: InstanceRecord['status'];
  /** Deadlines after the migration instant, by due instant. */
  readonly deadlines: readonly RehearsedDeadline[];
  /** Acts of the script this copy refused, with the error code. */
  readonly refusedActs: readonly { readonly at: Instant; readonly event: string; readonly code: string }[];
}

/** An instance whose future differs between the unmigrated and the migrated copy. */
export interface RehearsalDifference {
  readonly instanceId: string;
  /** False when the migration left it on its version (`blocked` says why). */
  readonly migrated: boolean;
  readonly blocked?: MigrationBlockCode;
  readonly unmigrated: RehearsedFuture;
  readonly migratedFuture: RehearsedFuture;
  /** The final state (mapped through the migration's states) or status differs. */
  readonly finalStateDiffers: boolean;
  /** The due instants differ: old (unmigrated) and new (migrated), each sorted. */
  readonly deadlinesMoved?: { readonly old: readonly Instant[]; readonly new: readonly Instant[] };
}

/** What the migration does to one instance besides moving it, which its future alone may not show. */
export interface RehearsalWarning {
  readonly instanceId: string;
  /** States entered again whose entry effects are sent again. */
  readonly effectsAgain: MigrationMove['effectsAgain'];
  /** Approval steps whose recorded votes are dropped, with the count. */
  readonly lostVotes: MigrationMove['lostVotes'];
}

/**
 * What {@link rehearseMigration} found.
 *
 * @example
 * ```ts
 * import type { RehearsalReport } from 'docket/testing';
 * const ok = (r: RehearsalReport) => r.differences.length === 0;
 * ```
 */
export interface RehearsalReport {
  readonly at: Instant;
  readonly horizon: Instant;
  readonly instances: number;
  /** The migration as it ran on the copies. */
  readonly migration: MigrationReport;
  /**
   * Each migrated instance the move warns about (its `migration.moved` entry's `effectsAgain` and
   * `lostVotes`): entry effects sent again, approval votes dropped. Empty when none.
   */
  readonly warnings: readonly RehearsalWarning[];
  readonly differences: readonly RehearsalDifference[];
}

const REHEARSE_KEYS = ['source', 'from', 'to', 'migration', 'at', 'horizon', 'calendar', 'directory', 'script'] as const;

const REHEARSAL_ACTOR: Actor = { id: 'docket:rehearsal', roles: ['admin'] };

async function instancesOf(source: Store, from: AnyWorkflow): Promise<RehearsalInstance[]> {
  await source.init();
  const out: RehearsalInstance[] = [];
  let cursor: string | undefined;
  do {
    const page = await source.list({ workflow: from.id, limit: 200, ...(cursor === undefined ? {} : { cursor }) });
    for (const record of page.items) {
      if (record.version !== from.version) continue;
      out.push({ record, history: await source.history(record.id), tasks: await source.tasks({ instanceId: record.id }) });
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

/** Copy an instance into a store as it is: one commit per history entry, the record last. */
async function importInstance(store: Store, { record, history, tasks }: RehearsalInstance): Promise<void> {
  if (history.length !== record.revision || history.some((h, i) => h.revision !== i + 1)) {
    throw new DocketError('INVALID_ARGUMENT', `rehearseMigration(): instance ${record.id} needs its whole history (revisions 1..${record.revision}); got ${history.length} entries.`, { instanceId: record.id });
  }
  for (const entry of history) {
    const last = entry.revision === record.revision;
    const instance: InstanceRecord = last ? record : { ...record, revision: entry.revision, historyHash: entry.hash, timers: [], nextDueAt: null };
    const addTimers: TimerRecord[] = last ? record.timers.map((t) => ({ ...t, instanceId: record.id, revision: record.revision, status: 'pending' as const })) : [];
    await store.commit({ instance, expectedRevision: entry.revision - 1, history: entry, cancelTimerIds: [], addTimers, effects: [], ...(last && tasks ? { tasks } : {}) });
  }
}

function futureOf(record: InstanceRecord, history: readonly HistoryEntry[], afterRevision: number, refusedActs: RehearsedFuture['refusedActs'], owners: TimerOwners): RehearsedFuture {
  // A fired one as its history entry names it (the rehearsal's engines write `state` and `label`).
  const fired = history.filter((h) => h.revision > afterRevision && h.kind === 'timer' && h.timer).map((h) => {
    const t = h.timer!;
    const state = t.state !== undefined ? t.state : typeof h.event.delivered === 'string' ? ownerOfTimer(h.event.delivered, owners) : null;
    return { name: t.name, dueAt: t.dueAt, fired: true, state, label: t.label ?? timerLabel(t.name, state) };
  });
  const pending = record.timers.map((t) => ({ name: t.name, dueAt: t.dueAt, fired: false, ...nameTimer(t, owners) }));
  return {
    version: record.version,
    state: record.state,
    status: record.status,
    deadlines: [...fired, ...pending].sort((a, b) => a.dueAt - b.dueAt),
    refusedActs,
  };
}

const leaves = (paths: readonly string[]) => paths.filter((p) => !paths.some((q) => q.startsWith(`${p}.`)));

/**
 * Rehearse a migration on copies: the instances of `from` are copied into two memory stores, one is
 * migrated at `at` (as `engine.migrate` would, on a virtual clock), and both are driven to `horizon`
 * (timers fire; people act only as `script` says). Reports every instance whose future differs: a
 * different final state (the unmigrated one's mapped through the migration's states) or status, or
 * moved deadlines (the due instants each copy met or holds after `at`). The source is only read.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the field for options read by the house rule (an
 *   unknown key such as a misspelt `scrpit`, `horizon`/`at`/`script[i].at` at no instant, a `script`
 *   that is not an array), a horizon before `at` or an instance without its full history; `INVALID_MIGRATION` when `to` declares no migration from `from` and none is given.
 *
 * @example
 * ```ts
 * import { rehearseMigration } from 'docket/testing';
 * // const report = await rehearseMigration({ source: store, from: v1, to: v2, horizon: '2026-12-31T00:00:00+08:00', calendar });
 * // report.differences.filter((d) => d.deadlinesMoved)
 * ```
 */
export async function rehearseMigration(given: RehearseOptions): Promise<RehearsalReport> {
  // Read once, by the house rule, as docket/testing's other entry points read theirs: a misspelt
  // `scrpit` was ignored (the rehearsal ran with nobody acting), a misspelt `horizn` was refused as
  // "An instant is …, not undefined" naming no option.
  const options = readOptions(given, { keys: REHEARSE_KEYS, what: 'rehearseMigration()', usage: '{ source, from, to, horizon, at?, migration?, calendar?, directory?, script? }' }) as unknown as RehearseOptions;
  // By the one instant rule (whole epoch ms), as exploreWorkflow's start: a fraction is refused.
  const instant = (value: unknown, field: string): Instant => wholeInstantInput(value, field, 'rehearseMigration():');
  if (options.script !== undefined && !Array.isArray(options.script)) {
    throw new DocketError('INVALID_ARGUMENT', `rehearseMigration(): script must be an array of acts ({ at, instanceId, event, actor }), not ${kindOf(options.script)}.`, { field: 'script' });
  }
  const { from, calendar, directory } = options;
  const spec = options.migration ?? migrationsOf(options.to).find((m) => m.from === from.version);
  if (!spec) throw new DocketError('INVALID_MIGRATION', `Workflow "${options.to.id}" v${options.to.version} declares no migration from v${from.version}; pass one as \`migration\`.`, { workflow: options.to.id });
  const to: AnyWorkflow = options.migration ? { ...options.to, migrations: [spec] } : options.to;
  const instances = Array.isArray(options.source) ? (options.source as readonly RehearsalInstance[]) : await instancesOf(options.source as Store, from);
  const at = options.at !== undefined ? instant(options.at, 'at') : Math.max(0, ...instances.map((i) => i.record.updatedAt));
  const horizon = instant(options.horizon, 'horizon');
  if (!(horizon >= at)) throw new DocketError('INVALID_ARGUMENT', `rehearseMigration(): the horizon ${new Date(horizon).toISOString()} is before the migration instant ${new Date(at).toISOString()}.`);
  const script = [...(options.script ?? [])].map((a, i) => ({ ...a, at: instant(a.at, `script[${i}].at`) })).sort((a, b) => a.at - b.at);

  const fromOwners = timerOwnersOf(from.machine as AnyStateMachine);
  const toOwners = timerOwnersOf(to.machine as AnyStateMachine);
  const side = async (migrate: boolean) => {
    const store = memoryStore();
    await store.init();
    for (const instance of instances) await importInstance(store, instance);
    const clock = virtualClock(at);
    const engine = createEngine({ store, clock, workflows: [from, to], ...(calendar ? { calendar } : {}), ...(directory ? { directory } : {}) });
    try {
      const report = migrate ? await engine.migrate({ workflow: from.id, from: from.version, to: to.version, actor: REHEARSAL_ACTOR, reason: 'rehearsal' }) : undefined;
      const refused = new Map<string, { at: Instant; event: string; code: string }[]>();
      for (const act of script) {
        if (act.at > horizon) break;
        await clock.advanceTo(Math.max(act.at, clock.now()));
        try {
          await engine.send(act.instanceId, act.event as never, { actor: act.actor });
        } catch (error) {
          const code = error instanceof DocketError ? error.code : 'ERROR';
          refused.set(act.instanceId, [...(refused.get(act.instanceId) ?? []), { at: act.at, event: act.event.type, code }]);
        }
      }
      await clock.advanceTo(horizon);
      const futures = new Map<string, { future: RehearsedFuture; record: InstanceRecord }>();
      for (const { record } of instances) {
        const now = await store.load(record.id);
        const moved = report?.moved.some((m) => m.instanceId === record.id) ?? false;
        const owners = now!.version === to.version ? toOwners : fromOwners;
        futures.set(record.id, { future: futureOf(now!, await store.history(record.id), record.revision + (moved ? 1 : 0), refused.get(record.id) ?? [], owners), record: now! });
      }
      return { futures, report };
    } finally {
      await engine.close();
      await store.close();
    }
  };

  const before = await side(false);
  const after = await side(true);
  const migration = after.report!;
  const targets = machineStatePaths(to.machine);
  const differences: RehearsalDifference[] = [];
  for (const { record } of instances) {
    const a = before.futures.get(record.id)!;
    const b = after.futures.get(record.id)!;
    const moved = migration.moved.some((m) => m.instanceId === record.id);
    const block = migration.blocked.find((x) => x.instanceId === record.id);
    let sameState: boolean;
    if (a.record.version === b.record.version) sameState = JSON.stringify(a.record.state) === JSON.stringify(b.record.state);
    else {
      // Compare through the migration: where would the unmigrated copy's final state map to?
      const mapped = mappedTarget(spec, a.record, targets);
      const bLeaves = leaves(b.record.statePaths);
      sameState = mapped !== undefined && bLeaves.length > 0 && bLeaves.every((l) => l === mapped || l.startsWith(`${mapped}.`));
    }
    const finalStateDiffers = !sameState || a.record.status !== b.record.status;
    const oldDue = a.future.deadlines.map((d) => d.dueAt);
    const newDue = b.future.deadlines.map((d) => d.dueAt);
    const moves = oldDue.length !== newDue.length || oldDue.some((d, i) => d !== newDue[i]);
    if (!finalStateDiffers && !moves) continue;
    differences.push({
      instanceId: record.id,
      migrated: moved,
      ...(block ? { blocked: block.code } : {}),
      unmigrated: a.future,
      migratedFuture: b.future,
      finalStateDiffers,
      ...(moves ? { deadlinesMoved: { old: oldDue, new: newDue } } : {}),
    });
  }
  const warnings = migration.moved
    .filter((m) => m.effectsAgain.length > 0 || m.lostVotes.length > 0)
    .map(({ instanceId, effectsAgain, lostVotes }) => ({ instanceId, effectsAgain, lostVotes }));
  return { at, horizon, instances: instances.length, migration, differences, warnings };
}
