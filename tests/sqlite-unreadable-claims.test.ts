import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, isDocketError, virtualClock, type EffectRecord } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

// Regression: one timer or effect row whose JSON column cannot be read (a damaged page, an edit
// outside Docket) made every claim fail: SQLite's claim decodes every row it leases in one write,
// and one unreadable row threw CORRUPT_SNAPSHOT for the whole claim, which was rolled back. The row
// was due first, so every later claim took it again: no timer of ANY instance fired again, and no
// effect was delivered again, against the row rule "refused for its own instance only; nothing else
// breaks". Now the unreadable timer is handed to the engine, whose head check refuses it (parked,
// reported on error, not fired), and the unreadable effect is set aside as dead with the reason
// (never handed to a handler as something it is not); every other row is claimed as before.

const START = Date.parse('2026-11-02T09:00:00+08:00');
const DAY = 86_400_000;

/** `count` instances submitted (each arms its 3-day deadline and makes one notify effect), then `damaged` rows edited. */
async function seeded(filename: string, count: number, damage: (db: Database.Database) => void) {
  const setup = sqliteStore({ filename });
  const engine = createEngine({ store: setup, clock: virtualClock(START), workflows: [reviewWorkflow], workerId: 'setup', effects: { notify: () => Promise.reject(new Error('not yet')), archive: () => undefined }, retry: { maxAttempts: 50, initialDelayMs: DAY * 10 } });
  for (let i = 0; i < count; i++) {
    await engine.start('review', { title: `t${i}` }, { actor: staff, id: `i${i}` });
    await engine.send(`i${i}`, { type: 'SUBMIT' }, { actor: staff });
  }
  await engine.settled();
  await engine.close();
  const db = new Database(filename);
  damage(db);
  db.close();
}

async function runAfter(filename: string) {
  const store = sqliteStore({ filename });
  const clock = virtualClock(START + 20 * DAY);
  const delivered: string[] = [];
  const errors: unknown[] = [];
  const dead: EffectRecord[] = [];
  const engine = createEngine({ store, clock, workflows: [reviewWorkflow], workerId: 'after', effects: { notify: (_p, c) => void delivered.push(c.instanceId), archive: () => undefined } });
  engine.on('error', (e) => errors.push(e));
  const fired = (await clock.advanceBy({ days: 1 })).map((f) => f.instanceId);
  await engine.settled();
  const effects: Record<string, string> = {};
  for (let i = 0; i < 4; i++) {
    const got = await store.effects(`i${i}`).catch((e: unknown) => (isDocketError(e) ? e.code : 'raw'));
    effects[`i${i}`] = typeof got === 'string' ? got : got.map((e) => e.status).join(',');
  }
  await engine.close();
  return { fired: fired.sort(), delivered: delivered.sort(), errors, dead, effects };
}

describe('sqlite: an unreadable timer or effect row does not stop the claims of every other row', () => {
  it("a timer row whose event is not JSON: the other instances' timers fire; that one is parked, reported and not fired", async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      await seeded(filename, 4, (db) => db.prepare(`UPDATE docket_timers SET event = '{' WHERE instance_id = 'i0'`).run());
      const got = await runAfter(filename);
      expect(got.fired).toEqual(['i1', 'i2', 'i3']);
      const parked = got.errors.filter((e) => isDocketError(e, 'CORRUPT_SNAPSHOT') && e.details?.instanceId === 'i0');
      expect(parked.length).toBeGreaterThan(0);
      expect((parked[0] as { details: { parked?: boolean } }).details.parked).toBe(true);
    } finally {
      remove();
    }
  });

  it('an effect row whose params are not JSON: the other effects are delivered; that one is dead naming why, never handed to the handler', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      await seeded(filename, 4, (db) => db.prepare(`UPDATE docket_effects SET params = '{' WHERE instance_id = 'i0'`).run());
      const got = await runAfter(filename);
      expect(got.delivered).toEqual(['i1', 'i2', 'i3']);
      const db = new Database(filename, { readonly: true });
      const row = db.prepare(`SELECT status, last_error, claimed_by FROM docket_effects WHERE instance_id = 'i0'`).get() as { status: string; last_error: string; claimed_by: string | null };
      db.close();
      expect(row.status).toBe('dead');
      expect(row.last_error).toMatch(/effect params is not valid JSON/);
      expect(row.claimed_by).toBeNull();
      expect(got.effects).toMatchObject({ i0: 'CORRUPT_SNAPSHOT', i1: 'delivered', i2: 'delivered', i3: 'delivered' });
    } finally {
      remove();
    }
  });

  it('property: whichever rows are unreadable, every readable timer fires and every readable effect is delivered, once', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      await fc.assert(
        fc.asyncProperty(fc.subarray(['i0', 'i1', 'i2', 'i3']), fc.subarray(['i0', 'i1', 'i2', 'i3']), async (badTimers, badEffects) => {
          remove();
          await seeded(filename, 4, (db) => {
            for (const id of badTimers) db.prepare(`UPDATE docket_timers SET event = 'not json' WHERE instance_id = ?`).run(id);
            for (const id of badEffects) db.prepare(`UPDATE docket_effects SET params = '[' WHERE instance_id = ?`).run(id);
          });
          const got = await runAfter(filename);
          const all = ['i0', 'i1', 'i2', 'i3'];
          expect(got.fired).toEqual(all.filter((id) => !badTimers.includes(id)));
          expect(got.delivered).toEqual(all.filter((id) => !badEffects.includes(id)));
        }),
        { numRuns: 12 },
      );
    } finally {
      remove();
    }
  });
});
