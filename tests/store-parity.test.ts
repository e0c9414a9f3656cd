import pg from 'pg';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, memoryStore, virtualClock, type Store, type TimerRecord } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { dropSchema, PG_URL, requirePostgres } from './helpers/pg-harness.js';
import { sqliteFile } from './helpers/sqlite-harness.js';
import { nextCommit, slug, T0 } from './helpers/records.js';

// Cases the differential property (tests/store-differential.property.test.ts) found where the
// memory store answered otherwise than SQLite and Postgres, each checked on every store.

const pgUp = await requirePostgres('store parity');
const pool = pgUp ? new pg.Pool({ connectionString: PG_URL, max: 4 }) : undefined;
afterAll(async () => await pool?.end());

interface Kind {
  readonly name: string;
  /** A store, and a second handle on the same data (the same object for memory). */
  readonly open: (label: string) => Promise<{ store: Store; reopen: () => Store; done: () => Promise<void> }>;
}
const kinds: Kind[] = [
  {
    name: 'memory',
    open: async () => {
      const store = memoryStore();
      return { store, reopen: () => store, done: async () => {} };
    },
  },
  {
    name: 'SQLite',
    open: async (label) => {
      const file = sqliteFile(`parity-${label}`);
      file.remove();
      return { store: sqliteStore({ filename: file.filename }), reopen: () => sqliteStore({ filename: file.filename }), done: async () => file.remove() };
    },
  },
];
if (pool !== undefined) {
  kinds.push({
    name: 'Postgres',
    open: async (label) => {
      const schema = `t_${slug(`parity_${label}`, 30)}`;
      return { store: postgresStore({ pool }, { schema }), reopen: () => postgresStore({ pool }, { schema }), done: () => dropSchema(pool, schema) };
    },
  });
}

// A context member set to undefined: JSON leaves it out, so the SQL stores gave it back without the
// key, while the memory store and the engine's cache kept it. A guard that asks whether the key is
// there stepped one way on memory (and from the cache) and the other after a load from SQLite.
const noted = defineWorkflow({
  id: 'noted',
  version: 1,
  machine: setup({
    types: {} as { context: { count: number; note?: string | undefined; marks: unknown[] }; events: { type: 'NOTE'; note?: string } | { type: 'CHECK' } },
    guards: { hasNoteKey: ({ context }) => 'note' in context },
  }).createMachine({
    id: 'noted',
    context: { count: 0, marks: [] },
    initial: 'open',
    states: {
      open: {
        on: {
          NOTE: { actions: assign(({ context, event }) => ({ count: context.count + 1, note: event.note, marks: [...context.marks, event.note] })) },
          CHECK: [{ guard: 'hasNoteKey', target: 'keyed' }, { target: 'keyless' }],
        },
      },
      keyed: { type: 'final' },
      keyless: { type: 'final' },
    },
  }),
  input: z.object({}),
  events: { NOTE: z.object({ note: z.string().optional() }), CHECK: z.object({}) },
});
const staff = { id: 'li', roles: ['staff'] };

describe('a context member JSON leaves out is not kept, on any store, from the cache or after a restart', () => {
  for (const kind of kinds) {
    it(`${kind.name}: a note set to undefined leaves no key (and an undefined array item is null); the guard that looks for the key steps alike`, async () => {
      const { store, reopen, done } = await kind.open('undefined-member');
      const clock = virtualClock(T0);
      let engine = createEngine({ store, clock, workflows: [noted] });
      let second: Store | undefined;
      try {
        const a = await engine.start('noted', {}, { actor: staff, id: 'a' });
        const b = await engine.start('noted', {}, { actor: staff, id: 'b' });
        for (const id of [a, b]) await engine.send(id, { type: 'NOTE' }, { actor: staff });
        const view = await engine.get(a);
        expect(Object.keys(view.context as object)).toEqual(['count', 'marks']);
        expect((view.context as { marks: unknown[] }).marks).toEqual([null]);
        // From the cache.
        expect((await engine.send(a, { type: 'CHECK' }, { actor: staff })).state).toBe('keyless');
        // After a restart on the same data.
        await engine.close();
        second = reopen();
        engine = createEngine({ store: second, clock, workflows: [noted] });
        expect(Object.keys((await engine.get(b)).context as object)).toEqual(['count', 'marks']);
        expect((await engine.send(b, { type: 'CHECK' }, { actor: staff })).state).toBe('keyless');
      } finally {
        await engine.close();
        await store.close();
        if (second !== undefined && second !== store) await second.close();
        await done();
      }
    });
  }
});

describe('timers() and claimDueTimers() give the timer table row, without the deadline kept in the instance', () => {
  for (const kind of kinds) {
    it(`${kind.name}: a timer committed with its deadline provenance comes back from the table without it`, async () => {
      const { store, done } = await kind.open('timer-row');
      try {
        await store.init();
        const c = nextCommit('t1', undefined, { addTimers: [{ key: 'due', dueAt: T0 + 1000 }] });
        const deadline = { rule: { kind: 'duration' as const, duration: 1000 }, from: T0, provisional: true as const, years: [2027], armedDueAt: T0 + 1000 };
        const timer: TimerRecord = { ...c.addTimers[0]!, deadline };
        await store.commit({ ...c, addTimers: [timer], instance: { ...c.instance, timers: c.instance.timers.map((t) => ({ ...t, deadline })) } });
        const rows = await store.timers('t1');
        expect(rows.map((t) => Object.keys(t).includes('deadline'))).toEqual([false]);
        const claimed = await store.claimDueTimers(T0 + 1000, { owner: 'w', token: 'k', leaseMs: 1000, limit: 10 });
        expect(claimed.map((t) => Object.keys(t).includes('deadline'))).toEqual([false]);
        // The instance keeps its copy.
        expect((await store.load('t1'))?.timers[0]?.deadline).toEqual(deadline);
      } finally {
        await store.close();
        await done();
      }
    });
  }
});

describe('a filtered list page has a nextCursor only when another match follows', () => {
  for (const kind of kinds) {
    it(`${kind.name}: one active instance then a done one, status active, limit 1: one page, no cursor`, async () => {
      const { store, done } = await kind.open('list-cursor');
      try {
        await store.init();
        await store.commit(nextCommit('first', undefined));
        await store.commit(nextCommit('second', undefined, { status: 'done' }));
        const page = await store.list({ status: 'active', limit: 1 });
        expect(page.items.map((r) => r.id)).toEqual(['first']);
        expect(page.nextCursor).toBeUndefined();
      } finally {
        await store.close();
        await done();
      }
    });
  }
});

describe('tasks() lists oldest first in one order on every store: by instance creation, then the instance’s own list', () => {
  for (const kind of kinds) {
    it(`${kind.name}: an instance created first keeps its tasks first after it commits again, and a limit of 1 gets its first task`, async () => {
      const { store, done } = await kind.open('task-order');
      try {
        await store.init();
        const task = (id: string) => ({ id, step: 'review', assignees: ['wang'], roles: [] });
        await store.commit(nextCommit('a', undefined, { tasks: [task('a1'), task('a2')] }));
        await store.commit(nextCommit('b', undefined, { tasks: [task('b1')] }));
        // a acts (one seat leaves, one is added): written after b's rows.
        await store.commit(nextCommit('a', await store.load('a'), { tasks: [task('a2'), task('a3')] }));
        // c had no task at first, then gets one: it still comes after a and b.
        await store.commit(nextCommit('c', undefined, { tasks: [] }));
        await store.commit(nextCommit('c', await store.load('c'), { tasks: [task('c1')] }));
        // b's tasks go, then come back: b keeps its place.
        await store.commit(nextCommit('b', await store.load('b'), { tasks: [] }));
        await store.commit(nextCommit('b', await store.load('b'), { tasks: [task('b2')] }));
        expect((await store.tasks()).map((t) => t.id)).toEqual(['a2', 'a3', 'b2', 'c1']);
        expect((await store.tasks({ assignee: 'wang', limit: 1 })).map((t) => t.id)).toEqual(['a2']);
      } finally {
        await store.close();
        await done();
      }
    });
  }
});

describe('retainable() breaks ties between instances finished at one instant by id in code point order, on every store', () => {
  for (const kind of kinds) {
    it(`${kind.name}: "B" before "a" (live and archived), so a batch of 1 takes the same instance`, async () => {
      const { store, done } = await kind.open('retain-ties');
      try {
        await store.init();
        for (const id of ['a', 'B', 'c']) await store.commit(nextCommit(id, undefined, { status: 'done', at: T0 }));
        expect(await store.retainable!({ finishedBefore: T0 + 1, limit: 1 })).toEqual(['B']);
        expect(await store.retainable!({ finishedBefore: T0 + 1, limit: 3 })).toEqual(['B', 'a', 'c']);
        await store.archive!(['a', 'B', 'c'], T0 + 1);
        expect(await store.retainable!({ finishedBefore: T0 + 1, limit: 3, archived: true })).toEqual(['B', 'a', 'c']);
      } finally {
        await store.close();
        await done();
      }
    });
  }
});
