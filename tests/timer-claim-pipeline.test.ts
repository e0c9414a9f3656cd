// Many timers due at one instant are claimed 100 at a time and fired by up to 32 workers. The next
// batch is claimed while the last firings of the current one are in flight (a batch that had to end
// first left the group commit a tail of one or two firings and a claim round trip every 100 timers).
// What must hold: every timer fires once, in claim order, none is lost when a claim fails midway,
// and the failure is still reported.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, DocketError, memoryStore, virtualClock, type Store } from '../src/index.js';
// Each instance sleeps until its own absolute instant, then ends (workload 5's workflow).
import { sleeper } from '../bench/sleeper.js';

const START = Date.parse('2027-01-04T09:00:00+08:00');
const actor = { id: 'ops', roles: ['user'] };

interface Probe {
  readonly store: Store;
  /** Firings reported ('timer.fired') when each claim was asked for. */
  readonly firedAtClaim: number[];
  /** The ids each claim gave, in claim order. */
  readonly claimedIds: string[];
  fired: number;
}

/** A memory store whose claims are watched, and whose claim number `failAt` (1-based) fails once. */
function probe(failAt?: number): Probe {
  const store = memoryStore();
  const claim = store.claimDueTimers.bind(store);
  const p: Probe = { store, firedAtClaim: [], claimedIds: [], fired: 0 };
  store.claimDueTimers = async (now, options) => {
    p.firedAtClaim.push(p.fired);
    if (p.firedAtClaim.length === failAt) throw new DocketError('STORE_UNAVAILABLE', 'claim failed (test)');
    const got = await claim(now, options);
    for (const t of got) p.claimedIds.push(t.id);
    return got;
  };
  return p;
}

async function sleepers(p: Probe, dues: readonly number[]) {
  const clock = virtualClock(START);
  const engine = createEngine({ store: p.store, clock, workflows: [sleeper], workerId: 'w' });
  const ids: string[] = [];
  for (const at of dues) ids.push(await engine.start('sleeper', { at }, { actor }));
  engine.on('timer.fired', () => void p.fired++);
  return { clock, engine, ids };
}

describe('timer claims: the next batch is claimed while the last firings are in flight', () => {
  it('250 timers due at one instant: every one fires once, reported in claim order, with the 2nd claim made before the 1st batch ended', async () => {
    const p = probe();
    const due = START + 3_600_000;
    const { clock, engine, ids } = await sleepers(p, Array.from({ length: 250 }, () => due));
    const fired = await clock.advanceTo(due);
    expect(fired.map((f) => f.instanceId).sort()).toEqual([...ids].sort());
    // Reported in claim order, each once.
    expect(fired.map((f) => f.timerId)).toEqual(p.claimedIds);
    expect(new Set(p.claimedIds).size).toBe(250);
    // Three claims of 100, 100 and 50; the second asked while the first batch's last 32 were being
    // fired (a worker takes timer 68 of 100 after at least 68 - 32 firings have ended), not after all 100.
    expect(p.firedAtClaim.length).toBe(3);
    expect(p.firedAtClaim[1]).toBeGreaterThanOrEqual(100 - 2 * 32);
    expect(p.firedAtClaim[1]).toBeLessThan(100);
    for (const id of ids) expect((await engine.get(id)).status).toBe('done');
    await engine.close();
  });

  it('a claim that fails midway loses no claimed timer: the batch in flight fires, the failure is reported, the rest fire at the next step', async () => {
    const p = probe(2);
    const due = START + 3_600_000;
    const { clock, engine, ids } = await sleepers(p, Array.from({ length: 150 }, () => due));
    const errors: unknown[] = [];
    engine.on('error', (e) => errors.push(e));
    await expect(clock.advanceTo(due)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    // The first batch (100) was fired, not dropped, though its fireDue rejected.
    expect(p.fired).toBe(100);
    await clock.advanceTo(due + 1);
    expect(p.fired).toBe(150);
    for (const id of ids) expect((await engine.get(id)).status).toBe('done');
    expect((await Promise.all(ids.map((id) => engine.history(id)))).every((h) => h.filter((e) => e.kind === 'timer').length === 1)).toBe(true);
    await engine.close();
  });

  it('property: any number of timers due at any instants up to now, with any one claim failing, all fire exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 260 }),
        fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        async (slots, failAt) => {
          const p = probe(failAt);
          const dues = slots.map((s) => START + s * 60_000);
          const { clock, engine, ids } = await sleepers(p, dues);
          const seen: string[] = [];
          engine.on('timer.fired', (f) => void seen.push(f.timerId));
          try {
            await clock.advanceTo(START + 10 * 60_000);
          } catch (error) {
            expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
            await clock.advanceTo(START + 11 * 60_000);
          }
          expect(seen.length).toBe(ids.length);
          expect(new Set(seen).size).toBe(ids.length);
          for (const id of ids) {
            const view = await engine.get(id);
            expect([view.status, view.timers.length]).toEqual(['done', 0]);
          }
          await engine.close();
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
