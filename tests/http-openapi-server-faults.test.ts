// Every status the handler answers is in the OpenAPI document, server faults included. The handler
// answers 500 (application/problem+json: INTERNAL for an error that is not a DocketError,
// CORRUPT_SNAPSHOT, MACHINE_ERROR, a host identify hook returning an unusable actor…) on every route,
// but the document listed 400–503 without 500, so a client generated from it had no type for the
// body it got, and a contract check flagged every server fault as an undocumented status.
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, DocketError, memoryStore, virtualClock, type Store } from '../src/index.js';
import { createHttpHandler, openApiDocument, STATUS_BY_CODE } from '../src/http/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

type Json = Record<string, any>;
const roles: Record<string, string[]> = { li: ['staff'], wang: ['manager'], root: ['admin'] };

/** A memory store whose every method throws `fault` while it is set: a store that breaks mid-request. */
function faultyStore(): { store: Store; fail(fault: unknown): void } {
  const inner = memoryStore();
  let fault: unknown;
  const store = new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (fault !== undefined) throw fault;
        return value.apply(target, args);
      };
    },
  });
  return { store, fail: (f) => (fault = f) };
}

async function setup() {
  const { store, fail } = faultyStore();
  const engine = createEngine({ store, clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [reviewWorkflow] });
  const handler = createHttpHandler({
    engine, workflows: [reviewWorkflow], onError: () => {},
    identify: (req) => {
      const id = req.headers.get('x-user') ?? '';
      if (id === 'broken') return { id: '', roles: 'admin' } as never; // the host's bug: an unusable actor
      return roles[id] && { id, roles: roles[id]! };
    },
  });
  const doc = openApiDocument([reviewWorkflow]) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'https://docket.invalid/openapi.json', components: doc.components });
  const id = await engine.start('review', { title: 't' }, { actor: { id: 'li', roles: ['staff'] } });
  /** One request per operation of the document, each one the handler would otherwise accept. */
  const operations: [string, string, string, unknown?][] = [
    ['post', '/instances', '/instances', { workflow: 'review', input: { title: 'x' } }],
    ['get', '/instances', '/instances'],
    ['get', '/instances/{id}', `/instances/${id}`],
    ['post', '/instances/{id}/events', `/instances/${id}/events`, { type: 'SUBMIT' }],
    ['get', '/instances/{id}/history', `/instances/${id}/history`],
    ['get', '/tasks', '/tasks'],
    ['post', '/batch', '/batch', { acts: [{ instanceId: id, event: { type: 'SUBMIT' } }] }],
    ['post', '/instances/{id}/suspend', `/instances/${id}/suspend`, { reason: 'r' }],
    ['post', '/instances/{id}/resume', `/instances/${id}/resume`, { reason: 'r' }],
    ['post', '/instances/{id}/terminate', `/instances/${id}/terminate`, { reason: 'r' }],
    ['post', '/instances/{id}/move', `/instances/${id}/move`, { reason: 'r', target: 'draft' }],
    ['post', '/admin/reassign', '/admin/reassign', { from: 'wang', to: 'li', reason: 'r' }],
    ['get', '/instances/{id}/verify', `/instances/${id}/verify`],
    ['get', '/instances/{id}/archived', `/instances/${id}/archived`],
    ['post', '/admin/migrate', '/admin/migrate', { workflow: 'review', from: 1, to: 2, reason: 'r', dryRun: true }],
    ['post', '/admin/retain', '/admin/retain', { policy: { olderThan: { days: 1 } }, mode: 'archive', dryRun: true }],
    ['get', '/me', '/me'],
  ];
  const documented = Object.entries(doc.paths as Json).flatMap(([p, ops]) => Object.keys(ops as Json).map((m) => `${m} ${p}`)).sort();
  expect(operations.map(([m, p]) => `${m} ${p}`).sort()).toEqual(documented);

  /** What is wrong with the response to `operations[i]` as `user`, by the document; null when it is documented. */
  async function check(i: number, user: string): Promise<string | null> {
    const [method, route, path, body] = operations[i]!;
    const res = await handler(new Request(`http://app${path}`, {
      method: method.toUpperCase(),
      headers: { 'x-user': user, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }));
    const text = await res.text();
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!;
    const media = doc.paths[route][method].responses[String(res.status)]?.content?.[type];
    if (media === undefined) return `${method.toUpperCase()} ${path} answered ${res.status} ${type}, which the document does not list: ${text.slice(0, 200)}`;
    const schema = JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/', '"https://docket.invalid/openapi.json#/components/'));
    const validate = ajv.compile(schema);
    return validate(JSON.parse(text)) ? null : `${method.toUpperCase()} ${path} → ${res.status}: ${ajv.errorsText(validate.errors)}`;
  }
  return { engine, fail, check, operations };
}

describe('the OpenAPI document lists the server faults the handler answers', () => {
  it('every operation documents 500 as a problem', () => {
    const doc = openApiDocument([reviewWorkflow]) as Json;
    for (const [path, ops] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(ops as Json)) {
        expect(op.responses['500']?.content?.['application/problem+json']?.schema, `${method} ${path}`).toEqual({ $ref: '#/components/schemas/Problem' });
      }
    }
  });

  it('a store failing with an error that is not a DocketError: 500 INTERNAL, documented on every operation', async () => {
    const { engine, fail, check, operations } = await setup();
    fail(new Error('connect ECONNREFUSED 10.0.0.5:5432'));
    for (let i = 0; i < operations.length; i++) expect(await check(i, 'root')).toBeNull();
    fail(undefined);
    await engine.close();
  });

  it('the host identify hook returning an unusable actor: 500, documented on every operation', async () => {
    const { engine, check, operations } = await setup();
    for (let i = 0; i < operations.length; i++) expect(await check(i, 'broken')).toBeNull();
    await engine.close();
  });

  it('property: whatever DocketError a store throws, on whatever operation, the answer is a status and body the document lists', async () => {
    const { engine, fail, check, operations } = await setup();
    const codes = Object.keys(STATUS_BY_CODE);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...codes), fc.nat({ max: operations.length - 1 }), fc.constantFrom('li', 'wang', 'root'), async (code, i, user) => {
        fail(new DocketError(code as never, `the store says ${code}`));
        try {
          expect(await check(i, user)).toBeNull();
        } finally {
          fail(undefined);
        }
      }),
      { numRuns: 200 },
    );
    await engine.close();
  });
});
