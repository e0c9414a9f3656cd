import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, DocketError, isDocketError, memoryStore, virtualClock, type Commit, type Store } from '../src/index.js';
import { manager, reviewWorkflow, staff } from './fixtures/review-workflow.js';

// A firing whose commit the store could not answer (STORE_OUTCOME_UNKNOWN: a connection dropped
// mid-commit on PostgreSQL, COMMIT's fsync failing on SQLite) suspended the instance, as if its
// transition could not be computed: an administrator had to resume it after a passing outage. It is
// retried with backoff like any transient failure, and fires once whether or not the first try landed.

const START = Date.parse('2026-11-02T09:00:00+08:00');
const DAY = 86_400_000;
const DUE = START + 3 * DAY;
const LEASE = 30_000;

/** What the store does with one commit that fires a timer. */
type Fault = 'ok' | 'unknown-landed' | 'unknown-lost' | 'unavailable';

/** A memory store whose timer-firing commits meet the faults of `plan`, one per firing commit, then go through. */
function faultyFirings(plan: readonly Fault[]): Store & { readonly told: string[] } {
  const inner = memoryStore();
  const told: string[] = [];
  let next = 0;
  return {
    ...inner,
    told,
    async commit(c: Commit) {
      if (!c.firesTimer) return inner.commit(c);
      const fault = plan[next++] ?? 'ok';
      if (fault === 'ok') return inner.commit(c);
      if (fault === 'unknown-landed') await inner.commit(c);
      told.push(fault);
      if (fault === 'unavailable') throw new DocketError('STORE_UNAVAILABLE', 'The database is unreachable; nothing was written.');
      throw new DocketError('STORE_OUTCOME_UNKNOWN', 'The connection dropped mid-commit; it may or may not have been applied.');
    },
  };
}

async function submitted(store: Store) {
  const clock = virtualClock(START);
  const engine = createEngine({ store, clock, workflows: [reviewWorkflow], leaseMs: LEASE, effects: { notify: () => undefined, archive: () => undefined } });
  const errors: unknown[] = [];
  engine.on('error', (e) => errors.push(e));
  const id = await engine.start('review', { title: 'T' }, { actor: staff });
  await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
  return { clock, engine, errors, id };
}

describe('timer delivery when the store cannot tell whether the firing landed (STORE_OUTCOME_UNKNOWN)', () => {
  it('not landed: retried one lease later and fires once; the instance is not suspended', async () => {
    const store = faultyFirings(['unknown-lost']);
    const { clock, engine, errors, id } = await submitted(store);
    const fired = await clock.advanceTo(DUE + DAY);
    expect(fired.map((f) => [f.instanceId, f.dueAt, f.lateMs])).toEqual([[id, DUE, LEASE]]);
    expect(await engine.get(id)).toMatchObject({ state: 'escalated', suspended: false, status: 'active' });
    const history = await engine.history(id);
    expect(history.map((h) => h.kind)).toEqual(['start', 'event', 'timer']);
    expect(errors).toHaveLength(1);
    expect(isDocketError(errors[0], 'STORE_OUTCOME_UNKNOWN')).toBe(true);
    expect((errors[0] as DocketError).message).toContain(`the timer is tried again in ${LEASE} ms`);
    expect(await engine.verify(id)).toMatchObject({ ok: true });
    await engine.close();
  });

  it('landed: the retry finds the timer fired and does nothing; one timer entry, not suspended', async () => {
    const store = faultyFirings(['unknown-landed']);
    const { clock, engine, id } = await submitted(store);
    await clock.advanceTo(DUE + DAY);
    expect(await engine.get(id)).toMatchObject({ state: 'escalated', suspended: false, status: 'active' });
    expect((await engine.history(id)).map((h) => h.kind)).toEqual(['start', 'event', 'timer']);
    expect(await store.timers(id)).toEqual([]);
    expect(await engine.verify(id)).toMatchObject({ ok: true });
    await engine.close();
  });

  it('property: whatever the store answers each firing (done, unknown and landed, unknown and lost, unavailable), every due timer fires exactly once, no instance is suspended, acknowledged sends are all kept and every chain verifies', async () => {
    const fault = fc.constantFrom<Fault>('ok', 'unknown-landed', 'unknown-lost', 'unavailable');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fault, { maxLength: 12 }),
        fc.array(fc.record({ instance: fc.nat(3), hours: fc.integer({ min: 1, max: 80 }), act: fc.constantFrom('REJECT', 'SUBMIT', 'APPROVE') }), { maxLength: 10 }),
        async (plan, steps) => {
          const store = faultyFirings(plan);
          const clock = virtualClock(START);
          const engine = createEngine({ store, clock, workflows: [reviewWorkflow], leaseMs: LEASE, effects: { notify: () => undefined, archive: () => undefined } });
          engine.on('error', () => undefined);
          const ids: string[] = [];
          const acknowledged: { id: string; revision: number; type: string }[] = [];
          for (let i = 0; i < 4; i++) {
            const id = await engine.start('review', { title: `T${i}` }, { actor: staff, id: `r${i}` });
            acknowledged.push({ id, revision: 1, type: 'docket.start' });
            acknowledged.push({ id, revision: (await engine.send(id, { type: 'SUBMIT' }, { actor: staff })).revision, type: 'SUBMIT' });
            ids.push(id);
          }
          for (const step of steps) {
            await clock.advanceBy({ hours: step.hours });
            const id = ids[step.instance]!;
            const event = step.act === 'REJECT' ? { type: 'REJECT' as const, comment: 'again' } : { type: step.act };
            const actor = step.act === 'SUBMIT' ? staff : manager;
            try {
              const view = await engine.send(id, event as never, { actor });
              acknowledged.push({ id, revision: view.revision, type: step.act });
            } catch (error) {
              if (!isDocketError(error, 'EVENT_NOT_ACCEPTED') && !isDocketError(error, 'INSTANCE_NOT_ACTIVE')) throw error;
            }
          }
          // Faults spent: everything still due fires (at most one lease per failed attempt, doubling).
          await clock.advanceBy({ days: 30 });
          for (const id of ids) {
            const history = await engine.history(id);
            const timers = history.filter((h) => h.kind === 'timer');
            expect(new Set(timers.map((h) => ('timer' in h ? `${h.timer?.name}@${h.timer?.dueAt}` : undefined))).size).toBe(timers.length);
            expect(history.filter((h) => h.kind === 'admin')).toEqual([]);
            expect((await engine.get(id)).suspended).toBe(false);
            expect((await store.timers(id)).filter((t) => t.dueAt <= clock.now())).toEqual([]);
            expect(await engine.verify(id)).toMatchObject({ ok: true });
          }
          for (const ack of acknowledged) {
            const entry = (await engine.history(ack.id))[ack.revision - 1];
            expect([entry?.revision, entry?.event.type]).toEqual([ack.revision, ack.type]);
          }
          await engine.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
