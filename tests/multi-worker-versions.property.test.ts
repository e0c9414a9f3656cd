// Property of the kind "several engines on one store, not all registering every version" (a rolling
// deploy): whatever old engines (version 1 only, no handler for version 2's new effect) and new ones
// run beside each other and in turn, no instance is suspended by the engine, every timer fires exactly
// once, and every effect is delivered (none dead) once a new engine has run long enough.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createEngine, defineWorkflow, effect, memoryStore, virtualClock, type Engine } from '../src/index.js';

const START = Date.parse('2026-11-02T09:00:00+08:00');
const LEASE = 30_000;
const HOUR = 3_600_000;
const PROP_RUNS = Number(process.env.PROP_RUNS ?? 40);
const staff = { id: 'li', roles: ['staff'] };

const flow = (version: 1 | 2) =>
  defineWorkflow({
    id: 'flow',
    version,
    // Both versions declare both types (version 1 never enqueues `legal`): who may hand an effect back is decided by the
    // instance's version, not by the type.
    machine: setup({ actions: { ping: effect(), legal: effect() } }).createMachine({
      id: 'flow',
      initial: 'wait',
      states: {
        wait: { after: { 60_000: 'done' } },
        done: { type: 'final', entry: (version === 1 ? [{ type: 'ping' }] : [{ type: 'ping' }, { type: 'legal' }]) as never },
      },
    }),
    input: z.object({}),
    events: {},
  });
const v1 = flow(1);
const v2 = flow(2);

/** One phase: which engines run beside each other, and how far the shared clock moves meanwhile. */
const phase = fc.record({ old: fc.integer({ min: 0, max: 2 }), fresh: fc.integer({ min: 0, max: 1 }), leases: fc.integer({ min: 1, max: 6 }) });

describe('property: old and new engines on one store (a rolling deploy)', () => {
  it('no instance suspended, every timer fired once, every effect delivered', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(phase, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 }), async (phases, onV2, onV1) => {
        const store = memoryStore();
        const clock = virtualClock(START);
        const calls = new Map<string, number>();
        const count = (_p: unknown, c: { effectId: string }) => void calls.set(c.effectId, (calls.get(c.effectId) ?? 0) + 1);
        const starter = createEngine({ store, clock, workflows: [v1], workerId: 'starter', effects: { ping: count } });
        const ids: string[] = [];
        for (let i = 0; i < onV1; i++) ids.push(await starter.start('flow', {}, { actor: staff }));
        await starter.close();
        const starter2 = createEngine({ store, clock, workflows: [v1, v2], workerId: 'starter-2', effects: { ping: count, legal: count } });
        for (let i = 0; i < onV2; i++) ids.push(await starter2.start('flow', {}, { actor: staff }));
        await starter2.close();
        let n = 0;
        const run = async (old: number, fresh: number, ms: number) => {
          const engines: Engine<never>[] = [];
          for (let i = 0; i < old; i++) engines.push(createEngine({ store, clock, workflows: [v1], workerId: `old-${n++}`, effects: { ping: count } }) as never);
          for (let i = 0; i < fresh; i++) engines.push(createEngine({ store, clock, workflows: [v1, v2], workerId: `new-${n++}`, effects: { ping: count, legal: count } }) as never);
          await clock.advanceBy(ms);
          for (const e of engines) await e.settled();
          for (const e of engines) await e.close();
        };
        for (const p of phases) await run(p.old, p.fresh, p.leases * LEASE);
        // The deploy is over: new engines alone, past the longest set-aside (an hour).
        await run(0, 1, 2 * HOUR);
        for (const id of ids) {
          const record = (await store.load(id))!;
          expect(record).toMatchObject({ suspended: false, status: 'done' });
          const history = await store.history(id);
          expect(history.filter((e) => e.kind === 'timer')).toHaveLength(1);
          expect(history.filter((e) => e.kind === 'admin')).toEqual([]);
          const effects = await store.effects(id);
          expect(effects.map((e) => e.status)).toEqual(effects.map(() => 'delivered'));
          for (const e of effects) expect(calls.get(e.id)).toBe(1);
        }
      }),
      { numRuns: PROP_RUNS },
    );
  });
});
