// An act or read naming an instance retention took out of the hot tables (archived or purged) was
// answered "No instance "x" in the memory store. Check the id (engine.list() shows what exists)": a
// client retrying its send after the archive (same Idempotency-Key), or an operator acting on an id
// from an old report, went looking for a typo. It stays INSTANCE_NOT_FOUND (no live instance, no act),
// said as what it is, with details.retention; to an actor of another tenant it stays the plain answer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, memoryStore, virtualClock, type Actor, type Engine } from '../src/index.js';
import { createHttpHandler } from '../src/http/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

const root = { id: 'root', roles: ['admin', 'staff', 'manager'] };

async function setup() {
  const store = memoryStore();
  const clock = virtualClock('2026-11-02T09:00:00+08:00');
  const engine = createEngine({ store, clock, workflows: [reviewWorkflow] });
  return { store, clock, engine };
}

/** Start `id` for `tenant`, finish it (withdrawn) and take it out by `mode`. */
async function retained(engine: Engine, id: string, mode: 'archive' | 'purge' | 'live', tenant?: string): Promise<void> {
  const on = tenant === undefined ? engine : engine.forTenant(tenant);
  await on.start('review' as never, { title: 't' } as never, { actor: root, id });
  await on.send(id, { type: 'SUBMIT' } as never, { actor: root, idempotencyKey: `${id}-submit` });
  if (mode === 'live') return;
  await on.send(id, { type: 'WITHDRAW' } as never, { actor: root });
  const report = await on.retain({ policy: { finishedBefore: engine.clock.now() + 1 }, mode, limit: 1000 });
  expect(report.ids).toContain(id);
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; details: Record<string, unknown>; message: string }> {
  try {
    await p;
  } catch (error) {
    return error as never;
  }
  throw new Error('expected a refusal');
}

describe('an act or read on a retained instance says it was archived or purged', () => {
  it('a send retried after the archive (same idempotency key): INSTANCE_NOT_FOUND with retention "archived", nothing changed', async () => {
    const { engine } = await setup();
    await retained(engine, 'a1', 'archive');
    const before = await engine.archived('a1');
    const e = await refusal(engine.send('a1', { type: 'SUBMIT' } as never, { actor: root, idempotencyKey: 'a1-submit' }));
    expect([e.code, e.details.retention, e.details.instanceId]).toEqual(['INSTANCE_NOT_FOUND', 'archived', 'a1']);
    expect(e.message).toMatch(/archived by retention/);
    expect(e.message).not.toMatch(/Check the id/);
    expect(await engine.archived('a1')).toEqual(before);
    await engine.close();
  });

  it('get, suspend and terminate of a purged instance: retention "purged"', async () => {
    const { engine } = await setup();
    await retained(engine, 'p1', 'purge');
    for (const p of [engine.get('p1'), engine.suspend('p1', { actor: root, reason: 'r' }), engine.terminate('p1', { actor: root, reason: 'r' })]) {
      const e = await refusal(p);
      expect([e.code, e.details.retention]).toEqual(['INSTANCE_NOT_FOUND', 'purged']);
    }
    await engine.close();
  });

  it('an unknown id stays the plain answer', async () => {
    const { engine } = await setup();
    const e = await refusal(engine.get('nope'));
    expect([e.code, e.details.retention]).toEqual(['INSTANCE_NOT_FOUND', undefined]);
    expect(e.message).toMatch(/Check the id/);
    await engine.close();
  });

  it('another tenant learns nothing: its actor, its view and its HTTP caller get the plain answer; the owner hears "archived"', async () => {
    const { engine } = await setup();
    await retained(engine, 't1', 'archive', 'acme');
    const other: Actor = { ...root, tenant: 'globex' };
    const plain = [
      await refusal(engine.send('t1', { type: 'SUBMIT' } as never, { actor: other })),
      await refusal(engine.forTenant('globex').send('t1', { type: 'SUBMIT' } as never, { actor: root })),
      await refusal(engine.forTenant('globex').get('t1')),
    ];
    for (const e of plain) expect([e.code, e.details.retention, e.message]).toEqual(['INSTANCE_NOT_FOUND', undefined, expect.not.stringMatching(/archived|purged/)]);
    const own = await refusal(engine.forTenant('acme').send('t1', { type: 'SUBMIT' } as never, { actor: root }));
    expect([own.code, own.details.retention]).toEqual(['INSTANCE_NOT_FOUND', 'archived']);
    const handler = createHttpHandler({ engine, workflows: [reviewWorkflow], identify: (r) => ({ ...root, tenant: r.headers.get('x-tenant')! }) });
    const get = async (tenant: string) => (await handler(new Request('http://x/instances/t1', { headers: { 'x-tenant': tenant } }))).json();
    expect((await get('globex')).details?.retention).toBeUndefined();
    expect((await get('acme')).details?.retention).toBe('archived');
    await engine.close();
  });

  it('property: the refusal names the retention exactly when the instance was retained and the actor may see it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('archive' as const, 'purge' as const, 'live' as const, 'none' as const),
        fc.constantFrom(undefined, 'acme'),
        fc.constantFrom(undefined, 'acme', 'globex'),
        async (mode, owner, asker) => {
          const { engine } = await setup();
          if (mode !== 'none') await retained(engine, 'x', mode, owner);
          const actor: Actor = asker === undefined ? root : { ...root, tenant: asker };
          const visible = asker === undefined || asker === owner;
          const result = await engine.send('x', { type: 'APPROVE' } as never, { actor }).then(() => undefined, (e: { code: string; details: Record<string, unknown> }) => e);
          if (mode === 'live' && visible) expect(result).toBeUndefined();
          else {
            expect(result?.code).toBe('INSTANCE_NOT_FOUND');
            const want = mode === 'archive' && visible ? 'archived' : mode === 'purge' && visible ? 'purged' : undefined;
            expect(result?.details.retention).toBe(want);
          }
          await engine.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
