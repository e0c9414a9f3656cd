// The method rule: a path of a route asked with a method the route does not take is a 405 with the
// methods it takes in `Allow` (RFC 9110 §15.5.6), OPTIONS a 204 with `Allow`. Both were a 404
// NOT_FOUND ("No route PUT /instances/x"), as if the path did not exist, without saying what it takes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, memoryStore, virtualClock } from '../src/index.js';
import { createHttpHandler, openApiDocument } from '../src/http/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

type Json = Record<string, any>;

function setup(basePath = '') {
  const store = memoryStore();
  const engine = createEngine({ store, clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [reviewWorkflow] });
  const handler = createHttpHandler({
    engine, workflows: [reviewWorkflow], basePath,
    identify: (req) => (req.headers.get('x-user') === 'root' ? { id: 'root', roles: ['admin'] } : undefined),
  });
  const doc = openApiDocument([reviewWorkflow]) as Json;
  /** The methods the document lists for `route` (`/instances/{id}`), with HEAD beside GET. */
  const documented = (route: string) => {
    const methods = Object.keys(doc.paths[route]).map((m) => m.toUpperCase());
    return methods.includes('GET') ? [...methods, 'HEAD'] : methods;
  };
  const call = (method: string, path: string, user?: string) =>
    handler(new Request(`http://app${basePath}${path}`, { method, headers: user ? { 'x-user': user } : {} }));
  return { engine, store, doc, documented, call };
}

const concrete = (route: string, id: string) => route.replace('{id}', encodeURIComponent(id));

describe('the method rule over HTTP', () => {
  it('PUT on an instance: 405 METHOD_NOT_ALLOWED, Allow: GET, HEAD, a problem body, nothing written', async () => {
    const { engine, store, call } = setup();
    const before = await store.list();
    const res = await call('PUT', '/instances/x', 'root');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED', details: { allow: ['GET', 'HEAD'] } });
    expect(await store.list()).toEqual(before);
    await engine.close();
  });

  it('DELETE on /instances (GET and POST): 405 with Allow naming both', async () => {
    const { engine, call } = setup();
    const res = await call('DELETE', '/instances', 'root');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
    await engine.close();
  });

  it('GET on a POST-only route (/batch): 405, Allow: POST, also without an identity', async () => {
    const { engine, call } = setup();
    for (const user of ['root', undefined]) {
      const res = await call('GET', '/batch', user);
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    }
    await engine.close();
  });

  it('OPTIONS on a route: 204 with Allow, no body', async () => {
    const { engine, call } = setup();
    const res = await call('OPTIONS', '/instances/x/events');
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('POST');
    expect(await res.text()).toBe('');
    await engine.close();
  });

  it('under a basePath, and a path no route has is still a 404 NOT_FOUND', async () => {
    const { engine, call } = setup('/api');
    expect((await call('PATCH', '/instances/x/history', 'root')).headers.get('allow')).toBe('GET, HEAD');
    const missing = await call('PUT', '/nothing', 'root');
    expect(missing.status).toBe(404);
    expect((await missing.json()).code).toBe('NOT_FOUND');
    await engine.close();
  });

  it('property: for every documented path, any id and any method, a method the document lists is not refused by the method rule, and any other is a 405 whose Allow is exactly what the document lists', async () => {
    const { engine, doc, documented, call } = setup();
    const routes = Object.keys(doc.paths);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s !== '.' && s !== '..' && !/[\ud800-\udfff]/.test(s)),
        fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'FOO'),
        fc.boolean(),
        async (route, id, method, identified) => {
          const res = await call(method, concrete(route, id), identified ? 'root' : undefined);
          const allow = documented(route);
          if (allow.includes(method)) {
            expect(res.status).not.toBe(405);
            return;
          }
          expect(res.status).toBe(method === 'OPTIONS' ? 204 : 405);
          expect(res.headers.get('allow')?.split(', ').sort()).toEqual([...allow].sort());
          // A HEAD is answered without a body, as the router answers every HEAD.
          if (method !== 'OPTIONS' && method !== 'HEAD') expect((await res.json()).code).toBe('METHOD_NOT_ALLOWED');
        },
      ),
      { numRuns: 200 },
    );
    await engine.close();
  });
});
