import fc from 'fast-check';
import pg from 'pg';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, isDocketError, memoryStore, virtualClock, type Commit, type Store } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { dropSchema, PG_URL, requirePostgres } from './helpers/pg-harness.js';
import { sqliteFile } from './helpers/sqlite-harness.js';
import { nextCommit, slug, T0 } from './helpers/records.js';

// A store gives back the JSON it was given, key order included. Postgres's jsonb sorts an object's
// keys (shorter first), and the commit batch travelled as jsonb, so an instance restored from
// Postgres had its context's keys in another order than the one the machine wrote: a machine that
// reads keys in order (the next signer of an ordered list kept as an object, say) stepped
// differently after a restart than from the engine's cache, and than on memory or SQLite. From
// schema 4 every JSON value of a commit travels as its text (postgres-migrations.ts).

const pgUp = await requirePostgres('store key order');
const pool = pgUp ? new pg.Pool({ connectionString: PG_URL, max: 4 }) : undefined;

interface Kind {
  readonly name: string;
  readonly open: (label: string) => Promise<{ store: Store; done: () => Promise<void> }>;
}
const kinds: Kind[] = [
  { name: 'memory', open: async () => ({ store: memoryStore(), done: async () => {} }) },
  {
    name: 'SQLite',
    open: async (label) => {
      const file = sqliteFile(`key-order-${label}`);
      file.remove();
      const store = sqliteStore({ filename: file.filename });
      return { store, done: async () => (await store.close(), file.remove()) };
    },
  },
];
if (pool !== undefined) {
  kinds.push({
    name: 'Postgres',
    open: async (label) => {
      const schema = `t_${slug(`key_order_${label}`, 30)}`;
      const store = postgresStore({ pool }, { schema });
      return { store, done: async () => (await store.close(), await dropSchema(pool, schema)) };
    },
  });
}
afterAll(async () => await pool?.end());

// 依次 (sequential sign-off) with the signers kept as an object in signing order: the next signer is
// the first key not yet signed. "zhangsan" signs before "li"; jsonb would put "li" (shorter) first.
const ordered = defineWorkflow({
  id: 'ordered-signers',
  version: 1,
  machine: setup({
    types: {} as { context: { signers: Record<string, boolean> }; input: { signers: string[] }; events: { type: 'SIGN'; $actor?: { id: string } } },
    guards: {
      isNext: ({ context, event }) => Object.keys(context.signers).find((k) => !context.signers[k]) === event.$actor?.id,
      allSigned: ({ context }) => Object.values(context.signers).every(Boolean),
    },
  }).createMachine({
    id: 'ordered',
    context: ({ input }) => ({ signers: Object.fromEntries(input.signers.map((s) => [s, false])) }),
    initial: 'signing',
    states: {
      signing: {
        always: { guard: 'allSigned', target: 'signed' },
        on: { SIGN: { guard: 'isNext', actions: assign({ signers: ({ context, event }) => ({ ...context.signers, [event.$actor!.id]: true }) }) } },
      },
      signed: { type: 'final' },
    },
  }),
  input: z.object({ signers: z.array(z.string()) }),
  events: { SIGN: z.object({}) },
});
const as = (id: string) => ({ id, roles: ['staff'] });

describe('the next signer of an ordered list kept as an object is the same from the cache and after a restart', () => {
  for (const kind of kinds) {
    it(`${kind.name}: zhangsan, then li; li first is refused, before and after a restart`, async () => {
      const { store, done } = await kind.open('signers');
      const clock = virtualClock(T0);
      let engine = createEngine({ store, clock, workflows: [ordered] });
      try {
        const id = await engine.start('ordered-signers', { signers: ['zhangsan', 'li'] }, { actor: as('wang') });
        await engine.close();
        engine = createEngine({ store, clock, workflows: [ordered] });
        await expect(engine.send(id, { type: 'SIGN' }, { actor: as('li') })).rejects.toSatisfy((e) => isDocketError(e, 'EVENT_NOT_ACCEPTED'));
        await engine.send(id, { type: 'SIGN' }, { actor: as('zhangsan') });
        const view = await engine.send(id, { type: 'SIGN' }, { actor: as('li') });
        expect(view.status).toBe('done');
        expect(JSON.stringify((await engine.get(id)).context)).toBe('{"signers":{"zhangsan":true,"li":true}}');
      } finally {
        await engine.close();
        await done();
      }
    });
  }
});

// Keys in an order no sort would give (integer-like keys come first in any JS object, as JSON.parse
// gives them too), values nested.
const keyArb = fc.oneof(fc.stringMatching(/^[a-z]{1,9}$/), fc.stringMatching(/^[A-Z][a-z]{0,12}$/), fc.constantFrom('审批人', '金额', 'x', 'yy', '10', '2'));
const jsonArb = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.string({ maxLength: 6 }), fc.boolean(), tie('object'), fc.array(tie('object'), { maxLength: 2 })),
  object: fc.dictionary(keyArb, tie('value'), { maxKeys: 6 }),
})).object as fc.Arbitrary<Record<string, unknown>>;

describe('property: a store gives back every JSON value of a commit as written, key order included', () => {
  for (const kind of kinds) {
    const runs = kind.name === 'Postgres' ? 40 : 100;
    it(`${kind.name}: snapshot, context, state, timers and their events, the history entry, effect params, tasks (${runs} runs)`, async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(jsonArb, jsonArb, jsonArb, async (context, payload, params) => {
          const { store, done } = await kind.open(`p${n++}`);
          try {
            await store.init();
            const id = `i${n}`;
            const base = nextCommit(id, undefined, { addTimers: [{ key: 'due', dueAt: T0 + 60_000 }], effects: 1, tasks: [{ id: `${id}:t`, assignees: ['li'], roles: ['staff'], title: { 'zh-CN': '审批', en: 'Approve' } } as never] });
            const event = { type: 'xstate.after.due', ...payload };
            const commit: Commit = {
              ...base,
              instance: {
                ...base.instance,
                snapshot: { status: 'active', value: 'draft', context, historyValue: {}, children: {} },
                context,
                timers: base.instance.timers.map((t) => ({ ...t, event })),
              },
              history: { ...base.history, event: { type: 'docket.start', ...payload } },
              addTimers: base.addTimers.map((t) => ({ ...t, event })),
              effects: base.effects.map((e) => ({ ...e, params })),
            };
            await store.commit(commit);
            const loaded = await store.load(id);
            expect(JSON.stringify(loaded?.snapshot)).toBe(JSON.stringify(commit.instance.snapshot));
            expect(JSON.stringify(loaded?.context)).toBe(JSON.stringify(context));
            expect(JSON.stringify(loaded?.timers.map((t) => t.event))).toBe(JSON.stringify([event]));
            expect(JSON.stringify((await store.history(id))[0]?.event)).toBe(JSON.stringify(commit.history.event));
            expect(JSON.stringify((await store.timers(id)).map((t) => t.event))).toBe(JSON.stringify([event]));
            expect(JSON.stringify((await store.effects(id)).map((e) => e.params))).toBe(JSON.stringify([params]));
            expect(JSON.stringify((await store.tasks({})).map((t) => t.title))).toBe(JSON.stringify([{ 'zh-CN': '审批', en: 'Approve' }]));
          } finally {
            await done();
          }
        }),
        { numRuns: runs },
      );
    }, 600_000);
  }
});
