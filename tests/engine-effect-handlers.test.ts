// createEngine({ effects }) and the outbox's handler lookup share one rule: a handler is an own
// enumerable property of the effects object, and a function. Before: a getter that threw escaped
// createEngine as its raw Error; an inherited handler (`Object.create({ notify })`, a class's method)
// was called though never checked; and a lookup that threw at delivery (a lazy getter, a Proxy trap)
// rejected the delivery unhandled, left the effect "in flight" for good (never tried again by this
// engine, never counted, never dead) and made settled() reject.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, effect, isDocketError, memoryStore, virtualClock, type Clock, type EffectContext, type EffectRecord } from '../src/index.js';

const START = '2026-11-02T09:00:00+08:00';
const TYPES = ['notify', 'archive', 'toString', 'valueOf', 'constructor', 'hasOwnProperty'] as const;
type Type = (typeof TYPES)[number];
const actor = { id: 'li', roles: ['staff'] };

/** A workflow whose start runs one effect of each type in TYPES. */
const many = defineWorkflow({
  id: 'many',
  version: 1,
  machine: setup({ actions: Object.fromEntries(TYPES.map((t) => [t, effect()])) as Record<Type, ReturnType<typeof effect>> }).createMachine({
    initial: 'open',
    entry: TYPES.map((type) => ({ type })),
    states: { open: {} },
  }),
  input: z.object({}),
  events: {},
});

/** A clock that counts subscriptions (createEngine subscribes once it has started). */
function countingClock() {
  const clock = virtualClock(START);
  let subscribed = 0;
  const counted: Clock = { kind: clock.kind, now: () => clock.now(), sleepUntil: (at, s) => clock.sleepUntil(at, s), subscribe: (s) => (subscribed++, clock.subscribe(s)) };
  return { clock, counted, subscribed: () => subscribed };
}

function refusal(f: () => unknown): { code: string; field: unknown; message: string } | 'ok' {
  try {
    f();
    return 'ok';
  } catch (error) {
    if (!isDocketError(error)) throw error;
    return { code: error.code, field: error.details.field, message: error.message };
  }
}

async function run(effects: unknown, opts: { maxAttempts?: number } = {}) {
  const clock = virtualClock(START);
  const engine = createEngine({ store: memoryStore(), clock, workflows: [many], effects: effects as never, retry: { maxAttempts: opts.maxAttempts ?? 3, initialDelayMs: 1000 } });
  const errors: unknown[] = [];
  const failed: EffectRecord[] = [];
  engine.on('error', (e) => errors.push(e));
  engine.on('effect.failed', (e) => failed.push(e));
  const id = await engine.start('many', {}, { actor });
  await engine.settled();
  await clock.advanceBy({ days: 1 });
  await engine.settled();
  const byType = Object.fromEntries((await engine.effects(id)).map((e) => [e.type, e])) as Record<Type, EffectRecord>;
  await engine.close();
  return { byType, errors, failed };
}

describe('createEngine refuses an effects object it cannot use, before anything starts', () => {
  it('a getter that throws is INVALID_ARGUMENT naming effects.<type>, saying what to pass, the getter error kept as cause; nothing is subscribed', () => {
    const boom = new Error('not loaded');
    const { counted, subscribed } = countingClock();
    const effects = { notify: () => {}, get archive(): never { throw boom; } };
    let caught: unknown;
    try {
      createEngine({ store: memoryStore(), clock: counted, workflows: [many], effects });
    } catch (error) {
      caught = error;
    }
    expect(isDocketError(caught, 'INVALID_ARGUMENT')).toBe(true);
    const error = caught as { details: { field: unknown; cause: unknown }; message: string };
    expect(error.details.field).toBe('effects.archive');
    expect(error.details.cause).toBe(boom);
    expect(error.message).toContain('{ archive: async (params, context)');
    expect(subscribed()).toBe(0);
  });

  it('a Proxy whose keys or values cannot be read is INVALID_ARGUMENT, not the trap error', () => {
    const make = (effects: unknown) => () => createEngine({ store: memoryStore(), clock: virtualClock(START), workflows: [many], effects: effects as never });
    const ownKeys = new Proxy({ notify: () => {} }, { ownKeys: () => { throw new Error('trap'); } });
    const get = new Proxy({ notify: () => {} }, { get: () => { throw new Error('trap'); } });
    const proto = new Proxy({ notify: () => {} }, { getPrototypeOf: () => { throw new Error('trap'); } });
    expect(refusal(make(ownKeys))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'effects' });
    expect(refusal(make(get))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'effects.notify' });
    expect(refusal(make(proto))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'effects' });
  });

  it('an inherited handler (Object.create, a class method, a class getter) is refused naming it; own arrow fields of a class are used', async () => {
    class Methods {
      notify(): void {}
    }
    class Getter {
      get notify(): () => void {
        return () => {};
      }
    }
    const make = (effects: unknown) => () => createEngine({ store: memoryStore(), clock: virtualClock(START), workflows: [many], effects: effects as never });
    for (const effects of [Object.create({ notify: () => {} }) as object, new Methods(), new Getter()]) {
      const out = refusal(make(effects));
      expect(out).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'effects.notify' });
      expect((out as { message: string }).message).toContain('inherited');
    }
    const calls: string[] = [];
    class Fields {
      notify = () => void calls.push('notify');
    }
    const { byType } = await run(new Fields());
    expect(byType.notify.status).toBe('delivered');
    expect(calls).toEqual(['notify']);
  });

  it("effects named like Object.prototype's members are never handed to them: dead, saying how to register one", async () => {
    const calls: string[] = [];
    const { byType } = await run({ notify: () => void calls.push('notify') });
    expect(calls).toEqual(['notify']);
    for (const type of ['archive', 'toString', 'valueOf', 'constructor', 'hasOwnProperty'] as const) {
      expect(byType[type]).toMatchObject({ status: 'dead', attempts: 0 });
      expect(byType[type].lastError).toContain(`effects: { ${type}:`);
    }
  });

  it('a handler null-prototype object or a Proxy of a plain object is used', async () => {
    const calls: string[] = [];
    const bare = Object.assign(Object.create(null) as object, { notify: () => void calls.push('bare') });
    expect((await run(bare)).byType.notify.status).toBe('delivered');
    expect((await run(new Proxy({ notify: () => void calls.push('proxy') }, {}))).byType.notify.status).toBe('delivered');
    expect(calls).toEqual(['bare', 'proxy']);
  });
});

describe('a handler lookup that throws at delivery is a counted failed attempt of that effect', () => {
  it('a lazy getter that fails twice then loads: two counted failures, then delivered once; the other effects are untouched', async () => {
    let reads = 0;
    const calls: string[] = [];
    const notify = (_p: unknown, ctx: EffectContext) => void calls.push(`notify#${ctx.attempt}`);
    const effects = {
      archive: () => void calls.push('archive'),
      get notify() {
        reads++;
        // The check in createEngine is the first read; the next two (deliveries) fail.
        if (reads === 2 || reads === 3) throw new Error('module not loaded yet');
        return notify;
      },
    };
    const { byType, errors, failed } = await run(effects, { maxAttempts: 5 });
    expect(byType.notify).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(byType.archive).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(calls.sort()).toEqual(['archive', 'notify#3']);
    expect(failed.filter((e) => e.type === 'notify').map((e) => [e.status, e.attempts, e.lastError])).toEqual([
      ['pending', 1, 'Looking up the handler for effect "notify" failed: module not loaded yet'],
      ['pending', 2, 'Looking up the handler for effect "notify" failed: module not loaded yet'],
    ]);
    expect(errors).toEqual([]);
  });

  it('a Proxy whose get trap starts throwing after createEngine: retried, then dead after maxAttempts; settled() resolves, nothing unhandled', async () => {
    let broken = false;
    const handlers = new Proxy({ notify: () => {}, archive: () => {} } as Record<string, unknown>, {
      get(target, key) {
        if (broken && key === 'notify') throw new Error('registry offline');
        return target[key as string];
      },
    });
    const clock = virtualClock(START);
    const engine = createEngine({ store: memoryStore(), clock, workflows: [many], effects: handlers as never, retry: { maxAttempts: 3, initialDelayMs: 1000 } });
    broken = true;
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const id = await engine.start('many', {}, { actor });
      await engine.settled();
      await clock.advanceBy({ days: 1 });
      await expect(engine.settled()).resolves.toBeUndefined();
      const notify = (await engine.effects(id)).find((e) => e.type === 'notify')!;
      expect(notify).toMatchObject({ status: 'dead', attempts: 3 });
      expect(notify.lastError).toContain('registry offline');
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await engine.close();
    }
  });
});

describe('property: any effects object is refused with a typed error, or every effect is delivered exactly once or dead', () => {
  type Slot =
    | { kind: 'fn'; fails: number }
    | { kind: 'value'; value: unknown }
    | { kind: 'getter'; throwsOnReads: number[]; fails: number }
    | { kind: 'inherited' };
  const slot: fc.Arbitrary<Slot> = fc.oneof(
    fc.record({ kind: fc.constant('fn' as const), fails: fc.integer({ min: 0, max: 4 }) }),
    fc.record({ kind: fc.constant('value' as const), value: fc.constantFrom(undefined, null, 'handler', 1, {}, []) }),
    fc.record({ kind: fc.constant('getter' as const), throwsOnReads: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 4 }), fails: fc.integer({ min: 0, max: 4 }) }),
    fc.record({ kind: fc.constant('inherited' as const) }),
  );

  it('holds for random maps of functions, odd values, getters (throwing on some reads), inherited handlers, in a Proxy or not', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...TYPES), slot, { maxKeys: TYPES.length }), fc.boolean(), fc.integer({ min: 1, max: 4 }), async (spec, proxied, maxAttempts) => {
        const successes = new Map<string, number>();
        const handler = (type: string, fails: number) => (_p: unknown, ctx: EffectContext) => {
          if (ctx.attempt <= fails) throw new Error(`${type} fails`);
          successes.set(ctx.effectId, (successes.get(ctx.effectId) ?? 0) + 1);
        };
        const proto: Record<string, unknown> = {};
        const own: Record<string, unknown> = {};
        for (const [type, s] of Object.entries(spec)) {
          if (s.kind === 'fn') own[type] = handler(type, s.fails);
          else if (s.kind === 'value') own[type] = s.value;
          else if (s.kind === 'inherited') proto[type] = handler(type, 0);
          else {
            let reads = 0;
            const fn = handler(type, s.fails);
            Object.defineProperty(own, type, {
              enumerable: true,
              get: () => {
                reads++;
                if (s.throwsOnReads.includes(reads)) throw new Error(`${type} getter read ${reads}`);
                return fn;
              },
            });
          }
        }
        const target = Object.keys(proto).length > 0 ? Object.assign(Object.create(proto) as object, Object.getOwnPropertyDescriptors(own)) : own;
        Object.defineProperties(target, Object.getOwnPropertyDescriptors(own));
        const effects = proxied ? new Proxy(target, {}) : target;
        const clock = virtualClock(START);
        let engine: ReturnType<typeof createEngine<typeof many>>;
        try {
          engine = createEngine({ store: memoryStore(), clock, workflows: [many], effects: effects as never, retry: { maxAttempts, initialDelayMs: 1000 } });
        } catch (error) {
          expect(isDocketError(error, 'INVALID_ARGUMENT')).toBe(true);
          expect(String((error as { details: { field: unknown } }).details.field)).toMatch(/^effects/);
          return;
        }
        const errors: unknown[] = [];
        engine.on('error', (e) => errors.push(e));
        const id = await engine.start('many', {}, { actor });
        await engine.settled();
        await clock.advanceBy({ days: 1 });
        await engine.settled();
        const found = await engine.effects(id);
        expect(found).toHaveLength(TYPES.length);
        for (const e of found) {
          expect(['delivered', 'dead']).toContain(e.status);
          expect(e.attempts).toBeLessThanOrEqual(maxAttempts);
          expect(successes.get(e.id) ?? 0).toBe(e.status === 'delivered' ? 1 : 0);
          // Only a registered own handler is ever called; everything else is dead saying so.
          if (!Object.hasOwn(spec, e.type)) expect(e).toMatchObject({ status: 'dead', attempts: 0 });
        }
        expect(errors).toEqual([]);
        await engine.close();
      }),
      { numRuns: 120 },
    );
  });
});
