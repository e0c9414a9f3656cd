import type { HistoryEntry } from '../store/records.js';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { DateTime } from 'luxon';
import { businessCalendar } from '../calendar/index.js';
import { virtualClock } from '../clock/index.js';
import { DATE_RANGE, formatDayOrdinal, parseLocalDate } from '../calendar/local-date.js';
import { isoInstantFault } from '../clock/iso-instant.js';
import { ZonedTime } from '../calendar/zoned-time.js';
import { createEngine } from '../engine/create-engine.js';
import { isDocketError } from '../errors.js';
import { memoryStore } from '../store/index.js';
import type { Store } from '../store/store.js';
import { sampleValue } from '../visualizer/sample-value.js';
import { terminalSafe } from './terminal-safe.js';
import { stateGraph } from '../visualizer/state-graph.js';
import { autoStep, demoDirectory, namedPeople, rolesOf, sampleOptionsAt } from './auto-pilot.js';
import { CliError, EXIT, flagError } from './cli-error.js';
import { findWorkflow, print, printJson, rangeOrderError, type CommandContext } from './cli-context.js';
import { t } from './cli-lang.js';
import { entryEventText, formatTime, stateLabel, statusWord, suspensionOf, suspensionText, table, timerText } from './format-text.js';
import { progressBar } from './progress-bar.js';

const ZONE = 'Asia/Shanghai';
/** The last instant of the calendar's last date, 9999-12-31, in {@link ZONE}. */
const LAST_INSTANT = Date.parse(`${DATE_RANGE.last}T23:59:59.999+08:00`);
const DAY = 86_400_000;

/** Options of `docket simulate`. */
export interface SimulateOptions {
  readonly from?: string;
  readonly to?: string;
  readonly store?: string;
  readonly input?: string;
  readonly path?: string;
}

/**
 * An ISO date (`2026-10-08`, 09:00 Shanghai time) or date-time, or a refusal naming the option as the
 * library names a bad argument: exit 2, code `INVALID_ARGUMENT`, `field` the option without its dashes
 * (`from`), as `docket calendar --from` and every range refusal of this command are (it was `USAGE`
 * with no field, so a `--json` caller could not tell which option was wrong).
 */
export function parseWhen(name: string, text: string): number {
  // The calendar's one ISO reader: luxon alone read '…T09:00+08:00[America/New_York]' as 09:00 New York.
  try {
    return new ZonedTime(ZONE).parseInstant(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T09:00` : text);
  } catch (error) {
    // A date, but one the calendar does not read: say its range, not "must be a date".
    if (isDocketError(error) && error.details['supported'] !== undefined) throw new CliError(`${name}: ${error.message}`, EXIT.usage, 'INVALID_ARGUMENT', name.replace(/^-+/, ''));
    const fault = isoInstantFault(text);
    throw new CliError(`${name} must be a date (2026-10-08) or date-time (2026-10-08T09:00+08:00), got "${text}"${fault === undefined ? '' : `: ${fault}`}.`, EXIT.usage, 'INVALID_ARGUMENT', name.replace(/^-+/, ''));
  }
}

async function openStore(spec: string | undefined): Promise<{ store: Store; label: string }> {
  if (spec === undefined || spec === 'memory') return { store: memoryStore(), label: 'memory' };
  const m = /^sqlite:(.+)$/.exec(spec);
  if (!m) throw flagError('--store', `--store must be "memory" or "sqlite:<path>", got ${JSON.stringify(spec)}.`);
  const filename = m[1]!;
  if (!existsSync(dirname(filename) || '.')) throw flagError('--store', `--store: the folder of ${filename} does not exist.`);
  const { sqliteStore } = await import('../sqlite/index.js');
  const store = sqliteStore({ filename });
  try {
    await store.init();
  } catch (error) {
    // A missing better-sqlite3 says nothing about the file: name the package, not a corrupt database.
    if (isDocketError(error, 'MISSING_DEPENDENCY')) throw new CliError(error.message, 2, 'MISSING_DEPENDENCY');
    throw new CliError(`--store: cannot use ${filename} as a Docket database: ${error instanceof Error ? error.message : String(error)}`, 2, 'DB_CORRUPT');
  }
  return { store, label: `sqlite:${filename}` };
}

/**
 * `docket simulate <workflow>`: start an instance on a virtual clock at `--from` and run it to `--to`
 * with the business calendar: on each working day the simulated people act once (the event that
 * leads closest to a final state), and every deadline fires on its calendar date in between.
 */
export async function simulateCommand(ctx: CommandContext, id: string, opts: SimulateOptions): Promise<number> {
  const workflow = findWorkflow(ctx, id);
  const from = opts.from === undefined ? ctx.io.now() : parseWhen('--from', opts.from);
  const to = opts.to === undefined ? from + 90 * DAY : parseWhen('--to', opts.to);
  // A given --to is a date the calendar reads (to 9999-12-31); the default, 90 days after --from, may
  // not be: `--from +275760-09-01` ran to an instant past the last a Date holds and failed as
  // "planQuarter.year: … NaN", blaming the workflow's input; the calendar now stops at 9999-12-31.
  if (to > LAST_INSTANT) {
    throw new CliError(`--from ${formatTime(from, ctx.tz)} is too late: the default --to, 90 days after it, is past the last date the calendar supports (${DATE_RANGE.last}); give an earlier --from, or --to as well.`, EXIT.usage, 'INVALID_ARGUMENT', 'from');
  }
  if (to <= from) {
    throw rangeOrderError(
      { flag: '--from', shown: formatTime(from, ctx.tz), byDefault: opts.from === undefined ? 'now' : undefined },
      { flag: '--to', shown: formatTime(to, ctx.tz), byDefault: opts.to === undefined ? '90 days after --from' : undefined },
      'after',
    );
  }
  if (to - from > 3660 * DAY) {
    // Only a given --to can be this far (the default is 90 days): say so when --from was its default.
    const start = opts.from === undefined ? `the default --from (now, ${formatTime(from, ctx.tz)}); give --from as well, or an earlier --to` : '--from; narrow --from/--to';
    throw new CliError(`A simulation covers at most ten years, and --to (${formatTime(to, ctx.tz)}) is more than ten years after ${start}.`, EXIT.usage, 'INVALID_ARGUMENT', 'to');
  }
  const mode = opts.path ?? 'auto';
  if (mode !== 'auto' && mode !== 'idle') throw flagError('--path', `--path must be "auto" (people act every working day) or "idle" (only deadlines fire), got ${JSON.stringify(mode)}.`);
  let input: unknown;
  if (opts.input !== undefined) {
    try {
      input = JSON.parse(opts.input);
    } catch {
      throw flagError('--input', `--input must be JSON, e.g. --input '{"title":"Q4 plan"}'.`);
    }
  } else {
    input = sampleValue(workflow.input, sampleOptionsAt(from));
  }
  const parsed = workflow.input.safeParse(input);
  if (!parsed.success) {
    throw flagError('--input', `The start input for "${workflow.id}" is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}. Pass --input '<json>'.`);
  }

  const { store, label } = await openStore(opts.store);
  // A year estimated from the law (or as weekdays) is said once on stderr, where a script reading
  // --json on stdout does not trip over it.
  const calendar = businessCalendar({ onMissingYear: ctx.onMissingYear, onWarning: (message) => void ctx.io.stderr.write(`docket: ${terminalSafe(message)}\n`) });
  const clock = virtualClock(from);
  const engine = createEngine({ store, clock, calendar, directory: demoDirectory(workflow), workflows: [workflow] });
  const graph = stateGraph(workflow);
  const bar = progressBar(ctx.io.stderr, Math.ceil((to - from) / DAY));
  try {
    const instanceId = await engine.start(workflow.id as never, parsed.data as never, { actor: { id: 'demo', roles: rolesOf(workflow), name: 'demo' } });
    const tried = new Set<string>();
    const named = namedPeople(workflow, parsed.data);
    for (let day = 0; clock.now() < to; day++) {
      const view = await engine.get(instanceId);
      if (view.status !== 'active') break;
      const localDate = calendar.toLocalDate(clock.now());
      // Day arithmetic on the local date: luxon without a zone read it in the machine's zone, where a
      // skipped day (Pacific/Apia's 2011-12-30) moved it on, so the hint depended on the machine.
      if (mode === 'auto' && calendar.isWorkingDay(clock.now())) await autoStep(engine, workflow, graph, instanceId, formatDayOrdinal(parseLocalDate(localDate) + 30), tried, named);
      const nextDay = DateTime.fromISO(localDate, { zone: ZONE }).plus({ days: 1 }).set({ hour: 10 }).toMillis();
      await clock.advanceTo(Math.min(to, nextDay));
      bar.update(day + 1, calendar.toLocalDate(clock.now()));
    }
    bar.finish();
    const view = await engine.get(instanceId);
    const history = await engine.history(instanceId);
    const entries = history.map((h) => {
      const e = h as { revision: number; at: number; actor: { id: string; name?: string }; event: { type: string; delivered?: unknown }; timer?: { state?: string | null }; from: unknown; to: unknown; kind: string };
      return { revision: e.revision, kind: e.kind, at: e.at, atLocal: formatTime(e.at, ctx.tz), actor: e.actor.id, event: e.event.type, eventLabel: entryEventText(graph, h as HistoryEntry, ctx.lang), from: e.from, to: e.to };
    });
    // The engine suspends an instance whose timer cannot be delivered (a step entered by a deadline
    // that resolves nobody): the simulation stops there. It ended with `(active)` and exit 0, and the
    // reason, which says what to fix, was only in the stored history.
    const suspension = suspensionOf(view.suspended, history);
    const result = {
      workflow: workflow.id,
      instanceId,
      store: label,
      from: formatTime(from, ctx.tz),
      to: formatTime(to, ctx.tz),
      status: view.status,
      suspended: view.suspended,
      ...(suspension === null ? {} : { suspension: { ...suspension, atLocal: formatTime(suspension.at, ctx.tz) } }),
      state: view.state,
      stateLabel: stateLabel(graph, view.state, ctx.lang),
      history: entries,
      timers: view.timers.map((tm) => ({ name: tm.name, state: tm.state, label: timerText(graph, tm.name, tm.state, ctx.lang), dueAt: tm.dueAt, dueLocal: formatTime(tm.dueAt, ctx.tz) })),
    };
    if (ctx.json) printJson(ctx, result);
    else {
      print(ctx, `${workflow.labels?.title[ctx.lang] ?? workflow.id} · ${instanceId} · ${label}`);
      print(ctx, `${t(ctx.lang, '模拟', 'Simulated')} ${result.from} → ${result.to}\n`);
      print(
        ctx,
        table(
          ctx.lang === 'zh-CN' ? ['#', '时间', '操作人', '事件', '状态变化'] : ['#', 'when', 'who', 'event', 'from → to'],
          entries.map((e) => [String(e.revision), e.atLocal, e.actor, e.eventLabel, `${e.from === null || e.from === undefined ? '—' : stateLabel(graph, e.from, ctx.lang)} → ${stateLabel(graph, e.to, ctx.lang)}`]),
        ),
      );
      const word = statusWord(result.status, ctx.lang);
      const status = view.suspended ? `${word}${t(ctx.lang, '，已挂起', ', suspended')}` : word;
      print(ctx, `\n${t(ctx.lang, '结果', 'Result')}: ${result.stateLabel} (${status})`);
      if (suspension !== null) print(ctx, suspensionText(suspension, ctx.lang, ctx.tz));
      for (const tm of result.timers) print(ctx, `${t(ctx.lang, '待触发', 'Pending')}: ${tm.label} @ ${tm.dueLocal}`);
    }
    // Stopped by the engine: a problem the simulation found (exit 1), as a year without holiday data is.
    return view.suspended ? EXIT.problem : EXIT.ok;
  } catch (error) {
    bar.finish();
    if (isDocketError(error)) throw new CliError(`Simulation stopped: ${error.message}`, EXIT.problem, error.code);
    throw error;
  } finally {
    await engine.close();
    await store.close();
  }
}
