// A timer's retry, parked and not-due errors named its state as read from the timer's key
// (`xstate.after.<delay>.<state id>`), which is wrong for a state with an id of its own: they said
// `waitHere` where the engine knows the timer was armed by `review.waiting`. They now name it from the
// workflow the engine registered (its timer owners), as every other output does.
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createEngine, defineWorkflow, DocketError, memoryStore, virtualClock, type Store } from '../src/index.js';

const START = Date.parse('2026-11-02T09:00:00+08:00');
const HOUR = 3_600_000;
const someone = { id: 'li', roles: ['staff'] };

/** A timer armed by a state with its own id: its key names `waitHere`, its state is `review.waiting`. */
const ownId = defineWorkflow({
  id: 'own-id',
  version: 1,
  machine: setup({}).createMachine({
    id: 'own-id',
    initial: 'review',
    states: {
      review: { initial: 'waiting', states: { waiting: { id: 'waitHere', after: { [HOUR]: 'done' } }, done: {} } },
    },
  }),
  input: z.object({}),
  events: {},
  labels: { title: { 'zh-CN': '自有编号', en: 'Own id' }, states: { 'review.waiting': { 'zh-CN': '等待审核', en: 'Awaiting review' } } },
});

async function run(store: Store, until = START + HOUR, tick = false, started = () => {}) {
  const clock = virtualClock(START);
  const engine = createEngine({ store, clock, workflows: [ownId] });
  const errors: DocketError[] = [];
  engine.on('error', (e) => errors.push(e as DocketError));
  const id = await engine.start('own-id', {}, { actor: someone });
  expect((await engine.get(id)).timers.map((t) => t.state)).toEqual(['review.waiting']);
  started();
  await clock.advanceTo(until);
  if (tick) expect(await engine.tick()).toEqual([]);
  await engine.close();
  return { id, errors };
}

const named = { timerState: 'review.waiting', timerLabel: 'after 1h in review.waiting' };

describe("a timer's errors name its state as the engine knows it, not as its key reads", () => {
  it('a transient failure (retried): state and label from the workflow', async () => {
    const inner = memoryStore();
    let failures = 0;
    const store: Store = {
      ...inner,
      async commit(c) {
        if (c.firesTimer && failures++ === 0) throw new DocketError('STORE_UNAVAILABLE', 'The database is unreachable; retry.', { instanceId: c.instance.id });
        return inner.commit(c);
      },
    };
    const { errors } = await run(store);
    expect(errors.map((e) => [e.code, e.details])).toMatchObject([['STORE_UNAVAILABLE', named]]);
    expect(errors[0]!.message).toContain('Timer "after 1h in review.waiting" of instance');
  });

  it('a store that fails before the instance is loaded: the state is found among the registered workflows', async () => {
    const inner = memoryStore();
    let armed = false;
    const store: Store = {
      ...inner,
      async load(id) {
        if (armed) {
          armed = false;
          throw new DocketError('STORE_UNAVAILABLE', 'The database is unreachable; retry.');
        }
        return inner.load(id);
      },
    };
    const { errors } = await run(store, START + HOUR, false, () => (armed = true));
    expect(errors.map((e) => [e.code, e.details])).toMatchObject([['STORE_UNAVAILABLE', named]]);
  });

  it('an instance edited outside Docket (parked): state and label from the workflow', async () => {
    const inner = memoryStore();
    const store: Store = {
      ...inner,
      async load(id) {
        const record = await inner.load(id);
        // The record as a manual edit of the database would leave it: its context changed.
        return record && { ...record, context: { edited: true } };
      },
    };
    const { errors } = await run(store);
    expect(errors.map((e) => [e.code, e.details])).toMatchObject([['CORRUPT_SNAPSHOT', { ...named, parked: true }]]);
    expect(errors[0]!.message).toContain('Timer "after 1h in review.waiting" of instance');
  });

  it('a timer claimable before its due instant (not due): state and label from the workflow', async () => {
    const inner = memoryStore();
    const store: Store = {
      ...inner,
      // As a ready instant moved earlier in the timer table: the claim hands out a timer not yet due.
      claimDueTimers: (now, options) => inner.claimDueTimers(now + HOUR, options),
    };
    const { errors } = await run(store, START + 1000, true);
    expect(errors.map((e) => [e.code, e.details])).toMatchObject([['CORRUPT_SNAPSHOT', { ...named, problem: 'timer-not-due' }]]);
    expect(errors[0]!.message).toContain('Timer "after 1h in review.waiting" of instance');
  });
});

describe('property: whatever the state ids, the failure kind and the nesting, an error names the state engine.get names', () => {
  it('retried, parked and not-due errors carry the view state of the timer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'b', 'review'), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(undefined, 'waitHere', 'step-7', 'review'),
        fc.constantFrom('retried' as const, 'parked' as const, 'not-due' as const),
        async (path, id, kind) => {
          // States nested along `path`, the innermost arming the timer, with its own id or none.
          let inner: Record<string, unknown> = { ...(id === undefined ? {} : { id }), after: { [HOUR]: '#over' } };
          for (const key of [...path].reverse()) inner = { initial: key, states: { [key]: inner } };
          const workflow = defineWorkflow({
            id: 'own-id',
            version: 1,
            machine: setup({}).createMachine({ id: 'own-id', initial: 'top', states: { top: inner as never, over: { id: 'over' } } }),
            input: z.object({}),
            events: {},
          });
          const base = memoryStore();
          let armed = false;
          const store: Store = {
            ...base,
            async commit(c) {
              if (kind === 'retried' && c.firesTimer && armed) {
                armed = false;
                throw new DocketError('STORE_UNAVAILABLE', 'The database is unreachable; retry.', { instanceId: c.instance.id });
              }
              return base.commit(c);
            },
            async load(instanceId) {
              const record = await base.load(instanceId);
              return kind === 'parked' && armed && record ? { ...record, context: { edited: true } } : record;
            },
            claimDueTimers: (now, options) => base.claimDueTimers(kind === 'not-due' && armed ? now + HOUR : now, options),
          };
          const clock = virtualClock(START);
          const engine = createEngine({ store, clock, workflows: [workflow] });
          const errors: DocketError[] = [];
          engine.on('error', (e) => errors.push(e as DocketError));
          const started = await engine.start('own-id', {}, { actor: someone });
          const [timer] = (await engine.get(started)).timers;
          expect(timer!.state).toBe(['top', ...path].join('.'));
          armed = true;
          if (kind === 'not-due') {
            await clock.advanceTo(START + 1000);
            await engine.tick();
          } else await clock.advanceTo(START + HOUR);
          await engine.close();
          expect(errors.length).toBeGreaterThan(0);
          expect(errors[0]!.details).toMatchObject({ timerState: timer!.state, timerLabel: timer!.label });
        },
      ),
      { numRuns: 60 },
    );
  });
});
