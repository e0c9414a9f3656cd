// docket/http over real HTTP on 127.0.0.1: a node:http server (through @hono/node-server) on an
// ephemeral port, a SQLite store in a temp dir, the contract approval from docket/machines.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Validator } from '@seriousme/openapi-schema-validator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, staticDirectory, virtualClock, type DirectoryUser, type Engine } from '../src/index.js';
import { createHttpHandler, DEFAULT_MAX_BODY_BYTES, STATUS_BY_CODE } from '../src/http/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { contractApproval } from '../machines/index.js';

const people: DirectoryUser[] = [
  { id: 'li', roles: ['sales'], department: 'sales', supervisor: 'wang' },
  { id: 'wang', roles: ['manager'], department: 'sales', supervisor: 'zhou' },
  { id: 'zhao', roles: ['legal'], department: 'legal' },
  { id: 'sun', roles: ['finance'], department: 'finance' },
  { id: 'qian', roles: ['technical'], department: 'tech' },
  { id: 'zhou', roles: ['vp'], department: 'exec' },
  { id: 'ma', roles: ['contractAdmin'], department: 'sales' },
  { id: 'feng', roles: ['admin'], department: 'it' },
];
const input = { contractNo: 'HT-2026-200', title: '数据平台', customer: '深圳电信', amount: 100_000, department: 'sales' };

let dir: string;
let engine: Engine;
let server: ServerType;
let base: string;

/** One request as `user` (no user: no identity header). */
async function call(method: string, path: string, user?: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/api${path}`, {
    method,
    headers: { ...(user ? { 'x-user': user } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'docket-http-'));
  const directory = staticDirectory({ users: people, departmentHeads: { sales: 'wang' } });
  engine = createEngine({
    store: sqliteStore({ filename: join(dir, 'docket.db') }), clock: virtualClock('2026-11-02T09:00:00+08:00'),
    calendar: businessCalendar({ holidays: ['CN'] }), directory, workflows: [contractApproval],
  });
  const handler = createHttpHandler({
    engine, workflows: [contractApproval], basePath: '/api',
    identify: (req) => {
      const p = people.find((x) => x.id === req.headers.get('x-user'));
      return p && { id: p.id, roles: p.roles };
    },
  });
  server = await new Promise<ServerType>((ready) => {
    const s = serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }, () => ready(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
  await engine.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

describe('docket/http over a real socket', () => {
  let id: string;

  it('starts, submits, shows the inbox with each task\'s actions, and approves', async () => {
    const started = await call('POST', '/instances', 'li', { workflow: 'contract-approval', input });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ workflow: 'contract-approval', state: 'draft', status: 'active', initiator: 'li' });
    id = started.body.id;
    const submitted = await call('POST', `/instances/${id}/events`, 'li', { type: 'SUBMIT' }, { 'idempotency-key': 'submit-1' });
    expect(submitted.status).toBe(200);
    expect(submitted.body.state).toMatchObject({ review: expect.anything() });

    const inbox = await call('GET', '/tasks', 'zhao');
    expect(inbox.status).toBe(200);
    const task = inbox.body.find((t: { instanceId: string }) => t.instanceId === id);
    expect(task).toMatchObject({ step: 'review', assignees: ['zhao'] });
    expect(task.actions).toEqual(expect.arrayContaining(['APPROVE', 'REJECT']));
    expect((await call('GET', '/tasks', 'wang')).body.filter((t: { instanceId: string }) => t.instanceId === id)).toEqual([]);

    const approved = await call('POST', `/instances/${id}/events`, 'zhao', { type: 'APPROVE', step: 'review', comment: '同意' });
    expect(approved.status).toBe(200);
    expect(approved.body.revision).toBe(submitted.body.revision + 1);
    expect((await call('GET', '/tasks', 'zhao')).body.filter((t: { instanceId: string }) => t.instanceId === id)).toEqual([]);

    const history = await call('GET', `/instances/${id}/history`, 'li');
    // A page, as GET /instances gives: without a limit, the first 100 entries (it was the whole history, unbounded).
    expect(history.body.items.map((h: { event: { type: string } }) => h.event.type)).toEqual(['docket.start', 'SUBMIT', 'APPROVE']);
    expect(history.body.nextCursor).toBeUndefined();
    // Bounded pages over HTTP too (issue 12: history was read whole into one response).
    const first = await call('GET', `/instances/${id}/history?limit=2`, 'li');
    expect([first.status, first.body.items.map((h: { revision: number }) => h.revision), first.body.nextCursor]).toEqual([200, [1, 2], '2']);
    const rest = await call('GET', `/instances/${id}/history?limit=2&cursor=${first.body.nextCursor}`, 'li');
    expect(rest.body).toEqual({ items: [expect.objectContaining({ revision: 3 })] });
    for (const query of ['limit=0', 'limit=1001', 'limit=abc', 'limit=1e3', 'limit=0&includeRefused=true', 'includeRefused=true&cursor=x', 'cursor=-5', 'cursor=', 'cursor=999', 'limit=2&cursor=3']) {
      const refused = await call('GET', `/instances/${id}/history?${query}`, 'li');
      expect([refused.status, refused.body.code], query).toEqual([400, 'INVALID_ARGUMENT']);
    }
    // A list cursor the server did not return is refused too (it was an empty page, as if the list had ended).
    for (const query of ['cursor=garbage', 'cursor=', 'cursor=5', 'workflow=contract-approval&cursor=zzzz']) {
      const refused = await call('GET', `/instances?${query}`, 'li');
      expect([refused.status, refused.body.code], query).toEqual([400, 'INVALID_ARGUMENT']);
    }
    const listed = await call('GET', '/instances?limit=1', 'li');
    expect((await call('GET', `/instances?limit=1&cursor=${encodeURIComponent(listed.body.nextCursor ?? '')}`, 'li')).status).toBe(listed.body.nextCursor === undefined ? 400 : 200);
    expect((await call('GET', `/instances/${id}`, 'li')).body.id).toBe(id);
    expect((await call('GET', '/instances?workflow=contract-approval&status=active', 'li')).body.items.map((v: { id: string }) => v.id)).toContain(id);
  });

  it('replays a retried send with the same Idempotency-Key and refuses the key with another payload (409)', async () => {
    const again = await call('POST', `/instances/${id}/events`, 'li', { type: 'SUBMIT' }, { 'idempotency-key': 'submit-1' });
    expect(again.status).toBe(200);
    const other = await call('POST', `/instances/${id}/events`, 'li', { type: 'SUBMIT', note: 'x' }, { 'idempotency-key': 'submit-1' });
    expect([other.status, other.body.code]).toEqual([409, 'IDEMPOTENCY_MISMATCH']);
    // An empty key is refused, not dropped (dropped, the send went unkeyed and a retry acted twice).
    const revision = (await call('GET', `/instances/${id}`, 'li')).body.revision;
    const blank = await call('POST', `/instances/${id}/events`, 'li', { type: 'SUBMIT' }, { 'idempotency-key': '' });
    expect([blank.status, blank.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    expect((await call('GET', `/instances/${id}`, 'li')).body.revision).toBe(revision);
  });

  it('reads a list page size as digits only, as history does (0x10, 1e2, 5.0 and " 5" were page sizes)', async () => {
    for (const limit of ['0x10', '1e2', '5.0', '%205', '0', '1001', '-1', '']) {
      const refused = await call('GET', `/instances?limit=${limit}`, 'li');
      expect([limit, refused.status, refused.body.code]).toEqual([limit, 400, 'INVALID_ARGUMENT']);
    }
    expect((await call('GET', '/instances?limit=1', 'li')).body.items).toHaveLength(1);
  });

  it('property: one reader of ?limit= for every paged route: the list and history take and refuse the same page sizes', async () => {
    const limit = fc.stringMatching(/^[-+ .ex0-9]{0,5}$/);
    await fc.assert(
      fc.asyncProperty(limit, async (raw) => {
        const q = `limit=${encodeURIComponent(raw)}`;
        const list = await call('GET', `/instances?${q}`, 'li');
        const history = await call('GET', `/instances/${id}/history?${q}`, 'li');
        expect([raw, history.status], 'same answer on both routes').toEqual([raw, list.status]);
        if (!/^[0-9]{1,4}$/.test(raw)) {
          // Refused by the handler's reader itself, naming the field, before the engine sees it.
          for (const r of [list, history]) expect([raw, r.status, r.body.details]).toEqual([raw, 400, { field: 'limit' }]);
        }
      }),
      { numRuns: 40 },
    );
    // The right value: a page of one entry.
    expect((await call('GET', `/instances/${id}/history?limit=1`, 'li')).body.items).toHaveLength(1);
  });

  it.each([
    ['a blank list filter', (): string => '/instances?workflow='],
    ['a blank state filter', (): string => '/instances?state=%20'],
    ['a misspelt list filter', (): string => '/instances?statu=done'],
    ['a repeated status', (): string => '/instances?status=active&status=done'],
    ['a blank inbox filter', (): string => '/tasks?workflow='],
    ['a misspelt inbox filter', (): string => '/tasks?instance=x'],
    ['a blank history cursor', (): string => `/instances/${id}/history?cursor=`],
    ['includeRefused that is not true or false', (): string => `/instances/${id}/history?includeRefused=yes`],
  ] as const)('refuses %s with 400 naming the parameter, instead of answering as if it had not been asked', async (_name, path) => {
    const res = await call('GET', path(), 'li');
    expect([res.status, res.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const name = new URL(path(), 'http://x').searchParams.keys().next().value;
    expect(res.body.details).toEqual({ field: name });
    // The right values still work: a filter given once, non-blank.
    expect((await call('GET', '/instances?workflow=contract-approval&limit=1', 'li')).body.items).toHaveLength(1);
    expect((await call('GET', '/instances?workflow=nothing-by-this-name', 'li')).body.items).toEqual([]);
  });

  it('property: every query-reading route takes a parameter once, non-blank and by a known name, or refuses it with 400 naming it', async () => {
    const routes = [
      { path: () => '/instances', names: ['workflow', 'state', 'status', 'limit', 'cursor'] },
      { path: () => '/tasks', names: ['workflow', 'instanceId', 'assignee'] },
      { path: () => `/instances/${id}/history`, names: ['includeRefused', 'limit', 'cursor'] },
    ];
    const param = fc.record({ name: fc.constantFrom('workflow', 'state', 'status', 'limit', 'cursor', 'instanceId', 'includeRefused', 'statu', 'x'), value: fc.constantFrom('', ' ', 'contract-approval') });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.array(param, { minLength: 1, maxLength: 3 }), async (route, params) => {
        const qs = params.map((p) => `${p.name}=${encodeURIComponent(p.value)}`).join('&');
        const res = await call('GET', `${route.path()}?${qs}`, 'li');
        const counts = new Map<string, number>();
        for (const p of params) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
        const faulty = params.find((p) => !route.names.includes(p.name) || counts.get(p.name)! > 1 || p.value.trim() === '');
        if (faulty) {
          expect([qs, res.status, res.body.code]).toEqual([qs, 400, 'INVALID_ARGUMENT']);
          expect(params.some((p) => p.name === res.body.details.field)).toBe(true);
        } else {
          // Well-formed: never refused for the query's form (a value the engine rejects, such as
          // status=contract-approval, is still a 400, but names that parameter as a value fault).
          if (res.status === 400) expect([qs, res.body.details.field]).toEqual([qs, expect.stringMatching(/^(status|limit|cursor|includeRefused)$/)]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it.each([
    ['no identity', 'GET', (): string => `/tasks`, undefined, undefined, 401, 'UNAUTHENTICATED'],
    ['malformed JSON', 'POST', (): string => `/instances/${id}/events`, 'sun', '{"type":', 400, 'INVALID_ARGUMENT'],
    ['bad limit', 'GET', (): string => `/instances?limit=-1`, 'sun', undefined, 400, 'INVALID_ARGUMENT'],
    ['someone else\'s task', 'POST', (): string => `/instances/${id}/events`, 'wang', { type: 'APPROVE', step: 'review' }, 403, 'FORBIDDEN'],
    ['another person\'s inbox', 'GET', (): string => `/tasks?assignee=zhao`, 'sun', undefined, 403, 'FORBIDDEN'],
    ['admin op as non-admin', 'POST', (): string => `/instances/${id}/suspend`, 'li', { reason: 'x' }, 403, 'FORBIDDEN'],
    ['unknown instance', 'GET', (): string => `/instances/nope`, 'sun', undefined, 404, 'INSTANCE_NOT_FOUND'],
    ['unknown workflow', 'POST', (): string => `/instances`, 'li', { workflow: 'nope', input: {} }, 404, 'WORKFLOW_NOT_FOUND'],
    ['unknown route', 'GET', (): string => `/nowhere`, 'sun', undefined, 404, 'NOT_FOUND'],
    ['event the state does not take', 'POST', (): string => `/instances/${id}/events`, 'ma', { type: 'SIGNED', signedOn: '2026-11-05' }, 409, 'EVENT_NOT_ACCEPTED'],
    ['undeclared event', 'POST', (): string => `/instances/${id}/events`, 'sun', { type: 'APPROV' }, 422, 'UNKNOWN_EVENT'],
    ['payload failing the schema', 'POST', (): string => `/instances`, 'li', { workflow: 'contract-approval', input: { ...input, amount: 'lots' } }, 422, 'INVALID_PAYLOAD'],
  ] as const)('refuses %s with its status and a problem+json body', async (_name, method, path, user, body, status, code) => {
    const before = id ? (await engine.get(id)).revision : 0;
    const res = await call(method, path(), user, body);
    expect(res.status).toBe(status);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, code, title: code, type: `urn:docket:error:${code}` });
    expect(res.body.detail).toEqual(expect.any(String));
    expect(res.body.detail.length).toBeGreaterThan(10);
    expect((await engine.get(id)).revision).toBe(before); // a refusal changes nothing
  });

  it('batch: each act stands on its own, refusals carry their problem', async () => {
    const second = (await call('POST', '/instances', 'li', { workflow: 'contract-approval', input: { ...input, contractNo: 'HT-2026-201' } })).body.id;
    await call('POST', `/instances/${second}/events`, 'li', { type: 'SUBMIT' });
    const res = await call('POST', '/batch', 'sun', {
      acts: [
        { instanceId: id, event: { type: 'APPROVE', step: 'review' } },
        { instanceId: second, event: { type: 'APPROVE', step: 'review' } },
        { instanceId: 'nope', event: { type: 'APPROVE', step: 'review' } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.map((r: { ok: boolean }) => r.ok)).toEqual([true, true, false]);
    expect(res.body[2].error).toMatchObject({ code: 'INSTANCE_NOT_FOUND', status: 404 });
    expect((await call('POST', '/batch', 'sun', { acts: 'x' })).status).toBe(400);
  });

  it('admin: suspend refuses sends with 409, resume, move, reassign a leaver\'s work', async () => {
    expect((await call('POST', `/instances/${id}/suspend`, 'feng', { reason: '核查' })).body.suspended).toBe(true);
    const refused = await call('POST', `/instances/${id}/events`, 'qian', { type: 'APPROVE', step: 'review' });
    expect([refused.status, refused.body.code]).toEqual([409, 'INSTANCE_NOT_ACTIVE']);
    expect((await call('POST', `/instances/${id}/resume`, 'feng', { reason: '核查完毕' })).body.suspended).toBe(false);
    expect((await call('POST', `/instances/${id}/resume`, 'feng', {})).status).toBe(400); // reason required
    const moved = await call('POST', '/admin/reassign', 'feng', { from: 'qian', to: 'zhou', reason: '钱工离职' });
    expect(moved.status).toBe(200);
    expect(moved.body.filter((m: { instanceId: string; ok: boolean }) => m.instanceId === id && m.ok)).toHaveLength(1);
    expect((await call('GET', '/tasks', 'zhou')).body.map((t: { instanceId: string }) => t.instanceId)).toContain(id);
    expect((await call('GET', '/tasks?assignee=zhou', 'feng')).body.map((t: { instanceId: string }) => t.instanceId)).toContain(id);
    const jumped = await call('POST', `/instances/${id}/move`, 'feng', { target: 'draft', reason: '退回重填' });
    expect([jumped.status, jumped.body.state]).toEqual([200, 'draft']);
  });

  it('serves an OpenAPI 3.1 document built from the zod schemas, valid against the 3.1 schema', async () => {
    const res = await fetch(`${base}/api/openapi.json`); // no identity needed
    expect(res.status).toBe(200);
    const doc = await res.json();
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect([result.valid, validator.version]).toEqual([true, '3.1']);
    const inputSchema = doc.components.schemas['contract-approval.input'];
    expect(inputSchema.properties.amount.type).toBe('number');
    expect(inputSchema.required).toEqual(expect.arrayContaining(['contractNo', 'amount']));
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['contract-approval.event.APPROVE', 'contract-approval.event.SUBMIT']));
    expect(doc.servers).toEqual([{ url: '/api' }]);
  });

  it('refuses a body over maxBodyBytes with 413 PAYLOAD_TOO_LARGE before reading it, starting nothing', async () => {
    // Regression: the handler read any body whole before checking it (a 200 MB POST held ~670 MB).
    const before = (await call('GET', '/instances?limit=1000', 'li')).body.items.length;
    const big = JSON.stringify({ workflow: contractApproval.id, input: { ...input, title: 'x'.repeat(DEFAULT_MAX_BODY_BYTES) } });
    const sized = await call('POST', '/instances', 'li', big);
    expect(sized.status).toBe(413);
    expect(sized.type).toContain('application/problem+json');
    expect(sized.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413, details: { maxBodyBytes: DEFAULT_MAX_BODY_BYTES } });
    expect(sized.body.detail).toMatch(/maxBodyBytes/);
    // Streamed without a content-length: counted as it arrives.
    const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${base}/api/instances`, { method: 'POST', headers: { 'x-user': 'li', 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { code: string }).code).toBe('PAYLOAD_TOO_LARGE');
    expect((await call('GET', '/instances?limit=1000', 'li')).body.items.length).toBe(before);
    // The limit is a host option, and a nonsense one is refused when the handler is made.
    expect(() => createHttpHandler({ engine, workflows: [], identify: () => undefined, maxBodyBytes: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const small = createHttpHandler({ engine, workflows: [contractApproval], identify: () => ({ id: 'li', roles: ['sales'] }), maxBodyBytes: 64 });
    const refused = await small(new Request('http://x/instances', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow: contractApproval.id, input }) }));
    expect(refused.status).toBe(413);
  });

  it('maps every DocketError code to a 4xx/5xx status, the engine closed to 503', async () => {
    for (const status of Object.values(STATUS_BY_CODE)) expect([400, 403, 404, 409, 422, 500, 503]).toContain(status);
    await engine.close();
    const res = await call('GET', `/instances/${id}`, 'li');
    expect([res.status, res.body.code]).toEqual([503, 'ENGINE_CLOSED']);
  });
});
