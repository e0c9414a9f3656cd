import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, DocketError, isDocketError, isTransient, memoryStore, virtualClock, type DocketErrorCode, type Store } from '../src/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';

const START = Date.parse('2026-11-02T09:00:00+08:00');
const DAY = 86_400_000;
const DUE = START + 3 * DAY;
const LEASE = 30_000;

/** A memory store whose timer commits fail `times` times with `code`, then work. */
function flakyTimerCommits(code: DocketErrorCode, times: number): Store & { failures: number } {
  const inner = memoryStore();
  const store = {
    ...inner,
    failures: 0,
    async commit(c: Parameters<Store['commit']>[0]) {
      if (c.firesTimer && store.failures < times) {
        store.failures++;
        throw new DocketError(code, code === 'CONFLICT' ? 'Another writer changed it first.' : 'The database is unreachable; retry.', { instanceId: c.instance.id });
      }
      return inner.commit(c);
    },
  };
  return store;
}

describe('timer delivery: transient store failures retry, deterministic ones suspend', () => {
  it.each([
    // STORE_UNAVAILABLE twice: tried at the due instant, one lease later, then two leases after that.
    ['STORE_UNAVAILABLE' as const, 2, 2, LEASE + 2 * LEASE],
    // CONFLICT: the engine's own 5 retries are spent within one attempt (6 failures), so 12 failures
    // are two failed attempts, then it fires on the third.
    ['CONFLICT' as const, 12, 2, LEASE + 2 * LEASE],
    // One failure: fired one lease late.
    ['STORE_UNAVAILABLE' as const, 1, 1, LEASE],
  ])('%s x%i: fires once afterwards, never suspends, and reports each failed attempt on error', async (code, times, attempts, lateMs) => {
    const store = flakyTimerCommits(code, times);
    const clock = virtualClock(START);
    const engine = createEngine({ store, clock, workflows: [reviewWorkflow] });
    const errors: unknown[] = [];
    engine.on('error', (e) => errors.push(e));
    const id = await engine.start('review', { title: 'T' }, { actor: staff });
    await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    const fired = await clock.advanceTo(DUE + 10 * DAY);
    expect(store.failures).toBe(times);
    expect(fired.map((f) => [f.instanceId, f.name, f.dueAt, f.lateMs])).toEqual([[id, 'reviewDeadline', DUE, lateMs]]);
    const view = await engine.get(id);
    expect(view).toMatchObject({ state: 'escalated', suspended: false, status: 'active' });
    const history = await engine.history(id);
    expect(history.filter((h) => h.kind === 'timer')).toHaveLength(1);
    expect(history.filter((h) => h.kind === 'admin')).toEqual([]);
    expect(errors).toHaveLength(attempts);
    for (const [i, error] of errors.entries()) {
      expect(isDocketError(error, code)).toBe(true);
      expect((error as DocketError).message).toContain(`the instance is left as it is and the timer is tried again in ${LEASE * 2 ** i} ms`);
      expect((error as DocketError).details).toMatchObject({ instanceId: id, timer: 'reviewDeadline', failures: i + 1 });
    }
    await engine.close();
  });

  it('a deterministic failure (a guard that throws: MACHINE_ERROR) still suspends the instance with the reason', async () => {
    const broken = defineWorkflow({
      id: 'broken',
      version: 1,
      machine: setup({ guards: { buggy: () => { throw new Error('guard bug'); } } }).createMachine({
        initial: 'waiting',
        states: { waiting: { after: { 60_000: { target: 'late', guard: 'buggy' } } }, late: {} },
      }),
      input: z.object({}),
      events: {},
    });
    const clock = virtualClock(START);
    const engine = createEngine({ store: memoryStore(), clock, workflows: [broken] });
    const errors: unknown[] = [];
    engine.on('error', (e) => errors.push(e));
    const id = await engine.start('broken', {}, { actor: staff });
    expect(await clock.advanceBy({ days: 1 })).toEqual([]);
    expect(errors.map((e) => isDocketError(e, 'MACHINE_ERROR'))).toEqual([true]);
    const view = await engine.get(id);
    expect(view).toMatchObject({ state: 'waiting', suspended: true });
    expect((await engine.history(id)).at(-1)).toMatchObject({ kind: 'admin', event: { type: 'docket.admin.suspend', code: 'MACHINE_ERROR' } });
    await engine.close();
  });

  it('isTransient: store outages and exhausted conflicts are transient, everything deterministic is not', () => {
    expect(isTransient(new DocketError('STORE_UNAVAILABLE', 'down'))).toBe(true);
    expect(isTransient(new DocketError('CONFLICT', 'lost the race'))).toBe(true);
    expect(isTransient(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }))).toBe(true);
    for (const code of ['MACHINE_ERROR', 'CORRUPT_SNAPSHOT', 'CALENDAR_YEAR_MISSING', 'WORKFLOW_VERSION_NOT_REGISTERED', 'INVALID_PAYLOAD'] as const) {
      expect(isTransient(new DocketError(code, 'x'))).toBe(false);
    }
    expect(isTransient(new TypeError('x is not a function'))).toBe(false);
    expect(isTransient('text')).toBe(false);
    expect(isTransient(undefined)).toBe(false);
  });
});
