import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, memoryStore, virtualClock, type Engine } from '../src/index.js';
import { createHttpHandler, openApiDocument } from '../src/http/index.js';
import { BODY_FIELDS, type BodyRoute } from '../src/http/body-fields.js';

// One rule for every JSON body the handler reads (src/http/create-http-handler.ts, `body` and
// BODY_FIELDS): sent as JSON, a JSON object, and no field the route does not take. A field the route
// did not know was dropped: a misspelt `dryrun: true` on POST /admin/retain ran a real purge,
// `inputs` started an instance with an empty input, `reasn` suspended with the reason alone, and a
// batch act's `idempotencyKy` went unkeyed (its retry acted twice). A body sent as text/plain (which a
// browser posts cross-site without a CORS preflight) was parsed as JSON all the same.

const admin = { id: 'root', roles: ['admin', 'staff'] };
const wf = defineWorkflow({
  id: 'w', version: 1, input: z.object({ n: z.number().optional() }), events: { GO: z.object({ note: z.string().optional() }) },
  machine: setup({}).createMachine({ initial: 'a', states: { a: { on: { GO: 'b' } }, b: { type: 'final' } } }),
});

async function fixture(): Promise<{ engine: Engine; handler: (r: Request) => Promise<Response>; live: string; done: string }> {
  const clock = virtualClock('2026-11-02T09:00:00+08:00');
  const engine = createEngine({ store: memoryStore(), clock, workflows: [wf] });
  const handler = createHttpHandler({ engine, workflows: [wf], identify: () => admin });
  const live = await engine.start('w', {}, { actor: admin, id: 'live' });
  const done = await engine.start('w', {}, { actor: admin, id: 'done' });
  await engine.send(done, { type: 'GO' }, { actor: admin });
  await clock.advanceTo('2027-06-01T00:00:00+08:00');
  return { engine, handler: handler as (r: Request) => Promise<Response>, live, done };
}

/** What the store holds, as far as any route could change it: every instance, its revision and flags, every history. */
async function stored(engine: Engine): Promise<unknown> {
  const page = await engine.list({});
  return Promise.all(page.items.map(async (i) => [i.id, i.revision, i.status, i.suspended, (await engine.history(i.id, { includeRefused: true })).length]));
}

async function post(handler: (r: Request) => Promise<Response>, path: string, body: string, type: string | null = 'application/json') {
  // null: no content-type of our own (a string body then goes as text/plain;charset=UTF-8).
  const res = await handler(new Request(`http://x${path}`, { method: 'POST', body, headers: type === null ? {} : { 'content-type': type } }));
  return { status: res.status, json: (await res.json()) as { code?: string; detail?: string; details?: { field?: string } } };
}

/** A valid body for each route with a fixed set of fields (the live instance where a route needs one). */
const validBodies: Record<Exclude<BodyRoute, 'POST /batch act'>, [string, Record<string, unknown>]> = {
  'POST /instances': ['/instances', { workflow: 'w', input: {} }],
  'POST /batch': ['/batch', { acts: [{ instanceId: 'live', event: { type: 'GO' } }] }],
  'POST /instances/:id/suspend': ['/instances/live/suspend', { reason: 'audit' }],
  'POST /instances/:id/resume': ['/instances/live/resume', { reason: 'cleared' }],
  'POST /instances/:id/terminate': ['/instances/live/terminate', { reason: 'duplicate' }],
  'POST /instances/:id/move': ['/instances/live/move', { target: 'b', reason: 'on paper' }],
  'POST /admin/reassign': ['/admin/reassign', { from: 'li', to: 'wang', reason: 'left' }],
  'POST /admin/migrate': ['/admin/migrate', { workflow: 'w', from: 1, to: 2, reason: 'r', dryRun: true }],
  'POST /admin/retain': ['/admin/retain', { policy: { olderThan: { days: 30 } }, mode: 'purge' }],
};

describe('a body field the route does not take is refused, and nothing changes', () => {
  it('POST /admin/retain with a misspelt dryRun purges nothing (it purged: dryRun was read as false)', async () => {
    const { engine, handler } = await fixture();
    const before = await stored(engine);
    const r = await post(handler, '/admin/retain', JSON.stringify({ policy: { olderThan: { days: 30 } }, mode: 'purge', dryrun: true }));
    expect([r.status, r.json.code, r.json.details?.field]).toEqual([400, 'INVALID_ARGUMENT', 'dryrun']);
    expect(r.json.detail).toContain('"dryRun"');
    expect(await stored(engine)).toEqual(before);
    expect(await engine.archived('done')).toBeUndefined();
  });

  it('POST /instances with "inputs" starts nothing (it started one with an empty input)', async () => {
    const { engine, handler } = await fixture();
    const before = await stored(engine);
    const r = await post(handler, '/instances', JSON.stringify({ workflow: 'w', inputs: { n: 1 } }));
    expect([r.status, r.json.code, r.json.details?.field]).toEqual([400, 'INVALID_ARGUMENT', 'inputs']);
    expect(await stored(engine)).toEqual(before);
  });

  it('POST /instances/:id/suspend with an extra field leaves the instance running', async () => {
    const { engine, handler } = await fixture();
    const before = await stored(engine);
    const r = await post(handler, '/instances/live/suspend', JSON.stringify({ reason: 'audit', reasn: 'typo' }));
    expect([r.status, r.json.code, r.json.details?.field]).toEqual([400, 'INVALID_ARGUMENT', 'reasn']);
    expect(await stored(engine)).toEqual(before);
    expect((await engine.get('live')).suspended).toBe(false);
  });

  it('a batch act with a misspelt idempotencyKey is refused by path, not sent unkeyed', async () => {
    const { engine, handler } = await fixture();
    const before = await stored(engine);
    const r = await post(handler, '/batch', JSON.stringify({ acts: [{ instanceId: 'live', event: { type: 'GO' }, idempotencyKy: 'k1' }] }));
    expect([r.status, r.json.code, r.json.details?.field]).toEqual([400, 'INVALID_ARGUMENT', 'acts[0].idempotencyKy']);
    expect(await stored(engine)).toEqual(before);
  });

  it('an explicit "input": null is the workflow schema\'s to judge (it was read as {})', async () => {
    const { engine, handler } = await fixture();
    const before = await stored(engine);
    const r = await post(handler, '/instances', JSON.stringify({ workflow: 'w', input: null }));
    expect([r.status, r.json.code]).toEqual([422, 'INVALID_PAYLOAD']);
    expect(await stored(engine)).toEqual(before);
    // Leaving input out still starts with {}.
    expect((await post(handler, '/instances', JSON.stringify({ workflow: 'w' }))).status).toBe(201);
  });

  it('each valid body is still accepted', async () => {
    for (const [route, [path, body]] of Object.entries(validBodies)) {
      const { handler } = await fixture();
      // Accepted by the body rule: whatever the engine then answers (resume of a running instance is a
      // 409, a migration to the same version a 422), it is not the handler's 400.
      const r = await post(handler, path, JSON.stringify(body));
      expect([route, r.status === 400 ? r.json.detail : 'read']).toEqual([route, 'read']);
    }
  });

  it('property: any unknown field on any route is a 400 naming it, and the store is unchanged', async () => {
    const routes = Object.keys(validBodies) as (keyof typeof validBodies)[];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.string({ unit: 'binary', minLength: 1, maxLength: 50 }), fc.jsonValue(), async (route, key, value) => {
        fc.pre(!(BODY_FIELDS[route] as readonly string[]).includes(key) && key !== '__proto__');
        const { engine, handler } = await fixture();
        const before = await stored(engine);
        const [path, body] = validBodies[route];
        const r = await post(handler, path, JSON.stringify({ ...body, [key]: value }));
        expect([r.status, r.json.code]).toEqual([400, 'INVALID_ARGUMENT']);
        const field = r.json.details?.field ?? '';
        expect(key.startsWith(field) && field.length > 0).toBe(true);
        expect(await stored(engine)).toEqual(before);
      }),
      { numRuns: 60 },
    );
  });
});

describe('a body is read only when sent as JSON', () => {
  it('text/plain, a form type or no content-type is a 400 naming content-type, and nothing changes', async () => {
    const { engine, handler } = await fixture();
    const before = await stored(engine);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', null]) {
      const r = await post(handler, '/instances/live/events', JSON.stringify({ type: 'GO' }), type);
      expect([type, r.status, r.json.code, r.json.details?.field]).toEqual([type, 400, 'INVALID_ARGUMENT', 'content-type']);
    }
    expect(await stored(engine)).toEqual(before);
    for (const type of ['application/json; charset=utf-8', 'Application/JSON', 'application/merge-patch+json']) {
      expect((await post(handler, '/instances', JSON.stringify({ workflow: 'w' }), type)).status).toBe(201);
    }
  });

  it('property: a media type other than JSON is refused on every body route, before the body is read', async () => {
    const { engine, handler } = await fixture();
    const before = await stored(engine);
    const paths = [...Object.values(validBodies), ['/instances/live/events', { type: 'GO' }] as const];
    const notJson = fc.stringMatching(/^[a-z]{1,12}\/[a-z0-9.+-]{1,20}$/).filter((t) => t !== 'application/json' && !/^application\/.+\+json$/.test(t));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), notJson, async ([path, body], type) => {
        const r = await post(handler, path, JSON.stringify(body), type);
        expect([r.status, r.json.code, r.json.details?.field]).toEqual([400, 'INVALID_ARGUMENT', 'content-type']);
      }),
      { numRuns: 100 },
    );
    expect(await stored(engine)).toEqual(before);
  });
});

describe('the OpenAPI document agrees with BODY_FIELDS', () => {
  it('closes each listed body and names exactly its fields', () => {
    const doc = openApiDocument([wf]) as { paths: Record<string, Record<string, any>> };
    const schemaOf = (path: string) => doc.paths[path]!.post.requestBody.content['application/json'].schema;
    const toDoc = (route: string) => route.replace('POST ', '').replace(':id', '{id}');
    for (const route of Object.keys(BODY_FIELDS) as BodyRoute[]) {
      if (route === 'POST /batch act') continue;
      let schema = schemaOf(toDoc(route));
      if (route === 'POST /instances') schema = schema.oneOf[0];
      expect([route, schema.additionalProperties, Object.keys(schema.properties).sort()]).toEqual([route, false, [...BODY_FIELDS[route]].sort()]);
    }
    const act = schemaOf('/batch').properties.acts.items;
    expect([act.additionalProperties, Object.keys(act.properties).sort()]).toEqual([false, [...BODY_FIELDS['POST /batch act']].sort()]);
  });
});
