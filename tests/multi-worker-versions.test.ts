// Several engines on one store where not every engine registers every workflow version: a rolling
// deploy, where a new process starts instances on version 2 while an old one, which knows version 1
// only, still runs `engine.run()` beside it. An old engine that claims such an instance's timer
// cannot fire it; that is its own limit, not the instance's fault. Before, it suspended the instance
// (`docket.admin.suspend` by docket:system, WORKFLOW_VERSION_NOT_REGISTERED) for an administrator to
// resume, although the new engines could have fired the timer. Likewise an effect a new version
// emits, of a type the old engine has no handler for: the old engine marked it `dead` at once, and no
// engine ever delivered it.
import { afterEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { createEngine, defineWorkflow, duration, effect, isDocketError, memoryStore, virtualClock, type EffectContext, type Store } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { reviewMachine, reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const START = Date.parse('2026-11-02T09:00:00+08:00');
const DAY = 86_400_000;
const LEASE = 30_000;

/** Version 2 of the review workflow: the same machine, a longer deadline. */
export const reviewV2 = defineWorkflow({
  id: 'review',
  version: 2,
  machine: reviewMachine,
  input: z.object({ title: z.string().min(1) }),
  events: { SUBMIT: z.object({}), APPROVE: z.object({ comment: z.string().optional() }), REJECT: z.object({ comment: z.string().min(1) }), WITHDRAW: z.object({}) },
  permissions: { SUBMIT: ['staff'], APPROVE: ['manager'], REJECT: ['manager'], WITHDRAW: ['staff'] },
  deadlines: { reviewDeadline: duration({ days: 4 }) },
});

const handlers = { notify: () => {}, archive: () => {} };
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const stores: [string, (name: string) => { open: () => Store }][] = [
  ['memory', () => {
    const store = memoryStore();
    return { open: () => store };
  }],
  ['sqlite', (name) => {
    const { filename, remove } = sqliteFile(name);
    cleanups.push(remove);
    // Each engine its own connection to the one file, as separate processes have.
    return { open: () => sqliteStore({ filename }) };
  }],
];

describe.each(stores)('%s: a timer claimed by an engine that does not register its instance\'s version', (_kind, make) => {
  it('is not suspended: set aside, reported, and fired once by an engine that registers the version', async (ctx) => {
    const { open } = make(ctx.task.name);
    const clock = virtualClock(START);
    const fresh = createEngine({ store: open(), clock, workflows: [reviewWorkflow, reviewV2], workerId: 'new', effects: handlers });
    const id = await fresh.start('review', { title: 'T' }, { actor: staff });
    await fresh.send(id, { type: 'SUBMIT' }, { actor: staff });
    await fresh.close();

    // Only the old process runs when the deadline falls due.
    const oldStore = open();
    const old = createEngine({ store: oldStore, clock, workflows: [reviewWorkflow], workerId: 'old', effects: handlers });
    const errors: unknown[] = [];
    old.on('error', (e) => errors.push(e));
    await clock.advanceTo(START + 4 * DAY);
    const held = await oldStore.load(id);
    expect(held).toMatchObject({ version: 2, state: 'reviewing', suspended: false });
    expect((await oldStore.history(id)).map((e) => e.event.type)).toEqual(['docket.start', 'SUBMIT']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toSatisfy((e) => isDocketError(e, 'WORKFLOW_VERSION_NOT_REGISTERED'));
    expect((errors[0] as Error).message).toContain('not suspended');
    await old.close();

    // The deploy finished: a new process fires the timer once the deferral (one lease) is over.
    const later = createEngine({ store: open(), clock, workflows: [reviewWorkflow, reviewV2], workerId: 'new-2', effects: handlers });
    const fired: string[] = [];
    later.on('timer.fired', (t) => fired.push(t.timerId));
    await clock.advanceBy(LEASE);
    expect(fired).toHaveLength(1);
    expect(await later.get(id)).toMatchObject({ state: 'escalated', suspended: false });
    const types = (await later.history(id)).map((e) => e.event.type);
    expect(types).toEqual(['docket.start', 'SUBMIT', 'docket.timer.reviewDeadline']);
    await clock.advanceBy(DAY);
    expect(fired).toHaveLength(1);
    await later.close();
  });
});

/** A workflow whose version 2 also emits `legal`, an effect type version 1 (the old process) never knew. */
const goVersion = (version: 1 | 2) =>
  defineWorkflow({
    id: 'go',
    version,
    machine:
      version === 1
        ? setup({ types: {} as { events: { type: 'GO' } }, actions: { ping: effect<{ n: number }>() } }).createMachine({
            id: 'go',
            initial: 'a',
            states: { a: { on: { GO: { target: 'b', actions: { type: 'ping', params: { n: 1 } } } } }, b: {} },
          })
        : setup({ types: {} as { events: { type: 'GO' } }, actions: { ping: effect<{ n: number }>(), legal: effect<{ n: number }>() } }).createMachine({
            id: 'go',
            initial: 'a',
            states: { a: { on: { GO: { target: 'b', actions: [{ type: 'ping', params: { n: 1 } }, { type: 'legal', params: { n: 2 } }] } } }, b: {} },
          }),
    input: z.object({}),
    events: { GO: z.object({}) },
    permissions: { GO: ['staff'] },
  });

describe.each(stores)("%s: an effect claimed by an engine with no handler for it and no registration of its instance's version", (_kind, make) => {
  it('is handed back pending, attempts unchanged, and delivered once by an engine that has the handler', async (ctx) => {
    const { open } = make(ctx.task.name);
    const clock = virtualClock(START);
    const go1 = goVersion(1);
    const go2 = goVersion(2);
    // The new process emits `legal` and is stopped while delivering it: the effect keeps its claim
    // until the lease runs out (effectTimeoutMs + leaseMs), then any engine may claim it.
    const fresh = createEngine({ store: open(), clock, workflows: [go1, go2], workerId: 'new', effects: { ping: () => {}, legal: () => new Promise<void>(() => {}) } });
    const id = await fresh.start('go', {}, { actor: staff });
    await fresh.send(id, { type: 'GO' }, { actor: staff });
    const closing = fresh.close({ timeoutMs: 1 });
    await clock.advanceBy(1);
    await closing;

    const oldStore = open();
    const old = createEngine({ store: oldStore, clock, workflows: [go1], workerId: 'old', effects: { ping: () => {} } });
    const errors: unknown[] = [];
    const failed: unknown[] = [];
    old.on('error', (e) => errors.push(e));
    old.on('effect.failed', (e) => failed.push(e));
    await clock.advanceBy(60_000);
    await old.settled();
    const legal = (await oldStore.effects(id)).find((e) => e.type === 'legal')!;
    expect(legal).toMatchObject({ status: 'pending', attempts: 0 });
    expect(legal.lastError).toContain('does not register');
    expect(failed).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'WORKFLOW_VERSION_NOT_REGISTERED', details: { effectId: legal.id, field: 'effects.legal' } });
    await old.close();

    const delivered: string[] = [];
    const later = createEngine({ store: open(), clock, workflows: [go1, go2], workerId: 'new-2', effects: { ping: () => {}, legal: (_p: unknown, c: EffectContext) => void delivered.push(`${c.effectId}@${c.attempt}`) } });
    await clock.advanceBy(LEASE);
    await later.settled();
    expect(delivered).toEqual([`${legal.id}@1`]);
    expect((await later.effects(id)).map((e) => [e.type, e.status])).toEqual([['ping', 'delivered'], ['legal', 'delivered']]);
    await clock.advanceBy(DAY);
    expect(delivered).toHaveLength(1);
    await later.close();
  });
});
