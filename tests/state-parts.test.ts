import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { strategyCycle } from '../machines/index.js';
import { merkleDigest } from '../src/engine/merkle-json.js';
import { stateParts, statePaths } from '../src/engine/state-parts.js';
import { businessCalendar, createEngine, defineWorkflow, isDocketError, memoryStore, virtualClock } from '../src/index.js';
import { frozenMark } from '../src/store/frozen-data.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

// A committed record's state value and its active paths follow from the value alone: the engine
// commits one shared, frozen and marked copy of each (src/engine/state-parts.ts), so their Merkle
// references and string checks are worked out once, not on every commit.

/** A state value as XState gives one: a state name, or an object of regions, each a value. */
const stateValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.string({ minLength: 1, maxLength: 12 }), tie('regions')),
  regions: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('value'), { minKeys: 0, maxKeys: 3 }),
})).value;

function deepFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Object.isFrozen(value) && Object.values(value).every(deepFrozen);
}

describe('stateParts: one frozen, marked copy of a state value and its paths', () => {
  it('gives the value and its paths unchanged, frozen and marked, and the same objects every time', () => {
    const value = { survey: { providers: 'collecting' }, budget: 'draft' };
    const parts = stateParts(value);
    expect(parts.value).toEqual(value);
    expect(parts.value).not.toBe(value); // XState's own object stays XState's
    expect(parts.paths).toEqual(['survey', 'survey.providers', 'survey.providers.collecting', 'budget', 'budget.draft']);
    expect(deepFrozen(parts.value) && Object.isFrozen(parts.paths)).toBe(true);
    expect(frozenMark(parts.value as object)).toBeDefined();
    expect(frozenMark(parts.paths)).toBeDefined();
    const again = stateParts(JSON.parse(JSON.stringify(value)));
    expect(again.value).toBe(parts.value);
    expect(again.paths).toBe(parts.paths);
    expect(Object.isFrozen(value)).toBe(false);
  });

  it('a string value is itself; its paths are one', () => {
    expect(stateParts('approved')).toEqual({ value: 'approved', paths: ['approved'] });
  });

  it('property: for any state value, the parts hold the same data, digest the same as unmarked copies, and are shared', () => {
    fc.assert(
      fc.property(stateValue, (value) => {
        const parts = stateParts(value);
        expect(parts.value).toEqual(value);
        expect(parts.paths).toEqual(statePaths(value));
        expect(deepFrozen(parts.value) && Object.isFrozen(parts.paths)).toBe(true);
        // The marks stand for the same text: a digest over the marked copies equals one over plain ones.
        const plain = JSON.parse(JSON.stringify({ state: value, paths: statePaths(value) })) as object;
        expect(merkleDigest({ state: parts.value, paths: parts.paths })).toBe(merkleDigest(plain));
        expect(stateParts(JSON.parse(JSON.stringify(value ?? null)) as unknown)).toBe(parts);
      }),
      { numRuns: 300 },
    );
  });

  it('instances in the same state share the committed state and paths, and their chains verify', async () => {
    const store = memoryStore();
    const engine = createEngine({ store, clock: virtualClock('2026-09-21T09:00:00+08:00'), calendar: businessCalendar({ holidays: ['CN'] }), workflows: [strategyCycle, reviewWorkflow] });
    const actor = { id: 'wangm', roles: ['marketing'] };
    const a = await engine.start('strategy-cycle', { planQuarter: { year: 2027, quarter: 1 } }, { actor });
    const b = await engine.start('strategy-cycle', { planQuarter: { year: 2027, quarter: 1 } }, { actor });
    const [ra, rb] = [(await store.load(a))!, (await store.load(b))!];
    expect(ra.state).toEqual(rb.state);
    expect(ra.state).toBe(rb.state);
    expect(ra.statePaths).toBe(rb.statePaths);
    for (const id of [a, b]) expect((await engine.verify(id)).ok).toBe(true);
    const r = await engine.start('review', { title: 'x' }, { actor: { id: 'u', roles: ['staff'] } });
    await engine.send(r, { type: 'SUBMIT' }, { actor: { id: 'u', roles: ['staff'] } });
    expect((await engine.verify(r)).ok).toBe(true);
    await engine.close();
  });
  it('property: past 1,024 distinct values, an evicted value is copied again with the same data, paths and digest', () => {
    fc.assert(
      fc.property(stateValue, fc.integer({ min: 1025, max: 1300 }), (value, others) => {
        const first = stateParts(value);
        const digest = merkleDigest({ state: first.value, paths: first.paths });
        for (let i = 0; i < others; i++) stateParts({ [`evict-${i}`]: `filler-${i}` });
        const again = stateParts(value);
        expect(again.value).toEqual(value);
        expect(again.paths).toEqual(statePaths(value));
        expect(deepFrozen(again.value) && Object.isFrozen(again.paths)).toBe(true);
        expect(merkleDigest({ state: again.value, paths: again.paths })).toBe(digest);
      }),
      { numRuns: 20 },
    );
  });

  it('a state name no store can keep (U+0000, a lone surrogate) is refused INVALID_PAYLOAD, nothing written, also once its parts are cached', async () => {
    const actor = { id: 'u', roles: ['u'] };
    for (const name of ['x\u0000y', '\ud800', 'a\udc00']) {
      const machine = setup({ types: {} as { events: { type: 'GO' } } }).createMachine({ id: 'odd', initial: 's', states: { s: { on: { GO: name } }, [name]: {} } });
      const workflow = defineWorkflow({ id: 'odd', version: 1, machine, input: z.object({}), events: { GO: z.object({}) }, permissions: { GO: ['u'] } });
      const store = memoryStore();
      const engine = createEngine({ store, clock: virtualClock('2026-09-21T09:00:00Z'), workflows: [workflow] });
      for (let round = 0; round < 2; round++) {
        const id = await engine.start('odd', {}, { actor });
        const error = await engine.send(id, { type: 'GO' }, { actor }).catch((e: unknown) => e);
        expect([JSON.stringify(name), isDocketError(error, 'INVALID_PAYLOAD')]).toEqual([JSON.stringify(name), true]);
        expect([(await store.load(id))!.revision, (await store.load(id))!.state]).toEqual([1, 's']);
        expect((await engine.verify(id)).ok).toBe(true);
      }
      await engine.close();
    }
  });
});
