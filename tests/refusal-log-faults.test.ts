import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, DocketError, isDocketError, memoryStore, virtualClock, type Store } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { manager, reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

// Regression: a refused act (an unknown event, an actor without the role, a payload its schema or
// JSON refuses) whose refusal-log write failed was answered with the store's error instead of the
// refusal: a bad event sent while another process held SQLite's write lock was told
// STORE_UNAVAILABLE ("nothing written, retry"), and on PostgreSQL an answer lost after the log's
// INSERT was STORE_OUTCOME_UNKNOWN ("it may or may not have been applied") for an act that was
// refused and changed nothing. The caller gets the typed refusal; the failed log write is reported
// on `error`, naming the refusal.

const START = Date.parse('2026-11-02T09:00:00+08:00');

/** The refused acts, each with the code a healthy store answers it with. */
const REFUSED = {
  'unknown event': { send: { type: 'BOGUS' }, actor: staff, code: 'UNKNOWN_EVENT' },
  'actor without the role': { send: { type: 'APPROVE' }, actor: staff, code: 'FORBIDDEN' },
  'payload its schema refuses': { send: { type: 'REJECT' }, actor: manager, code: 'INVALID_PAYLOAD' },
  'payload that is not JSON': { send: { type: 'REJECT', comment: 10n }, actor: manager, code: 'INVALID_PAYLOAD' },
} as const;
type Refused = keyof typeof REFUSED;

function codeOf(error: unknown): string {
  return isDocketError(error) ? error.code : `raw: ${String(error)}`;
}

describe('sqlite: a refused send while another process holds the write lock', () => {
  it('is answered with its refusal (not STORE_UNAVAILABLE), changes nothing, and the unrecorded refusal is reported on error', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    const store = sqliteStore({ filename, busyTimeoutMs: 10 });
    const engine = createEngine({ store, clock: virtualClock(START), workflows: [reviewWorkflow], workerId: 'w' });
    const errors: unknown[] = [];
    const refused: string[] = [];
    // Only the reports of unrecorded refusals (the outbox's claim of SUBMIT's effect fails on the lock too).
    engine.on('error', (e) => void (isDocketError(e) && e.details?.refusalLogged === false && errors.push(e)));
    engine.on('refused', (r) => refused.push(r.code));
    const other = new Database(filename);
    try {
      await engine.start('review', { title: 'a' }, { actor: staff, id: 'a' });
      await engine.send('a', { type: 'SUBMIT' }, { actor: staff });
      other.exec('BEGIN IMMEDIATE');
      for (const [name, r] of Object.entries(REFUSED)) {
        const error = await engine.send('a', r.send as never, { actor: r.actor }).then(() => undefined, (e: unknown) => e);
        expect(codeOf(error), name).toBe(r.code);
      }
      expect(errors.map(codeOf)).toEqual(Object.values(REFUSED).map(() => 'STORE_UNAVAILABLE'));
      expect(errors.map((e) => (e as DocketError).details?.refused)).toEqual(Object.values(REFUSED).map((r) => r.code));
      expect((errors[0] as Error).message).toMatch(/was not recorded in the refusal log.*changed nothing; its caller was told UNKNOWN_EVENT/);
      expect(refused).toEqual(Object.values(REFUSED).map((r) => r.code));
      other.exec('COMMIT');
      expect((await engine.get('a')).revision).toBe(2);
      expect(await store.refusals('a')).toEqual([]);
      // With the lock gone, a refusal is recorded as before.
      await expect(engine.send('a', { type: 'BOGUS' } as never, { actor: staff })).rejects.toMatchObject({ code: 'UNKNOWN_EVENT' });
      expect((await store.refusals('a')).map((r) => r.code)).toEqual(['UNKNOWN_EVENT']);
    } finally {
      other.close();
      await engine.close();
      remove();
    }
  });
});

/** A memory store whose refusal log, or whose `load`, fails as told. */
function failingStore(fail: { appendRefusal?: unknown; load?: unknown }): Store {
  const base = memoryStore();
  const store: Store = Object.create(base) as Store;
  let armed = false;
  Object.assign(store, {
    loadWithHead: undefined,
    appendRefusal: (entry: Parameters<Store['appendRefusal']>[0]) => (armed && fail.appendRefusal !== undefined ? Promise.reject(fail.appendRefusal) : base.appendRefusal(entry)),
    load: (id: string) => (armed && fail.load !== undefined ? Promise.reject(fail.load) : base.load(id)),
    arm: () => (armed = true),
  });
  return store;
}

const FAILURES = {
  'log unavailable': { appendRefusal: new DocketError('STORE_UNAVAILABLE', 'The database is down.') },
  'log answer lost': { appendRefusal: new DocketError('STORE_OUTCOME_UNKNOWN', 'PostgreSQL did not answer the appendRefusal.') },
  'log raw error': { appendRefusal: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) },
  'load unavailable': { load: new DocketError('STORE_UNAVAILABLE', 'The database is down.') },
} as const;

async function refusedWith(refusal: Refused, failure: keyof typeof FAILURES): Promise<{ code: string; errors: unknown[]; revision: number; logged: number }> {
  const store = failingStore(FAILURES[failure]);
  const engine = createEngine({ store, clock: virtualClock(START), workflows: [reviewWorkflow], workerId: 'w' });
  const errors: unknown[] = [];
  engine.on('error', (e) => errors.push(e));
  await engine.start('review', { title: 'a' }, { actor: staff, id: 'a' });
  (store as unknown as { arm(): void }).arm();
  const r = REFUSED[refusal];
  const error = await engine.send('a', r.send as never, { actor: r.actor }).then(() => undefined, (e: unknown) => e);
  const revision = (await memoryLoad(store)).revision;
  const logged = (await store.refusals('a')).length;
  await engine.close();
  return { code: codeOf(error), errors, revision, logged };
}

/** The stored record, read past the failing `load`. */
async function memoryLoad(store: Store) {
  return (await (Object.getPrototypeOf(store) as Store).load('a'))!;
}

describe('a refusal whose log write (or the load before it) fails', () => {
  for (const failure of Object.keys(FAILURES) as (keyof typeof FAILURES)[]) {
    it(`${failure}: the caller is told the refusal, nothing changes, and error names the refusal`, async () => {
      for (const refusal of Object.keys(REFUSED) as Refused[]) {
        const got = await refusedWith(refusal, failure);
        expect(got.revision).toBe(1);
        expect(got.logged).toBe(0);
        // A load that fails before the decision fails the act itself (deciding needs the record);
        // input refused before any load (a payload that is not JSON) is still told its refusal.
        if (failure === 'load unavailable' && refusal !== 'payload that is not JSON') {
          expect(got.code, refusal).toBe('STORE_UNAVAILABLE');
          continue;
        }
        expect(got.code, refusal).toBe(REFUSED[refusal].code);
        expect(got.errors).toHaveLength(1);
        expect((got.errors[0] as DocketError).details).toMatchObject({ instanceId: 'a', refused: REFUSED[refusal].code, refusalLogged: false });
        expect(codeOf(got.errors[0])).toBe(failure === 'log answer lost' ? 'STORE_OUTCOME_UNKNOWN' : 'STORE_UNAVAILABLE');
      }
    });
  }

  it('property: whatever act is refused and however the refusal log fails, the caller gets the refusal and nothing changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...(Object.keys(REFUSED) as Refused[])), fc.constantFrom('log unavailable', 'log answer lost', 'log raw error') as fc.Arbitrary<keyof typeof FAILURES>, async (refusal, failure) => {
        const got = await refusedWith(refusal, failure);
        expect(got.code).toBe(REFUSED[refusal].code);
        expect(got.revision).toBe(1);
        expect(got.logged).toBe(0);
        expect(got.errors.map((e) => (e as DocketError).details?.refused)).toEqual([REFUSED[refusal].code]);
      }),
      { numRuns: 24 },
    );
  });
});
