// One rule for every route's query (src/http/create-http-handler.ts, readQuery and QUERY_NAMES):
// each parameter a route lists at most once and never blank, and no other name, on every route.
// Before, only GET /instances, /tasks and /instances/:id/history read their query; every other route
// (GET /instances/:id, /verify, /me, any POST) dropped whatever was sent, and an unknown name's
// field was cut inside a surrogate pair.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, isDocketError, memoryStore, virtualClock, type Engine } from '../src/index.js';
import { createHttpHandler } from '../src/http/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

const staff = { id: 'li', roles: ['staff', 'admin'] };

async function setupHandler(): Promise<{ engine: Engine; handler: (r: Request) => Promise<Response>; id: string }> {
  const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-09-21T09:00:00Z'), workflows: [reviewWorkflow] });
  const handler = createHttpHandler({ engine, workflows: [reviewWorkflow], identify: () => staff, basePath: '/api' });
  const id = await engine.start('review', { title: 't' }, { actor: staff });
  return { engine, handler, id };
}

async function call(handler: (r: Request) => Promise<Response>, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, any> }> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await handler(new Request(`http://x/api${path}`, init));
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

/** Routes that take no query parameter, with what a call sends (an act changes the instance). */
function routes(id: string): [string, string, unknown?][] {
  return [
    ['GET', '/me'],
    // Before the identity check, and it read no query at all: `?version=2` got the one document.
    ['GET', '/openapi.json'],
    ['GET', `/instances/${id}`],
    ['GET', `/instances/${id}/verify`],
    ['POST', '/instances', { workflow: 'review', input: { title: 'x' } }],
    ['POST', `/instances/${id}/events`, { type: 'SUBMIT' }],
    ['POST', `/instances/${id}/suspend`, { reason: 'r' }],
    ['POST', '/batch', { acts: [{ instanceId: id, event: { type: 'SUBMIT' } }] }],
  ];
}

function isWellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

describe('the query rule holds on every route', () => {
  it('a parameter on a route that takes none is a 400 naming it, and the route does nothing (it was ignored: 200, the act done)', async () => {
    const { engine, handler, id } = await setupHandler();
    for (const [method, path, body] of routes(id)) {
      const r = await call(handler, method, `${path}?includeRefused=true`, body);
      expect([method, path, r.status, r.json.code, r.json.details?.field]).toEqual([method, path, 400, 'INVALID_ARGUMENT', 'includeRefused']);
    }
    const page = await engine.list({});
    expect(page.items.map((i) => [i.id, i.revision, i.suspended])).toEqual([[id, 1, false]]);
    // The routes that take a query still take theirs, as before.
    expect((await call(handler, 'GET', '/instances?workflow=review')).status).toBe(200);
    expect((await call(handler, 'GET', `/instances/${id}/history?includeRefused=true`)).status).toBe(200);
    expect((await call(handler, 'GET', '/tasks?workflow=review')).status).toBe(200);
    // A path no route has stays a 404.
    expect((await call(handler, 'GET', '/nowhere?x=1')).status).toBe(404);
    // Without a basePath the routes are matched the same way.
    const bare = createHttpHandler({ engine, workflows: [reviewWorkflow], identify: () => staff });
    const at = async (path: string) => (await bare(new Request(`http://x${path}`))).status;
    expect([await at('/instances?workflow=review'), await at(`/instances/${id}/history?includeRefused=false`), await at('/me?x=1'), await at(`/instances/${id}?x=1`)]).toEqual([200, 200, 400, 400]);
    await engine.close();
  });

  it('an empty name (?=x) is an unknown parameter, not dropped; + is a space, so ?workflow=+ is blank', async () => {
    const { engine, handler } = await setupHandler();
    const empty = await call(handler, 'GET', '/instances?=x');
    expect([empty.status, empty.json.details?.field]).toEqual([400, '']);
    const plus = await call(handler, 'GET', '/instances?workflow=+');
    expect([plus.status, plus.json.details?.field]).toEqual([400, 'workflow']);
    await engine.close();
  });

  it('an unknown name is shown to 40 units, never cut inside a surrogate pair (39 letters and an emoji gave a lone \\ud83d)', async () => {
    const { engine, handler } = await setupHandler();
    const name = `${'y'.repeat(39)}😀z`;
    const r = await call(handler, 'GET', `/instances?${encodeURIComponent(name)}=1`);
    expect([r.status, r.json.details?.field]).toEqual([400, 'y'.repeat(39)]);
    await engine.close();
  });

  it('property: any name a route does not list is a 400 INVALID_ARGUMENT whose field is the name, bounded and well-formed, and nothing changes', async () => {
    const { engine, handler, id } = await setupHandler();
    const listed = ['workflow', 'state', 'status', 'limit', 'cursor', 'includeRefused', 'instanceId', 'assignee'];
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 60 }).filter((n) => !listed.includes(n)),
        fc.constantFrom(...routes(id), ['GET', '/instances'] as [string, string], ['GET', `/instances/${id}/history`] as [string, string], ['GET', '/tasks'] as [string, string]),
        async (name, [method, path, body]) => {
          const r = await call(handler, method, `${path}?${encodeURIComponent(name)}=v`, body);
          const field = String(r.json.details?.field);
          expect([r.status, r.json.code, field.length <= 40, isWellFormed(field), name.startsWith(field)]).toEqual([400, 'INVALID_ARGUMENT', true, true, true]);
        },
      ),
      { numRuns: 150 },
    );
    const page = await engine.list({});
    expect(page.items.map((i) => [i.id, i.revision, i.suspended])).toEqual([[id, 1, false]]);
    await engine.close();
  });
});

// basePath 'api' (no leading slash) was mounted by Hono at /api, but the query rule cut 'api'.length
// characters off the route's path and found no parameter list: GET /api/instances?limit=5 was a 400
// ("takes no query parameters"), and Location was the relative 'api/instances/…'. Each spelling of one
// mount point now works as the canonical '/api' does.
describe('the query rule holds under any spelling of basePath', () => {
  async function mounted(basePath: string) {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-09-21T09:00:00Z'), workflows: [reviewWorkflow] });
    const handler = createHttpHandler({ engine, workflows: [reviewWorkflow], identify: () => staff, basePath });
    const id = await engine.start('review', { title: 't' }, { actor: staff });
    const at = async (method: string, path: string, body?: unknown) => {
      const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
      if (body !== undefined) init.body = JSON.stringify(body);
      const res = await handler(new Request(`http://x${path}`, init));
      return { status: res.status, location: res.headers.get('location'), json: (await res.json()) as Record<string, any> };
    };
    return { engine, id, at };
  }

  it.each([
    ['api', '/api'],
    ['api/', '/api'],
    ['/api//', '/api'],
    ['api//v1/', '/api/v1'],
  ])('basePath %j serves %s: listed parameters are read, unknown ones refused, Location absolute', async (basePath, mount) => {
    const { engine, id, at } = await mounted(basePath);
    expect((await at('GET', `${mount}/instances?limit=5&workflow=review`)).status).toBe(200);
    expect((await at('GET', `${mount}/instances/${id}/history?includeRefused=true`)).status).toBe(200);
    expect((await at('GET', `${mount}/tasks?workflow=review`)).status).toBe(200);
    const unknown = await at('GET', `${mount}/instances?x=1`);
    expect([unknown.status, unknown.json.details?.field]).toEqual([400, 'x']);
    const created = await at('POST', `${mount}/instances`, { workflow: 'review', input: { title: 'n' } });
    expect([created.status, created.location]).toEqual([201, `${mount}/instances/${created.json.id}`]);
    const doc = (await at('GET', `${mount}/openapi.json`)).json;
    expect(doc.servers).toEqual([{ url: mount }]);
    await engine.close();
  });

  it('a basePath that is not a string is INVALID_ARGUMENT naming basePath', async () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-09-21T09:00:00Z'), workflows: [reviewWorkflow] });
    for (const basePath of [42, null, {}]) {
      let caught: unknown;
      try {
        createHttpHandler({ engine, workflows: [reviewWorkflow], identify: () => staff, basePath: basePath as never });
      } catch (error) {
        caught = error;
      }
      expect([basePath, (caught as { code?: string }).code, (caught as { details?: { field?: string } }).details?.field]).toEqual([basePath, 'INVALID_ARGUMENT', 'basePath']);
    }
    await engine.close();
  });

  // '/a%20b' mounted routes Hono never matched (it matches the decoded path): every route a 404.
  // A ':name' or '*' segment would be a parameter or a wildcard, and '..' is resolved away by URLs.
  it.each(['@acme/docket', '/api+v1', '/$web', '/v1:batch', '/a,b', "/o'brien", '/~me', '/.well-known'])('basePath %j (RFC 3986 path characters as they are) mounts the routes there', async (basePath) => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-09-21T09:00:00Z'), workflows: [reviewWorkflow] });
    const handler = createHttpHandler({ engine, workflows: [reviewWorkflow], identify: () => staff, basePath });
    const mount = basePath.startsWith('/') ? basePath : `/${basePath}`;
    const res = await handler(new Request(`http://x${mount}/instances?limit=1`));
    expect([basePath, res.status]).toEqual([basePath, 200]);
    await engine.close();
  });

  it.each(['/a%20b', '/a b', '/:tenant', '/api/*', '/a/../b', '/./api', '/über', '/a?b', '/a#b'])('basePath %j is INVALID_ARGUMENT naming basePath, made before anything is served', async (basePath) => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-09-21T09:00:00Z'), workflows: [reviewWorkflow] });
    const caught = (() => {
      try {
        return createHttpHandler({ engine, workflows: [reviewWorkflow], identify: () => staff, basePath });
      } catch (error) {
        return error;
      }
    })();
    expect([isDocketError(caught, 'INVALID_ARGUMENT'), (caught as { details?: { field?: string } }).details?.field]).toEqual([true, 'basePath']);
    await engine.close();
  });

  it('property: a basePath is taken exactly when its segments are plain (RFC 3986 path characters, no *, no leading :, not . or ..), and a taken one serves its routes', async () => {
    const segment = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._~!$&'()+,;=:@-]{1,6}$/), fc.string({ minLength: 1, maxLength: 4 }));
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 3 }), async (parts) => {
        // A part holding '/' splits into segments: taken when each of them is plain.
        const segments = parts.join('/').split('/').filter((p) => p !== '');
        const expected = segments.every((p) => /^[A-Za-z0-9._~!$&'()+,;=:@-]+$/.test(p) && !p.startsWith(':') && p !== '.' && p !== '..') ? 'served 200' : 'refused';
        const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-09-21T09:00:00Z'), workflows: [reviewWorkflow] });
        let outcome: string;
        try {
          const handler = createHttpHandler({ engine, workflows: [reviewWorkflow], identify: () => staff, basePath: `/${parts.join('/')}` });
          const mount = segments.length === 0 ? '' : `/${segments.join('/')}`;
          outcome = `served ${(await handler(new Request(`http://x${mount}/instances?limit=1`))).status}`;
        } catch (error) {
          outcome = isDocketError(error, 'INVALID_ARGUMENT') && error.details.field === 'basePath' ? 'refused' : `raw ${String(error)}`;
        }
        expect([parts, outcome]).toEqual([parts, expected]);
        await engine.close();
      }),
      { numRuns: 80 },
    );
  });

  it('property: any basePath of plain segments, with or without leading, trailing and doubled slashes, reads the query as its canonical form does', async () => {
    const segment = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
    const slashes = fc.constantFrom('', '/', '//');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(segment, slashes), { minLength: 1, maxLength: 3 }), slashes, async (parts, lead) => {
        const basePath = lead + parts.map(([s, sep]) => s + sep).join('/');
        const mount = `/${parts.map(([s]) => s).join('/')}`;
        const { engine, id, at } = await mounted(basePath);
        const statuses = [
          (await at('GET', `${mount}/instances?limit=1`)).status,
          (await at('GET', `${mount}/instances/${id}/history?limit=1`)).status,
          (await at('GET', `${mount}/instances?nope=1`)).status,
          (await at('GET', `${mount}/me?nope=1`)).status,
        ];
        expect([basePath, statuses]).toEqual([basePath, [200, 200, 400, 400]]);
        await engine.close();
      }),
      { numRuns: 40 },
    );
  });
});

// GET /instances?status= takes four values (anything else is a 400), but the OpenAPI document listed
// it as any non-empty text: a client generated from the document could send a value the server refuses.
describe('the OpenAPI document gives ?status= the values the server takes', () => {
  it('the document lists the enum, and each of its values is a 200 while a value outside it is a 400 naming status', async () => {
    const { engine, handler } = await setupHandler();
    const doc = (await call(handler, 'GET', '/openapi.json')).json;
    const status = (doc.paths['/instances'].get.parameters as { name: string; schema: { enum?: string[] } }[]).find((p) => p.name === 'status')!;
    expect(status.schema.enum).toEqual(['active', 'done', 'failed', 'cancelled']);
    for (const value of status.schema.enum!) expect((await call(handler, 'GET', `/instances?status=${value}`)).status).toBe(200);
    const r = await call(handler, 'GET', '/instances?status=open');
    expect([r.status, r.json.details?.field]).toEqual([400, 'status']);
    await engine.close();
  });

  it('property: a ?status= value is accepted exactly when the document\'s schema for it allows it', async () => {
    const { engine, handler } = await setupHandler();
    const doc = (await call(handler, 'GET', '/openapi.json')).json;
    const schema = (doc.paths['/instances'].get.parameters as { name: string; schema: { enum: string[] } }[]).find((p) => p.name === 'status')!.schema;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom('active', 'done', 'failed', 'cancelled', 'Active', 'open', 'claimed'), fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== '')), async (value) => {
        const r = await call(handler, 'GET', `/instances?status=${encodeURIComponent(value)}`);
        expect([value, r.status]).toEqual([value, schema.enum.includes(value) ? 200 : 400]);
      }),
      { numRuns: 100 },
    );
    await engine.close();
  });
});
