// Issue 12's "tamper evidence that holds", one more row kind: the deadline record of a pending timer
// (rule, the instant it was resolved from, provisional, estimated years). Entry format 4 committed to
// a timer's id, key, name, due instant and event, not to its deadline record, and the engine acts on
// that record: reresolveDeadlines() resolves its rule again. So a 3-working-day timeout whose stored
// rule was edited to 250 working days verified ok, and an administrator's re-resolution moved the
// timer to December 2027 under a new head that vouched for it. Entry format 5's state digest also
// covers the pending timers' deadline records; an entry rewritten back to format 4 after a format-5
// one is reported as edited; format-4 chains still verify and their next act writes format 5.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, parseHolidaySchedule, staticDirectory, users, virtualClock, workingDays, type HistoryEntry } from '../src/index.js';
import { GENESIS_HASH, sealEntry } from '../src/engine/history.js';
import { stateDigestV4, timersDigest } from '../src/engine/state-digest.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { admin, approvalFlow, li, people } from './approvals-fixture.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const files: (() => void)[] = [];
afterEach(() => {
  for (const remove of files.splice(0)) remove();
});

const wf = approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'approve' } } }], { deadlines: { due: workingDays(3) } });
const effects = { 'approval.assigned': () => {}, 'approval.cc': () => {}, 'approval.remind': () => {}, notify: () => {} };
const directory = staticDirectory({ users: people });
const START = '2026-12-30T10:00:00+08:00';
const ESTIMATED = Date.parse('2027-01-05T10:00:00+08:00');
const OFFICIAL_2027 = parseHolidaySchedule({ '2027': { holidays: [['2027-01-01', '2027-01-01', '元旦'], ['2027-10-01', '2027-10-07', '国庆节']], workdays: [['2027-01-02', '元旦']] } });

function open(filename: string, official = false) {
  const calendar = official ? businessCalendar({ holidays: ['CN', ...OFFICIAL_2027] }) : businessCalendar({ onWarning: () => {} });
  return createEngine({ store: sqliteStore({ filename }), clock: virtualClock(START), directory, effects, workflows: [wf], calendar });
}

async function withEngine<T>(filename: string, official: boolean, work: (engine: ReturnType<typeof open>) => Promise<T>): Promise<T> {
  const engine = open(filename, official);
  try {
    return await work(engine);
  } finally {
    await engine.close();
    await engine.store.close?.();
  }
}

/** A SQLite file holding one instance whose legal step's timeout is provisional (2027, statutory estimate). */
async function armed(name: string): Promise<{ filename: string; id: string }> {
  const { filename, remove } = sqliteFile(`history-tamper-deadlines ${name}`);
  remove();
  files.push(remove);
  const id = await withEngine(filename, false, (engine) => engine.start('flow', { amount: 1 }, { actor: li, id: 'c1' }));
  return { filename, id };
}

type Timers = { deadline?: Record<string, unknown> }[];

function editTimers(filename: string, id: string, fn: (timers: Timers) => void): void {
  const db = new Database(filename);
  try {
    const row = db.prepare('SELECT timers FROM docket_instances WHERE id = ?').get(id) as { timers: string };
    const timers = JSON.parse(row.timers) as Timers;
    fn(timers);
    db.prepare('UPDATE docket_instances SET timers = ? WHERE id = ?').run(JSON.stringify(timers), id);
  } finally {
    db.close();
  }
}

async function expectCaughtAndUnmoved(filename: string, id: string): Promise<void> {
  await withEngine(filename, true, async (engine) => {
    expect(await engine.verify(id)).toMatchObject({ ok: false, snapshot: 'mismatch' });
    const report = await engine.reresolveDeadlines({ actor: admin });
    expect(report.changes).toEqual([]);
    // Refused when it still looks provisional; otherwise not looked at (verify is what reports it).
    for (const f of report.failed) expect(f).toMatchObject({ instanceId: id, code: 'CORRUPT_SNAPSHOT' });
    expect((await engine.store.load(id))!.timers.map((t) => t.dueAt)).toEqual([ESTIMATED]);
    expect((await engine.history(id)).length).toBe(1);
  });
}

describe("tamper evidence: a pending timer's deadline record (issue 12)", () => {
  it('a provisional rule edited from 3 to 250 working days: verify reports it, re-resolution refuses it and moves nothing', async () => {
    const { filename, id } = await armed('rule edited');
    editTimers(filename, id, (timers) => {
      timers[0]!.deadline!.rule = { kind: 'workingDays', days: 250 };
    });
    await expectCaughtAndUnmoved(filename, id);
    await withEngine(filename, true, async (engine) => {
      expect((await engine.reresolveDeadlines({ actor: admin })).failed).toMatchObject([{ instanceId: id, code: 'CORRUPT_SNAPSHOT' }]);
    });
  });

  it('a deadline record edited to say it is official (provisional: false, no years): caught, so it is not silently left unre-resolved', async () => {
    const { filename, id } = await armed('made official');
    editTimers(filename, id, (timers) => {
      timers[0]!.deadline = { ...timers[0]!.deadline!, provisional: false, years: [] };
    });
    await withEngine(filename, true, async (engine) => {
      expect(await engine.verify(id)).toMatchObject({ ok: false, snapshot: 'mismatch' });
    });
  });

  it('untouched, the provisional deadline verifies and is re-resolved with the official year', async () => {
    const { filename, id } = await armed('untouched');
    await withEngine(filename, true, async (engine) => {
      expect(await engine.verify(id)).toMatchObject({ ok: true, snapshot: 'verified', timers: 'verified' });
      const report = await engine.reresolveDeadlines({ actor: admin });
      expect(report.changes).toMatchObject([{ instanceId: id, previousDueAt: ESTIMATED, dueAt: Date.parse('2027-01-04T10:00:00+08:00'), provisional: false }]);
      expect(await engine.verify(id)).toMatchObject({ ok: true });
      expect(((await engine.history(id)) as HistoryEntry[]).map((e) => e.format)).toEqual([5, 5]);
    });
  });

  it('a format-4 chain (written before format 5) still verifies, and its next act writes format 5; a format-4 entry after a format-5 one is edited', async () => {
    const { filename, id } = await armed('format 4');
    // Rewrite the chain as the previous Docket wrote it: format 4, the state digest without the deadline records.
    const record = await withEngine(filename, false, async (engine) => (await engine.store.load(id))!);
    const db = new Database(filename);
    const rewrite = (format: number, digest: string, revision: number) => {
      let prev = GENESIS_HASH;
      for (const entry of db.prepare('SELECT entry FROM docket_history WHERE instance_id = ? ORDER BY revision').all(id).map((r) => JSON.parse((r as { entry: string }).entry) as HistoryEntry)) {
        const { hash: _hash, ...rest } = entry;
        const resealed = sealEntry({ ...rest, prevHash: prev, ...(entry.revision === revision ? { format, stateHash: digest, timersHash: timersDigest(record.timers) } : {}) } as never);
        db.prepare('UPDATE docket_history SET entry = ? WHERE instance_id = ? AND revision = ?').run(JSON.stringify(resealed), id, entry.revision);
        prev = resealed.hash;
      }
      db.prepare('UPDATE docket_instances SET history_hash = ? WHERE id = ?').run(prev, id);
    };
    rewrite(4, stateDigestV4(record), 1);
    db.close();
    await withEngine(filename, false, async (engine) => {
      expect(await engine.verify(id)).toMatchObject({ ok: true, snapshot: 'verified', timers: 'verified' });
      await engine.send(id, { type: 'CC', users: ['sun'] } as never, { actor: li });
      expect(((await engine.history(id)) as HistoryEntry[]).map((e) => e.format)).toEqual([4, 5]);
      expect(await engine.verify(id)).toMatchObject({ ok: true });
    });
    // Now the head (format 5) is rewritten back to format 4, which does not cover the deadline records.
    const after = await withEngine(filename, false, async (engine) => (await engine.store.load(id))!);
    const db2 = new Database(filename);
    let prev = GENESIS_HASH;
    for (const entry of db2.prepare('SELECT entry FROM docket_history WHERE instance_id = ? ORDER BY revision').all(id).map((r) => JSON.parse((r as { entry: string }).entry) as HistoryEntry)) {
      const { hash: _hash, ...rest } = entry;
      const resealed = sealEntry({ ...rest, prevHash: prev, ...(entry.revision === 1 ? { format: 5 } : { format: 4, stateHash: stateDigestV4(after) }) } as never);
      db2.prepare('UPDATE docket_history SET entry = ? WHERE instance_id = ? AND revision = ?').run(JSON.stringify(resealed), id, entry.revision);
      prev = resealed.hash;
    }
    db2.prepare('UPDATE docket_instances SET history_hash = ? WHERE id = ?').run(prev, id);
    db2.close();
    await withEngine(filename, false, async (engine) => {
      const report = await engine.verify(id);
      expect(report.ok).toBe(false);
      expect(report.problems.map((p) => [p.revision, p.problem])).toContainEqual([2, 'edited']);
    });
  });

  it('property: any edit of the deadline record (rule, from, provisional, years, armedDueAt, removed) is caught and re-resolution moves nothing', async () => {
    type Edit = (d: Record<string, unknown>) => Record<string, unknown> | undefined;
    const edits: fc.Arbitrary<Edit> = fc.oneof(
      fc.integer({ min: -50, max: 400 }).filter((n) => n !== 3).map((days): Edit => (d) => ({ ...d, rule: { kind: 'workingDays', days } })),
      fc.integer({ min: 1, max: 10_000_000_000 }).map((shift): Edit => (d) => ({ ...d, from: (d.from as number) - shift })),
      fc.constant((d: Record<string, unknown>) => ({ ...d, provisional: false })),
      fc.constantFrom([], [2028], [2026, 2027]).map((years): Edit => (d) => ({ ...d, years })),
      fc.integer({ min: 1, max: 1_000_000 }).map((shift): Edit => (d) => ({ ...d, armedDueAt: (d.armedDueAt as number) + shift })),
      fc.constant(() => undefined),
      fc.constant((d: Record<string, unknown>) => ({ ...d, rule: { kind: 'duration', duration: { days: 400 } } })),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(edits, async (change) => {
        const { filename, id } = await armed(`property ${n++}`);
        editTimers(filename, id, (timers) => {
          const next = change(timers[0]!.deadline!);
          if (next === undefined) delete timers[0]!.deadline;
          else timers[0]!.deadline = next;
        });
        await expectCaughtAndUnmoved(filename, id);
      }),
      { numRuns: 40 },
    );
  });
});
