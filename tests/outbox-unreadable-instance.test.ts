// An effect with no handler in this engine is judged by its instance's workflow version: handed back
// pending for an engine that registers it, or dead. When the instance cannot be read at all (a
// corrupt or newer-schema row, the store down), the outbox kept the claim, so the effect was claimed
// again at every lease's end (30 + 30 s) for as long as the row stayed so: 4,320 looks, each with an
// error event, in three simulated days, which made a virtual clock step through every minute of them
// (the Postgres conformance test of a corrupt row timed out at 60 s on it). It is now left pending,
// attempts unchanged, with a lastError saying what to do, and looked at again after the hand-back's
// backoff (the lease doubled per look, at most an hour).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, DocketError, isDocketError, memoryStore, virtualClock } from '../src/index.js';
import { goNotifyWorkflow } from './fixtures/go-notify-workflow.js';

const actor = { id: 'li', roles: ['user'] };
const HOUR = 3_600_000;

/** An engine with no handler for notify whose store cannot read `broken()` instances; counts their loads. */
async function unreadable(brokenMs: number) {
  const store = memoryStore();
  const load = store.load.bind(store);
  let broken = false;
  let looks = 0;
  store.load = async (id) => {
    if (!broken) return load(id);
    looks++;
    throw new DocketError('CORRUPT_SNAPSHOT', `The stored row of instance ${id} cannot be read (test).`, { instanceId: id });
  };
  const clock = virtualClock('2026-11-02T09:00:00+08:00');
  const engine = createEngine({ store, clock, workflows: [goNotifyWorkflow], effects: {} });
  const errors: unknown[] = [];
  engine.on('error', (e) => void errors.push(e));
  const id = await engine.start(goNotifyWorkflow.id as never, {} as never, { actor });
  broken = true;
  await engine.send(id, { type: 'GO' } as never, { actor });
  await engine.settled();
  await clock.advanceBy(brokenMs);
  const lookedWhileBroken = looks;
  broken = false;
  const effects = await engine.effects(id);
  return { engine, clock, id, errors, lookedWhileBroken, effects };
}

describe('an effect whose instance cannot be read is looked at again after a backoff, not at every lease', () => {
  it('three days of an unreadable row: under 90 looks (was 4,320), the effect pending with attempts unchanged and a lastError saying what to do', async () => {
    const { engine, errors, lookedWhileBroken, effects } = await unreadable(3 * 24 * HOUR);
    expect(lookedWhileBroken).toBeGreaterThan(1);
    // 30 s doubled up to an hour: 8 looks to reach the hour, then one an hour.
    expect(lookedWhileBroken).toBeLessThan(90);
    expect(effects).toHaveLength(1);
    expect(effects[0]).toMatchObject({ status: 'pending', attempts: 0 });
    expect(effects[0]!.lastError).toContain('could not be read');
    expect(effects[0]!.lastError).toContain('docket verify');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => isDocketError(e, 'CORRUPT_SNAPSHOT'))).toBe(true);
    await engine.close();
  });

  it('once the row reads again, the effect is judged as before (no handler, version registered: dead)', async () => {
    const { engine, clock, id } = await unreadable(2 * HOUR);
    await clock.advanceBy(2 * HOUR);
    await engine.settled();
    expect((await engine.effects(id))[0]).toMatchObject({ status: 'dead' });
    await engine.close();
  });

  it('property: looks while unreadable grow with the hours, not with the leases', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 60_000, max: 4 * 24 * HOUR }), async (ms) => {
        const { engine, lookedWhileBroken, effects } = await unreadable(ms);
        expect(lookedWhileBroken).toBeLessThanOrEqual(9 + Math.ceil(ms / HOUR));
        expect(effects[0]).toMatchObject({ status: 'pending', attempts: 0 });
        await engine.close();
      }),
      { numRuns: 12 },
    );
  });
});
