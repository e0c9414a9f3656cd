// Edge cases of frozen committed contexts found in review: values a machine may legitimately put
// into its context that the freeze, the cached canonical text or the store rules must handle exactly
// as they did before anything was cached.
import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createEngine, defineWorkflow, memoryStore, virtualClock, type Store } from '../src/index.js';
import { canonicalJson } from '../src/engine/canonical-json.js';
import { freezeJsonData } from '../src/engine/freeze-state.js';
import { frozenMark } from '../src/store/frozen-data.js';
import { findUnstorableString } from '../src/store/payload-rules.js';

const START = '2026-11-02T09:00:00+08:00';
const staff = { id: 'wang', roles: ['staff'] };

/** What a database hands back: the stored JSON text read into new objects. */
const asStored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A workflow whose SET event puts `make()` into its context (as machine code may). */
const holding = (make: () => unknown) =>
  defineWorkflow({
    id: 'holding',
    version: 1,
    machine: setup({ types: {} as { context: { held: unknown; n: number }; events: { type: 'SET' } | { type: 'BUMP' } } }).createMachine({
      id: 'holding',
      context: { held: null, n: 0 },
      initial: 'open',
      states: {
        open: {
          on: {
            SET: { actions: assign(() => ({ held: make() })) },
            BUMP: { actions: assign(({ context }) => ({ n: context.n + 1 })) },
          },
        },
      },
    }),
    input: z.object({}),
    events: { SET: z.object({}), BUMP: z.object({}) },
  });

/**
 * Start a `holding` instance on a store that hands back records as a store reads them (new objects,
 * no marks), SET it, then have another engine (no cache of what the first wrote) load the stored row,
 * head-check it, and BUMP it: the context it sees and whether verify passes.
 */
async function readBackByAnotherEngine(make: () => unknown): Promise<{ context: unknown; verified: boolean }> {
  const inner = memoryStore();
  const reading: Store = Object.create(inner);
  reading.load = async (id) => {
    const record = await inner.load(id);
    return record && asStored(record);
  };
  const workflow = holding(make);
  const engine = createEngine({ store: reading, clock: virtualClock(START), workflows: [workflow], snapshotCacheSize: 1 });
  const id = await engine.start('holding', {}, { actor: staff });
  await engine.send(id, { type: 'SET' }, { actor: staff });
  await engine.close();
  const second = createEngine({ store: reading, clock: virtualClock(START), workflows: [workflow] });
  const view = await second.send(id, { type: 'BUMP' }, { actor: staff });
  const verified = (await second.verify(id)).ok;
  await second.close();
  return { context: view.context, verified };
}

describe('frozen state: objects that cannot be marked', () => {
  it('a sealed or non-extensible object in a context is frozen as it is, not marked, and its text is written afresh', () => {
    const sealed = Object.seal({ x: 1, y: [1, 2] });
    const closed = Object.preventExtensions({ z: 'a' });
    const context = { sealed, closed, plain: { p: true } };
    expect(() => freezeJsonData(context)).not.toThrow();
    expect(Object.isFrozen(sealed)).toBe(true);
    expect(Object.isFrozen(closed)).toBe(true);
    expect(frozenMark(sealed)).toBeUndefined();
    expect(frozenMark(context.plain)).toBeDefined();
    expect(canonicalJson(context)).toBe(canonicalJson(asStored(context)));
    expect(findUnstorableString(context)).toBeUndefined();
  });

  it('a machine that assigns a sealed object commits, and acts on after it', async () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(START), workflows: [holding(() => Object.seal({ x: 1 }))] });
    const id = await engine.start('holding', {}, { actor: staff });
    await engine.send(id, { type: 'SET' }, { actor: staff });
    const view = await engine.send(id, { type: 'BUMP' }, { actor: staff });
    expect(view.context).toEqual({ held: { x: 1 }, n: 1 });
    expect((await engine.verify(id)).ok).toBe(true);
    await engine.close();
  });
});

/** A plain object whose JSON is "T" through a toJSON that is its own but not enumerable. */
function hiddenToJSON(): object {
  const value = { x: 1 };
  Object.defineProperty(value, 'toJSON', { value: () => 'T' });
  return value;
}

describe('frozen state: toJSON', () => {
  it('a plain object with a non-enumerable own toJSON is written as JSON.stringify (every store) writes it, frozen or not', () => {
    const context = { held: hiddenToJSON(), other: { a: 1 } };
    expect(canonicalJson(context)).toBe(canonicalJson(asStored(context)));
    freezeJsonData(context);
    expect(frozenMark(context.held)).toBeUndefined();
    expect(canonicalJson(context)).toBe(canonicalJson(asStored(context)));
    expect(canonicalJson(context)).toBe('{"held":"T","other":{"a":1}}');
  });

  it('an instance holding one is not refused as corrupt when a store reads it back', async () => {
    expect(await readBackByAnotherEngine(hiddenToJSON)).toEqual({ context: { held: 'T', n: 1 }, verified: true });
  });
});

describe('frozen state: an array with its own toJSON', () => {
  it('is written as JSON.stringify (every store) writes it, frozen or not, and is not cached', async () => {
    const { canonicalJson } = await import('../src/engine/canonical-json.js');
    const { freezeJsonData } = await import('../src/engine/freeze-state.js');
    const { frozenMark } = await import('../src/store/frozen-data.js');
    const list = Object.assign([3, 1, 2], { toJSON: () => ({ sorted: [1, 2, 3] }) });
    const value = { list };
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
    freezeJsonData(value);
    expect(frozenMark(list)).toBeUndefined();
    expect(canonicalJson(value)).toBe(JSON.stringify(value));
    const { merkleDigest } = await import('../src/engine/merkle-json.js');
    expect(merkleDigest(value)).toBe(merkleDigest(JSON.parse(JSON.stringify(value))));
  });
});

/** A value whose toJSON hands back a Date: JSON.stringify calls toJSON once, so the Date is written as `{}`. */
class Stamp {
  constructor(readonly at: Date) {}
  toJSON(): Date {
    return this.at;
  }
}

describe('frozen state: what a toJSON returns is written as data (toJSON is applied once, as JSON.stringify does)', () => {
  it('a toJSON returning a Date, an object with its own toJSON, or the object itself: the digests and the text are those of the stored JSON', async () => {
    const { merkleDigest } = await import('../src/engine/merkle-json.js');
    const values: Record<string, () => object> = {
      date: () => ({ held: new Stamp(new Date(0)) }),
      nested: () => ({ held: { toJSON: () => ({ toJSON: () => 'x', y: 'w'.repeat(70) }) } }),
      self: () => ({ held: { a: 1, toJSON(): unknown { return this; } } }),
      array: () => ({ held: { toJSON: () => Object.assign([1, 2], { toJSON: () => 'z' }) } }),
    };
    for (const make of Object.values(values)) {
      const value = make();
      expect(canonicalJson(value)).toBe(canonicalJson(asStored(value)));
      expect(merkleDigest(value)).toBe(merkleDigest(asStored(value)));
      freezeJsonData(value);
      expect(merkleDigest(value)).toBe(merkleDigest(asStored(value)));
    }
    expect(canonicalJson(values.date!())).toBe('{"held":{}}');
    expect(canonicalJson(values.self!())).toBe('{"held":{"a":1}}');
  });

  it('an instance holding one is not refused as corrupt when a store reads it back', async () => {
    expect(await readBackByAnotherEngine(() => new Stamp(new Date(0)))).toEqual({ context: { held: {}, n: 1 }, verified: true });
  });
});

describe('frozen state: an object whose prototype is frozen, marked data', () => {
  /** A workflow whose SET puts an object inheriting from the committed `defaults` into its context. */
  const inheriting = (own: Record<string, unknown>) =>
    defineWorkflow({
      id: 'inheriting',
      version: 1,
      machine: setup({ types: {} as { context: { defaults: { color: string }; held: unknown }; events: { type: 'SET' } | { type: 'BUMP' } } }).createMachine({
        id: 'inheriting',
        context: { defaults: { color: 'red' }, held: null },
        initial: 'open',
        states: { open: { on: { SET: { actions: assign(({ context }) => ({ held: Object.assign(Object.create(context.defaults) as object, own) })) }, BUMP: { actions: assign(({ context }) => ({ defaults: { ...context.defaults } })) } } } },
      }),
      input: z.object({}),
      events: { SET: z.object({}), BUMP: z.object({}) },
    });

  it('does not pass for its prototype: its own strings are checked and its own keys digested', async () => {
    const { merkleDigest } = await import('../src/engine/merkle-json.js');
    const first = { defaults: { color: 'red' } };
    freezeJsonData(first);
    const held = Object.assign(Object.create(first.defaults) as object, { note: 'lone \uD800' });
    const next = { ...first, held };
    freezeJsonData(next);
    expect(frozenMark(held)).toBeUndefined();
    expect(findUnstorableString(next, 'context')).toEqual({ path: 'context.held.note', fault: 'contains a lone UTF-16 surrogate (not well-formed Unicode)' });
    const plain = { ...first, held: Object.assign(Object.create(first.defaults) as object, { size: 2 }) };
    freezeJsonData(plain);
    expect(merkleDigest(plain)).toBe(merkleDigest(asStored(plain)));
  });

  it('nor does a copy made with its property descriptors (the mark is not copied with them), with keys added', async () => {
    const { merkleDigest } = await import('../src/engine/merkle-json.js');
    const first = { defaults: { color: 'red' } };
    freezeJsonData(first);
    const copy = Object.create(Object.prototype, Object.getOwnPropertyDescriptors(first.defaults)) as Record<string, unknown>;
    copy.note = 'nul \u0000';
    const next = { ...first, copy };
    expect(() => freezeJsonData(next)).not.toThrow();
    expect(frozenMark(copy)).not.toBe(frozenMark(first.defaults));
    expect(findUnstorableString(next, 'context')).toEqual({ path: 'context.copy.note', fault: 'contains U+0000 (NUL)' });
    const plain = Object.freeze(Object.create(Object.prototype, { ...Object.getOwnPropertyDescriptors(first.defaults), size: { value: 2, enumerable: true } })) as object;
    const after = { ...first, plain };
    freezeJsonData(after);
    expect(merkleDigest(after)).toBe(merkleDigest(asStored(after)));
  });

  it('a store refuses one holding an unstorable string (INVALID_PAYLOAD), and one holding storable strings acts after a cold load', async () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(START), workflows: [inheriting({ note: 'lone \uD800' })] });
    const id = await engine.start('inheriting', {}, { actor: staff });
    await expect(engine.send(id, { type: 'SET' }, { actor: staff })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    await engine.close();

    const inner = memoryStore();
    const reading: Store = Object.create(inner);
    reading.load = async (loaded) => {
      const record = await inner.load(loaded);
      return record && asStored(record);
    };
    const workflow = inheriting({ size: 2 });
    const first = createEngine({ store: reading, clock: virtualClock(START), workflows: [workflow], snapshotCacheSize: 1 });
    const other = await first.start('inheriting', {}, { actor: staff });
    await first.send(other, { type: 'SET' }, { actor: staff });
    await first.close();
    const second = createEngine({ store: reading, clock: virtualClock(START), workflows: [workflow] });
    expect((await second.send(other, { type: 'BUMP' }, { actor: staff })).context).toEqual({ defaults: { color: 'red' }, held: { size: 2 } });
    expect((await second.verify(other)).ok).toBe(true);
    await second.close();
  });
});
