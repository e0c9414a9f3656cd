// One rule for what an id is, shared by the doors that write a new id and the filters that look for
// one (src/store/id-rule.ts). Before: every list and inbox filter refused a blank value ('  ') with
// INVALID_ARGUMENT, but the write doors refused only '' — so `forTenant(' ')` started instances its
// own `list()` refused as `tenant`, an instance could be started with id '  ', a workflow defined with
// id ' ', an actor, role or directory user ' ' act and be assigned tasks no `tasks({ assignee })`
// could find, and an approval act (转交, 委托, 抄送, 加签) could name ' '. Each door now refuses such an
// id with INVALID_ARGUMENT naming the field, and writes nothing. Reads of records an older Docket
// stored under a blank id (get, history, send to it) keep working.
import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { refusalOf } from './helpers/refusal-outcome.js';
import { createEngine, defineWorkflow, memoryStore, reassignTasks, staticDirectory, virtualClock, type Directory, type Engine } from '../src/index.js';
import { createHttpHandler } from '../src/http/index.js';
import type { Store } from '../src/store/store.js';
import { sealEntry } from '../src/engine/history.js';
import { legalStepMachine } from './helpers/legal-step.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';

const BLANKS = [' ', '  ', '\t', '\u3000', ' \n '] as const;
const admin = { id: 'root', roles: ['admin'] };

/** The code and field of a refusal, or 'accepted'. */
const outcome = refusalOf;

/** Everything a memory store holds that a door could have written: instances, their history, tasks. */
async function contents(store: Store): Promise<string> {
  const page = await store.list({ limit: 1000 });
  const histories = await Promise.all(page.items.map(async (i) => [i.id, i.revision, i.tenant, (await store.history(i.id)).length]));
  return JSON.stringify({ histories, tasks: await store.tasks({}) });
}

function reviewEngine(store: Store = memoryStore()) {
  return { store, engine: createEngine({ store, clock: virtualClock('2026-10-12T09:00:00+08:00'), workflows: [reviewWorkflow] }) };
}

describe('a new id is refused by the rule every filter uses', () => {
  it.each(BLANKS)('start with an explicit instance id %j: INVALID_ARGUMENT naming "id", nothing written (it started "  ")', async (blank) => {
    const { engine, store } = reviewEngine();
    await engine.start('review', { title: 'before' }, { actor: staff, id: 'kept' });
    const before = await contents(store);
    expect(await outcome(() => engine.start('review', { title: 'x' }, { actor: staff, id: blank }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'id' });
    expect(await contents(store)).toBe(before);
  });

  it('start with options.tenant " ": INVALID_ARGUMENT naming "tenant", nothing written', async () => {
    const { engine, store } = reviewEngine();
    const before = await contents(store);
    expect(await outcome(() => engine.start('review', { title: 'x' }, { actor: staff, tenant: ' ' }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'tenant' });
    expect(await contents(store)).toBe(before);
  });

  it('forTenant(" ") is refused when called, naming "tenant" (it started instances its own list() refused)', async () => {
    const { engine, store } = reviewEngine();
    for (const blank of BLANKS) {
      expect(await outcome(() => engine.forTenant(blank))).toEqual({ code: 'INVALID_ARGUMENT', field: 'tenant' });
      expect(await outcome(() => engine.list({ tenant: blank }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'tenant' });
    }
    expect(await contents(store)).toBe(JSON.stringify({ histories: [], tasks: [] }));
    // A good tenant still works, and its list finds what it started.
    const acme = engine.forTenant('acme');
    const id = await acme.start('review', { title: 'x' }, { actor: staff });
    expect((await acme.list()).items.map((i) => i.id)).toEqual([id]);
  });

  it.each([
    ['actor.id', { id: ' ', roles: ['staff'] }],
    ['actor.roles[1]', { id: 'li', roles: ['staff', '  '] }],
    ['actor.tenant', { id: 'li', roles: ['staff'], tenant: '\t' }],
  ])('an actor with a blank %s is refused naming it, nothing written', async (field, actor) => {
    const { engine, store } = reviewEngine();
    const before = await contents(store);
    expect(await outcome(() => engine.start('review', { title: 'x' }, { actor }))).toEqual({ code: 'INVALID_ARGUMENT', field });
    expect(await contents(store)).toBe(before);
  });

  it('defineWorkflow (and approvals.defineWorkflow) with id " " is refused naming "definition.id" (it was defined, and also "" and 3)', async () => {
    for (const id of [' ', '', '\u3000', 3]) {
      expect(await outcome(() => defineWorkflow({ ...reviewWorkflow, id: id as never }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'definition.id' });
    }
    const { approvals, machine } = legalStepMachine();
    expect(await outcome(() => approvals.defineWorkflow({ id: '  ', version: 1, machine, input: z.object({}) }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'definition.id' });
    expect(defineWorkflow({ ...reviewWorkflow, id: 'review-2' }).id).toBe('review-2');
  });

  it('staticDirectory refuses a blank user id or role, naming it', async () => {
    expect(await outcome(() => staticDirectory({ users: [{ id: 'li', roles: [] }, { id: ' ', roles: [] }] }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'users[1].id' });
    expect(await outcome(() => staticDirectory({ users: [{ id: 'li', roles: ['staff', ' '] }] }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'users[0].roles[1]' });
    expect(await outcome(() => staticDirectory({ users: [{ id: 'li', roles: ['staff'] }] }))).toBe('accepted');
  });
});

describe('an approval act that names a person with a blank id is refused, with or without the directory knowing them', () => {
  const { approvals, machine } = legalStepMachine();
  const wf = approvals.defineWorkflow({ id: 'contract', version: 1, machine, input: z.object({}) });
  const known = staticDirectory({ users: [{ id: 'li', roles: ['staff'] }, { id: 'zhao', roles: ['legal'] }, { id: 'sun', roles: ['finance'] }] });
  // A host's directory (LDAP, HR) that answers for a blank id, as an older staticDirectory did.
  const directory: Directory = { ...known, user: (id) => (id.trim() === '' ? { id, roles: [] } : known.user(id)) };

  async function fixture(): Promise<{ engine: Engine; store: Store; id: string }> {
    const store = memoryStore();
    const engine = createEngine({ store, clock: virtualClock(0), directory, workflows: [wf], effects: { 'approval.assigned': () => {}, 'approval.cc': () => {}, 'approval.remind': () => {} } }) as unknown as Engine;
    const id = await engine.start('contract' as never, {} as never, { actor: { id: 'li', roles: ['staff'] } });
    return { engine, store, id };
  }

  it.each([
    ['TRANSFER', { to: ' ' }, 'to'],
    ['DELEGATE', { to: '  ' }, 'to'],
    ['CC', { users: ['sun', '\t'] }, 'users'],
    ['ADD_SIGNER', { users: [' '], position: 'after' }, 'users'],
  ])('%s naming a blank person: INVALID_ARGUMENT naming the payload field, nothing recorded', async (type, payload, field) => {
    const { engine, store, id } = await fixture();
    const before = await contents(store);
    expect(await outcome(() => engine.send(id, { type, ...payload } as never, { actor: { id: 'zhao', roles: ['legal'] } }))).toEqual({ code: 'INVALID_ARGUMENT', field });
    expect(await contents(store)).toBe(before);
    expect((await engine.history(id)).map((h) => h.event.type)).toEqual(['docket.start']);
  });

  it('reassignTasks to " " is refused naming "to", nothing handed over', async () => {
    const { engine, store } = await fixture();
    const before = await contents(store);
    expect(await outcome(() => reassignTasks(engine, { from: 'zhao', to: ' ', actor: admin, reason: 'left' }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'to' });
    expect(await contents(store)).toBe(before);
  });
});

describe('the HTTP doors that create an id', () => {
  async function call(handler: (r: Request) => Promise<Response>, path: string, body: unknown, user = 'li') {
    const res = await handler(new Request(`http://x${path}`, { method: 'POST', headers: { 'x-user': user, 'content-type': 'application/json' }, body: JSON.stringify(body) }));
    return { status: res.status, body: (await res.json()) as { code?: string; details?: { field?: unknown } } };
  }

  it('POST /instances with id "  " is 400 naming "id", nothing written', async () => {
    const { engine, store } = reviewEngine();
    const handler = createHttpHandler({ engine: engine as never, workflows: [reviewWorkflow], identify: () => staff });
    const r = await call(handler, '/instances', { workflow: 'review', input: { title: 'x' }, id: '  ' });
    expect([r.status, r.body.code, r.body.details?.field]).toEqual([400, 'INVALID_ARGUMENT', 'id']);
    expect(await contents(store)).toBe(JSON.stringify({ histories: [], tasks: [] }));
  });

  it('an identify hook answering tenant " " is the host\'s bug (500), never a tenant an instance is started in', async () => {
    const { engine, store } = reviewEngine();
    const handler = createHttpHandler({ engine: engine as never, workflows: [reviewWorkflow], identify: () => ({ ...staff, tenant: ' ' }) });
    const r = await call(handler, '/instances', { workflow: 'review', input: { title: 'x' } });
    expect(r.status).toBe(500);
    expect(await contents(store)).toBe(JSON.stringify({ histories: [], tasks: [] }));
  });
});

describe('a record an older Docket stored under a blank id stays reachable', () => {
  it('get, history and send by the blank id still work (reads and acts by id are not the new-id rule)', async () => {
    const { engine, store } = reviewEngine();
    const seed = await engine.start('review', { title: 'old' }, { actor: staff, id: 'seed' });
    const record = (await store.load(seed))!;
    const [entry] = await store.history(seed);
    // Written as a Docket before the one id rule wrote it: straight to the store, id '  ', its entry
    // sealed (hashed) for that id as the engine seals one.
    const { hash: _hash, keyId: _keyId, ...unsealed } = entry!;
    const sealed = sealEntry({ ...unsealed, instanceId: '  ' });
    await store.commit({ instance: { ...record, id: '  ', historyHash: sealed.hash }, expectedRevision: 0, history: sealed, cancelTimerIds: [], addTimers: [], effects: [] });
    const fresh = createEngine({ store, clock: virtualClock('2026-10-12T09:00:00+08:00'), workflows: [reviewWorkflow] });
    expect((await fresh.get('  ')).id).toBe('  ');
    expect((await fresh.history('  ')).map((h) => h.event.type)).toEqual(['docket.start']);
    expect((await fresh.send('  ', { type: 'SUBMIT' }, { actor: staff })).state).toBe('reviewing');
    expect((await fresh.get('  ')).revision).toBe(2);
  });
});

describe('property: a write door accepts s as a new id iff the filter rule accepts s as a filter value', () => {
  // Whitespace of every kind, U+0000, lone surrogates and long strings are what the rule is about.
  const piece = fc.oneof(
    fc.constantFrom(' ', '\t', '\n', '\u3000', '\u00a0', '\u2028', '\ufeff', '\u0000', '\ud800', '\udc00', 'a', '审', '😀'),
    fc.string({ maxLength: 3 }),
  );
  const text = fc.oneof(fc.array(piece, { maxLength: 8 }).map((p) => p.join('')), fc.string({ minLength: 250, maxLength: 260 }), fc.constant(''));

  it('start({ tenant: s }) and forTenant(s) against list({ tenant: s }); when accepted, the list finds the instance', async () => {
    await fc.assert(
      fc.asyncProperty(text, async (s) => {
        const { engine } = reviewEngine();
        const filter = await outcome(() => engine.list({ tenant: s }));
        const written = await outcome(() => engine.start('review', { title: 'x' }, { actor: staff, tenant: s, id: 'one' }));
        const view = await outcome(() => engine.forTenant(s));
        expect(written === 'accepted').toBe(filter === 'accepted');
        expect(view === 'accepted').toBe(filter === 'accepted');
        if (filter === 'accepted') expect((await engine.list({ tenant: s })).items.map((i) => i.id)).toEqual(['one']);
        else expect([written, view]).toEqual([filter, filter]);
      }),
      { numRuns: 300 },
    );
  });

  it('start({ id: s }) and an actor id s against tasks({ instanceId: s }) and tasks({ assignee: s })', async () => {
    await fc.assert(
      fc.asyncProperty(text, async (s) => {
        const { engine, store } = reviewEngine();
        const byInstance = await outcome(() => engine.tasks({ instanceId: s }));
        const byAssignee = await outcome(() => engine.tasks({ assignee: s }));
        const started = await outcome(() => engine.start('review', { title: 'x' }, { actor: staff, id: s }));
        const asActor = await outcome(() => engine.start('review', { title: 'x' }, { actor: { id: s, roles: ['staff'] }, id: 'by-actor' }));
        expect(started === 'accepted').toBe(byInstance === 'accepted');
        expect(asActor === 'accepted').toBe(byAssignee === 'accepted');
        if (started === 'accepted') expect((await store.load(s))?.id).toBe(s);
      }),
      { numRuns: 300 },
    );
  });
});
