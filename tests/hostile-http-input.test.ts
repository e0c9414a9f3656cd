// Caller input over HTTP is answered with a 4xx problem, never a 500: a 500 says the server failed,
// so a client (or its retry logic, or an on-call page) treats a typo as an outage. POST /admin/migrate
// naming a version the engine does not register was 500 WORKFLOW_VERSION_NOT_REGISTERED, the code of
// a stored instance whose version is gone (a server fault); it is now 404 WORKFLOW_NOT_FOUND naming
// `from` or `to`, as an unknown workflow id is.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { httpAsAdmin } from './helpers/http-admin.js';

const migrate = { workflow: 'review', from: 1, to: 1, reason: 'r' };

describe('POST /admin/migrate with a version or workflow the engine does not register', () => {
  it.each([
    ['to', { to: 2 }],
    ['from', { from: 3 }],
    ['from', { from: 1e308 }],
    ['from', { workflow: 'nope', to: 2 }],
  ])('is 404 WORKFLOW_NOT_FOUND naming %s, and nothing changes (was 500)', async (field, change) => {
    const { engine, call } = httpAsAdmin();
    const id = await engine.start('review', { title: 't' }, { actor: { id: 'li', roles: ['staff'] } });
    const before = JSON.stringify(await engine.history(id, { includeRefused: true }));
    const r = await call('POST', '/admin/migrate', { ...migrate, ...change });
    expect([r.status, r.body.code, r.body.details?.field]).toEqual([404, 'WORKFLOW_NOT_FOUND', field]);
    expect(r.body.detail).toMatch(/Register both versions in createEngine\(\{ workflows \}\)/);
    expect(JSON.stringify(await engine.history(id, { includeRefused: true }))).toBe(before);
    await engine.close();
  });

  it.each([
    ['reason', { reason: ' ' }],
    ['from', { from: 1.5 }],
    ['to', { to: 0 }],
    ['to', { to: 1 }],
  ])('a %s the engine refuses is a 400 naming it (it named no field)', async (field, change) => {
    const { engine, call } = httpAsAdmin();
    const r = await call('POST', '/admin/migrate', { ...migrate, to: 2, ...change });
    expect([r.status, r.body.code, r.body.details?.field]).toEqual([400, 'INVALID_ARGUMENT', field]);
    await engine.close();
  });
});

/** Each route that reads a JSON body, with a body it takes: a property replaces one field's value. */
function routes(id: string): [string, Record<string, unknown>][] {
  return [
    ['/instances', { workflow: 'review', input: { title: 'x' } }],
    ['/batch', { acts: [{ instanceId: id, event: { type: 'SUBMIT' } }] }],
    [`/instances/${id}/suspend`, { reason: 'r' }],
    [`/instances/${id}/move`, { target: 'draft', reason: 'r' }],
    [`/instances/${id}/events`, { type: 'SUBMIT' }],
    ['/admin/reassign', { from: 'li', to: 'wang', reason: 'r' }],
    ['/admin/migrate', { ...migrate, dryRun: true }],
    ['/admin/retain', { policy: { olderThan: { days: 1 } }, mode: 'archive', dryRun: true }],
  ];
}

describe('property: no body a caller sends is answered 500', () => {
  it('any JSON value in any field of any route is a 2xx or a 4xx problem', async () => {
    const { engine, call } = httpAsAdmin();
    const id = await engine.start('review', { title: 't' }, { actor: { id: 'li', roles: ['staff'] } });
    const all = routes(id);
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: all.length - 1 }),
        fc.nat(),
        fc.oneof(fc.jsonValue(), fc.constantFrom(-1, 0, 1.5, 1e308, 2, 3, '', ' ', '\u0000', '../', '__proto__', 'constructor', null, [], {})),
        async (route, at, value) => {
          const [path, body] = all[route]!;
          const keys = Object.keys(body);
          const key = keys[at % keys.length]!;
          const r = await call('POST', path, { ...body, [key]: value });
          expect(r.status, JSON.stringify([path, key, value, r.body])).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
    await engine.close();
  });
});
