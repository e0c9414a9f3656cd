// The house rule for options objects and queries (src/input/read-options.ts): a plain object of keys
// the method knows, each read once. An unknown key, a getter that throws or a Proxy is
// INVALID_ARGUMENT naming the field, and changes nothing. Before, a throwing getter surfaced as the
// caller's raw Error (retain, list, tasks, history, run, close, waitFor, createEngine, reresolve),
// a Proxy was read as data (retain), and an unknown key was ignored: a misspelt `idempotencykey`
// left a send unkeyed (its retry acted twice), a misspelt `signl` made run() unstoppable, and a
// misspelt list filter listed every instance.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, isDocketError, memoryStore, reassignTasks, virtualClock, type Engine } from '../src/index.js';
import { admin, reviewWorkflow, staff } from './fixtures/review-workflow.js';

const START = '2026-11-02T09:00:00+08:00';

function setup() {
  const clock = virtualClock(START);
  const store = memoryStore();
  const engine = createEngine({ store, clock, workflows: [reviewWorkflow] });
  return { engine, store, clock };
}

type Outcome = { readonly code: string; readonly field?: unknown; readonly hasCause?: boolean } | 'ok' | `raw ${string}`;

/** How a call ends: a call still pending after the current turn (waitFor, run without a signal) counts as 'ok'. */
async function outcomeOf(call: () => unknown): Promise<Outcome> {
  try {
    const pending = Promise.resolve().then(call);
    // A wait that is refused later (ENGINE_CLOSED at close) must not become an unhandled rejection.
    pending.catch(() => undefined);
    await Promise.race([pending, new Promise((resolve) => setImmediate(resolve))]);
    return 'ok';
  } catch (error) {
    if (!isDocketError(error)) return `raw ${String(error)}`;
    return { code: error.code, field: error.details.field, hasCause: error.cause !== undefined };
  }
}

const aborted = () => {
  const c = new AbortController();
  c.abort();
  return c.signal;
};

/** Every public engine method that takes an options object or a query, called with `opts` in its place. */
function calls(engine: Engine<typeof reviewWorkflow>, id: string, opts: (base: Record<string, unknown>) => unknown): [string, () => unknown][] {
  const policy = { olderThan: { days: 1 } };
  return [
    ['start', () => engine.start('review', { title: 't' }, opts({ actor: staff }) as never)],
    ['send', () => engine.send(id, { type: 'SUBMIT' }, opts({ actor: staff, idempotencyKey: 'k1' }) as never)],
    ['sendMany options', () => engine.sendMany([{ instanceId: id, event: { type: 'SUBMIT' } }], opts({ actor: staff }) as never)],
    ['sendMany act', () => engine.sendMany([opts({ instanceId: id, event: { type: 'SUBMIT' } }) as never], { actor: staff })],
    ['suspend', () => engine.suspend(id, opts({ actor: admin, reason: 'r' }) as never)],
    ['moveTo', () => engine.moveTo(id, opts({ actor: admin, reason: 'r', target: 'reviewing' }) as never)],
    ['list', () => engine.list(opts({ workflow: 'review' }) as never)],
    ['tasks', () => engine.tasks(opts({ assignee: 'wang' }) as never)],
    ['history', () => engine.history(id, opts({ limit: 2 }) as never)],
    ['waitFor', () => engine.waitFor(id, 'done', opts({}) as never)],
    ['run', () => engine.run(opts({ signal: aborted() }) as never)],
    ['retain', () => engine.retain(opts({ policy, mode: 'archive', dryRun: true }) as never)],
    ['retain policy', () => engine.retain({ policy: opts(policy) as never, mode: 'archive', dryRun: true })],
    ['run retain', () => engine.run({ signal: aborted(), retain: opts({ policy, mode: 'archive', dryRun: true }) as never })],
    ['migrate', () => engine.migrate(opts({ workflow: 'review', from: 1, to: 2, actor: admin, reason: 'r', dryRun: true }) as never)],
    ['migrate where', () => engine.migrate({ workflow: 'review', from: 1, to: 2, actor: admin, reason: 'r', dryRun: true, where: opts({}) as never })],
    ['reresolveDeadlines', () => engine.reresolveDeadlines(opts({ actor: admin }) as never)],
    ['provisionalDeadlines', () => engine.provisionalDeadlines(opts({}) as never)],
    ['reassignTasks', () => reassignTasks(engine, opts({ from: 'wang', to: 'zhao', actor: admin, reason: 'r' }) as never)],
    ['forTenant list', () => engine.forTenant('acme').list(opts({}) as never)],
    ['forTenant tasks', () => engine.forTenant('acme').tasks(opts({}) as never)],
    ['forTenant retain', () => engine.forTenant('acme').retain(opts({ policy, mode: 'archive', dryRun: true }) as never)],
    ['forTenant start', () => engine.forTenant('acme').start('review', { title: 't' }, opts({ actor: staff }) as never)],
    ['forTenant migrate', () => engine.forTenant('acme').migrate(opts({ workflow: 'review', from: 1, to: 2, actor: admin, reason: 'r', dryRun: true }) as never)],
    ['close', () => createEngine({ store: memoryStore(), clock: virtualClock(START), workflows: [reviewWorkflow] }).close(opts({}) as never)],
    ['createEngine', () => createEngine(opts({ store: memoryStore(), clock: virtualClock(START), workflows: [reviewWorkflow] }) as never)],
  ];
}

/** What the engine holds: instances, the test instance's revision and history length, the inbox. */
async function state(engine: Engine<typeof reviewWorkflow>, id: string) {
  const list = await engine.list({ limit: 1000 });
  const view = await engine.get(id);
  return { ids: list.items.map((i) => i.id), revision: view.revision, state: view.state, suspended: view.suspended, history: (await engine.history(id)).length };
}

describe('options objects and queries are read by one house rule', () => {
  it('an unknown key is INVALID_ARGUMENT naming it, in every method, and changes nothing', async () => {
    const { engine } = setup();
    const id = await engine.start('review', { title: 'x' }, { actor: staff });
    const before = await state(engine, id);
    for (const [name, call] of calls(engine, id, (base) => ({ ...base, bogusKey: 1 }))) {
      expect([name, await outcomeOf(call)]).toEqual([name, { code: 'INVALID_ARGUMENT', field: expect.stringMatching(/(^|\.)bogusKey$/), hasCause: false }]);
    }
    expect(await state(engine, id)).toEqual(before);
    await engine.close();
  });

  it('a getter that throws is INVALID_ARGUMENT naming the field (the error kept as cause), not the raw Error, and changes nothing', async () => {
    const { engine } = setup();
    const id = await engine.start('review', { title: 'x' }, { actor: staff });
    const before = await state(engine, id);
    const throwing = (base: Record<string, unknown>) => {
      const keys = Object.keys(base);
      const key = keys[0] ?? 'limit';
      const out = { ...base };
      Object.defineProperty(out, key, { enumerable: true, get: () => { throw new Error('boom'); } });
      return out;
    };
    for (const [name, call] of calls(engine, id, throwing)) {
      const outcome = await outcomeOf(call);
      expect([name, outcome]).toEqual([name, expect.objectContaining({ code: 'INVALID_ARGUMENT' })]);
    }
    // The field named is the one whose getter threw.
    const get = { get mode(): never { throw new Error('boom'); }, policy: { olderThan: { days: 1 } } };
    expect(await outcomeOf(() => engine.retain(get as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'mode', hasCause: true });
    expect(await outcomeOf(() => engine.list({ get workflow(): never { throw new Error('boom'); } } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'workflow', hasCause: true });
    expect(await state(engine, id)).toEqual(before);
    await engine.close();
  });

  it('a Proxy is INVALID_ARGUMENT (retain read it as data and ran), and changes nothing', async () => {
    const { engine } = setup();
    const id = await engine.start('review', { title: 'x' }, { actor: staff });
    const before = await state(engine, id);
    for (const [name, call] of calls(engine, id, (base) => new Proxy(base, {}))) {
      expect([name, await outcomeOf(call)]).toEqual([name, expect.objectContaining({ code: 'INVALID_ARGUMENT' })]);
    }
    expect(await state(engine, id)).toEqual(before);
    await engine.close();
  });

  it('a misspelt idempotencyKey is refused, so a retry cannot act twice (it was ignored and the send went unkeyed)', async () => {
    const { engine } = setup();
    const id = await engine.start('review', { title: 'x' }, { actor: staff });
    expect(await outcomeOf(() => engine.send(id, { type: 'SUBMIT' }, { actor: staff, idempotencykey: 'k' } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'idempotencykey', hasCause: false });
    expect((await engine.get(id)).revision).toBe(1);
    const owned = await engine.forTenant('acme').start('review', { title: 'y' }, { actor: staff });
    expect(await outcomeOf(() => engine.forTenant('acme').send(owned, { type: 'SUBMIT' }, { actor: staff, idempotency_key: 'k' } as never))).toEqual({
      code: 'INVALID_ARGUMENT',
      field: 'idempotency_key',
      hasCause: false,
    });
    expect((await engine.get(owned)).revision).toBe(1);
    await engine.close();
  });

  it('a misspelt list filter is refused instead of listing every instance; an inherited known filter is applied through a tenant view too', async () => {
    const { engine } = setup();
    await engine.forTenant('acme').start('review', { title: 'x' }, { actor: staff });
    expect(await outcomeOf(() => engine.list({ wokflow: 'nope' } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'wokflow', hasCause: false });
    expect(await outcomeOf(() => engine.forTenant('acme').list({ wokflow: 'nope' } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'wokflow', hasCause: false });
    // A spread in the tenant view kept own keys only, so the inherited filter was dropped there.
    const inherited = Object.create({ workflow: 'nope' }) as object;
    expect((await engine.list(inherited as never)).items).toEqual([]);
    expect((await engine.forTenant('acme').list(inherited as never)).items).toEqual([]);
    expect((await engine.forTenant('acme').tasks(Object.create({ workflow: 'nope' }) as never))).toEqual([]);
    // null, a string: refused, not read as "no filter" (the spread made them { tenant }).
    for (const query of [null, 'review', 5]) expect(await outcomeOf(() => engine.forTenant('acme').list(query as never))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    await engine.close();
  });

  it('run({ signl }) is refused instead of looping with no way to stop it; waitFor refuses a signal that is not an AbortSignal', async () => {
    const { engine } = setup();
    const id = await engine.start('review', { title: 'x' }, { actor: staff });
    expect(await outcomeOf(() => engine.run({ signl: aborted() } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'signl', hasCause: false });
    expect(await outcomeOf(() => engine.waitFor(id, 'done', { signal: {} } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'signal', hasCause: false });
    expect(await outcomeOf(() => engine.waitFor(id, 'done', { signal: 5 } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'signal', hasCause: false });
    await engine.close();
  });

  it('what was checked is what is used: a getter answering differently on each read cannot widen a tenant batch', async () => {
    const { engine } = setup();
    const mine = await engine.forTenant('acme').start('review', { title: 'mine' }, { actor: staff });
    const theirs = await engine.forTenant('other').start('review', { title: 'theirs' }, { actor: staff });
    let reads = 0;
    const act = {
      event: { type: 'SUBMIT' },
      get instanceId() {
        return reads++ === 0 ? mine : theirs;
      },
    };
    const results = await engine.forTenant('acme').sendMany([act as never], { actor: staff });
    expect(results.map((r) => [r.ok, r.instanceId])).toEqual([[true, mine]]);
    expect((await engine.get(theirs)).revision).toBe(1);
    expect((await engine.get(mine)).state).toBe('reviewing');
    // The retain tenant read once: checked as one tenant, used as none, it took every tenant's instances.
    let tenantReads = 0;
    await engine.terminate(theirs, { actor: admin, reason: 'finish it' });
    const options = {
      policy: { finishedBefore: Number.MAX_SAFE_INTEGER },
      mode: 'archive',
      get tenant() {
        return tenantReads++ === 0 ? 'acme' : undefined;
      },
    };
    expect((await engine.retain(options as never)).ids).toEqual([]);
    expect((await engine.get(theirs)).status).toBe('cancelled');
    await engine.close();
  });

  it('property: any options object (random keys and values, getters that throw) gives a result or a DocketError, never a raw error, and a refusal changes nothing', async () => {
    const { engine } = setup();
    const id = await engine.start('review', { title: 'x' }, { actor: staff });
    await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    const names = calls(engine, id, () => ({})).map(([name]) => name).filter((n) => n !== 'close' && n !== 'createEngine');
    const key = fc.oneof(fc.constantFrom('actor', 'limit', 'cursor', 'signal', 'policy', 'mode', 'workflow', 'tenant', '__proto__', 'constructor', 'toString'), fc.string({ maxLength: 8 }));
    const value = fc.oneof(fc.anything(), fc.constant(Number.NaN), fc.constant(Number.POSITIVE_INFINITY), fc.constant(-1), fc.constant(2 ** 60), fc.constant('throw'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), fc.array(fc.tuple(key, value), { maxLength: 4 }), fc.boolean(), async (name, entries, proxied) => {
        const before = await state(engine, id);
        const make = (base: Record<string, unknown>) => {
          const out: Record<string, unknown> = { ...base };
          for (const [k, v] of entries) {
            if (v === 'throw') Object.defineProperty(out, k, { enumerable: true, configurable: true, get: () => { throw new Error('boom'); } });
            else Object.defineProperty(out, k, { enumerable: true, configurable: true, writable: true, value: v });
          }
          return proxied ? new Proxy(out, {}) : out;
        };
        const call = calls(engine, id, make).find(([n]) => n === name)![1];
        const outcome = await outcomeOf(call);
        expect(typeof outcome === 'string' && outcome.startsWith('raw'), `${name}: ${String(outcome)}`).toBe(false);
        if (typeof outcome === 'object' && outcome.code === 'INVALID_ARGUMENT') expect(await state(engine, id)).toEqual(before);
      }),
      { numRuns: 400 },
    );
    await engine.close();
  });
});
