import type { Instant } from '../clock/clock.js';
import { dueInstant } from '../clock/whole-instant.js';
import type { BusinessCalendar } from '../calendar/index.js';
import { DocketError, isDocketError } from '../errors.js';
import type { Actor, DeadlineNote, HeldTimer, InstanceRecord, PendingTimer, TimerDeadline } from '../store/records.js';
import type { Store } from '../store/store.js';
import { readOptions } from '../input/read-options.js';
import type { EngineParts } from './engine-core.js';
import { recordStep } from './record-step.js';
import { assertText, checkActorInput } from './validate-input.js';

/**
 * A warning the engine emits (`engine.on('warning', …)`).
 *
 * @example
 * ```ts
 * import type { EngineWarning } from 'docket';
 * const onWarning = (w: EngineWarning) => console.warn(w.code, w.message);
 * ```
 */
export interface EngineWarning {
  readonly code: 'PROVISIONAL_DEADLINE';
  readonly message: string;
  readonly instanceId: string;
  readonly deadlines: readonly DeadlineNote[];
}

/**
 * A live instance's deadline that rests on estimated holiday data.
 *
 * @example
 * ```ts
 * import type { ProvisionalDeadline } from 'docket';
 * const d: ProvisionalDeadline = { instanceId: 'c-1', workflow: 'contract', name: 'receivableDue', dueAt: 1799114400000, years: [2027], held: false };
 * ```
 */
export interface ProvisionalDeadline {
  readonly instanceId: string;
  readonly workflow: string;
  readonly name: string;
  readonly dueAt: Instant;
  readonly years: readonly number[];
  /** True for a timer held by a suspension. */
  readonly held: boolean;
}

/**
 * Options of `engine.reresolveDeadlines`.
 *
 * @example
 * ```ts
 * import type { ReresolveOptions } from 'docket';
 * const o: ReresolveOptions = { actor: { id: 'ops', roles: ['admin'] }, year: 2027 };
 * ```
 */
export interface ReresolveOptions {
  /** Who runs it: needs the `admin` role; recorded in each history entry. */
  readonly actor: Actor;
  /** Only deadlines resting on this estimated year (default: every provisional deadline). */
  readonly year?: number;
  /** Recorded in each history entry; default names the calendar's coverage of the years involved. */
  readonly reason?: string;
}

/**
 * What `engine.reresolveDeadlines` did.
 *
 * @example
 * ```ts
 * import type { ReresolveReport } from 'docket';
 * const empty: ReresolveReport = { checked: 0, changes: [], failed: [] };
 * ```
 */
export interface ReresolveReport {
  /** Instances with a provisional deadline that were looked at. */
  readonly checked: number;
  /** One entry per deadline that moved or became official (each instance got one commit). */
  readonly changes: readonly (DeadlineNote & { readonly instanceId: string; readonly revision: number })[];
  /** Instances that could not be re-resolved (left unchanged). */
  readonly failed: readonly { readonly instanceId: string; readonly code: string; readonly message: string }[];
}

type AnyTimer = PendingTimer | HeldTimer;

function matches(deadline: TimerDeadline | undefined, year: number | undefined): deadline is TimerDeadline {
  return deadline?.provisional === true && (year === undefined || deadline.years.includes(year));
}

/** The provisional deadlines of one stored instance (pending and held timers). */
export function provisionalDeadlinesOf(record: InstanceRecord, year?: number): ProvisionalDeadline[] {
  const out: ProvisionalDeadline[] = [];
  const add = (t: AnyTimer, held: boolean) => {
    if (matches(t.deadline, year)) out.push({ instanceId: record.id, workflow: record.workflow, name: t.name, dueAt: t.dueAt, years: t.deadline.years, held });
  };
  for (const t of record.timers) add(t, false);
  for (const t of record.heldTimers ?? []) add(t, true);
  return out;
}

async function* activeRecords(store: Pick<Store, 'list'>, tenant?: string): AsyncGenerator<InstanceRecord> {
  let cursor: string | undefined;
  do {
    const page = await store.list({ status: 'active', limit: 200, ...(tenant === undefined ? {} : { tenant }), ...(cursor === undefined ? {} : { cursor }) });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
}

/** INVALID_ARGUMENT unless `year` is absent or a whole year (a string '2027' would match nothing, silently). */
function checkYear(year: unknown): void {
  if (year !== undefined && !Number.isInteger(year)) throw new DocketError('INVALID_ARGUMENT', `year must be a whole year like 2027, got ${typeof year === 'string' ? JSON.stringify(year.slice(0, 40)) : typeof year === 'number' ? String(year) : typeof year}.`);
}

/** Every live instance's provisional deadline (optionally only those resting on `year`). */
export async function provisionalDeadlines(store: Pick<Store, 'list'>, raw: { readonly year?: number } = {}): Promise<ProvisionalDeadline[]> {
  // Read once by the house rule: a misspelt `yaer` listed every year's deadlines as if asked.
  const { year } = readOptions(raw, { keys: ['year'], what: 'provisionalDeadlines()', usage: '{ year? }, e.g. { year: 2027 } (leave it out for every year)' }) as { year?: number };
  checkYear(year);
  const out: ProvisionalDeadline[] = [];
  for await (const record of activeRecords(store)) out.push(...provisionalDeadlinesOf(record, year));
  return out;
}

/** The warning emitted when a commit arms deadlines on estimated holiday data. */
export function provisionalWarning(instance: InstanceRecord, notes: readonly DeadlineNote[]): EngineWarning {
  const provisional = notes.filter((n) => n.provisional);
  const years = [...new Set(provisional.flatMap((n) => n.years))].sort();
  return {
    code: 'PROVISIONAL_DEADLINE',
    instanceId: instance.id,
    deadlines: provisional,
    message:
      `Instance ${instance.id} (${instance.workflow}) has deadline${provisional.length > 1 ? 's' : ''} ${provisional.map((n) => `"${n.name}" at ${new Date(n.dueAt).toISOString()}`).join(', ')} ` +
      `resting on estimated holidays for ${years.join(', ')} (no official schedule yet). Add the official schedule when the State Council publishes it, then run engine.reresolveDeadlines() (docket calendar reresolve).`,
  };
}

/**
 * Re-resolve one timer; undefined when nothing changes. Its new due instant follows the rule every
 * armed timer does ({@link dueInstant}: rounded up to the whole millisecond, and one a clock can
 * reach), else MACHINE_ERROR and the instance is left as it is. The calendar's instant was kept as
 * given: one past a Date's range (a deadline near the year 275,760 moved by the new data) was NaN from
 * the built-in calendar, refused by the store as an INVALID_ARGUMENT about `instance.heldTimers[0].dueAt`,
 * and a finite one from a calendar of the host's own was stored, a timer that could never fire.
 */
function reresolve(calendar: BusinessCalendar, t: AnyTimer, year: number | undefined, instanceId: string): { timer: AnyTimer; note: DeadlineNote } | undefined {
  if (!matches(t.deadline, year)) return undefined;
  const from = t.deadline.from;
  const r = calendar.resolveWithProvenance(t.deadline.rule, from);
  // Not before the instant the deadline was armed from (a timer is never due before its state was entered).
  const dueAt = dueInstant(from, Math.max(r.at - from, 0));
  if (dueAt === undefined) {
    throw new DocketError(
      'MACHINE_ERROR',
      `Instance ${instanceId}: deadline "${t.name}" re-resolved from ${new Date(from).toISOString()} falls at ${String(r.at)}, no instant a clock can reach (a finite instant within a Date's range, ±8.64e15 ms). Nothing was changed; check the calendar and the deadline's rule.`,
      { instanceId, timer: t.name },
    );
  }
  if (dueAt === t.dueAt && r.provisional && r.estimatedYears.join() === t.deadline.years.join()) return undefined;
  const deadline: TimerDeadline = { ...t.deadline, provisional: r.provisional, years: r.estimatedYears };
  return {
    timer: { ...t, dueAt, deadline },
    note: { name: t.name, previousDueAt: t.dueAt, dueAt, provisional: r.provisional, years: r.estimatedYears },
  };
}

/** `engine.reresolveDeadlines`: see {@link Engine.reresolveDeadlines}. */
export async function reresolveDeadlines(
  parts: EngineParts,
  calendar: BusinessCalendar | undefined,
  raw: ReresolveOptions,
  /** The calendar of a tenant's instances (the engine's where the tenant has none of its own). */
  calendarOf: (tenant: string | undefined) => BusinessCalendar | undefined = () => calendar,
): Promise<ReresolveReport> {
  // Read once by the house rule: an unknown key (`yaer: 2027` re-resolved every year) or a getter
  // that throws is INVALID_ARGUMENT, and the year checked is the year used.
  const options = readOptions(raw, { keys: ['actor', 'year', 'reason'], what: 'reresolveDeadlines()', usage: '{ actor: { id, roles } } with the "admin" role: who re-resolves' }) as { actor?: unknown; year?: number; reason?: string };
  // The actor and reason are recorded in every entry it writes: the same checks as the other admin acts.
  const actor = checkActorInput(options.actor, 'reresolveDeadlines');
  if (options.reason !== undefined) {
    assertText(options.reason, 'reresolveDeadlines(): reason', {}, 'reason');
    if (options.reason.trim() === '') throw new DocketError('INVALID_ARGUMENT', 'reresolveDeadlines(): a reason, when given, must say why (leave it out for the default one).', { actor: actor.id });
  }
  if (!actor.roles.includes('admin')) {
    throw new DocketError('FORBIDDEN', `Only an actor with the "admin" role may re-resolve deadlines; ${actor.id} has [${actor.roles.join(', ')}].`, { actor: actor.id });
  }
  checkYear(options.year);
  if (!calendar) throw new DocketError('INVALID_ARGUMENT', 'reresolveDeadlines() needs the engine to have a business calendar: createEngine({ calendar }).');
  await parts.ready();
  const { store, pipeline, registry } = parts;
  const changes: ReresolveReport['changes'][number][] = [];
  const failed: ReresolveReport['failed'][number][] = [];
  const ids: string[] = [];
  // An actor of a tenant re-resolves that tenant's deadlines only.
  for await (const record of activeRecords(store, actor.tenant)) if (provisionalDeadlinesOf(record, options.year).length > 0) ids.push(record.id);
  for (const instanceId of ids) {
    try {
      const outcome = await pipeline.act<undefined>({
        instanceId,
        source: 'store',
        anyVersion: true,
        actor,
        decide: (record, { reg, restore, tenant }) => {
          if (record.status !== 'active') return { kind: 'skip', value: undefined };
          const own = calendarOf(tenant) ?? calendar!;
          const notes: DeadlineNote[] = [];
          const cancel = new Set<string>();
          const rearm: (Omit<PendingTimer, 'id'>)[] = [];
          for (const t of record.timers) {
            const r = reresolve(own, t, options.year, record.id);
            if (!r) continue;
            notes.push(r.note);
            cancel.add(t.id);
            const { id: _, ...rest } = r.timer as PendingTimer;
            rearm.push(rest);
          }
          let held = record.heldTimers;
          if (held) {
            held = held.map((t) => {
              const r = reresolve(own, t, options.year, record.id);
              if (!r) return t;
              notes.push(r.note);
              return r.timer as HeldTimer;
            });
          }
          if (notes.length === 0) return { kind: 'skip', value: undefined };
          // Re-projecting the inbox needs the instance's own workflow version.
          const workflow = reg ?? registry.get(record.workflow, record.version, record.id);
          const years = [...new Set(notes.flatMap((n) => n.years))];
          const official = notes.filter((n) => !n.provisional).length;
          return {
            kind: 'commit',
            step: recordStep(record),
            project: { reg: workflow, snapshot: restore(workflow, record) },
            change: {
              kind: 'admin',
              event: { type: 'docket.admin.reresolveDeadlines', ...(options.year === undefined ? {} : { year: options.year }) },
              actor,
              reason:
                options.reason ??
                `Deadlines re-resolved with the calendar's holiday data${official > 0 ? ` (${official} now official)` : ''}${years.length > 0 ? `; still estimated: ${years.join(', ')}` : ''}.`,
              cancelTimers: cancel,
              extraTimers: rearm,
              ...(held ? { heldTimers: held } : {}),
              deadlineNotes: notes,
            },
          };
        },
      });
      if (outcome.commit) for (const note of outcome.commit.history.deadlines ?? []) changes.push({ ...note, instanceId, revision: outcome.commit.instance.revision });
    } catch (error) {
      if (!isDocketError(error)) throw error;
      failed.push({ instanceId, code: error.code, message: error.message });
    }
  }
  return { checked: ids.length, changes, failed };
}
