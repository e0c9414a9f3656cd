// An instance id is a path segment of docket/http (`/instances/{id}`), so every id a start takes must
// be one a URL can name. `.` and `..` were taken: a URL resolves them as dot segments (percent-encoded
// `%2e%2e` too, by the WHATWG URL rules every client follows), so POST /instances { id: '..' }
// answered 201 with Location `/instances/..`, which is `/`, and the instance could never be read,
// sent to, suspended or terminated over HTTP.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, memoryStore, virtualClock } from '../src/index.js';
import { createHttpHandler } from '../src/http/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';

function setup() {
  const store = memoryStore();
  const engine = createEngine({ store, clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [reviewWorkflow] });
  const handler = createHttpHandler({ engine, workflows: [reviewWorkflow], identify: () => staff });
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await handler(new Request(url, {
      method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    }));
    return { status: res.status, location: res.headers.get('location'), body: await res.json() };
  };
  return { engine, store, call };
}

describe('an instance id is one a URL can name', () => {
  for (const id of ['.', '..']) {
    it(`engine.start with id ${JSON.stringify(id)}: INVALID_ARGUMENT naming "id", nothing written`, async () => {
      const { engine, store } = setup();
      await expect(engine.start('review', { title: 't' }, { actor: staff, id })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'id' } });
      expect((await store.list()).items).toEqual([]);
      await engine.close();
    });

    it(`POST /instances with id ${JSON.stringify(id)}: 400 naming "id", nothing written`, async () => {
      const { engine, store, call } = setup();
      const res = await call('POST', 'http://app/instances', { workflow: 'review', input: { title: 't' }, id });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'id' } });
      expect((await store.list()).items).toEqual([]);
      await engine.close();
    });
  }

  it('ids that only contain dots, or dot segments inside them, are names a URL keeps', async () => {
    const { engine, call } = setup();
    for (const id of ['...', '.a', 'a.', 'a/..', '../a', 'a/./b']) {
      const started = await call('POST', 'http://app/instances', { workflow: 'review', input: { title: 't' }, id });
      expect(started.status, id).toBe(201);
      expect((await call('GET', new URL(started.location!, 'http://app/').href)).body.id).toBe(id);
    }
    await engine.close();
  });

  it('property: every instance a start over HTTP creates is read back at its Location, resolved as a client resolves it', async () => {
    const { engine, call } = setup();
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('.', '..', '%2e', '%2e%2e', '.%2e', '/', '?', '#', '\\', '%', '%zz'), fc.stringMatching(/^[./%2eE]{1,6}$/)),
        async (id) => {
          if (seen.has(id)) return;
          seen.add(id);
          const started = await call('POST', 'http://app/instances', { workflow: 'review', input: { title: 't' }, id });
          if (started.status !== 201) {
            expect(started.status).toBe(400);
            return;
          }
          const read = await call('GET', new URL(started.location!, 'http://app/').href);
          expect(read.status).toBe(200);
          expect(read.body.id).toBe(id);
        },
      ),
      { numRuns: 300 },
    );
    await engine.close();
  });
});
