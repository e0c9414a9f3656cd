// Issue 12, "Authorization" and "Bad input gets a typed error that changes nothing": one test per
// case, each asserting the code, that nothing was stored, and (where an instance exists) the refusal.
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createEngine,
  defineWorkflow,
  INPUT_LIMITS,
  isDocketError,
  memoryStore,
  reassignTasks,
  virtualClock,
  type Engine,
  type Store,
} from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { admin, manager, reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const START = '2026-11-02T09:00:00+08:00';

/** A workflow whose `NOTE` event and start input take anything (`z.any()`), and whose `constructor` event has no permission entry. */
const notesWorkflow = defineWorkflow({
  id: 'notes',
  version: 1,
  machine: setup({ types: {} as { context: { items: unknown[] }; input: { data?: unknown } } }).createMachine({
    context: ({ input }) => ({ items: input.data === undefined ? [] : [input.data] }),
    initial: 'open',
    states: {
      open: {
        on: {
          NOTE: { actions: assign({ items: ({ context, event }) => [...context.items, (event as unknown as { data: unknown }).data] }) },
          // A key named like an Object.prototype member confuses TypeScript's literal typing, not XState.
          constructor: { actions: assign({ items: ({ context }: { context: { items: unknown[] } }) => [...context.items, 'constructed'] }) as never },
          CLOSE: 'closed',
        },
      },
      closed: { type: 'final' },
    },
  }),
  input: z.object({ data: z.any().optional() }),
  events: { NOTE: z.object({ data: z.any() }), constructor: z.object({}), CLOSE: z.object({}) },
  permissions: { CLOSE: ['owner'] } as Partial<Record<string, readonly string[]>>,
});

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const clean of cleanups.splice(0)) clean();
});

function setupEngine(store: Store = memoryStore()) {
  const clock = virtualClock(START);
  const engine = createEngine({ store, clock, workflows: [reviewWorkflow, notesWorkflow] });
  return { engine, store, clock };
}

async function sqliteEngine(name: string) {
  const { filename, remove } = sqliteFile(`input-validation-${name}`);
  remove();
  const store = sqliteStore({ filename, durability: 'normal' });
  const made = setupEngine(store);
  cleanups.push(remove);
  return made;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isDocketError(error) ? error.code : `raw ${String(error)}`;
  }
}

/** What a refusal must leave as it was: revision, state, context, history and the list of instances. */
async function footprint(engine: Engine, store: Store, id: string) {
  const record = await store.load(id);
  return {
    revision: record?.revision,
    state: record?.state,
    context: record?.context,
    suspended: record?.suspended,
    status: record?.status,
    history: (await store.history(id)).length,
    instances: (await engine.list({})).items.length,
  };
}

const HUGE = 'x'.repeat(1 << 20);

describe('authorization: the actor has the right shape everywhere one is accepted', () => {
  it.each(['suspend', 'resume', 'terminate', 'moveTo'] as const)('%s refuses roles given as a string ("not-admin", and even "admin") with INVALID_ARGUMENT and changes nothing', async (op) => {
    const { engine, store } = setupEngine();
    const id = await engine.start('review', { title: 't' }, { actor: staff });
    if (op === 'resume') await engine.suspend(id, { actor: admin, reason: 'to resume later' });
    const before = await footprint(engine, store, id);
    for (const roles of ['not-admin', 'admin']) {
      const actor = { id: 'mallory', roles } as never;
      const call =
        op === 'moveTo' ? engine.moveTo(id, { actor, target: 'reviewing', reason: 'r' }) : engine[op](id, { actor, reason: 'r' });
      await expect(call).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { instanceId: id } });
    }
    expect(await footprint(engine, store, id)).toEqual(before);
    // An actor that cannot be named is not recorded as a refusal either (nothing to attribute it to).
    expect(await store.refusals(id)).toEqual([]);
  });

  it('a refused admin act records the actor roles as the array given, not as single characters', async () => {
    const { engine, store } = setupEngine();
    const id = await engine.start('review', { title: 't' }, { actor: staff });
    await expect(engine.suspend(id, { actor: { id: 'wang', roles: ['not-admin'] }, reason: 'r' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const refusals = await store.refusals(id);
    expect(refusals.map((r) => r.actor)).toEqual([{ id: 'wang', roles: ['not-admin'] }]);
  });

  const badActors: [string, unknown][] = [
    ['missing', undefined],
    ['null', null],
    ['a string', 'admin'],
    ['roles as a string', { id: 'li', roles: 'staff' }],
    ['no roles', { id: 'li' }],
    ['a role that is not a string', { id: 'li', roles: ['staff', 5] }],
    ['an empty role', { id: 'li', roles: [''] }],
    ['too many roles', { id: 'li', roles: Array.from({ length: INPUT_LIMITS.roles + 1 }, (_, i) => `r${i}`) }],
    ['an empty id', { id: '', roles: ['staff'] }],
    ['a number id', { id: 12, roles: ['staff'] }],
    ['a 1 MB id', { id: HUGE, roles: ['staff'] }],
    ['a Proxy', new Proxy({ id: 'li', roles: ['staff'] }, {})],
    ['an id getter that throws', Object.defineProperty({ roles: ['staff'] }, 'id', { get: () => { throw new Error('boom'); }, enumerable: true })],
    ['a name that is not a string', { id: 'li', roles: ['staff'], name: 5 }],
  ];

  it.each(badActors)('start, send, sendMany and reassignTasks refuse an actor that is %s with INVALID_ARGUMENT, storing nothing', async (_label, actor) => {
    const { engine, store } = setupEngine();
    const id = await engine.start('review', { title: 't' }, { actor: staff });
    const before = await footprint(engine, store, id);
    expect(await codeOf(engine.start('review', { title: 'x' }, { actor: actor as never }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(engine.send(id, { type: 'SUBMIT' }, { actor: actor as never }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(engine.sendMany([{ instanceId: id, event: { type: 'SUBMIT' } }], { actor: actor as never }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(reassignTasks(engine, { from: 'wang', to: 'zhao', actor: actor as never, reason: 'left' }))).toBe('INVALID_ARGUMENT');
    expect(await footprint(engine, store, id)).toEqual(before);
    expect(await store.refusals(id)).toEqual([]);
  });

  it('accepts an actor at the limits: a 256-character id and 64 roles', async () => {
    const { engine } = setupEngine();
    const actor = { id: 'a'.repeat(INPUT_LIMITS.idLength), roles: ['staff', ...Array.from({ length: INPUT_LIMITS.roles - 1 }, (_, i) => `r${i}`)] };
    const id = await engine.start('review', { title: 't' }, { actor });
    expect((await engine.send(id, { type: 'SUBMIT' }, { actor })).state).toBe('reviewing');
    expect((await engine.history(id)).at(-1)?.actor.id).toBe(actor.id);
  });
});

describe('event types named like Object.prototype members', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])('"%s" is UNKNOWN_EVENT with a refusal recorded, and changes nothing', async (type) => {
    const { engine, store } = setupEngine();
    const id = await engine.start('review', { title: 't' }, { actor: staff });
    const before = await footprint(engine, store, id);
    await expect(engine.send(id, { type } as never, { actor: staff })).rejects.toMatchObject({ code: 'UNKNOWN_EVENT', details: { event: type } });
    expect(await footprint(engine, store, id)).toEqual(before);
    const refusals = await store.refusals(id);
    expect(refusals.map((r) => [r.code, r.event.type, r.revision])).toEqual([['UNKNOWN_EVENT', type, 1]]);
  });

  it('a declared event named "constructor" without a permission entry is open to every actor (own-property permission lookup)', async () => {
    const { engine } = setupEngine();
    const id = await engine.start('notes', {}, { actor: staff });
    const view = await engine.send(id, { type: 'constructor' } as never, { actor: { id: 'eve', roles: [] } });
    expect(view.context).toEqual({ items: ['constructed'] });
    expect(view.revision).toBe(2);
  });
});

describe('payloads are JSON values, refused with INVALID_PAYLOAD before anything is hashed or stored', () => {
  const cyclic = () => {
    const o: Record<string, unknown> = { a: 1 };
    o['self'] = o;
    return o;
  };
  const deep = (levels: number) => {
    let value: unknown = 'bottom';
    for (let i = 0; i < levels; i++) value = { next: value };
    return value;
  };
  const hostile: [string, () => unknown, string][] = [
    ['a BigInt', () => 10n, 'data'],
    ['a cycle', cyclic, 'data'],
    ['20,000-deep nesting', () => deep(20_000), 'data'],
    ['a throwing getter', () => Object.defineProperty({}, 'x', { get: () => { throw new Error('gotcha'); }, enumerable: true }), 'data.x'],
    ['a Proxy', () => new Proxy({ a: 1 }, {}), 'data'],
    ['a boxed number (new Number(5))', () => new Number(5), 'data'],
    ['a boxed string', () => new String('s'), 'data'],
    ['a boxed boolean', () => new Boolean(false), 'data'],
    ['a Date', () => new Date(0), 'data'],
    ['a Map', () => new Map([['a', 1]]), 'data'],
    ['a class instance', () => new (class Money { amount = 5; })(), 'data'],
    ['NaN', () => Number.NaN, 'data'],
    ['Infinity', () => Number.POSITIVE_INFINITY, 'data'],
    ['a string with U+0000', () => 'a\u0000b', 'data'],
    ['a string with an unpaired surrogate', () => 'a\ud800b', 'data'],
    ['a key with U+0000', () => ({ 'k\u0000': 1 }), 'data'],
    ['a function', () => () => 1, 'data'],
    ['a symbol', () => Symbol('s'), 'data'],
    ['a hole in an array', () => [1, , 3], 'data[1]'],
    ['undefined in an array', () => [1, undefined], 'data[1]'],
    ['more than a million characters', () => ['a'.repeat(600_000), 'b'.repeat(600_000)], 'data[1]'],
    ['more than 100,000 values', () => new Array(INPUT_LIMITS.payloadValues + 1).fill(0), 'data'],
  ];

  it.each(hostile)('send: %s is INVALID_PAYLOAD, recorded as a refusal of that event type, nothing else stored', async (_label, make, path) => {
    for (const made of [setupEngine(), await sqliteEngine(`send-${_label}`)]) {
      const { engine, store } = made;
      const id = await engine.start('notes', {}, { actor: staff });
      const before = await footprint(engine, store, id);
      const error = await engine.send(id, { type: 'NOTE', data: make() } as never, { actor: staff }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isDocketError(error, 'INVALID_PAYLOAD')).toBe(true);
      expect((error as Error).message).toContain(path);
      expect(await footprint(engine, store, id)).toEqual(before);
      const refusals = await store.refusals(id);
      expect(refusals.map((r) => [r.code, r.event, r.actor, r.revision])).toEqual([['INVALID_PAYLOAD', { type: 'NOTE' }, staff, 1]]);
      expect((await engine.verify(id)).ok).toBe(true);
      await engine.close();
      await store.close();
    }
  });

  it.each(hostile)('start: %s in the input is INVALID_PAYLOAD and creates no instance', async (_label, make) => {
    const { engine } = setupEngine();
    expect(await codeOf(engine.start('notes', { data: make() }, { actor: staff, id: 'n-1' }))).toBe('INVALID_PAYLOAD');
    expect((await engine.list({})).items).toEqual([]);
    expect(await codeOf(engine.get('n-1'))).toBe('INSTANCE_NOT_FOUND');
  });

  it('a boxed primitive in a z.any() field no longer leaves an entry that verify reports as edited', async () => {
    for (const made of [setupEngine(), await sqliteEngine('boxed-verify')]) {
      const { engine, store } = made;
      const id = await engine.start('notes', {}, { actor: staff });
      expect(await codeOf(engine.send(id, { type: 'NOTE', data: { amount: new Number(5) } } as never, { actor: staff }))).toBe('INVALID_PAYLOAD');
      // The primitive is what a payload may hold, and it verifies.
      await engine.send(id, { type: 'NOTE', data: { amount: 5 } } as never, { actor: staff });
      expect(await engine.verify(id)).toMatchObject({ ok: true, entries: 2, problems: [] });
      await engine.close();
      await store.close();
    }
  });

  it('a payload nested exactly 64 levels deep is accepted; 65 levels is INVALID_PAYLOAD', async () => {
    const { engine, store } = setupEngine();
    const id = await engine.start('notes', {}, { actor: staff });
    // The event is level 1 and its `data` level 2: 62 more wrappers reach 64.
    const nest = (levels: number) => {
      let value: unknown = {};
      for (let i = 1; i < levels; i++) value = { n: value };
      return value;
    };
    expect((await engine.send(id, { type: 'NOTE', data: nest(INPUT_LIMITS.payloadDepth - 1) } as never, { actor: staff })).revision).toBe(2);
    expect(await codeOf(engine.send(id, { type: 'NOTE', data: nest(INPUT_LIMITS.payloadDepth) } as never, { actor: staff }))).toBe('INVALID_PAYLOAD');
    expect((await store.load(id))?.revision).toBe(2);
  });

  it('a 200 KB string is accepted and verifies on SQLite', async () => {
    const { engine, store } = await sqliteEngine('200kb');
    const id = await engine.start('notes', {}, { actor: staff });
    const view = await engine.send(id, { type: 'NOTE', data: 'y'.repeat(200_000) } as never, { actor: staff });
    expect((view.context as { items: string[] }).items[0]).toHaveLength(200_000);
    expect((await engine.verify(id)).ok).toBe(true);
    await engine.close();
    await store.close();
  });

  it('a getter is read once: the hash and the stored row hold the same value, and verify passes', async () => {
    for (const made of [setupEngine(), await sqliteEngine('getter-once')]) {
      const { engine, store } = made;
      const id = await engine.start('notes', {}, { actor: staff });
      let reads = 0;
      const data = Object.defineProperty({}, 'n', { get: () => ++reads, enumerable: true });
      const view = await engine.send(id, { type: 'NOTE', data } as never, { actor: staff });
      expect(reads).toBe(1);
      expect(view.context).toEqual({ items: [{ n: 1 }] });
      expect((await engine.verify(id)).ok).toBe(true);
      await engine.close();
      await store.close();
    }
  });

  it('an own "__proto__" key (as JSON.parse makes it) is kept as data and pollutes nothing', async () => {
    const { engine } = setupEngine();
    const id = await engine.start('notes', {}, { actor: staff });
    const data = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as unknown;
    const view = await engine.send(id, { type: 'NOTE', data } as never, { actor: staff });
    const stored = (view.context as { items: Record<string, unknown>[] }).items[0]!;
    expect(Object.prototype.hasOwnProperty.call(stored, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(stored)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((await engine.verify(id)).ok).toBe(true);
  });

  it('-0 is stored as 0 and an undefined property is left out, as JSON does', async () => {
    const { engine } = setupEngine();
    const id = await engine.start('notes', {}, { actor: staff });
    const view = await engine.send(id, { type: 'NOTE', data: { z: -0, gone: undefined } } as never, { actor: staff });
    const stored = (view.context as { items: Record<string, unknown>[] }).items[0]!;
    expect(Object.is(stored['z'], 0)).toBe(true);
    expect(Object.keys(stored)).toEqual(['z']);
  });

  it('an event that is not a plain object with a string type is INVALID_ARGUMENT', async () => {
    const { engine, store } = setupEngine();
    const id = await engine.start('notes', {}, { actor: staff });
    const before = await footprint(engine, store, id);
    const events: unknown[] = [null, 'NOTE', ['NOTE'], { type: 5 }, { type: HUGE }, { type: 'a\u0000' }, new Proxy({ type: 'NOTE' }, {}), Object.defineProperty({ data: 1n }, 'type', { get: () => 'NOTE' })];
    for (const event of events) expect(await codeOf(engine.send(id, event as never, { actor: staff }))).toBe('INVALID_ARGUMENT');
    expect(await footprint(engine, store, id)).toEqual(before);
  });
});

describe('ids and idempotency keys are non-empty strings of bounded length', () => {
  it('start refuses a number id (stored as "12.0" on SQLite before) with INVALID_ARGUMENT, and "12" round-trips', async () => {
    const { engine, store } = await sqliteEngine('number-id');
    expect(await codeOf(engine.start('review', { title: 't' }, { actor: staff, id: 12 as never }))).toBe('INVALID_ARGUMENT');
    expect((await engine.list({})).items).toEqual([]);
    expect(await engine.start('review', { title: 't' }, { actor: staff, id: '12' })).toBe('12');
    expect((await engine.get('12')).id).toBe('12');
    expect(await codeOf(engine.get(12 as never))).toBe('INVALID_ARGUMENT');
    await engine.close();
    await store.close();
  });

  it.each([
    ['empty', ''],
    ['1 MB', HUGE],
    ['257 characters', 'i'.repeat(INPUT_LIMITS.idLength + 1)],
    ['with U+0000', 'a\u0000b'],
    ['an object', { id: 'x' }],
    ['null', null],
  ])('an instance id that is %s is INVALID_ARGUMENT on start, send, admin operations and reads', async (_label, bad) => {
    for (const made of [setupEngine(), await sqliteEngine(`bad-id-${_label}`)]) {
      const { engine, store } = made;
      const id = bad as never;
      expect(await codeOf(engine.start('review', { title: 't' }, { actor: staff, id }))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(engine.send(id, { type: 'SUBMIT' }, { actor: staff }))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(engine.sendMany([{ instanceId: id, event: { type: 'SUBMIT' } }], { actor: staff }))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(engine.suspend(id, { actor: admin, reason: 'r' }))).toBe('INVALID_ARGUMENT');
      expect(await codeOf(engine.moveTo(id, { actor: admin, target: 'reviewing', reason: 'r' }))).toBe('INVALID_ARGUMENT');
      for (const read of [engine.get(id), engine.history(id), engine.verify(id), engine.effects(id), engine.record(id)]) {
        expect(await codeOf(read)).toBe('INVALID_ARGUMENT');
      }
      expect((await engine.list({})).items).toEqual([]);
      await engine.close();
      await store.close();
    }
  });

  it('a 256-character instance id is accepted and round-trips on SQLite', async () => {
    const { engine, store } = await sqliteEngine('long-id');
    const long = 'i'.repeat(INPUT_LIMITS.idLength);
    expect(await engine.start('review', { title: 't' }, { actor: staff, id: long })).toBe(long);
    expect((await engine.get(long)).id).toBe(long);
    await engine.close();
    await store.close();
  });

  it.each([
    ['empty', ''],
    ['1 MB', HUGE],
    ['a number', 7],
  ])('an idempotency key that is %s is INVALID_ARGUMENT and changes nothing', async (_label, key) => {
    const { engine, store } = setupEngine();
    const id = await engine.start('review', { title: 't' }, { actor: staff });
    const before = await footprint(engine, store, id);
    expect(await codeOf(engine.send(id, { type: 'SUBMIT' }, { actor: staff, idempotencyKey: key as never }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(engine.sendMany([{ instanceId: id, event: { type: 'SUBMIT' }, idempotencyKey: key as never }], { actor: staff }))).toBe('INVALID_ARGUMENT');
    expect(await footprint(engine, store, id)).toEqual(before);
  });

  it('admin reasons and moveTo targets are bounded strings: a 1 MB reason or a number target is INVALID_ARGUMENT', async () => {
    const { engine, store } = setupEngine();
    const id = await engine.start('review', { title: 't' }, { actor: staff });
    const before = await footprint(engine, store, id);
    expect(await codeOf(engine.suspend(id, { actor: admin, reason: HUGE }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(engine.moveTo(id, { actor: admin, target: 5 as never, reason: 'r' }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(engine.terminate(id, undefined as never))).toBe('INVALID_ARGUMENT');
    expect(await footprint(engine, store, id)).toEqual(before);
  });
});

describe('sendMany checks the batch before sending any of it', () => {
  it('a batch with a malformed act is INVALID_ARGUMENT and sends none of its acts', async () => {
    const { engine, store } = setupEngine();
    const id = await engine.start('review', { title: 't' }, { actor: staff });
    const before = await footprint(engine, store, id);
    expect(await codeOf(engine.sendMany([{ instanceId: id, event: { type: 'SUBMIT' } }, null as never], { actor: staff }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(engine.sendMany('acts' as never, { actor: staff }))).toBe('INVALID_ARGUMENT');
    expect(await footprint(engine, store, id)).toEqual(before);
  });

  it('a hostile payload fails only its own act, with INVALID_PAYLOAD; the others are applied', async () => {
    const { engine } = setupEngine();
    const a = await engine.start('notes', {}, { actor: staff });
    const b = await engine.start('notes', {}, { actor: staff });
    const results = await engine.sendMany(
      [
        { instanceId: a, event: { type: 'NOTE', data: 1n } as never },
        { instanceId: b, event: { type: 'NOTE', data: 'fine' } as never },
      ],
      { actor: manager },
    );
    expect(results.map((r) => [r.instanceId, r.ok, r.error?.code])).toEqual([
      [a, false, 'INVALID_PAYLOAD'],
      [b, true, undefined],
    ]);
    expect((await engine.get(a)).revision).toBe(1);
    expect((await engine.get(b)).context).toEqual({ items: ['fine'] });
  });
});

// The host's options are input too (issue 12: "bad input gets a typed DocketError that changes
// nothing"). `leaseMs: '30000'` from an environment variable was accepted and concatenated onto
// instants: a claimed timer's lease then ended in the year 5.7 million, so a timer whose worker
// crashed or failed transiently never fired. `run({ pollMs: 0 | NaN | '1000' })` spun without sleeping.
describe('engine options', () => {
  it('refuses a lease, retry count, cache size or worker id that is not one, with INVALID_ARGUMENT naming it', () => {
    const clock = virtualClock(START);
    const bad: [string, unknown][] = [
      ['leaseMs', '30000'],
      ['leaseMs', 0],
      ['leaseMs', -5],
      ['leaseMs', 1.5],
      ['leaseMs', Number.NaN],
      ['conflictRetries', -1],
      ['conflictRetries', '5'],
      ['snapshotCacheSize', 'x'],
      ['snapshotCacheSize', Number.POSITIVE_INFINITY],
      ['workerId', ''],
      ['workerId', 'w'.repeat(INPUT_LIMITS.idLength + 1)],
      ['workerId', 7],
    ];
    for (const [name, value] of bad) {
      let error: unknown;
      try {
        createEngine({ store: memoryStore(), clock, workflows: [reviewWorkflow], [name]: value } as never);
      } catch (e) {
        error = e;
      }
      expect(isDocketError(error, 'INVALID_ARGUMENT') && error.message.includes(name), `${name}: ${String(value).slice(0, 20)}`).toBe(true);
    }
    const engine = createEngine({ store: memoryStore(), clock, workflows: [reviewWorkflow], leaseMs: 60_000, conflictRetries: 0, snapshotCacheSize: 0, workerId: 'web-1' });
    expect(engine).toBeDefined();
  });

  it('a timer claimed by a worker that then crashed fires once its lease (leaseMs) runs out', async () => {
    const { filename, remove } = sqliteFile('input-validation lease');
    remove();
    cleanups.push(remove);
    const clock = virtualClock(START);
    const store = sqliteStore({ filename });
    const engine = createEngine({ store, clock, workflows: [reviewWorkflow], leaseMs: 60_000 });
    const id = await engine.start('review', { title: 't' }, { actor: staff });
    await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    const [due] = (await engine.get(id)).timers;
    // Another worker claims it and is never heard of again.
    expect(await store.claimDueTimers(due!.dueAt, { owner: 'crashed', token: 'crashed-claim', leaseMs: 60_000, limit: 10 })).toHaveLength(1);
    await clock.advanceTo(due!.dueAt + 60_000);
    expect((await engine.history(id)).filter((h) => h.kind === 'timer')).toHaveLength(1);
    await engine.close();
    await store.close();
  });

  it('run() refuses a pollMs that is not a positive number of milliseconds, before looping', async () => {
    const { engine } = setupEngine();
    for (const pollMs of [0, -1, Number.NaN, '1000']) {
      await expect(engine.run({ pollMs: pollMs as number }), String(pollMs)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    await engine.close();
  });

  it('run() refuses options that are not an object, a signal that is not an AbortSignal and a retain that is not an object, before looping', async () => {
    const { engine } = setupEngine();
    const bad: [string, unknown][] = [
      ['null', null],
      ['a number', 5],
      ['a plain object as signal', { signal: { aborted: false } }],
      ['a string as signal', { signal: 'stop' }],
      ['null as retain', { retain: null }],
      ['a number as retain', { retain: 7 }],
    ];
    for (const [what, options] of bad) {
      await expect(engine.run(options as never), what).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    // A real signal still runs and stops the loop.
    const stop = new AbortController();
    const running = engine.run({ signal: stop.signal, pollMs: 10 });
    stop.abort();
    await expect(running).resolves.toBeUndefined();
    await engine.close();
  });

  it('run() refuses retain options that retain() would refuse (mode, limit, policy, tenant, a store without retention) at the call, not as an error on every pass', async () => {
    const { engine } = setupEngine();
    const errors: unknown[] = [];
    engine.on('error', (e) => errors.push(e));
    const policy = { olderThan: { days: 90 } };
    const bad: [string, unknown][] = [
      ['no mode', { policy }],
      ['an unknown mode', { policy, mode: 'bogus' }],
      ['no policy', { mode: 'archive' }],
      ['negative days', { policy: { olderThan: { days: -1 } }, mode: 'archive' }],
      ['a string instant', { policy: { finishedBefore: '2026-01-01' }, mode: 'purge' }],
      ['limit 0', { policy, mode: 'archive', limit: 0 }],
      ['limit 1.5', { policy, mode: 'archive', limit: 1.5 }],
      ['an empty tenant', { policy, mode: 'archive', tenant: '' }],
      ['a misspelt option (dryrun)', { policy, mode: 'purge', dryrun: true }],
      ['a dryRun that is not a boolean', { policy, mode: 'purge', dryRun: 'yes' }],
      ['a policy key it does not know', { policy: { olderThan: { days: 0, months: 6 } }, mode: 'purge' }],
    ];
    for (const [what, retain] of bad) {
      // An already-aborted signal: were the options not checked first, the loop would end at once.
      const stop = new AbortController();
      stop.abort();
      await expect(engine.run({ signal: stop.signal, retain: retain as never }), what).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    expect(errors).toEqual([]);
    // A store without retention is refused at the call too.
    const { archive: _a, purge: _p, ...plain } = memoryStore();
    const bare = setupEngine(plain as Store).engine;
    await expect(bare.run({ retain: { policy, mode: 'archive' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await bare.close();
    // Good options with an already-aborted signal, and a polyfilled (another realm's) signal, run and return.
    const aborted = new AbortController();
    aborted.abort();
    await expect(engine.run({ signal: aborted.signal, retain: { policy, mode: 'archive', everyMs: 60_000 } })).resolves.toBeUndefined();
    const polyfill = { aborted: true, addEventListener() {}, removeEventListener() {} };
    await expect(engine.run({ signal: polyfill as never })).resolves.toBeUndefined();
    expect(errors).toEqual([]);
    await engine.close();
  });

  it('run({ retain }) reads its options by name as retain() does: an inherited dryRun: true stays a dry run (a rest spread dropped it and purged for real)', async () => {
    const base = memoryStore();
    const calls = { retainable: 0, purge: 0 };
    const store: Store = {
      ...base,
      retainable: (q) => (calls.retainable++, base.retainable!(q)),
      purge: (t) => (calls.purge++, base.purge!(t)),
    };
    const { engine, clock } = setupEngine(store);
    const done = await engine.start('review', { title: 'done' }, { actor: staff });
    await engine.send(done, { type: 'SUBMIT' }, { actor: staff });
    await engine.send(done, { type: 'APPROVE' }, { actor: manager });
    await clock.advanceBy({ days: 100 });
    const dry = Object.assign(Object.create({ dryRun: true }) as object, { policy: { olderThan: { days: 90 } }, mode: 'purge' as const });
    expect(await engine.retain(dry as never)).toMatchObject({ dryRun: true, ids: [done] });
    calls.retainable = 0;
    const stop = new AbortController();
    const errors: unknown[] = [];
    engine.on('error', (e) => errors.push(e));
    const running = engine.run({ signal: stop.signal, retain: dry as never });
    // Yield until the loop's first retention pass has read the due instances (bounded).
    for (let i = 0; i < 100_000 && calls.retainable === 0; i++) await new Promise((r) => setImmediate(r));
    stop.abort();
    await running;
    expect(calls.retainable).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    expect(calls.purge).toBe(0);
    expect((await engine.record(done)).status).toBe('done');
    // Options that are wholly inherited are read the same way by both.
    const inherited = Object.create({ policy: { olderThan: { days: 90 } }, mode: 'archive', dryRun: true }) as object;
    expect(await engine.retain(inherited as never)).toMatchObject({ dryRun: true, ids: [done] });
    const aborted = new AbortController();
    aborted.abort();
    await expect(engine.run({ signal: aborted.signal, retain: inherited as never })).resolves.toBeUndefined();
    await engine.close();
  });

  it('retain(), run({ retain }) and migrate() refuse an unknown key on the prototype too, arrays as options or policy, and name a nested unknown key by its path', async () => {
    const { engine } = setupEngine();
    const policy = { olderThan: { days: 90 } };
    const fieldOf = async (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (e: unknown) => (isDocketError(e, 'INVALID_ARGUMENT') ? String(e.details.field) : `raw ${String(e)}`),
      );
    const aborted = () => {
      const c = new AbortController();
      c.abort();
      return c.signal;
    };
    const cases: [string, unknown, string][] = [
      ['an inherited misspelt dryrun', Object.assign(Object.create({ dryrun: true }) as object, { policy, mode: 'purge' }), 'dryrun'],
      ['an unknown policy key', { policy: { ...policy, months: 6 }, mode: 'purge' }, 'policy.months'],
      ['an unknown olderThan key', { policy: { olderThan: { days: 0, months: 6 } }, mode: 'purge' }, 'policy.olderThan.months'],
      ['an inherited unknown olderThan key', { policy: { olderThan: Object.assign(Object.create({ months: 6 }) as object, { days: 0 }) }, mode: 'purge' }, 'policy.olderThan.months'],
      ['an array as policy', { policy: Object.assign([], { olderThan: { days: 0 } }), mode: 'purge' }, 'policy'],
    ];
    for (const [what, options, field] of cases) {
      expect(await fieldOf(engine.retain(options as never)), `retain: ${what}`).toBe(field);
      expect(await fieldOf(engine.run({ signal: aborted(), retain: options as never })), `run: ${what}`).toBe(field);
    }
    expect(await fieldOf(engine.retain([] as never))).toBe('options');
    expect(await fieldOf(engine.run({ signal: aborted(), retain: [] as never }))).toBe('retain');
    expect(await fieldOf(engine.run({ signal: aborted(), retain: Object.assign(Object.create({ everyMS: 5 }) as object, { policy, mode: 'archive' }) as never }))).toBe('everyMS');
    const migration = { workflow: 'review', from: 1, to: 2, actor: admin, reason: 'r' };
    expect(await fieldOf(engine.migrate({ ...migration, where: { stat: 'draft' } } as never))).toBe('where.stat');
    expect(await fieldOf(engine.migrate({ ...migration, where: Object.create({ ids: ['x'] }) as object } as never))).toBe('where.ids');
    expect(await fieldOf(engine.migrate(Object.assign(Object.create({ dryrun: true }) as object, migration) as never))).toBe('dryrun');
    // The tenant view passes on inherited keys too (its spread dropped them: an unknown where key or a misspelt option went unseen).
    const acme = engine.forTenant('acme');
    expect(await fieldOf(acme.migrate({ ...migration, where: Object.create({ stat: 'draft' }) as object } as never))).toBe('where.stat');
    expect(await fieldOf(acme.migrate(Object.assign(Object.create({ dryrun: true }) as object, migration) as never))).toBe('dryrun');
    expect(await fieldOf(acme.retain(Object.assign(Object.create({ dryrun: true }) as object, { policy, mode: 'purge' }) as never))).toBe('dryrun');
    await engine.close();
  });

  it('forTenant(t).retain keeps an inherited dryRun: true a dry run, as retain() does (its spread dropped it and purged for real)', async () => {
    const { engine, store, clock } = setupEngine();
    const acme = engine.forTenant('acme');
    const done = await acme.start('review', { title: 'done' }, { actor: staff });
    await acme.send(done, { type: 'SUBMIT' }, { actor: staff });
    await acme.send(done, { type: 'APPROVE' }, { actor: manager });
    await clock.advanceBy({ days: 100 });
    const dry = Object.assign(Object.create({ dryRun: true }) as object, { policy: { olderThan: { days: 90 } }, mode: 'purge' as const });
    expect(await acme.retain(dry as never)).toMatchObject({ dryRun: true, ids: [done] });
    expect((await store.load(done))?.status).toBe('done');
    await engine.close();
  });
});
