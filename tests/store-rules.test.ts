import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDocketError, type InstanceRecord, type TimerRecord } from '../src/index.js';
import { byTimerDue, compareIds } from '../src/store/claim-rules.js';
import { closedGuard } from '../src/store/closed-guard.js';
import { checkCommitRules, checkRevision } from '../src/store/commit-rules.js';
import { decodeCursor, keysetPage } from '../src/store/query-rules.js';
import { latestSchemaVersion, migrationsToApply } from '../src/store/schema-version.js';
import * as sqlitePlans from '../src/sqlite/sqlite-plans.js';
import { nextCommit } from './helpers/records.js';

const RUNS = 300;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error;
  }
}

const placeholders = (text: string) => (text.match(/\?/g) ?? []).length;

describe('shared store rules', () => {
  it('property: the revision check refuses with CONFLICT exactly when the stored revision is not the expected one', () => {
    fc.assert(
      fc.property(fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }), fc.integer({ min: 0, max: 6 }), (stored, expected) => {
        const error = thrown(() => checkRevision('a', stored, expected));
        const agrees = expected === 0 ? stored === undefined : stored === expected;
        expect(error === undefined).toBe(agrees);
        if (!agrees) {
          expect(isDocketError(error, 'CONFLICT')).toBe(true);
          expect((error as Error).message).toMatch(/Reload the instance and try again\.$/);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('property: a commit that does not advance by exactly one revision is INVALID_ARGUMENT before any store looks', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 }), (instanceOffset, historyOffset) => {
        const c = nextCommit('a', undefined);
        const bent = {
          ...c,
          instance: { ...c.instance, revision: c.instance.revision + instanceOffset },
          history: { ...c.history, revision: c.history.revision + historyOffset },
        };
        const error = thrown(() => checkCommitRules(bent));
        expect(error === undefined).toBe(instanceOffset === 0 && historyOffset === 0);
        if (error !== undefined) expect(isDocketError(error, 'INVALID_ARGUMENT')).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  // Ids by code point, as SQLite's BINARY and PostgreSQL's COLLATE "C" order UTF-8 text (it was
  // localeCompare, which put 'late' before 'Reminder' where SQLite's claim put 'Reminder' first).
  const byCodePoints = (a: string, b: string) => {
    const [x, y] = [Array.from(a, (c) => c.codePointAt(0)!), Array.from(b, (c) => c.codePointAt(0)!)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  };

  it('property: claimed timers come back by due instant, then id by code point', () => {
    const timer = fc.record({ id: fc.oneof(fc.string({ maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 3 })), dueAt: fc.integer({ min: 0, max: 4 }) });
    fc.assert(
      fc.property(fc.array(timer, { maxLength: 12 }), (raw) => {
        const sorted = [...(raw as TimerRecord[])].sort(byTimerDue);
        for (let i = 1; i < sorted.length; i++) {
          const [a, b] = [sorted[i - 1]!, sorted[i]!];
          expect(a.dueAt < b.dueAt || (a.dueAt === b.dueAt && byCodePoints(a.id, b.id) <= 0)).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("ids due together: 'Reminder' before 'late', U+FF21 before U+1F600, a prefix first", () => {
    expect(['x:late', 'x:Reminder'].sort(compareIds)).toEqual(['x:Reminder', 'x:late']);
    expect(['\u{1F600}', '\uFF21'].sort(compareIds)).toEqual(['\uFF21', '\u{1F600}']);
    expect(['ab', 'a'].sort(compareIds)).toEqual(['a', 'ab']);
  });

  it('property: compareIds orders well-formed strings by code point, and is 0 only for equal ones', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 4 }), (a, b) => {
        expect(Math.sign(compareIds(a, b))).toBe(Math.sign(byCodePoints(a, b)));
      }),
      { numRuns: RUNS },
    );
  });

  it('property: a keyset page holds at most limit rows and a cursor at its last one exactly when more rows came back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 6 }), (count, limit) => {
        // What a database returns for `LIMIT limit + 1`: sequences 10, 11, ...
        const rows = Array.from({ length: Math.min(count, limit + 1) }, (_, i) => ({ seq: 10 + i }));
        const page = keysetPage(rows, limit, (r) => r.seq, (r) => `item ${r.seq}`);
        expect(page.items).toEqual(rows.slice(0, limit).map((r) => `item ${r.seq}`));
        if (count > limit) expect(decodeCursor(page.nextCursor)).toBe(10 + limit - 1);
        else expect(page.nextCursor).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });

  it('applies the migrations newer than the database, in order, and refuses a database from a newer Docket', () => {
    const migrations = [{ version: 2 }, { version: 1 }, { version: 3 }];
    expect(latestSchemaVersion(migrations)).toBe(3);
    expect(migrationsToApply('db', 0, migrations).map((m) => m.version)).toEqual([1, 2, 3]);
    expect(migrationsToApply('db', 2, migrations).map((m) => m.version)).toEqual([3]);
    expect(migrationsToApply('db', 3, migrations)).toEqual([]);
    const error = thrown(() => migrationsToApply('SQLite database x.db', 4, migrations));
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', details: { reason: 'newer-schema', found: 4, supported: 3 } });
    expect((error as Error).message).toBe("SQLite database x.db has schema version 4, newer than this Docket's 3. Upgrade Docket; this version will not write to it.");
  });

  it('a closed guard refuses with STORE_UNAVAILABLE once closed, and closing twice is harmless', () => {
    const guard = closedGuard('memory store');
    expect(thrown(() => guard.check())).toBeUndefined();
    expect(guard.close()).toBe(true);
    expect(guard.close()).toBe(false);
    expect(guard.closed).toBe(true);
    const error = thrown(() => guard.check());
    expect(isDocketError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toBe('The memory store was closed; create a new one.');
  });
});

describe('SQLite plans carry their own values', () => {
  const record = (r: { workflow: string; status: InstanceRecord['status']; nextDueAt: number | null; held: boolean }): InstanceRecord => ({
    ...nextCommit('a', undefined).instance,
    workflow: r.workflow,
    status: r.status,
    nextDueAt: r.nextDueAt,
    ...(r.held ? { heldTimers: [] } : {}),
  });
  const arbitraryRecord = fc
    .record({
      workflow: fc.constantFrom('review', 'expense'),
      status: fc.constantFrom('active', 'done') as fc.Arbitrary<InstanceRecord['status']>,
      nextDueAt: fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }),
      held: fc.boolean(),
    })
    .map(record);

  it('property: every instance write binds one value per placeholder, and SETs an indexed column exactly when it changed', () => {
    fc.assert(
      fc.property(arbitraryRecord, arbitraryRecord, (before, after) => {
        const changed = sqlitePlans.changedIndexed(before, after);
        const update = sqlitePlans.updateInstance(after, changed, 7, 3);
        expect(update.values.length).toBe(placeholders(update.text));
        expect(update.values.slice(-2)).toEqual([7, 3]);
        expect(/\bworkflow = \?/.test(update.text)).toBe(before.workflow !== after.workflow);
        expect(/\bstatus = \?/.test(update.text)).toBe(before.status !== after.status);
        expect(/\bnext_due_at = \?/.test(update.text)).toBe(before.nextDueAt !== after.nextDueAt);
        const insert = sqlitePlans.insertInstance(after);
        expect(insert.values.length).toBe(placeholders(insert.text));
        expect(insert.values[0]).toBe('a');
      }),
      { numRuns: RUNS },
    );
  });

  it('every hot-path plan binds one value per placeholder', () => {
    const c = nextCommit('a', undefined, { addTimers: [{ key: 'd', dueAt: 5 }], effects: 1, idempotencyKey: 'k' });
    const plans = [
      sqlitePlans.insertHistory(7, c.history),
      sqlitePlans.moveStatePath('a.b', 'a.c', 7),
      sqlitePlans.insertStatePath('a', 7),
      sqlitePlans.deleteStatePath('a', 7),
      sqlitePlans.instancePrevious('a'),
      sqlitePlans.loadInstance('a'),
      sqlitePlans.insertTimer(c.addTimers[0]!),
      sqlitePlans.insertEffect(c.effects[0]!),
      sqlitePlans.insertIdempotency(c.idempotency!),
      sqlitePlans.fireTimer('t', 5),
      sqlitePlans.cancelTimer('t'),
    ];
    for (const p of plans) expect([p.text, p.values.length]).toEqual([p.text, placeholders(p.text)]);
    expect(sqlitePlans.moveStatePath('a.b', 'a.c', 7).values).toEqual(['a.c', 'a.b', 7]);
  });
});

describe('the stores restate none of the shared rules', () => {
  // The memory store, and every file of each store folder `src/<name>/` holding `<name>-store.ts` (a new store included).
  const storeFolders = readdirSync('src', { withFileTypes: true })
    .filter((d) => d.isDirectory() && readdirSync(join('src', d.name)).includes(`${d.name}-store.ts`))
    .map((d) => join('src', d.name));
  const storeFiles = ['src/store/memory-store.ts', ...storeFolders.flatMap((dir) => readdirSync(dir).map((f) => join(dir, f)))];

  it('finds the SQLite and PostgreSQL stores', () => {
    expect(storeFolders.sort()).toEqual(expect.arrayContaining([join('src', 'postgres'), join('src', 'sqlite')]));
  });

  it.each(storeFiles)('%s builds no CONFLICT, closed-store, newer-schema, row-format or unknown-effect error of its own', (file) => {
    const text = readFileSync(file, 'utf8');
    for (const restated of [
      /DocketError\('CONFLICT'/,
      /was closed; create a new one/,
      /newer than this Docket/,
      /comes from a newer Docket schema/,
      /No effect .* in the outbox/,
      /exactly one revision/,
      /localeCompare/,
    ]) {
      expect(restated.test(text), `${file} restates ${restated}`).toBe(false);
    }
  });
});
