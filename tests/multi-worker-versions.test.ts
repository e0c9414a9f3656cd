// Several engines on one store where not every engine registers every workflow version: a rolling
// deploy, where a new process starts instances on version 2 while an old one, which knows version 1
// only, still runs `engine.run()` beside it. An old engine that claims such an instance's timer
// cannot fire it; that is its own limit, not the instance's fault. Before, it suspended the instance
// (`docket.admin.suspend` by docket:system, WORKFLOW_VERSION_NOT_REGISTERED) for an administrator to
// resume, although the new engines could have fired the timer.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine, defineWorkflow, duration, isDocketError, memoryStore, virtualClock, type Store } from '../src/index.js';
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
