import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, memoryStore, virtualClock, type Store } from '../src/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { manager, reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { dropSchema, PG_URL, probePostgres, schemaFor } from './helpers/pg-harness.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

// The kind: retention (archive, purge) must not take an effect the outbox still owes. Random
// interleavings of finished instances, a handler that fails or works, time, and retention calls keep
// at least once: every effect a commit made is in the end delivered, or dead after its last attempt.

const START = Date.parse('2026-11-02T09:00:00+08:00');
const HOUR = 3_600_000;

type Step =
  | { readonly kind: 'finish'; readonly approve: boolean }
  | { readonly kind: 'handler'; readonly works: boolean }
  | { readonly kind: 'advance'; readonly hours: number }
  | { readonly kind: 'retain'; readonly mode: 'archive' | 'purge' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('finish' as const), approve: fc.boolean() }),
  fc.record({ kind: fc.constant('handler' as const), works: fc.boolean() }),
  fc.record({ kind: fc.constant('advance' as const), hours: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant('retain' as const), mode: fc.constantFrom('archive' as const, 'purge' as const) }),
);

async function run(store: Store, steps: readonly Step[]): Promise<void> {
  const clock = virtualClock(START);
  let works = false;
  const delivered = new Set<string>();
  const engine = createEngine({
    store,
    clock,
    workflows: [reviewWorkflow],
    retry: { maxAttempts: 3, initialDelayMs: HOUR, maxDelayMs: 4 * HOUR },
    effects: {
      notify: (_p, ctx) => {
        if (!works) throw new Error('down');
        delivered.add(ctx.effectId);
      },
      archive: (_p, ctx) => {
        if (!works) throw new Error('down');
        delivered.add(ctx.effectId);
      },
    },
  });
  engine.on('error', () => undefined);
  const ids: string[] = [];
  /** Every effect ever seen, with the status it was last seen in (hot tables or archive). */
  const seen = new Map<string, string>();
  const look = async () => {
    for (const id of ids) {
      const archived = await engine.archived(id).catch(() => undefined);
      const effects = archived?.kind === 'archived' ? archived.effects : archived?.kind === 'purged' ? [] : await store.effects(id);
      for (const e of effects) seen.set(e.id, e.status);
    }
  };
  for (const s of steps) {
    if (s.kind === 'finish') {
      const id = await engine.start('review', { title: `t${ids.length}` }, { actor: staff, id: `i${ids.length}` });
      ids.push(id);
      await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
      await engine.send(id, s.approve ? { type: 'APPROVE' } : { type: 'WITHDRAW' }, { actor: s.approve ? manager : staff });
    } else if (s.kind === 'handler') works = s.works;
    else if (s.kind === 'advance') await clock.advanceBy({ hours: s.hours });
    else {
      await engine.settled();
      await look();
      const report = await engine.retain({ policy: { finishedBefore: clock.now() + 1 }, mode: s.mode });
      for (const id of report.ids) {
        const archived = await engine.archived(id);
        if (archived?.kind === 'archived') expect(archived.effects.filter((e) => e.status === 'pending')).toEqual([]);
      }
    }
    await engine.settled();
    await look();
  }
  works = true;
  await clock.advanceBy({ days: 2 });
  await engine.settled();
  await look();
  for (const [id, status] of seen) {
    expect({ id, delivered: delivered.has(id) || status === 'dead' }).toEqual({ id, delivered: true });
  }
  await engine.close();
}

const pgProbe = await probePostgres();
let pool: pg.Pool | undefined;
beforeAll(() => {
  if (pgProbe.ok) pool = new pg.Pool({ connectionString: PG_URL, max: 6 });
});
afterAll(async () => {
  await pool?.end();
});

describe('property: retention never takes an effect still owed (at least once across archive and purge)', () => {
  const steps = fc.array(step, { minLength: 1, maxLength: 14 });

  it('memory store', async () => {
    await fc.assert(
      fc.asyncProperty(steps, (s) => run(memoryStore(), s)),
      { numRuns: 80 },
    );
  });

  it('SQLite store', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      await fc.assert(
        fc.asyncProperty(steps, async (s) => {
          remove();
          const store = sqliteStore({ filename });
          try {
            await run(store, s);
          } finally {
            await store.close();
          }
        }),
        { numRuns: 40 },
      );
    } finally {
      remove();
    }
  });

  it.skipIf(!pgProbe.ok)('PostgreSQL store', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    try {
      await fc.assert(
        fc.asyncProperty(steps, async (s) => {
          await dropSchema(pool!, schema);
          const store = postgresStore({ pool: pool! }, { schema });
          try {
            await run(store, s);
          } finally {
            await store.close();
          }
        }),
        { numRuns: 12 },
      );
    } finally {
      await dropSchema(pool!, schema);
    }
  });
});
