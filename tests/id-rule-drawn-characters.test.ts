// The one id rule's blank (isBlankId, src/store/id-rule.ts) was "whitespace, format characters (Cf)
// and default-ignorable code points only". That missed characters drawn as nothing and took in some
// that are drawn:
// - control characters outside `\s` (U+0001, U+001F, U+007F, U+0085, U+009F) were ids: `role('\u0001')`,
//   a user, a tenant or a workerId no list, inbox or message could show;
// - U+2800 BRAILLE PATTERN BLANK and U+1D159 MUSICAL SYMBOL NULL NOTEHEAD, symbols drawn as an empty
//   cell (the usual "invisible name" characters beside U+3164), were ids too;
// - the prepended concatenation marks are Cf yet drawn (U+0600 ARABIC NUMBER SIGN, U+06DD ARABIC END
//   OF AYAH, U+070F, U+08E2, U+110BD…): an id '\u06dd' was refused as "only invisible characters".
// Now blank means no drawn character, at every door (new ids, filters, context paths), and every
// store (memory, SQLite, Postgres) keeps and finds each id the rule accepts.
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusal } from './helpers/refusal-outcome.js';
import { createEngine, field, isDocketError, memoryStore, role, staticDirectory, users, virtualClock } from '../src/index.js';
import { idRuleProblem, isBlankId } from '../src/store/id-rule.js';
import { assertId } from '../src/engine/validate-input.js';
import { postgresStore } from '../src/postgres/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import type { Store } from '../src/store/store.js';
import { dropSchema, PG_URL, requirePostgres } from './helpers/pg-harness.js';
import { sqliteFile } from './helpers/sqlite-harness.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';

const UNDRAWN = ['\u0001', '\u001f', '\u007f', '\u0085', '\u009f', '\u2800', '\u{1D159}', '\u2800\u2800', ' \u0001\u200b', '\u3164\u2800'] as const;
const DRAWN = ['\u06dd', '\u0600', '\u070f', '\u08e2', '\u{110BD}', '\u200b\u06dd'] as const;


const engineWith = (workerId: string) => () => createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [], workerId });

describe('an id of characters drawn as nothing is blank', () => {
  it.each(UNDRAWN)('%j is refused at every door that makes an id, naming the field', (id) => {
    expect(isBlankId(id)).toBe(true);
    expect(refusal(() => role(id))).toEqual({ code: 'INVALID_ARGUMENT', field: 'name' });
    expect(refusal(() => users('zhao', id))).toEqual({ code: 'INVALID_ARGUMENT', field: 'users[1]' });
    expect(refusal(() => staticDirectory({ users: [{ id, roles: [] }] }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'users[0].id' });
    expect(refusal(engineWith(id))).toEqual({ code: 'INVALID_ARGUMENT', field: 'workerId' });
    expect(refusal(() => field(`form.${id}`))).toEqual({ code: 'INVALID_ARGUMENT', field: 'field' });
  });

  it.each(UNDRAWN)('a filter by %j is refused as the write is, by the store itself', async (id) => {
    await expect(memoryStore().list({ tenant: id })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'tenant' } });
    await expect(memoryStore().tasks({ assignee: id })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'assignee' } });
  });

  it('the refusal shows the code points and says to give a readable id', () => {
    expect(() => role('\u2800')).toThrow(/only invisible characters \(U\+2800\); give an id a person can read/);
  });

  it.each(UNDRAWN)('start with the id, tenant or actor %j is refused and writes nothing', async (id) => {
    const store = memoryStore();
    const engine = createEngine({ store, clock: virtualClock('2026-10-12T09:00:00+08:00'), workflows: [reviewWorkflow] });
    await expect(engine.start('review', { title: 'x' }, { actor: staff, id })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'id' } });
    await expect(engine.start('review', { title: 'x' }, { actor: staff, tenant: id })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'tenant' } });
    await expect(engine.start('review', { title: 'x' }, { actor: { id, roles: ['staff'] } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'actor.id' } });
    expect((await store.list({ limit: 10 })).items).toEqual([]);
    await engine.close();
  });
});

describe('an id of a drawn format character is an id', () => {
  it.each(DRAWN)('%j is taken at every door', (id) => {
    expect(isBlankId(id)).toBe(false);
    expect(refusal(() => role(id))).toBe('accepted');
    expect(refusal(() => users(id))).toBe('accepted');
    expect(refusal(() => staticDirectory({ users: [{ id, roles: [id] }] }))).toBe('accepted');
    expect(refusal(engineWith(id))).toBe('accepted');
    expect(refusal(() => field(`form.${id}`))).toBe('accepted');
  });
});

// Every id the rule accepts is kept and found by every store; every id it refuses is refused before a store.
const ACCEPTED = ['\u06dd', 'a\u0001', '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}', '\u2764\ufe0f', '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}', ' \u0301', '\u0301', 'zh\u200bao', '\u2800a'] as const;
const pgAvailable = await requirePostgres('id rule across stores');
let pool: pg.Pool | undefined;
const schema = `t_id_rule_drawn_${process.pid}`;
beforeAll(() => {
  if (pgAvailable) pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
});
afterAll(async () => {
  if (pool !== undefined) {
    await dropSchema(pool, schema);
    await pool.end();
  }
});

async function agreement(store: Store): Promise<void> {
  await store.init?.();
  const engine = createEngine({ store, clock: virtualClock('2026-10-12T09:00:00+08:00'), workflows: [reviewWorkflow] });
  try {
    for (const id of ACCEPTED) {
      await engine.start('review', { title: 'x' }, { actor: { id: `${id}-actor`, roles: ['staff'] }, id, tenant: `${id}-t` });
      expect((await engine.get(id)).id).toBe(id);
      expect((await engine.list({ tenant: `${id}-t`, limit: 10 })).items.map((i) => i.id)).toEqual([id]);
    }
    for (const id of UNDRAWN) {
      await expect(engine.start('review', { title: 'x' }, { actor: staff, id })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'id' } });
      await expect(engine.list({ tenant: id })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'tenant' } });
    }
    expect((await engine.list({ limit: 100 })).items.map((i) => i.id).sort()).toEqual([...ACCEPTED].sort());
  } finally {
    await engine.close();
  }
}

describe('the stores agree on every id the rule accepts or refuses', () => {
  it('memory', async () => {
    await agreement(memoryStore());
  });

  it('SQLite', async () => {
    const { filename, remove } = sqliteFile('id-rule-drawn-characters');
    remove();
    try {
      await agreement(sqliteStore({ filename }));
    } finally {
      remove();
    }
  });

  it.skipIf(!pgAvailable)('Postgres', async () => {
    await dropSchema(pool!, schema);
    await agreement(postgresStore({ pool: pool! }, { schema }));
  });
});

// What is drawn as nothing, and what is drawn (the prepended concatenation marks among the Cf).
const undrawnChar = fc.constantFrom(' ', '\t', '\u3000', '\u200b', '\u2060', '\ufeff', '\u3164', '\u115f', '\ufe0f', '\u{E0041}', '\u0001', '\u001f', '\u007f', '\u0085', '\u009f', '\u2800', '\u{1D159}');
const drawnChar = fc.constantFrom('a', '李', '\u06dd', '\u0600', '\u08e2', '\u{110BD}', '\u0301', '\u{1F468}\u200d\u{1F469}', '\u2764\ufe0f', '.');

describe('property: an id is blank exactly when it has no drawn character, by every door', () => {
  it('over strings of undrawn characters with or without a drawn one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(undrawnChar, { minLength: 1, maxLength: 10 }), fc.option(fc.tuple(drawnChar, fc.nat(10)), { nil: undefined }), async (chars, drawn) => {
        const list: string[] = [...chars];
        if (drawn !== undefined) list.splice(drawn[1] % (list.length + 1), 0, drawn[0]);
        const id = list.join('');
        const blank = drawn === undefined;
        expect(isBlankId(id)).toBe(blank);
        expect(idRuleProblem(id) !== undefined).toBe(blank);
        const expected = (f: string) => (blank ? { code: 'INVALID_ARGUMENT', field: f } : 'accepted');
        expect(refusal(() => role(id))).toEqual(expected('name'));
        expect(refusal(() => staticDirectory({ users: [{ id, roles: [] }] }))).toEqual(expected('users[0].id'));
        expect(refusal(engineWith(id))).toEqual(expected('workerId'));
        // A filter takes exactly what a write takes (the store refuses before looking).
        const filtered = await memoryStore().tasks({ assignee: id }).then(() => 'accepted', (error: unknown) => (isDocketError(error) ? { code: error.code, field: error.details.field } : error));
        expect(filtered).toEqual(expected('assignee'));
        // Old data: a read by an id already stored takes any non-empty one.
        expect(refusal(() => assertId(id, 'The instance id', {}, 'instanceId'))).toBe('accepted');
      }),
      { numRuns: 200 },
    );
  });
});
