// Issue 12: fuzz the engine's public boundary with hostile values (Object.prototype keys, BigInt,
// cycles, deep nesting, throwing getters, Proxies, boxed primitives, non-string and huge ids, bad
// actors, odd event types) on the memory and SQLite stores. Every rejection must be a DocketError and
// must store nothing: no instance created, and each instance's revision, state, context, flags and
// history length as they were. 6,000 inputs on memory + 4,000 on SQLite = 10,000 in CI.
import fc from 'fast-check';
import { setup, assign } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, isDocketError, memoryStore, virtualClock, type Engine, type Store } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const MEMORY_RUNS = 6_000;
const SQLITE_RUNS = 4_000;

const anyWorkflow = defineWorkflow({
  id: 'any',
  version: 1,
  machine: setup({ types: {} as { context: { items: unknown[] }; input: { data?: unknown } } }).createMachine({
    context: () => ({ items: [] }),
    initial: 'open',
    states: { open: { on: { NOTE: { actions: assign({ items: ({ context, event }) => [...context.items.slice(-3), (event as unknown as { data: unknown }).data] }) } } } },
  }),
  input: z.object({ data: z.any().optional() }),
  events: { NOTE: z.object({ data: z.any() }) },
});

// Hostile values, built fresh per use (a cycle or Proxy must not be shared between runs by accident).
const HUGE = 'h'.repeat(1 << 20);
const deep = (levels: number): unknown => {
  let value: unknown = 0;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};
const cyclic = () => {
  const o: Record<string, unknown> = { a: [1] };
  (o['a'] as unknown[]).push(o);
  return o;
};
const throwing = () => Object.defineProperty({ ok: 1 }, 'bad', { get: () => { throw new Error('getter'); }, enumerable: true });
const weird = fc.constantFrom(
  () => 10n,
  cyclic,
  () => deep(20_000),
  () => deep(65),
  throwing,
  () => new Proxy({ a: 1 }, {}),
  () => new Proxy([], { get: () => { throw new Error('trap'); } }),
  () => new Number(5),
  () => new String('s'),
  () => new Boolean(true),
  () => new Date(0),
  () => new Map(),
  () => new Set([1]),
  () => new Uint8Array(2),
  () => Number.NaN,
  () => -Infinity,
  () => -0,
  () => undefined,
  () => Symbol('s'),
  () => () => 1,
  () => 'nul\u0000',
  () => 'lone\udc00',
  () => HUGE,
  () => [1, , 2],
  () => JSON.parse('{"__proto__": {"admin": true}}') as unknown,
  () => Object.create(null) as unknown,
  () => ({ constructor: 1, toString: 'x', valueOf: null }),
  () => ({ toJSON: () => 'sneaky' }),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: weird.map((make) => make()) },
  { weight: 2, arbitrary: fc.anything({ withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true, maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const LIVE = 'fuzz-live';
const SECOND = 'fuzz-second';
const idArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(LIVE, SECOND) },
  { weight: 2, arbitrary: fc.constantFrom('', '__proto__', 'constructor', 'toString', 12, 12.5, null, undefined, HUGE, 'i'.repeat(257), 'a\u0000b', '\ud800', {}, ['x'], true) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: hostileValue },
);
const roleArb = fc.constantFrom('staff', 'manager', 'admin', 'guest');
const actorArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ id: fc.constantFrom('li', 'wang', 'root'), roles: fc.subarray(['staff', 'manager', 'admin']) }) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.record({ id: idArb, roles: fc.oneof(fc.constantFrom('admin', 'not-admin', null, [5], [''], ['admin', {}]), fc.array(roleArb, { minLength: 65, maxLength: 70 })) }),
      fc.record({ id: idArb, roles: fc.array(roleArb, { maxLength: 3 }) }),
      fc.record({ id: fc.constant('li'), roles: fc.constant(['staff']), name: hostileValue }),
      fc.constantFrom(null, undefined, 'admin', ['admin'], { id: 'li' }, { roles: ['admin'] }),
      fc.constant(null).map(() => new Proxy({ id: 'root', roles: ['admin'] }, {})),
      fc.constant(null).map(() => Object.defineProperty({ id: 'root' }, 'roles', { get: () => { throw new Error('roles'); }, enumerable: true })),
    ),
  },
);
const typeArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('SUBMIT', 'APPROVE', 'REJECT', 'WITHDRAW', 'NOTE') },
  { weight: 3, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', '', 'docket.timer.x', 'docket.admin.moveTo', 'xstate.init', HUGE, 'a\u0000') },
  { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom(5, null, undefined, {}, ['SUBMIT'])) },
);
const eventArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ type: typeArb, data: hostileValue }, { requiredKeys: ['type'] }) },
  { weight: 3, arbitrary: fc.record({ type: typeArb, comment: hostileValue, extra: hostileValue }, { requiredKeys: ['type'] }) },
  { weight: 1, arbitrary: hostileValue },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      () => new Proxy({ type: 'SUBMIT' }, {}),
      () => Object.defineProperty({}, 'type', { get: () => 'SUBMIT', enumerable: true }),
      () => Object.assign(Object.create({ type: 'SUBMIT' }) as object, { data: 1 }),
      () => JSON.parse('{"type": "NOTE", "data": 1, "__proto__": {"type": "APPROVE"}}') as unknown,
    ).map((make) => make()),
  },
);
const keyArb: fc.Arbitrary<unknown> = fc.oneof(fc.constant(undefined), fc.constantFrom('k1', 'k2'), fc.constantFrom('', HUGE, 7, null, {}, 'k\u0000'));
const textArb: fc.Arbitrary<unknown> = fc.oneof(fc.constantFrom('reason', 'reviewing', 'draft', 'escalated', '', '  ', 'nowhere', HUGE, 'r\u0000'), hostileValue);

type Op =
  | { op: 'start'; workflow: unknown; input: unknown; actor: unknown; id: unknown }
  | { op: 'send'; id: unknown; event: unknown; actor: unknown; key: unknown }
  | { op: 'sendMany'; acts: unknown; actor: unknown }
  | { op: 'suspend' | 'resume' | 'terminate'; id: unknown; actor: unknown; reason: unknown }
  | { op: 'moveTo'; id: unknown; actor: unknown; reason: unknown; target: unknown }
  | { op: 'get' | 'history' | 'verify' | 'effects'; id: unknown };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant('start' as const), workflow: fc.oneof(fc.constantFrom('review', 'any'), idArb), input: fc.oneof(fc.record({ title: hostileValue }), fc.record({ data: hostileValue }), hostileValue), actor: actorArb, id: fc.oneof(fc.constant(undefined), idArb) }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('send' as const), id: idArb, event: eventArb, actor: actorArb, key: keyArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('sendMany' as const),
      acts: fc.oneof(fc.array(fc.oneof(fc.record({ instanceId: idArb, event: eventArb, idempotencyKey: keyArb }, { requiredKeys: ['instanceId', 'event'] }), hostileValue), { maxLength: 3 }), hostileValue),
      actor: actorArb,
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('suspend' as const, 'resume' as const, 'terminate' as const), id: idArb, actor: actorArb, reason: textArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('moveTo' as const), id: idArb, actor: actorArb, reason: textArb, target: textArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'history' as const, 'verify' as const, 'effects' as const), id: idArb }) },
);

function call(engine: Engine, o: Op): Promise<unknown> {
  const e = engine as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  switch (o.op) {
    case 'start':
      return e['start']!(o.workflow, o.input, { actor: o.actor, ...(o.id === undefined ? {} : { id: o.id }) });
    case 'send':
      return e['send']!(o.id, o.event, { actor: o.actor, ...(o.key === undefined ? {} : { idempotencyKey: o.key }) });
    case 'sendMany':
      return e['sendMany']!(o.acts, { actor: o.actor });
    case 'moveTo':
      return e['moveTo']!(o.id, { actor: o.actor, reason: o.reason, target: o.target });
    case 'suspend':
    case 'resume':
    case 'terminate':
      return e[o.op]!(o.id, { actor: o.actor, reason: o.reason });
    default:
      return e[o.op]!(o.id);
  }
}

/**
 * Everything a rejected call must leave as it was: the set of instances, and the full record and
 * history length of the two instances the fuzzer aims at (and of the one it named, if it exists).
 */
async function footprint(engine: Engine, store: Store, named?: unknown) {
  const ids = (await engine.list({ limit: 1000 })).items.map((v) => v.id).sort();
  const instances = [];
  for (const id of new Set([LIVE, SECOND, ...(typeof named === 'string' && ids.includes(named) ? [named] : [])])) {
    const r = await store.load(id);
    instances.push({ id, revision: r?.revision, state: r?.state, context: r?.context, status: r?.status, suspended: r?.suspended, history: (await store.history(id)).length });
  }
  return { ids, instances };
}

async function fuzz(store: Store, runs: number, seed?: number) {
  const engine = createEngine({ store, clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [reviewWorkflow, anyWorkflow] });
  await engine.start('review', { title: 'fuzz' }, { actor: { id: 'li', roles: ['staff'] }, id: LIVE });
  await engine.start('any', {}, { actor: { id: 'li', roles: ['staff'] }, id: SECOND });
  let rejected = 0;
  let accepted = 0;
  const codes = new Map<string, number>();
  await fc.assert(
    fc.asyncProperty(opArb, async (o) => {
      const named = 'id' in o ? o.id : undefined;
      const before = await footprint(engine, store, named);
      let error: unknown;
      let ok = false;
      try {
        const result = await call(engine, o);
        ok = true;
        // sendMany resolves with per-act results: each refusal in it must be a DocketError too.
        if (o.op === 'sendMany') for (const r of result as { ok: boolean; error?: unknown }[]) if (!r.ok) expect(isDocketError(r.error)).toBe(true);
      } catch (e) {
        error = e;
      }
      const after = await footprint(engine, store, named);
      if (ok) {
        accepted++;
      } else {
        rejected++;
        expect(isDocketError(error), `raw error from ${o.op}: ${String(error)}`).toBe(true);
        const code = (error as { code: string }).code;
        codes.set(code, (codes.get(code) ?? 0) + 1);
        expect(after).toEqual(before);
      }
    }),
    { numRuns: runs, ...(seed === undefined ? {} : { seed }) },
  );
  // Whatever was accepted left a chain that verifies.
  for (const id of (await footprint(engine, store)).ids) expect((await engine.verify(id)).ok, `verify ${id}`).toBe(true);
  await engine.close();
  return { rejected, accepted, codes };
}

describe('fuzzed hostile input at the engine boundary (property)', () => {
  it(`memory store: ${MEMORY_RUNS} hostile calls, every rejection a DocketError that stores nothing`, async () => {
    const { rejected, accepted, codes } = await fuzz(memoryStore(), MEMORY_RUNS);
    expect(rejected + accepted).toBe(MEMORY_RUNS);
    // The generators are hostile by design: most calls must be refused, and with the codes meant for them.
    expect(rejected).toBeGreaterThan(MEMORY_RUNS / 2);
    for (const code of ['INVALID_ARGUMENT', 'INVALID_PAYLOAD', 'UNKNOWN_EVENT', 'FORBIDDEN']) expect(codes.get(code) ?? 0, code).toBeGreaterThan(0);
  }, 120_000);

  it(`SQLite store: ${SQLITE_RUNS} hostile calls, every rejection a DocketError that stores nothing`, async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    remove();
    const store = sqliteStore({ filename, durability: 'normal' });
    try {
      const { rejected, accepted, codes } = await fuzz(store, SQLITE_RUNS);
      expect(rejected + accepted).toBe(SQLITE_RUNS);
      expect(rejected).toBeGreaterThan(SQLITE_RUNS / 2);
      for (const code of ['INVALID_ARGUMENT', 'INVALID_PAYLOAD', 'UNKNOWN_EVENT']) expect(codes.get(code) ?? 0, code).toBeGreaterThan(0);
    } finally {
      await store.close();
      remove();
    }
  }, 120_000);
});
