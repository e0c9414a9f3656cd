// The lifecycle routes of docket/http over real HTTP on 127.0.0.1 (an ephemeral port, a SQLite store
// in a temp dir): migration (dry run, then the run), retention (archive, purge) and verify, each
// scoped by the tenant the host's identify hook puts on the actor.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Validator } from '@seriousme/openapi-schema-validator';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, virtualClock, type Engine, type VirtualClock } from '../src/index.js';
import { createHttpHandler } from '../src/http/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { reviewV1, reviewV2 } from './fixtures/review-lifecycle.js';

const DAY = 86_400_000;
const roles: Record<string, string[]> = { li: ['staff'], wang: ['manager'], root: ['admin'] };

let dir: string;
let file: string;
let clock: VirtualClock;
let engine: Engine;
let server: ServerType;
let base: string;

/** One request as `user` of `tenant` (no tenant: an operator who sees every tenant). */
async function call(method: string, path: string, user: string, tenant: string | undefined, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'x-user': user, ...(tenant ? { 'x-tenant': tenant } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: text ? JSON.parse(text) : undefined };
}


const versions = async (ids: readonly string[]) => Promise.all(ids.map(async (id) => (await engine.get(id)).version));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'docket-http-lifecycle-'));
  file = join(dir, 'docket.db');
  clock = virtualClock('2026-11-02T09:00:00+08:00');
  engine = createEngine({ store: sqliteStore({ filename: file }), clock, workflows: [reviewV1, reviewV2] });
  const handler = createHttpHandler({
    engine,
    workflows: [reviewV1, reviewV2],
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
  rmSync(dir, { recursive: true, force: true });
});

describe('lifecycle over HTTP', () => {
  // Instances are started on v2 (the newest); the migration tests need v1 instances, so they are
  // made by an engine that registers v1 only, on the same file, before the server's engine reads them.
  let acmeEscalated: string;
  let acmeReviewing: string;
  let acmeDraft: string;
  let globexReviewing: string;

  it('setup: v1 instances of two tenants in every waiting state', async () => {
    const v1 = createEngine({ store: sqliteStore({ filename: file }), clock, workflows: [reviewV1] });
    const start = async (tenant: string, title: string, submit: boolean) => {
      const id = await v1.forTenant(tenant).start('review', { title }, { actor: { id: 'li', roles: ['staff'] } });
      if (submit) await v1.forTenant(tenant).send(id, { type: 'SUBMIT' }, { actor: { id: 'li', roles: ['staff'] } });
      return id;
    };
    acmeEscalated = await start('acme', 'late', true);
    await clock.advanceBy({ days: 4 }); // v1's 3-day deadline fires: escalated
    await v1.tick();
    acmeReviewing = await start('acme', 'on time', true);
    acmeDraft = await start('acme', 'draft', false);
    globexReviewing = await start('globex', 'theirs', true);
    await v1.close();
    expect((await engine.get(acmeEscalated)).state).toBe('escalated');
    expect(await versions([acmeEscalated, acmeReviewing, acmeDraft, globexReviewing])).toEqual([1, 1, 1, 1]);
  });

  it('migrate: refuses a non-admin (403) and changes nothing', async () => {
    const res = await call('POST', '/admin/migrate', 'wang', 'acme', { workflow: 'review', from: 1, to: 2, reason: 'deadline is 5 days now' });
    expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN']);
    expect(await versions([acmeEscalated, acmeReviewing, acmeDraft])).toEqual([1, 1, 1]);
  });

  it('migrate: a tenant admin’s dry run lists only its tenant’s instances, the run matches it, timers re-armed from v2', async () => {
    const body = { workflow: 'review', from: 1, to: 2, reason: 'deadline is 5 days now' };
    const dry = await call('POST', '/admin/migrate', 'root', 'acme', { ...body, dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ workflow: 'review', from: 1, to: 2, dryRun: true, selected: 3, blocked: [] });
    const moved = (r: { moved: { instanceId: string; target: string }[] }) => r.moved.map((m) => [m.instanceId, m.target]).sort();
    expect(moved(dry.body)).toEqual([[acmeDraft, 'draft'], [acmeEscalated, 'reviewing'], [acmeReviewing, 'reviewing']].sort());
    expect(await versions([acmeEscalated, acmeReviewing, acmeDraft, globexReviewing])).toEqual([1, 1, 1, 1]); // the dry run changed nothing

    const run = await call('POST', '/admin/migrate', 'root', 'acme', body);
    expect(run.status).toBe(200);
    expect(run.body.dryRun).toBe(false);
    expect(moved(run.body)).toEqual(moved(dry.body));
    expect(run.body.moved).toEqual(dry.body.moved);
    expect(await versions([acmeEscalated, acmeReviewing, acmeDraft, globexReviewing])).toEqual([2, 2, 2, 1]); // globex untouched
    // The escalated instance is reviewing again, its deadline armed from v2's rule (5 days) at the run.
    const escalated = (await call('GET', `/instances/${acmeEscalated}`, 'wang', 'acme')).body;
    expect(escalated.state).toBe('reviewing');
    expect(escalated.timers.map((t: { name: string; dueAt: number }) => [t.name, t.dueAt])).toEqual([['reviewDeadline', run.body.at + 5 * DAY]]);
    const history = (await call('GET', `/instances/${acmeEscalated}/history`, 'wang', 'acme')).body.items;
    expect(history.at(-1)).toMatchObject({ kind: 'admin', event: { type: 'docket.admin.migrate', fromVersion: 1, toVersion: 2 }, reason: body.reason });
    for (const id of [acmeEscalated, acmeReviewing, acmeDraft]) {
      const verified = await call('GET', `/instances/${id}/verify`, 'wang', 'acme');
      expect([verified.status, verified.body.ok, verified.body.snapshot]).toEqual([200, true, 'verified']);
    }
    // Re-running moves nothing more; the other tenant's instance is still there for its own admin.
    expect((await call('POST', '/admin/migrate', 'root', 'acme', { ...body, dryRun: true })).body.selected).toBe(0);
    expect((await call('POST', '/admin/migrate', 'root', 'globex', { ...body, dryRun: true })).body.moved.map((m: { instanceId: string }) => m.instanceId)).toEqual([globexReviewing]);
  });

  it.each([
    ['no migration declared', { workflow: 'review', from: 2, to: 1, reason: 'x' }, 422, 'INVALID_MIGRATION'],
    ['a version that is not a number', { workflow: 'review', from: 'one', to: 2, reason: 'x' }, 400, 'INVALID_ARGUMENT'],
    ['no reason', { workflow: 'review', from: 1, to: 2 }, 400, 'INVALID_ARGUMENT'],
    ['a where that is not an object', { workflow: 'review', from: 1, to: 2, reason: 'x', where: 'all' }, 400, 'INVALID_ARGUMENT'],
    ['a where filter HTTP does not take', { workflow: 'review', from: 1, to: 2, reason: 'x', where: { tenant: 'globex' } }, 400, 'INVALID_ARGUMENT'],
    ['a dryRun that is not a boolean', { workflow: 'review', from: 1, to: 2, reason: 'x', dryRun: 'yes' }, 400, 'INVALID_ARGUMENT'],
  ] as const)('migrate refuses %s', async (_name, body, status, code) => {
    const res = await call('POST', '/admin/migrate', 'root', 'globex', body);
    expect([res.status, res.body.code]).toEqual([status, code]);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(await versions([globexReviewing])).toEqual([1]);
  });

  it('the inbox of a tenant holds only its tasks, each carrying the tenant', async () => {
    const acme = (await call('GET', '/tasks', 'wang', 'acme')).body;
    expect(acme.map((t: { instanceId: string }) => t.instanceId).sort()).toEqual([acmeEscalated, acmeReviewing].sort());
    expect(acme.every((t: { tenant: string }) => t.tenant === 'acme')).toBe(true);
    expect((await call('GET', '/tasks', 'wang', 'globex')).body.map((t: { instanceId: string; tenant: string }) => [t.instanceId, t.tenant])).toEqual([[globexReviewing, 'globex']]);
  });

  let archivedId: string;
  let purgedId: string;

  it('retain: refuses a non-admin, a dry run lists only the tenant’s finished instances, archive keeps history readable and verifiable', async () => {
    for (const id of [acmeEscalated, acmeReviewing]) expect((await call('POST', `/instances/${id}/events`, 'wang', 'acme', { type: 'APPROVE' })).body.status).toBe('done');
    expect((await call('POST', `/instances/${globexReviewing}/events`, 'wang', 'globex', { type: 'APPROVE' })).body.status).toBe('done');
    await clock.advanceBy({ days: 2 });
    const policy = { olderThan: { days: 1 } };

    const refused = await call('POST', '/admin/retain', 'wang', 'acme', { policy, mode: 'archive' });
    expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);

    const dry = await call('POST', '/admin/retain', 'root', 'acme', { policy, mode: 'archive', dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ mode: 'archive', dryRun: true, skipped: [], more: false });
    expect([...dry.body.ids].sort()).toEqual([acmeEscalated, acmeReviewing].sort()); // not globex's, not the active draft
    expect((await call('GET', `/instances/${acmeEscalated}`, 'wang', 'acme')).status).toBe(200); // nothing moved

    [archivedId, purgedId] = [acmeEscalated, acmeReviewing];
    const archived = await call('POST', '/admin/retain', 'root', 'acme', { policy, mode: 'archive', limit: 1 });
    expect(archived.body).toMatchObject({ mode: 'archive', dryRun: false, more: true });
    [archivedId] = archived.body.ids;
    purgedId = archivedId === acmeEscalated ? acmeReviewing : acmeEscalated;

    expect((await call('GET', `/instances/${archivedId}`, 'wang', 'acme')).body.code).toBe('INSTANCE_NOT_FOUND'); // out of the hot tables
    const history = (await call('GET', `/instances/${archivedId}/history`, 'wang', 'acme')).body.items;
    expect(history.map((h: { event: { type: string } }) => h.event.type)).toEqual(expect.arrayContaining(['docket.start', 'SUBMIT', 'docket.admin.migrate', 'APPROVE']));
    const verified = await call('GET', `/instances/${archivedId}/verify`, 'wang', 'acme');
    expect(verified.body).toMatchObject({ ok: true, entries: history.length, snapshot: 'verified', retention: { kind: 'archived' } });
    const view = await call('GET', `/instances/${archivedId}/archived`, 'wang', 'acme');
    expect(view.body).toMatchObject({ kind: 'archived', instance: { id: archivedId, tenant: 'acme', status: 'done' } });
    expect(view.body.history).toHaveLength(history.length);
  });

  it('retain: purge keeps a tombstone that verify checks', async () => {
    const purged = await call('POST', '/admin/retain', 'root', 'acme', { policy: { olderThan: { days: 1 } }, mode: 'purge', limit: 1 });
    expect(purged.status).toBe(200);
    // Live instances first; the archived one is next (more), as a dry run shows.
    expect(purged.body).toMatchObject({ ids: [purgedId], more: true });
    const next = await call('POST', '/admin/retain', 'root', 'acme', { policy: { olderThan: { days: 1 } }, mode: 'purge', dryRun: true });
    expect(next.body.ids).toEqual([archivedId]);
    const verified = await call('GET', `/instances/${purgedId}/verify`, 'wang', 'acme');
    expect(verified.body).toMatchObject({ ok: true, entries: 0, retention: { kind: 'purged', tombstone: { id: purgedId, tenant: 'acme', status: 'done' } } });
    expect((await call('GET', `/instances/${purgedId}/archived`, 'wang', 'acme')).body).toMatchObject({ kind: 'purged', tombstone: { id: purgedId } });
    // The other tenant's finished instance was never taken.
    expect((await call('GET', `/instances/${globexReviewing}`, 'wang', 'globex')).body.status).toBe('done');
  });

  it.each([
    ['a mode that is neither archive nor purge', { policy: { olderThan: { days: 1 } }, mode: 'delete' }],
    ['no policy', { mode: 'archive' }],
    ['a negative age', { policy: { olderThan: { days: -1 } }, mode: 'archive' }],
    ['a limit over 1000', { policy: { olderThan: { days: 1 } }, mode: 'archive', limit: 5000 }],
  ])('retain refuses %s with 400 and takes nothing', async (_name, body) => {
    const res = await call('POST', '/admin/retain', 'root', 'globex', body);
    expect([res.status, res.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    expect((await call('GET', `/instances/${globexReviewing}`, 'wang', 'globex')).status).toBe(200);
  });

  it('another tenant cannot verify, read the archive of, or see the tombstone of an instance: 404 as for an unknown id', async () => {
    const unknown = await call('GET', '/instances/no-such-id/verify', 'wang', 'globex');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'INSTANCE_NOT_FOUND']);
    for (const path of [`/instances/${acmeDraft}/verify`, `/instances/${archivedId}/verify`, `/instances/${purgedId}/verify`, `/instances/${archivedId}/archived`, `/instances/${purgedId}/archived`, `/instances/${archivedId}/history`]) {
      const res = await call('GET', path, 'wang', 'globex');
      expect([path, res.status, res.body.code]).toEqual([path, 404, 'INSTANCE_NOT_FOUND']);
    }
    // A live instance has no archive view.
    expect((await call('GET', `/instances/${acmeDraft}/archived`, 'wang', 'acme')).body.code).toBe('INSTANCE_NOT_FOUND');
  });

  it('verify catches a tenant column edited outside Docket (the start entry records the tenant)', async () => {
    const db = new Database(file);
    try {
      db.prepare('UPDATE docket_instances SET tenant = ? WHERE id = ?').run('globex', acmeDraft);
    } finally {
      db.close();
    }
    // Now the edited row hands the instance to globex, but its chain says acme.
    const res = await call('GET', `/instances/${acmeDraft}/verify`, 'root', 'globex');
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.problems.map((p: { problem: string }) => p.problem)).toEqual(['tenant-mismatch']);
    expect(res.body.problems[0].message).toMatch(/"globex".*"acme"/);
  });

  it('serves an OpenAPI 3.1 document with the lifecycle routes and the tenant documented, valid against the 3.1 schema', async () => {
    const doc = await (await fetch(`${base}/openapi.json`)).json();
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect([result.valid, validator.version]).toEqual([true, '3.1']);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/admin/migrate', '/admin/retain', '/instances/{id}/verify', '/instances/{id}/archived']));
    expect(doc.paths['/admin/migrate'].post.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/MigrationReport' });
    expect(doc.paths['/admin/retain'].post.requestBody.content['application/json'].schema.required).toEqual(['policy', 'mode']);
    expect(doc.info.description).toMatch(/tenant.*identified actor/i);
    expect(doc.components.schemas.Actor.properties.tenant.type).toBe('string');
    expect(doc.components.schemas.Instance.properties.tenant.type).toBe('string');
  });
});
