// Work done once on the unchanged parts of a committed state (its Merkle reference for the hash chain,
// the stores' check of its strings, the head check of a record the engine wrote itself) must give
// exactly what doing it afresh gives, and must stay sound: a committed context is frozen, so it
// cannot change under the caches.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { createEngine, defineWorkflow, memoryStore, virtualClock, type Store } from '../src/index.js';
import { canonicalJson } from '../src/engine/canonical-json.js';
import { merkleDigest } from '../src/engine/merkle-json.js';
import { freezeJsonData } from '../src/engine/freeze-state.js';
import { frozenMark } from '../src/store/frozen-data.js';
const isFrozenJsonData = (value: object) => frozenMark(value) !== undefined;
import { checkCommit, findUnstorableString } from '../src/store/payload-rules.js';

const START = '2026-11-02T09:00:00+08:00';
const staff = { id: 'wang', roles: ['staff'] };

/** A deep copy made of new objects: nothing of it is frozen or cached. */
const fresh = <T>(value: T): T => structuredClone(value);

/** `value` with the item at `path` replaced by `next`: new objects along the path, the rest shared. */
function setAt(value: unknown, path: readonly number[], next: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return next;
  const [step, ...rest] = path;
  if (Array.isArray(value)) {
    if (value.length === 0) return [next];
    const i = step! % value.length;
    return value.map((item, j) => (j === i ? setAt(item, rest, next) : item));
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return { k: next };
  const key = keys[step! % keys.length]!;
  return { ...(value as Record<string, unknown>), [key]: setAt((value as Record<string, unknown>)[key], rest, next) };
}

// Strings that are storable, and some that no store keeps (U+0000, lone surrogates).
const text = fc.oneof(fc.string(), fc.constantFrom('a\u0000b', '\ud800', 'x\udc00y', '审批', '😀'));
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(text, tie('value'), { maxKeys: 4 }),
})).value;

describe('frozen state: cached work equals fresh work (the kind)', () => {
  it('the Merkle digest, canonical text and the store rules agree with a fresh walk over any sequence of immutable updates (fast-check, 500 runs)', () => {
    fc.assert(
      fc.property(json, fc.array(fc.tuple(fc.array(fc.nat(), { maxLength: 4 }), json), { maxLength: 8 }), (initial, updates) => {
        let state: unknown = { context: initial };
        for (const [path, next] of [[[], initial] as const, ...updates]) {
          state = { context: setAt((state as { context: unknown }).context, path, next) };
          freezeJsonData(state);
          const copy = fresh(state);
          // The cached references give the digest of the same data worked out from scratch, twice.
          expect(merkleDigest(state as object)).toBe(merkleDigest(copy as object));
          expect(merkleDigest(state as object)).toBe(merkleDigest(copy as object));
          expect(canonicalJson(state)).toBe(canonicalJson(copy));
          // The store's string rule finds the same fault (or none) as on new objects.
          expect(findUnstorableString(state)).toEqual(findUnstorableString(copy));
          // And asked twice (the second time from its cache) it still answers the same.
          expect(findUnstorableString(state)).toEqual(findUnstorableString(copy));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('freezes plain objects and arrays deeply, and counts only JSON data as cacheable', () => {
    const shared = { a: [1, { b: 'x' }] };
    const date = new Date(0);
    const value = { shared, when: { date }, own: { toJSON: () => 'z' } };
    expect(freezeJsonData(value)).toBe(false);
    expect(Object.isFrozen(value)).toBe(true);
    expect(Object.isFrozen(shared.a[1])).toBe(true);
    expect(isFrozenJsonData(shared)).toBe(true);
    // A date's text can change (setTime), and so can what an own toJSON returns: neither they nor
    // their ancestors are cached.
    expect(Object.isFrozen(date)).toBe(false);
    expect(isFrozenJsonData(value.when)).toBe(false);
    expect(isFrozenJsonData(value.own)).toBe(false);
    expect(isFrozenJsonData(value)).toBe(false);
    date.setTime(86_400_000);
    expect(canonicalJson(value.when)).toBe('{"date":"1970-01-02T00:00:00.000Z"}');
  });

  it('a store still refuses an unstorable string put next to checked, frozen parts', () => {
    const context = { notes: ['ok'], deep: { a: 'fine' } };
    freezeJsonData(context);
    expect(findUnstorableString(context)).toBeUndefined();
    const next = { ...context, notes: [...context.notes, 'bad\u0000'] };
    freezeJsonData(next);
    expect(findUnstorableString(next, 'context')).toEqual({ path: 'context.notes[1]', fault: 'contains U+0000 (NUL)' });
    const commit = {
      instance: { id: 'i1', context: next, snapshot: { context: next } },
      history: { actor: { id: 'wang' } },
      cancelTimerIds: [],
      addTimers: [],
      effects: [],
    };
    expect(() => checkCommit(commit as never)).toThrowError(expect.objectContaining({ code: 'INVALID_PAYLOAD' }));
  });
});

const listWorkflow = (mutate: boolean) =>
  defineWorkflow({
    id: 'list',
    version: 1,
    machine: setup({ types: {} as { context: { items: string[]; meta: { count: number } }; events: { type: 'ADD'; item: string } } }).createMachine({
      id: 'list',
      context: { items: [], meta: { count: 0 } },
      initial: 'open',
      states: {
        open: {
          on: {
            ADD: {
              actions: assign(({ context, event }) => {
                if (mutate) {
                  // The mistake XState warns about: changing the committed context in place.
                  context.items.push(event.item);
                  return { items: context.items };
                }
                return { items: [...context.items, event.item], meta: { count: context.meta.count + 1 } };
              }),
            },
          },
        },
      },
    }),
    input: z.object({}),
    events: { ADD: z.object({ item: z.string() }) },
  });

function isDeepFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

describe('frozen state in the engine', () => {
  it('every committed context is frozen, and the history chain verifies as before', async () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(START), workflows: [listWorkflow(false)] });
    const id = await engine.start('list', {}, { actor: staff });
    for (const item of ['a', 'b', 'c']) {
      const view = await engine.send(id, { type: 'ADD', item }, { actor: staff });
      expect(isDeepFrozen(view.context)).toBe(true);
    }
    expect((await engine.get(id)).context).toEqual({ items: ['a', 'b', 'c'], meta: { count: 3 } });
    expect((await engine.verify(id)).ok).toBe(true);
    await engine.close();
  });

  it('a machine that changes its committed context in place is refused with MACHINE_ERROR saying why; nothing is written', async () => {
    const store = memoryStore();
    const engine = createEngine({ store, clock: virtualClock(START), workflows: [listWorkflow(true)] });
    const id = await engine.start('list', {}, { actor: staff });
    const error = await engine.send(id, { type: 'ADD', item: 'a' }, { actor: staff }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MACHINE_ERROR' });
    expect((error as Error).message).toContain('Docket freezes each committed context');
    expect((await engine.get(id)).revision).toBe(1);
    expect(await store.history(id)).toHaveLength(1);
    expect((await engine.get(id)).context).toEqual({ items: [], meta: { count: 0 } });
    await engine.close();
  });
});

describe('head check of records the engine wrote itself', () => {
  /** A store handing back what `inner` holds (`copy`: as new objects, as a database would), counting history reads. */
  function counting(inner: Store, copy: boolean): { store: Store; reads: () => number } {
    let reads = 0;
    const store: Store = Object.create(inner);
    store.history = async (id, options) => {
      reads++;
      return inner.history(id, options);
    };
    store.load = async (id) => {
      const record = await inner.load(id);
      return record && copy ? fresh(record) : record;
    };
    return { store, reads: () => reads };
  }

  async function run(copy: boolean) {
    const { store, reads } = counting(memoryStore(), copy);
    // A cache of one record: acting on two instances in turn always loads from the store.
    const engine = createEngine({ store, clock: virtualClock(START), workflows: [listWorkflow(false)], snapshotCacheSize: 1 });
    const a = await engine.start('list', {}, { actor: staff });
    const b = await engine.start('list', {}, { actor: staff });
    const before = reads();
    for (let i = 0; i < 5; i++) for (const id of [a, b]) await engine.send(id, { type: 'ADD', item: `x${i}` }, { actor: staff });
    const checks = reads() - before;
    expect((await engine.get(a)).context).toMatchObject({ meta: { count: 5 } });
    await engine.close();
    return checks;
  }

  it('a record object the engine committed and the store hands back is not checked again; one read into new objects is', async () => {
    expect(await run(false)).toBe(0);
    // Every one of the 10 cold loads of a copy reads the head entry.
    expect(await run(true)).toBe(10);
  });

  it('two engines sharing one memory store each head-check what the other wrote: a mark is its own engine\'s', async () => {
    const { store, reads } = counting(memoryStore(), false);
    const first = createEngine({ store, clock: virtualClock(START), workflows: [listWorkflow(false)], snapshotCacheSize: 1 });
    const second = createEngine({ store, clock: virtualClock(START), workflows: [listWorkflow(false)], snapshotCacheSize: 1 });
    const a = await first.start('list', {}, { actor: staff });
    const b = await first.start('list', {}, { actor: staff });
    const checks: number[] = [];
    // Alternate the engines: each send loads what the other engine committed last.
    for (let i = 0; i < 4; i++) {
      for (const engine of [second, first]) {
        const before = reads();
        for (const id of [a, b]) await engine.send(id, { type: 'ADD', item: `x${i}` }, { actor: staff });
        checks.push(reads() - before);
      }
    }
    expect(checks).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect((await first.get(a)).context).toMatchObject({ meta: { count: 8 } });
    await first.close();
    await second.close();
  });

  it('a record the engine committed cannot be changed in place behind its mark (it is frozen, its timers and paths too)', async () => {
    const store = memoryStore();
    const engine = createEngine({ store, clock: virtualClock(START), workflows: [listWorkflow(false)] });
    const id = await engine.start('list', {}, { actor: staff });
    await engine.send(id, { type: 'ADD', item: 'a' }, { actor: staff });
    const record = (await store.load(id))!;
    expect([Object.isFrozen(record), Object.isFrozen(record.timers), Object.isFrozen(record.statePaths), Object.isFrozen(record.snapshot)]).toEqual([true, true, true, true]);
    expect(() => {
      (record as { status: string }).status = 'done';
    }).toThrow(TypeError);
    expect((await engine.get(id)).status).toBe('active');
    await engine.close();
  });

  it('an edited copy of a record the engine wrote is still refused', async () => {
    const inner = memoryStore();
    const engine = createEngine({ store: inner, clock: virtualClock(START), workflows: [listWorkflow(false)] });
    const id = await engine.start('list', {}, { actor: staff });
    await engine.send(id, { type: 'ADD', item: 'a' }, { actor: staff });
    await engine.close();
    const edited: Store = Object.create(inner);
    edited.load = async (key) => {
      const record = (await inner.load(key))!;
      return { ...record, context: { ...(record.context as object), items: ['forged'] } };
    };
    const second = createEngine({ store: edited, clock: virtualClock(START), workflows: [listWorkflow(false)] });
    await expect(second.send(id, { type: 'ADD', item: 'b' }, { actor: staff })).rejects.toMatchObject({ code: 'CORRUPT_SNAPSHOT' });
    await second.close();
  });
});
