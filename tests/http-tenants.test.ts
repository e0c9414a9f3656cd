// Tenant isolation over HTTP: a node:http server on 127.0.0.1 (ephemeral port). The host's identify
// hook puts the tenant on the actor (here from a header, standing in for the tenant of a session).
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, memoryStore, virtualClock, type Engine } from '../src/index.js';
import { createHttpHandler } from '../src/http/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

const roles: Record<string, string[]> = { li: ['staff'], wang: ['manager'], root: ['admin'] };
let engine: Engine;
let server: ServerType;
let base: string;

async function call(method: string, path: string, user: string, tenant: string | undefined, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'x-user': user, ...(tenant ? { 'x-tenant': tenant } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [reviewWorkflow] });
  const handler = createHttpHandler({
    engine,
    workflows: [reviewWorkflow],
    identify: (req) => {
      const id = req.headers.get('x-user') ?? '';
      const tenant = req.headers.get('x-tenant');
      return roles[id] && { id, roles: roles[id]!, ...(tenant ? { tenant } : {}) };
    },
  });
  server = await new Promise<ServerType>((ready) => {
    const s = serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }, () => ready(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
  await engine.close();
});

describe('tenants over HTTP', () => {
  it('tenant A cannot get, list, read the history of, send to, or see the tasks of tenant B’s instance', async () => {
    const a = (await call('POST', '/instances', 'li', 'acme', { workflow: 'review', input: { title: 'acme' } })).body;
    const b = (await call('POST', '/instances', 'li', 'globex', { workflow: 'review', input: { title: 'globex' } })).body;
    expect(a.tenant).toBe('acme');
    expect(b.tenant).toBe('globex');
    expect((await call('POST', `/instances/${b.id}/events`, 'li', 'globex', { type: 'SUBMIT' })).status).toBe(200);

    const unknown = await call('GET', '/instances/no-such-id', 'wang', 'acme');
    for (const [method, path, body] of [
      ['GET', `/instances/${b.id}`, undefined],
      ['GET', `/instances/${b.id}/history`, undefined],
      ['POST', `/instances/${b.id}/events`, { type: 'APPROVE' }],
      ['POST', `/instances/${b.id}/terminate`, { reason: 'x' }],
    ] as const) {
      const res = await call(method, path, method === 'GET' ? 'wang' : 'root', 'acme', body);
      // The same answer as for an id that exists nowhere: the id does not leak.
      expect([path, res.status, res.body.code]).toEqual([path, unknown.status, 'INSTANCE_NOT_FOUND']);
    }
    const batch = await call('POST', '/batch', 'wang', 'acme', { acts: [{ instanceId: b.id, event: { type: 'APPROVE' } }] });
    expect(batch.body[0]).toMatchObject({ ok: false, instanceId: b.id, error: { code: 'INSTANCE_NOT_FOUND' } });
    expect((await call('GET', '/instances', 'wang', 'acme')).body.items.map((i: { id: string }) => i.id)).toEqual([a.id]);
    expect((await call('GET', '/tasks', 'wang', 'acme')).body.map((t: { instanceId: string }) => t.instanceId)).not.toContain(b.id);
    // Its own tenant still sees and acts on it.
    expect((await call('GET', `/instances/${b.id}`, 'wang', 'globex')).body.state).toBe('reviewing');
    expect((await call('POST', `/instances/${b.id}/events`, 'wang', 'globex', { type: 'APPROVE' })).body.status).toBe('done');
    // Nothing the other tenant tried is in its history.
    const history = (await call('GET', `/instances/${b.id}/history?includeRefused=true`, 'wang', 'globex')).body.items;
    expect(history.map((h: { event: { type: string } }) => h.event.type)).toEqual(['docket.start', 'SUBMIT', 'APPROVE']);
  });
});
