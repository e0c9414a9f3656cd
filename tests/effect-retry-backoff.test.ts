// A failed effect is tried again when its backoff says, not earlier. The memory store's due heap kept
// the key of the claim an attempt ran under, so a retry set further out than that claim was handed to
// whoever claimed at the instant the claim would have run out (the store cases in
// store-claim-token-conformance.ts fail on that code). The engine asks the store for the next due
// instant before it claims, which dropped the stale key, so through the engine the backoff held; these
// pin that it does, one engine or two on a store, backoff shorter or longer than the claim.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, memoryStore, virtualClock, type Store } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const T0 = Date.UTC(2026, 2, 2, 1, 0);

/** Runs one instance whose `notify` always fails; returns the instants of its attempts (ms after T0). */
async function attempts(store: Store, retry: { initialDelayMs: number; maxAttempts: number }, horizonMs: number, stepMs: number): Promise<number[]> {
  const clock = virtualClock(T0);
  const at: number[] = [];
  const engine = createEngine({
    store,
    clock,
    workflows: [reviewWorkflow],
    retry: { ...retry, maxDelayMs: 3_600_000 },
    effects: {
      notify: () => {
        at.push(clock.now() - T0);
        throw new Error('smtp down');
      },
      archive: () => undefined,
    },
  });
  engine.on('error', () => undefined);
  const id = await engine.start('review', { title: 'x' }, { actor: staff });
  await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
  await engine.settled();
  for (let t = 0; t < horizonMs; t += stepMs) await clock.advanceBy({ milliseconds: stepMs });
  await engine.settled();
  await engine.close();
  return at;
}

/** The instants the policy gives: attempt k+1 is `initialDelayMs × 2^(k-1)` after attempt k. */
function expected(initialDelayMs: number, maxAttempts: number, horizonMs: number): number[] {
  const out = [0];
  for (let k = 1; k < maxAttempts; k++) {
    const next = out[k - 1]! + initialDelayMs * 2 ** (k - 1);
    if (next >= horizonMs) break;
    out.push(next);
  }
  return out;
}

const stores: [string, () => { store: Store; done: () => void }][] = [
  ['memory', () => ({ store: memoryStore(), done: () => undefined })],
  ['sqlite', () => {
    const file = sqliteFile("effect retry backoff");
    return { store: sqliteStore({ filename: file.filename }), done: file.remove };
  }],
];

describe('an effect retry waits its whole backoff', () => {
  it.each(stores)('%s: with a two-minute backoff (longer than the 60 s claim) the second attempt is at 2 min and the third at 6 min, not at 1 min', async (_name, make) => {
    const { store, done } = make();
    try {
      expect(await attempts(store, { initialDelayMs: 120_000, maxAttempts: 3 }, 600_000, 5_000)).toEqual([0, 120_000, 360_000]);
    } finally {
      done();
    }
  });

  it('memory: a second engine on the store that saw the effect claimed wakes when that claim would end and does not take the effect then: the retry stays at 2 min', async () => {
    const store = memoryStore();
    const clock = virtualClock(T0);
    const at: string[] = [];
    let fail!: () => void;
    const handlerOf = (who: string) => () => {
      at.push(`${who}@${clock.now() - T0}`);
      if (who === 'a' && at.length === 1) return new Promise<void>((_resolve, reject) => (fail = () => reject(new Error('smtp down'))));
      throw new Error('smtp down');
    };
    const make = (who: string) => createEngine({ store, clock, workflows: [reviewWorkflow], workerId: who, retry: { initialDelayMs: 120_000, maxAttempts: 2 }, effects: { notify: handlerOf(who), archive: () => undefined } });
    const a = make('a');
    a.on('error', () => undefined);
    const id = await a.start('review', { title: 'x' }, { actor: staff });
    await a.send(id, { type: 'SUBMIT' }, { actor: staff });
    for (let i = 0; i < 100 && at.length === 0; i++) await new Promise((r) => setImmediate(r));
    expect(at).toEqual(['a@0']);
    // B starts while A holds the claim: the earliest work it sees is that claim's end, 60 s on.
    const b = make('b');
    b.on('error', () => undefined);
    await b.effects(id);
    fail();
    await a.settled();
    for (let t = 0; t < 600_000; t += 5_000) await clock.advanceBy({ milliseconds: 5_000 });
    await a.settled();
    await b.settled();
    expect(at.map((x) => Number(x.split('@')[1]))).toEqual([0, 120_000]);
    await a.close();
    await b.close();
  });

  it('property (memory store): for any backoff, each attempt comes exactly when the policy says, whether the backoff is shorter or longer than the claim', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 2, max: 4 }), async (tenSeconds, maxAttempts) => {
        const initialDelayMs = tenSeconds * 10_000;
        const horizon = 1_200_000;
        expect(await attempts(memoryStore(), { initialDelayMs, maxAttempts }, horizon, 10_000)).toEqual(expected(initialDelayMs, maxAttempts, horizon));
      }),
      { numRuns: 25 },
    );
  });
});
