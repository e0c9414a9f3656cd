import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, virtualClock } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { runCli } from '../src/cli/program.js';
import { exportInstance } from '../src/cli/export-instance.js';
import { strategyCycle } from '../machines/index.js';

// Issue 15: a deadline resolved on estimated holiday data is marked provisional wherever a person
// reads it — the export the docs site's instance view loads, `docket show`, and `docket calendar`,
// which says which years are official, provisional or missing. And `docket calendar reresolve` moves
// it once the official schedule is given.
process.env.SQLITE_USE_URI = '1';
const work = resolve(import.meta.dirname, '..', '.tmp', `calendar-provisional-views-${process.pid}`);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A 2027 Q2 strategy cycle started on 21 December 2026: its kickoff (M1 D1 = 1 January) lands in 2027. */
async function cycleIn2027(db: string, calendar = businessCalendar({ onWarning: () => {} })): Promise<string> {
  mkdirSync(work, { recursive: true });
  rmSync(db, { force: true });
  const engine = createEngine({ store: sqliteStore({ filename: db }), clock: virtualClock('2026-12-21T09:00:00+08:00'), calendar, workflows: [strategyCycle] });
  const id = await engine.start('strategy-cycle', { planQuarter: { year: 2027, quarter: 2 } } as never, { actor: { id: 'ma', roles: ['marketing'] } });
  await engine.close();
  await engine.store.close?.();
  return id;
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (out += t) }, env: {}, now: () => Date.parse('2026-12-21T01:00:00Z'), cwd: work };
  return { code: await runCli(args, io), out };
}

describe('provisional deadlines where people read them', () => {
  it('the instance export marks the kickoff timer provisional (the instance view shows it)', async () => {
    const db = join(work, 'export.db');
    const id = await cycleIn2027(db);
    const store = sqliteStore({ filename: db, readonly: true });
    const exported = await exportInstance(store, id, [strategyCycle], 0);
    expect(exported.timers.map((t) => [t.name, t.dueAt, t.provisional])).toEqual([['kickoff', Date.parse('2027-01-04T09:00:00+08:00'), true]]);
    await store.close?.();
  });

  it('docket show prints the due time with a provisional mark, in both languages', async () => {
    const db = join(work, 'show.db');
    const id = await cycleIn2027(db);
    const en = await cli(['show', db, id, '--lang', 'en']);
    expect(en.code).toBe(0);
    // The deadline by the workflow's label for it (`labels.deadlines.kickoff`), in each language.
    expect(en.out).toMatch(/Kickoff @ 2027-01-04 09:00 \(provisional: holiday schedule not yet published\)/);
    const zh = await cli(['show', db, id, '--lang', 'zh-CN']);
    expect(zh.out).toMatch(/启动 @ 2027-01-04 09:00（暂定：节假日安排未公布）/);
  });

  it('docket calendar lists 2026 as official and 2027 as a provisional statutory estimate', async () => {
    const { code, out } = await cli(['calendar', '--from', '2026', '--to', '2027', '--json']);
    expect(code).toBe(0);
    const years = (JSON.parse(out) as { years: { year: number; coverage: string; decemberProvisional?: true }[] }).years;
    expect(years.map((y) => [y.year, y.coverage])).toEqual([
      [2026, 'official'],
      [2027, 'provisional'],
    ]);
    // 2027's notice may still set the last days of December 2026 (as 2019's set 2018-12-29 to 31).
    expect(years.map((y) => y.decemberProvisional)).toEqual([true, undefined]);
    const text = await cli(['calendar', '--from', '2025', '--to', '2026']);
    expect(text.out).toContain("2026  official; 25–31 December provisional (2027's notice may set its last days)");
    expect(text.out).not.toContain('2025  official;');
  });

  it('docket calendar takes a notice that reaches into December, and refuses a year given by two --holidays files (regression)', async () => {
    mkdirSync(work, { recursive: true });
    const notice = join(work, 'cn-2027-dec.json');
    writeFileSync(notice, JSON.stringify({ '2027': { holidays: [['2026-12-31', '2027-01-03', '元旦'], ['2027-10-01', '2027-10-07', '国庆节']], workdays: [] } }));
    let r = await cli(['calendar', '--from', '2026', '--to', '2027', '--holidays', notice, '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { years: { year: number; coverage: string }[] }).years.map((y) => y.coverage)).toEqual(['official', 'official']);
    // Before: a draft and the corrected notice both naming 2027 were merged day by day, silently.
    const draft = join(work, 'cn-2027-draft.json');
    writeFileSync(draft, JSON.stringify({ year: 2027, holidays: [['2027-01-01', '2027-01-01', '元旦'], ['2027-10-01', '2027-10-08', '国庆节']], workdays: [] }));
    r = await cli(['calendar', '--holidays', draft, '--holidays', notice, '--json']);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain('INVALID_HOLIDAY_DATA');
    expect(r.out).toContain('2027 is given by two --holidays files');
  });

  it('docket calendar reads a year as four digits (regression: --year 2e3 meant 2000, --from 0x7EB 2027)', async () => {
    for (const args of [['calendar', '--from', '2e3'], ['calendar', '--to', '0x7EB'], ['calendar', '--from', ' 2026'], ['calendar', 'reresolve', join(work, 'none.db'), '--year', '2027.0']]) {
      const r = await cli(args);
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.out).toContain('must be a year 1901–2099');
    }
  });

  it("docket calendar reads the policy as simulate does: the global --on-missing-year and the config file's onMissingYear, not only its own option", async () => {
    const coverage = (out: string) => {
      const parsed = JSON.parse(out) as { onMissingYear: string; years: { year: number; coverage: string }[] };
      return [parsed.onMissingYear, parsed.years.find((y) => y.year === 2027)!.coverage];
    };
    let r = await cli(['--on-missing-year', 'throw', 'calendar', '--from', '2026', '--to', '2027', '--json']);
    expect(r.code).toBe(0);
    expect(coverage(r.out)).toEqual(['throw', 'missing']);
    r = await cli(['calendar', '--on-missing-year', 'weekdays-with-warning', '--from', '2026', '--to', '2027', '--json']);
    expect(coverage(r.out)).toEqual(['weekdays-with-warning', 'provisional']);
    const dir = join(work, 'config-throw');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'docket.config.mjs'), "export default { onMissingYear: 'throw' };\n");
    let out = '';
    const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (out += t) }, env: {}, now: () => Date.parse('2026-12-21T01:00:00Z'), cwd: dir };
    expect(await runCli(['calendar', '--from', '2026', '--to', '2027', '--json'], io)).toBe(0);
    expect(coverage(out)).toEqual(['throw', 'missing']);
  });

  it('docket calendar reresolve moves the deadline with an official 2027 schedule and records it', async () => {
    const db = join(work, 'reresolve.db');
    const id = await cycleIn2027(db);
    // A made-up official schedule (not the State Council's): 4 January is a holiday as well.
    const file = join(work, 'cn-2027.json');
    writeFileSync(
      file,
      JSON.stringify({
        '2027': {
          holidays: [
            ['2027-01-01', '2027-01-04', '元旦', "New Year's Day"],
            ['2027-02-05', '2027-02-11', '春节', 'Spring Festival'],
            ['2027-10-01', '2027-10-07', '国庆节', 'National Day'],
          ],
          workdays: [],
        },
      }),
    );
    const { code, out } = await cli(['calendar', 'reresolve', db, '--holidays', file, '--year', '2027']);
    expect(code).toBe(0);
    expect(out).toContain('1 instances checked, 1 deadlines re-resolved');
    const store = sqliteStore({ filename: db, readonly: true });
    const record = await store.load(id);
    expect(record!.timers.map((t) => [t.name, t.dueAt, t.deadline?.provisional ?? false])).toEqual([['kickoff', Date.parse('2027-01-05T09:00:00+08:00'), false]]);
    const history = await store.history(id);
    expect(history.at(-1)!.event.type).toBe('docket.admin.reresolveDeadlines');
    await store.close?.();
  });

  it('docket calendar reresolve refuses, changing nothing, deadlines armed with another calendar than its own (regression)', async () => {
    // The application works Saturdays: its kickoff (1 January 2027, a holiday, rolled to the next working
    // day) is Saturday 2 January 09:00. The CLI knows only the default Mon–Fri calendar, and before the
    // fix re-resolved it to a Monday and recorded that as the official deadline.
    const db = join(work, 'reresolve-other-calendar.db');
    const id = await cycleIn2027(db, businessCalendar({ workweek: [1, 2, 3, 4, 5, 6], onWarning: () => {} }));
    const armed = Date.parse('2027-01-02T09:00:00+08:00');
    const file = join(work, 'cn-2027-other.json');
    writeFileSync(file, JSON.stringify({ '2027': { holidays: [['2027-01-01', '2027-01-01', '元旦'], ['2027-10-01', '2027-10-07', '国庆节']], workdays: [] } }));
    const { code, out } = await cli(['calendar', 'reresolve', db, '--holidays', file]);
    expect(code).toBe(1);
    expect(out).toContain('Not re-resolved, nothing changed');
    expect(out).toContain(`${id} kickoff`);
    const store = sqliteStore({ filename: db, readonly: true });
    const record = await store.load(id);
    expect(record!.timers.map((t) => [t.name, t.dueAt, t.deadline?.provisional])).toEqual([['kickoff', armed, true]]);
    expect((await store.history(id)).map((h) => h.event.type)).not.toContain('docket.admin.reresolveDeadlines');
    await store.close?.();
  });
});
