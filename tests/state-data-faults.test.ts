// A step whose machine leaves state that no store can keep (a BigInt, a structure that contains
// itself, nesting past INPUT_LIMITS.contextDepth, a getter or toJSON that throws) is refused with
// INVALID_PAYLOAD naming the path, on every store, and changes nothing.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createEngine, defineWorkflow, INPUT_LIMITS, isDocketError, memoryStore, virtualClock, type Store } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { findStateFault } from '../src/engine/state-fault.js';
import { exactHeight, freezeJsonData } from '../src/engine/freeze-state.js';
import { frozenMark, heightBoundOfMark, sizeOfMark } from '../src/store/frozen-data.js';
import { runInNewContext } from 'node:vm';
import { sqliteFile } from './helpers/sqlite-harness.js';

// The state the next SET leaves in `context.data` (built by the test, so it can hold what no payload can).
let planted: () => unknown = () => null;
// The output the final state gives (reaching `done`).
let plantedOutput: () => unknown = () => undefined;
const machine = setup({ types: {} as { context: { data: unknown }; events: { type: 'SET' } | { type: 'REPLACE' } | { type: 'NEXT' }; input: { bad?: boolean } } }).createMachine({
  id: 'holder',
  context: ({ input }) => ({ data: input.bad ? { big: 1n } : null }),
  initial: 'open',
  output: () => plantedOutput(),
  states: {
    open: { on: { SET: { actions: assign({ data: () => planted() }) }, REPLACE: { actions: assign(() => planted() as { data: unknown }) }, NEXT: 'done' } },
    done: { type: 'final' },
  },
});
const workflow = defineWorkflow({
  id: 'holder',
  version: 1,
  machine,
  input: z.object({ bad: z.boolean().optional() }),
  events: { SET: z.object({}), REPLACE: z.object({}), NEXT: z.object({}) },
});
const actor = { id: 'clerk', roles: ['user'] };

const engines: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});
function engineOn(store: Store) {
  const engine = createEngine({ store, clock: virtualClock(Date.UTC(2026, 10, 30)), workflows: [workflow] });
  engines.push(engine);
  return engine;
}

/** An object nesting `levels` levels (itself level 1) of `{ v: … }`. */
function nest(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { end: 'here' };
  for (let i = 1; i < levels; i++) value = { v: value };
  return value;
}

/** Each fault the issue names, and the path the refusal names for it in `context.data`. */
const FAULTS: Record<string, { make: () => unknown; path: string; says: RegExp }> = {
  'a structure that contains itself': {
    make: () => {
      const node: Record<string, unknown> = { note: 'me' };
      node['self'] = node;
      return node;
    },
    path: 'context.data.self',
    says: /refers back to context\.data/,
  },
  'an array that contains itself, two levels down': {
    make: () => {
      const list: unknown[] = [1];
      list.push({ back: list });
      return list;
    },
    path: 'context.data[1].back',
    says: /refers back to context\.data/,
  },
  'a BigInt': { make: () => ({ amount: 12n }), path: 'context.data.amount', says: /is a BigInt/ },
  'a boxed BigInt': { make: () => ({ amount: Object(12n) as object }), path: 'context.data.amount', says: /is a BigInt/ },
  'a toJSON that gives a BigInt': { make: () => ({ amount: { toJSON: () => 12n } }), path: 'context.data.amount', says: /is a BigInt/ },
  'a getter that throws': {
    make: () => ({
      get broken(): never {
        throw new Error('boom');
      },
    }),
    path: 'context.data.broken',
    says: /could not be read \(a getter threw: boom\)/,
  },
  'a toJSON that throws': {
    make: () => ({
      when: {
        toJSON(): never {
          throw new Error('bad date');
        },
      },
    }),
    path: 'context.data.when',
    says: /toJSON or valueOf threw: bad date/,
  },
  'a toJSON that gives data nested past the limit': {
    make: () => ({ x: { toJSON: () => nest(INPUT_LIMITS.contextDepth) } }),
    path: `context.data.x${'.v'.repeat(INPUT_LIMITS.contextDepth - 2)}`,
    says: /nested more than 1000 levels deep/,
  },
  'a class instance whose members nest past the limit': {
    make: () => {
      class Holder {
        inner = nest(INPUT_LIMITS.contextDepth);
      }
      return new Holder();
    },
    path: `context.data.inner${'.v'.repeat(INPUT_LIMITS.contextDepth - 2)}`,
    says: /nested more than 1000 levels deep/,
  },
  'a boxed number with no prototype (JSON cannot read its value)': {
    make: () => ({ n: Object.setPrototypeOf(new Number(7), null) as object }),
    path: 'context.data.n',
    says: /could not be written as JSON/,
  },
  'a function whose toJSON gives a BigInt (JSON calls a function\'s toJSON)': {
    make: () => ({ f: Object.assign(() => 1, { toJSON: () => 10n }) }),
    path: 'context.data.f',
    says: /is a BigInt/,
  },
  'a function whose toJSON gives data nested past the limit': {
    make: () => ({ f: Object.assign(() => 1, { toJSON: () => nest(INPUT_LIMITS.contextDepth) }) }),
    path: `context.data.f${'.v'.repeat(INPUT_LIMITS.contextDepth - 2)}`,
    says: /nested more than 1000 levels deep/,
  },
  'nesting one level past INPUT_LIMITS.contextDepth': {
    // context is level 1, data level 2: data may nest contextDepth - 1 levels.
    make: () => nest(INPUT_LIMITS.contextDepth),
    path: `context.data${'.v'.repeat(INPUT_LIMITS.contextDepth - 1)}`,
    says: /nested more than 1000 levels deep/,
  },
};

const stores: Record<string, () => Store> = {
  memory: () => memoryStore(),
  sqlite: () => sqliteStore({ filename: ':memory:' }),
};

describe.each(Object.keys(stores))('a step that leaves state no store can keep (%s store)', (storeName) => {
  it.each(Object.keys(FAULTS))('%s: INVALID_PAYLOAD naming its path; nothing changed, and the instance goes on', async (name) => {
    const fault = FAULTS[name]!;
    const engine = engineOn(stores[storeName]!());
    const id = await engine.start('holder', {}, { actor });
    planted = fault.make;
    const error = await engine.send(id, { type: 'SET' }, { actor }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDocketError(error, 'INVALID_PAYLOAD')).toBe(true);
    expect((error as { details: { path: string } }).details.path).toBe(fault.path);
    expect((error as Error).message).toMatch(fault.says);
    expect((error as Error).message).toMatch(/nothing changed/);
    const view = await engine.get(id);
    expect(view.revision).toBe(1);
    expect(view.context).toEqual({ data: null });
    expect((await engine.verify(id)).ok).toBe(true);
    // Nothing was written (a machine's own fault, like MACHINE_ERROR, is not an actor's refusal to audit); the instance still takes a good act.
    expect(await engine.history(id, { includeRefused: true })).toHaveLength(1);
    planted = () => ({ fine: [1, 'two'] });
    expect((await engine.send(id, { type: 'SET' }, { actor })).revision).toBe(2);
    expect((await engine.get(id)).context).toEqual({ data: { fine: [1, 'two'] } });
  });

  it('a context nesting exactly INPUT_LIMITS.contextDepth levels is kept and read back by a second engine; one grown past it act by act is refused at the act that crosses', async () => {
    const store = stores[storeName]!();
    const engine = engineOn(store);
    const id = await engine.start('holder', {}, { actor });
    planted = () => nest(INPUT_LIMITS.contextDepth - 1);
    expect((await engine.send(id, { type: 'SET' }, { actor })).revision).toBe(2);
    expect(await engine.verify(id)).toMatchObject({ ok: true });
    // Another engine on the same store checks the head (the deep context digested from the record) and acts.
    const second = engineOn(store);
    expect((await second.send(id, { type: 'NEXT' }, { actor })).status).toBe('done');
    expect(await second.verify(id)).toMatchObject({ ok: true });
    // Grow by wrapping what is there: the frozen part keeps its height in its mark.
    const grown = await engine.start('holder', {}, { actor });
    let held: unknown = null;
    const codes: string[] = [];
    for (let act = 0; act < 12; act++) {
      const before = held;
      planted = () => {
        let v = before;
        for (let i = 0; i < 100; i++) v = { w: v, pad: 'x'.repeat(70) };
        return v;
      };
      try {
        await engine.send(grown, { type: 'SET' }, { actor });
        held = (await engine.get(grown)).context.data;
        codes.push('ok');
      } catch (error) {
        codes.push((error as { code: string }).code);
        break;
      }
    }
    // context (1) + data: 100 levels per act, the null innermost adds none: 9 acts reach 901, the 10th 1,001.
    expect(codes).toEqual([...Array(9).fill('ok'), 'INVALID_PAYLOAD']);
    expect((await engine.get(grown)).revision).toBe(10);
  });

  it('a toJSON that gives a string with U+0000 is refused by the store rules as JSON writes it (INVALID_PAYLOAD naming the path); nothing changed', async () => {
    const engine = engineOn(stores[storeName]!());
    const id = await engine.start('holder', {}, { actor });
    planted = () => ({ note: { toJSON: () => 'a\u0000b' } });
    const error = await engine.send(id, { type: 'SET' }, { actor }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDocketError(error, 'INVALID_PAYLOAD')).toBe(true);
    expect((error as { details: { path: string } }).details.path).toMatch(/context\.data\.note$/);
    expect((error as Error).message).toMatch(/U\+0000/);
    expect((await engine.get(id)).revision).toBe(1);
  });

  it('a context with a toJSON of its own (read two ways: alone and inside the record) is INVALID_PAYLOAD at path "context"; nothing changed', async () => {
    const engine = engineOn(stores[storeName]!());
    const id = await engine.start('holder', {}, { actor });
    planted = () => ({ data: 1, toJSON: (key: string) => (key === '' ? {} : { big: 10n }) });
    const error = await engine.send(id, { type: 'REPLACE' }, { actor }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDocketError(error, 'INVALID_PAYLOAD')).toBe(true);
    expect((error as { details: { path: string } }).details.path).toBe('context');
    expect((error as Error).message).toMatch(/put the toJSON on one of its members/);
    expect((await engine.get(id)).revision).toBe(1);
  });

  it.each([
    ['getPrototypeOf', { getPrototypeOf: () => { throw new Error('trap'); } }],
    ['preventExtensions', { preventExtensions: () => { throw new Error('trap'); } }],
  ])('a Proxy whose %s trap throws is INVALID_PAYLOAD saying the context could not be read; nothing changed', async (_trap, handler) => {
    const engine = engineOn(stores[storeName]!());
    const id = await engine.start('holder', {}, { actor });
    planted = () => ({ held: new Proxy({ a: 1 }, handler as ProxyHandler<object>) });
    const error = await engine.send(id, { type: 'SET' }, { actor }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDocketError(error, 'INVALID_PAYLOAD')).toBe(true);
    expect((error as Error).message).toMatch(/could not be read or written as JSON \(trap\)/);
    expect((await engine.get(id)).revision).toBe(1);
  });

  it('a context sharing frozen parts is measured as a store writes it: JSON up to INPUT_LIMITS.contextSize is kept, one level of doubling more is INVALID_PAYLOAD; nothing changed', async () => {
    const engine = engineOn(stores[storeName]!());
    /** `{ a: x, b: x }` nested `levels` times around one small leaf: tiny in memory, 2^levels leaves in JSON. */
    const doubling = (levels: number): unknown => {
      let x: unknown = { leaf: 'abcdefgh' };
      for (let i = 0; i < levels; i++) x = { a: x, b: x };
      return x;
    };
    const kept = await engine.start('holder', {}, { actor });
    planted = () => doubling(18);
    expect((await engine.send(kept, { type: 'SET' }, { actor })).revision).toBe(2);
    const size = JSON.stringify((await engine.get(kept)).context).length;
    expect(size).toBeLessThanOrEqual(INPUT_LIMITS.contextSize);
    expect(size * 2).toBeGreaterThan(INPUT_LIMITS.contextSize);
    const refused = await engine.start('holder', {}, { actor });
    planted = () => doubling(26);
    const error = await engine.send(refused, { type: 'SET' }, { actor }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDocketError(error, 'INVALID_PAYLOAD')).toBe(true);
    expect((error as Error).message).toMatch(/the state is too large: a part of its JSON would be longer than 8,388,608 characters/);
    expect((await engine.get(refused)).revision).toBe(1);
  });

  it.each([
    ['a long string beside a Date (a part that is not all JSON data)', () => ({ when: new Date(0), note: 'x'.repeat(INPUT_LIMITS.contextSize) })],
    ['shared frozen parts under an object that also holds a Date', () => {
      let x: unknown = { leaf: 'abcdefgh' };
      for (let i = 0; i < 17; i++) x = { a: x, b: x };
      return { when: new Date(0), k0: x, k1: x, k2: x, k3: x };
    }],
    ['a toJSON that gives more text than the limit', () => ({ big: { toJSON: () => 'y'.repeat(INPUT_LIMITS.contextSize + 1) } })],
    ['an array of 2,000,000 holes beside a Date (each written as null)', () => ({ list: [new Date(0), ...new Array<undefined>(2_000_000)] })],
    ['quotes that JSON escapes, beside a Date', () => ({ when: new Date(0), s: '"'.repeat(5_000_000) })],
    ['a toJSON giving an array of 110,000,000 holes (refused before it is walked)', () => ({ huge: { toJSON: () => new Array(110_000_000) } })],
    ['an object with a toJSON(key) met under three keys, each giving its own text', () => {
      const shared = { toJSON: (key: string) => (key === 'c' ? 1 : 'x'.repeat(5_000_000)) };
      return { a: shared, b: shared, c: shared };
    }],
    ['a shared part holding a Date, doubled 30 times (no mark stops the walk)', () => {
      let x: unknown = { when: new Date(0) };
      for (let i = 0; i < 30; i++) x = { a: x, b: x };
      return x;
    }],
  ])('the limit holds for a context that is not all JSON data: %s is INVALID_PAYLOAD (too large); nothing changed', async (_name, make) => {
    const engine = engineOn(stores[storeName]!());
    const id = await engine.start('holder', {}, { actor });
    planted = make;
    const error = await engine.send(id, { type: 'SET' }, { actor }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDocketError(error, 'INVALID_PAYLOAD')).toBe(true);
    expect((error as Error).message).toMatch(/longer than 8,388,608 characters/);
    expect((await engine.get(id)).revision).toBe(1);
  }, 60_000);

  it.each([
    ['a BigInt', () => ({ total: 12n }), /output\.total is a BigInt/],
    ['shared parts past INPUT_LIMITS.contextSize', () => {
      let x: unknown = { leaf: 'abcdefgh' };
      for (let i = 0; i < 20; i++) x = { a: x, b: x };
      return x;
    }, /too large/],
    ['an array of 3,000,000 holes', () => new Array(3_000_000), /too large/],
    ['a toJSON giving a BigInt under the key stores write it with ("output")', () => ({ toJSON: (key: string) => (key === '' ? 1 : 5n) }), /output is a BigInt/],
    ['a toJSON giving more than the limit under "output"', () => ({ toJSON: (key: string) => (key === '' ? 1 : 'x'.repeat(9_000_000)) }), /longer than 8,388,608 characters/],
    ['a shared part doubled 30 times', () => {
      let x: unknown = { s: 'abc' };
      for (let i = 0; i < 30; i++) x = { a: x, b: x };
      return x;
    }, /longer than 8,388,608 characters|too large/],
  ])('a final state whose output holds %s is INVALID_PAYLOAD; the instance stays where it was', async (_name, make, says) => {
    const engine = engineOn(stores[storeName]!());
    const id = await engine.start('holder', {}, { actor });
    plantedOutput = make;
    try {
      const error = await engine.send(id, { type: 'NEXT' }, { actor }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isDocketError(error, 'INVALID_PAYLOAD')).toBe(true);
      expect((error as Error).message).toMatch(says);
      expect(await engine.get(id)).toMatchObject({ revision: 1, status: 'active' });
    } finally {
      plantedOutput = () => undefined;
    }
  }, 60_000);

  it('an output whose JSON is exactly INPUT_LIMITS.contextSize long, with members JSON leaves out, is kept', async () => {
    const engine = engineOn(stores[storeName]!());
    const id = await engine.start('holder', {}, { actor });
    const base = JSON.stringify({ u: undefined, f: () => 1, pad: '' }).length;
    plantedOutput = () => ({ u: undefined, f: () => 1, pad: 'p'.repeat(INPUT_LIMITS.contextSize - base) });
    try {
      expect((await engine.send(id, { type: 'NEXT' }, { actor })).status).toBe('done');
    } finally {
      plantedOutput = () => undefined;
    }
  });

  it('a start whose initial context holds a BigInt is refused with INVALID_PAYLOAD and creates nothing', async () => {
    const engine = engineOn(stores[storeName]!());
    const error = await engine.start('holder', { bad: true }, { actor, id: 'never' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isDocketError(error, 'INVALID_PAYLOAD')).toBe(true);
    expect((error as { details: { path: string } }).details.path).toBe('context.data.big');
    expect(await engine.list()).toMatchObject({ items: [] });
  });
});

describe('state that JSON writes differently from its members is kept as JSON writes it, and read back by another engine', () => {
  /** What each context holds, and what JSON (every store) keeps of it. */
  const KEPT: Record<string, { make: () => unknown; json: unknown }> = {
    'a toJSON whose object also holds a BigInt': { make: () => ({ x: { toJSON: () => 'ok', secret: 1n } }), json: { x: 'ok' } },
    'a toJSON whose object contains itself': {
      make: () => {
        const node: Record<string, unknown> = { toJSON: () => 1 };
        node['self'] = node;
        return { node };
      },
      json: { node: 1 },
    },
    'a toJSON beside a getter that throws': {
      make: () => ({
        toJSON: () => ({ fine: true }),
        get broken(): never {
          throw new Error('never read');
        },
      }),
      json: { fine: true },
    },
    'a boxed Boolean with no prototype': { make: () => ({ flag: Object.setPrototypeOf(new Boolean(true), null) as object }), json: { flag: true } },
    'a Number made in another realm': { make: () => ({ n: runInNewContext('new Number(7)') as object }), json: { n: 7 } },
    'an object with Number.prototype and no number': { make: () => ({ n: Object.create(Number.prototype) as object }), json: { n: {} } },
    'a function with a toJSON, and one without': { make: () => ({ f: Object.assign(() => 1, { toJSON: () => 'x' }), g: () => 2 }), json: { f: 'x' } },
    'a class with a static toJSON': {
      make: () => {
        class Rate {
          static toJSON(): unknown {
            return { per: 'day' };
          }
        }
        return { Rate };
      },
      json: { Rate: { per: 'day' } },
    },
  };

  it.each(Object.keys(KEPT))('%s: kept on SQLite, read back as JSON writes it; another engine verifies it and acts', async (name) => {
    const { filename, remove } = sqliteFile(`state-kept-${name}`);
    remove();
    try {
      const first = engineOn(sqliteStore({ filename }));
      const id = await first.start('holder', {}, { actor });
      planted = KEPT[name]!.make;
      expect((await first.send(id, { type: 'SET' }, { actor })).revision).toBe(2);
      const second = engineOn(sqliteStore({ filename }));
      expect((await second.get(id)).context).toEqual({ data: KEPT[name]!.json });
      expect(await second.verify(id)).toMatchObject({ ok: true, problems: [] });
      expect((await second.send(id, { type: 'NEXT' }, { actor })).status).toBe('done');
    } finally {
      for (const e of engines.splice(0)) await e.close();
      remove();
    }
  });
});

describe('frozen marks: height bound and JSON size (property)', () => {
  it('a frozen node carries a height bound at most 31 above its height, and exactly the length of its JSON text, shared parts counted each time (fast-check, 300 runs)', () => {
    const tree = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.oneof(fc.string({ maxLength: 80 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
        fc.array(tie('node'), { maxLength: 5 }),
        fc.dictionary(fc.string({ maxLength: 6 }), tie('node'), { maxKeys: 5 }),
      ),
    })).node;
    fc.assert(
      fc.property(tree, fc.nat({ max: 3 }), (data, share) => {
        // Share the generated part a few times, as a machine's assign may.
        let value: Record<string, unknown> = { data };
        for (let i = 0; i < share; i++) value = { left: value, right: value };
        const copy = structuredClone(value);
        freezeJsonData(value);
        const mark = frozenMark(value)!;
        expect(sizeOfMark(mark)).toBe(JSON.stringify(copy).length);
        const height = exactHeight(copy, Infinity);
        expect(heightBoundOfMark(mark)).toBeGreaterThanOrEqual(height);
        expect(heightBoundOfMark(mark) - height).toBeLessThanOrEqual(31);
      }),
      { numRuns: 300 },
    );
  });
});

/** How the refusal writes a path segment (as the stores' string check does). */
const segment = (key: string | number) => (typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

describe('state faults: the kind (property)', () => {
  it('a fault of any kind placed anywhere in a random context is refused naming exactly where it is; the same context without it is kept (fast-check, 60 runs)', async () => {
    const key = fc.oneof(fc.constantFrom('a', 'items', 'note', 'x-y', '审批', '0', '__proto__x'), fc.string({ minLength: 1, maxLength: 6 }));
    const kinds = ['a BigInt', 'a structure that contains itself', 'a getter that throws', 'a toJSON that throws'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(key, fc.nat({ max: 3 })), { maxLength: 4 }),
        fc.constantFrom(...kinds),
        fc.jsonValue({ maxDepth: 2 }),
        async (where, kind, sibling) => {
          const engine = engineOn(memoryStore());
          const id = await engine.start('holder', {}, { actor });
          // Build `data` along `where` (a number makes an array), with a random sibling at each level.
          const build = (faulty: boolean): unknown => {
            let node: unknown = faulty ? FAULTS[kind]!.make() : { ok: true };
            for (let i = where.length - 1; i >= 0; i--) {
              const at = where[i]!;
              if (typeof at === 'number') {
                const list: unknown[] = Array.from({ length: at + 1 }, () => sibling);
                list[at] = node;
                node = list;
              } else node = Object.assign(Object.create(null) as object, { sibling, [at]: node });
            }
            return node;
          };
          const base = 'context.data' + where.map(segment).join('');
          const expected = FAULTS[kind]!.path.replace('context.data', () => base);
          planted = () => build(true);
          const error = await engine.send(id, { type: 'SET' }, { actor }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(isDocketError(error, 'INVALID_PAYLOAD')).toBe(true);
          expect((error as { details: { path: string } }).details.path).toBe(expected);
          expect((await engine.get(id)).revision).toBe(1);
          planted = () => build(false);
          expect((await engine.send(id, { type: 'SET' }, { actor })).revision).toBe(2);
          expect((await engine.verify(id)).ok).toBe(true);
          await engine.close();
          engines.splice(engines.indexOf(engine), 1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('the size limit is exact for any context: kept exactly when JSON.stringify writes at most INPUT_LIMITS.contextSize characters (Dates, toJSON, class instances, functions, holes, undefined; fast-check, 60 runs)', async () => {
    class Holder {
      a: unknown = undefined;
      b = 'q"uote';
    }
    const leaf: fc.Arbitrary<() => unknown> = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }).map((v) => () => v),
      fc.integer({ min: 0, max: 4e12 }).map((ms) => () => new Date(ms)),
      fc.constant(() => ({ toJSON: (key: string) => ({ at: key, gone: undefined }) })),
      fc.constant(() => ({ toJSON: () => ({ toJSON: () => 'x' }) })),
      fc.constant(() => ({ toJSON: () => undefined })),
      fc.constant(() => new Holder()),
      fc.constant(() => Object.assign(() => 1, { toJSON: () => [1, undefined, 'é\n'] })),
      fc.constant(() => () => 1),
      fc.constant(() => undefined),
      fc.nat({ max: 5 }).map((n) => () => new Array(n)),
      fc.double().map((d) => () => d),
    );
    const core = fc.array(leaf, { maxLength: 5 }).map((makers) => () => ({ list: makers.map((m) => m()), one: makers[0]?.() }));
    const engine = engineOn(memoryStore());
    await fc.assert(
      fc.asyncProperty(core, fc.boolean(), async (make, over) => {
        const probe = { data: { core: make(), pad: '' } };
        const base = JSON.stringify(probe).length;
        const pad = INPUT_LIMITS.contextSize - base + (over ? 1 : 0);
        const id = await engine.start('holder', {}, { actor });
        planted = () => ({ core: make(), pad: 'p'.repeat(pad) });
        const kept = await engine.send(id, { type: 'SET' }, { actor }).then(
          () => true,
          (e: unknown) => {
            expect(isDocketError(e, 'INVALID_PAYLOAD')).toBe(true);
            return false;
          },
        );
        expect(kept).toBe(!over);
      }),
      { numRuns: 60 },
    );
  });

  it('findStateFault finds nothing in what JSON.parse gives back (fast-check, 300 runs)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(findStateFault(value, 'context')).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
