import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { businessCalendar, CN_HOLIDAY_DATA, CN_HOLIDAY_DATA_SOURCE, holidayCoverageCheck, parseHolidaySchedule, type BusinessCalendar, type HolidayList } from '../calendar/index.js';
import { virtualClock } from '../clock/index.js';
import { DocketError } from '../errors.js';
import { createEngine } from '../engine/create-engine.js';
import { provisionalDeadlinesOf, type ProvisionalDeadline } from '../engine/reresolve-deadlines.js';
import type { InstanceRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { openWritableStore, storeSchema } from './open-store.js';
import { CliError, EXIT } from './cli-error.js';
import { withAdminEngine, withoutEffectClaims } from './admin-engine.js';
import { intOption, print, printJson, rangeOrderError, type CommandContext } from './cli-context.js';
import { t } from './cli-lang.js';
import { formatTime, localDateIn } from './format-text.js';

/**
 * The schedules of the `--holidays` files, each year from one file only: holiday lists compose day by
 * day, so a year in two files (a draft and the corrected notice) was their union — a day the
 * correction gave back to work stayed off — and no one was told.
 */
function loadSchedules(files: readonly string[]): HolidayList[] {
  const fileOfYear = new Map<number, string>();
  return files.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new CliError(`Cannot read holiday schedule ${file}.`, EXIT.usage, 'FILE_MISSING');
    }
    const lists = parseHolidaySchedule(text);
    for (const year of lists.flatMap((l) => l.years ?? [])) {
      const other = fileOfYear.get(year);
      if (other !== undefined) {
        throw new DocketError('INVALID_HOLIDAY_DATA', `${year} is given by two --holidays files, ${other} and ${file}: their days would be merged. Nothing was loaded: pass the one with the official schedule.`, { year });
      }
      fileOfYear.set(year, file);
    }
    return lists;
  });
}

/** A year option, 1901–2099 (the calendar's range), read as every whole-number option is ({@link intOption}). */
function yearOption(name: string, value: string | undefined, fallback: number): number {
  return intOption(name, value, fallback, { min: 1901, max: 2099, what: 'a year 1901–2099', example: 2027 });
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `docket calendar [--from y] [--to y] [--holidays file]`: which years are official, provisional or missing. */
export function calendarCommand(ctx: CommandContext, opts: { from?: string; to?: string; holidays?: string[]; onMissingYear?: string }): void {
  // Today in the CLI's zone (--tz, Asia/Shanghai by default), the zone the holiday notices and the
  // table's years are read in: the UTC date was yesterday's from 00:00 to 08:00 in Shanghai, so on
  // 1 January the default --to and the coverage advice were a year behind.
  const today = localDateIn(ctx.io.now(), ctx.tz);
  const shipped = Object.keys(CN_HOLIDAY_DATA).map(Number);
  const from = yearOption('--from', opts.from, Math.max(...shipped) - 1);
  const to = yearOption('--to', opts.to, Number(today.slice(0, 4)) + 2);
  if (to < from) {
    throw rangeOrderError(
      { flag: '--from', shown: String(from), byDefault: opts.from === undefined ? `the year before the last year Docket ships official holidays for, ${Math.max(...shipped)}` : undefined, example: String(to) },
      { flag: '--to', shown: String(to), byDefault: opts.to === undefined ? 'two years after this year' : undefined, example: String(from) },
      'at or after',
    );
  }
  const extra = loadSchedules(opts.holidays ?? []);
  // The policy the context read and checked: this command's option, the global one or the config
  // file's `onMissingYear` (only this command's own option was read: `docket --on-missing-year throw
  // calendar` and a config file saying 'throw' listed next year as a provisional estimate).
  const cal = businessCalendar({ holidays: ['CN', ...extra], onMissingYear: ctx.onMissingYear, onWarning: () => {} });
  // An official year's December stays provisional until next year's notice, which may set its last days, is added.
  const years = [];
  for (let y = from; y <= to; y++) {
    const coverage = cal.yearCoverage(y);
    years.push({ year: y, coverage, ...(coverage === 'official' && cal.yearCoverage(y + 1) !== 'official' ? { decemberProvisional: true as const } : {}) });
  }
  const coverage = holidayCoverageCheck(today, { years: [...shipped, ...extra.flatMap((l) => l.years ?? [])], lang: ctx.lang });
  if (ctx.json) return printJson(ctx, { source: CN_HOLIDAY_DATA_SOURCE, onMissingYear: cal.onMissingYear, years, ...(coverage.warning ? { warning: coverage.warning } : {}) });
  const label = (c: string) => (c === 'official' ? t(ctx.lang, '正式', 'official') : c === 'provisional' ? t(ctx.lang, `暂定（${cal.onMissingYear === 'statutory' ? '按法定假日估算' : '仅按工作日'}）`, `provisional (${cal.onMissingYear === 'statutory' ? 'statutory estimate, no 调休' : 'plain weekdays'})`) : t(ctx.lang, '缺失（抛出 CALENDAR_YEAR_MISSING）', 'missing (CALENDAR_YEAR_MISSING)'));
  print(ctx, t(ctx.lang, `中国节假日数据：${CN_HOLIDAY_DATA_SOURCE}（${Math.min(...shipped)}–${Math.max(...shipped)}）`, `China holiday data: ${CN_HOLIDAY_DATA_SOURCE} (${Math.min(...shipped)}–${Math.max(...shipped)})`));
  for (const y of years) {
    const december = y.decemberProvisional ? t(ctx.lang, `；12 月 25–31 日暂定（${y.year + 1} 年的通知可能调整其最后几天）`, `; 25–31 December provisional (${y.year + 1}'s notice may set its last days)`) : '';
    print(ctx, `  ${y.year}  ${label(y.coverage)}${december}`);
  }
  if (coverage.warning) print(ctx, `⚠ ${coverage.warning}`);
}

/**
 * The provisional timers the CLI's calendar did not arm. The CLI knows only the default calendar
 * (Asia/Shanghai, 'CN', Mon–Fri, 09:00–18:00); an application with another zone, workweek, working
 * hours, company holidays or per-tenant calendars armed its timers with its own, and re-resolving them
 * here would record instants from the wrong calendar as official. Where the default calendar, before
 * the new sources, still estimates a timer's years, it must give back the stored instant.
 */
async function timersArmedElsewhere(store: Pick<Store, 'list'>, base: BusinessCalendar, year: number | undefined): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ status: 'active', limit: 200, ...(cursor === undefined ? {} : { cursor }) });
    for (const record of page.items) {
      for (const t of [...record.timers, ...(record.heldTimers ?? [])]) {
        const d = t.deadline;
        if (d?.provisional !== true || (year !== undefined && !d.years.includes(year))) continue;
        if (!d.years.every((y) => base.yearCoverage(y) === 'provisional')) continue; // a release has since shipped the year
        let at: number | undefined;
        try {
          at = Math.max(base.resolve(d.rule, d.from), d.from);
        } catch {
          at = undefined;
        }
        if (at !== t.dueAt) found.push(`${record.id} ${t.name}`);
      }
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined && found.length < 20);
  return found;
}

/** `docket calendar reresolve <db> [--holidays file] [--year y]`: re-resolve provisional deadlines in a SQLite database. */
export async function reresolveCommand(ctx: CommandContext, db: string, opts: { holidays?: string[]; year?: string; actor?: string }): Promise<number> {
  const extra = loadSchedules(opts.holidays ?? []);
  const year = opts.year === undefined ? undefined : yearOption('--year', opts.year, 0);
  const store = await openWritableStore(db, storeSchema(ctx, db));
  const elsewhere = await timersArmedElsewhere(store, businessCalendar({ holidays: ['CN'], onWarning: () => {} }), year).catch(async (error: unknown) => {
    await store.close?.();
    throw error;
  });
  if (elsewhere.length > 0) {
    await store.close?.();
    throw new CliError(
      `Not re-resolved, nothing changed: ${elsewhere.length}${elsewhere.length >= 20 ? '+' : ''} provisional deadline(s) were armed with a calendar other than the CLI's default ` +
        `(Asia/Shanghai, China's holidays, Mon–Fri, 09:00–18:00), e.g. ${elsewhere.slice(0, 3).join(', ')}; re-resolving them here would record wrong instants. ` +
        `Run engine.reresolveDeadlines({ actor }) from your application, whose engine has its calendar with the official schedule added.`,
      EXIT.problem,
      'CALENDAR_MISMATCH',
    );
  }
  // A virtual clock at the real time: the engine records the instant but fires no timers here.
  const engine = createEngine({ store: withoutEffectClaims(store), clock: virtualClock(ctx.io.now()), workflows: ctx.workflows, calendar: businessCalendar({ holidays: ['CN', ...extra], onWarning: () => {} }) });
  return withAdminEngine(engine, store, async () => {
    const report = await engine.reresolveDeadlines({ actor: { id: opts.actor ?? 'docket-cli', roles: ['admin'] }, ...(year === undefined ? {} : { year }) });
    if (ctx.json) printJson(ctx, report);
    else {
      for (const c of report.changes) {
        print(ctx, `${c.instanceId}  ${c.name}: ${formatTime(c.previousDueAt!)} → ${formatTime(c.dueAt)}${c.provisional ? t(ctx.lang, '（仍为暂定）', ' (still provisional)') : t(ctx.lang, '（正式）', ' (official)')}`);
      }
      for (const f of report.failed) print(ctx, `✗ ${f.instanceId}: ${f.code} ${f.message}`);
      print(ctx, t(ctx.lang, `检查 ${report.checked} 个实例，${report.changes.length} 个期限已重新计算并记入历史。`, `${report.checked} instances checked, ${report.changes.length} deadlines re-resolved and recorded in history.`));
    }
    return report.failed.length === 0 ? EXIT.ok : EXIT.problem;
  });
}

/** The provisional-deadline warning `list` and `verify` print (nothing when there is none). */
export function provisionalNote(ctx: CommandContext, records: readonly InstanceRecord[]): ProvisionalDeadline[] {
  const found = records.filter((r) => r.status === 'active').flatMap((r) => provisionalDeadlinesOf(r));
  if (found.length > 0 && !ctx.json) {
    const years = [...new Set(found.flatMap((d) => d.years))].sort().join(', ');
    print(ctx, t(ctx.lang, `⚠ ${found.length} 个期限基于暂定的 ${years} 年节假日（尚无官方安排）；官方安排公布后运行 docket calendar reresolve。`, `⚠ ${found.length} deadline(s) rest on provisional holidays for ${years} (no official schedule yet); run docket calendar reresolve once it is published.`));
  }
  return found;
}

/** Register `docket calendar` and `docket calendar reresolve` on the program. */
export function registerCalendarCommands(program: Command, context: (cmd: Command) => CommandContext | Promise<CommandContext>, setExit: (code: number) => void): void {
  const calendar = program
    .command('calendar')
    .description('which years of the holiday calendar are official, provisional or missing; re-resolve provisional deadlines')
    .option('--from <year>', 'first year to show')
    .option('--to <year>', 'last year to show (default: two years ahead)')
    .option('--holidays <file>', 'an official schedule as JSON (repeatable)', collect)
    .option('--on-missing-year <policy>', 'statutory (default), weekdays-with-warning or throw')
    .action((o: { from?: string; to?: string; holidays?: string[]; onMissingYear?: string }, cmd: Command) => Promise.resolve(context(cmd)).then((ctx) => calendarCommand(ctx, o)));
  calendar
    .command('reresolve')
    .description('re-resolve provisional deadlines in a SQLite database with the official schedule (one audited history entry per instance)')
    .argument('<db>', 'SQLite database file')
    .option('--holidays <file>', 'the official schedule as JSON (repeatable)', collect)
    .option('--year <year>', 'only deadlines resting on this year')
    .option('--actor <id>', 'who runs it, recorded in history (default docket-cli)')
    .action(async (db: string, o: { holidays?: string[]; year?: string; actor?: string }, cmd: Command) => {
      // `calendar` declares --holidays too, and commander hands an option to the first command that
      // declares it: `docket calendar reresolve db --holidays f.json` fills the parent's list.
      const parent = (cmd.parent?.opts() as { holidays?: string[] } | undefined)?.holidays ?? [];
      const holidays = [...(o.holidays ?? []), ...parent];
      setExit(await reresolveCommand(await context(cmd), db, { ...o, holidays }));
    });
}
