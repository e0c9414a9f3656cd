import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, isDocketError, virtualClock, type Store } from '../src/index.js';
import { manager, reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { reviewV1 } from './fixtures/review-lifecycle.js';
import type { StoreFactory, StoreUnderTest } from './store-conformance.js';

const DAY = 86_400_000;
const START = '2026-11-02T09:00:00+08:00';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (error) {
    if (isDocketError(error)) return error.code;
    throw error;
  }
}

/** Retention and tenants on one store: run by `describeStoreConformance` for every store. */
export function describeRetentionConformance(name: string, factory: StoreFactory, skip: boolean) {
  describe.skipIf(skip)(`store retention and tenants: ${name}`, () => {
    let h: StoreUnderTest;
    let store: Store;
    beforeEach(async (ctx) => {
      h = await factory(`${name} ${ctx.task.name}`);
      store = h.store;
      await store.init();
    });
    afterEach(async () => {
      await store.close().catch(() => undefined);
      await h.cleanup();
    });

    /** Three instances: one done 100 days ago, one cancelled 100 days ago (with a refusal), one active. */
    async function fixture() {
      const clock = virtualClock(START);
      const engine = createEngine({ store, clock, workflows: [reviewWorkflow] });
      const t = engine.forTenant('acme');
      const done = await t.start('review', { title: 'done' }, { actor: staff });
      await t.send(done, { type: 'SUBMIT' }, { actor: staff });
      await codeOf(t.send(done, { type: 'APPROVE' }, { actor: staff })); // refused: staff may not approve
      await t.send(done, { type: 'APPROVE' }, { actor: manager });
      const cancelled = await engine.start('review', { title: 'cancelled' }, { actor: staff });
      await engine.terminate(cancelled, { actor: { id: 'root', roles: ['admin'] }, reason: 'withdrawn' });
      const active = await engine.start('review', { title: 'active' }, { actor: staff });
      await clock.advanceBy({ days: 100 });
      const recent = await engine.start('review', { title: 'recent' }, { actor: staff });
      await engine.terminate(recent, { actor: { id: 'root', roles: ['admin'] }, reason: 'withdrawn' });
      return { clock, engine, done, cancelled, active, recent };
    }

    it('lists and filters by tenant', async () => {
      const { engine, done, cancelled } = await fixture();
      expect((await store.list({ tenant: 'acme' })).items.map((i) => i.id)).toEqual([done]);
      expect((await store.load(done))?.tenant).toBe('acme');
      expect((await store.load(cancelled))?.tenant).toBeUndefined();
      expect((await engine.forTenant('other').list()).items).toEqual([]);
    });

    it('filters tasks by their instance’s tenant in the store, and stamps the tenant on each task', async () => {
      const engine = createEngine({ store, clock: virtualClock(START), workflows: [reviewV1] });
      const ids: Record<string, string> = {};
      for (const tenant of ['acme', 'globex', undefined]) {
        const on = tenant === undefined ? engine : engine.forTenant(tenant);
        const id = await on.start('review', { title: String(tenant) }, { actor: staff });
        await on.send(id, { type: 'SUBMIT' }, { actor: staff });
        ids[String(tenant)] = id;
      }
      const of = async (q: object) => (await store.tasks(q)).map((t) => [t.instanceId, t.tenant]);
      expect(await of({ tenant: 'acme' })).toEqual([[ids.acme, 'acme']]);
      expect(await of({ tenant: 'globex', role: 'manager' })).toEqual([[ids.globex, 'globex']]);
      expect(await of({ tenant: 'globex', assignee: 'wang', workflow: 'review' })).toEqual([[ids.globex, 'globex']]);
      expect(await of({ tenant: 'nobody' })).toEqual([]);
      expect((await of({ role: 'manager' })).sort()).toEqual([[ids.acme, 'acme'], [ids.globex, 'globex'], [ids.undefined, undefined]].sort());
      expect(await codeOf(store.tasks({ tenant: 42 as never }))).toBe('INVALID_ARGUMENT');
      // Through the engine: a tenant's inbox is the store's filtered query.
      expect((await engine.forTenant('acme').tasks({ assignee: 'wang' })).map((t) => t.instanceId)).toEqual([ids.acme]);
    });

    it('takes only one tenant’s finished instances when retention is scoped to it', async () => {
      const { engine, done, cancelled } = await fixture();
      expect((await engine.forTenant('acme').retain({ policy: { olderThan: { days: 90 } }, mode: 'archive', dryRun: true })).ids).toEqual([done]);
      expect((await store.retainable!({ finishedBefore: Number.MAX_SAFE_INTEGER, limit: 10, tenant: 'other' }))).toEqual([]);
      expect([...(await store.retainable!({ finishedBefore: Number.MAX_SAFE_INTEGER, limit: 10 }))]).toEqual(expect.arrayContaining([done, cancelled]));
    });

    // The stores agree on what they accept (issue 12): PostgreSQL bound a fractional or huge cut-off
    // to bigint and failed with STORE_UNAVAILABLE, so `olderThan: { days: 1e-7 }` could never run there.
    it('takes any finite finishedBefore, the same in every store; a bad cut-off or limit is INVALID_ARGUMENT', async () => {
      const { engine, clock, done, cancelled, recent } = await fixture();
      const all = [done, cancelled, recent].sort();
      const finished = async (finishedBefore: number) => [...(await store.retainable!({ finishedBefore, limit: 10 }))].sort();
      expect(await finished(1e300)).toEqual(all);
      expect(await finished(Number.MAX_VALUE)).toEqual(all);
      expect(await finished(-1e300)).toEqual([]);
      const doneAt = (await engine.get(done)).updatedAt;
      expect(await finished(doneAt + 0.5)).toContain(done);
      expect(await finished(doneAt - 0.5)).not.toContain(done);
      // 8.64 ms ago: not `recent`, finished at this instant.
      expect([...(await engine.retain({ policy: { olderThan: { days: 1e-7 } }, mode: 'archive', dryRun: true })).ids].sort()).toEqual([done, cancelled].sort());
      expect((await engine.retain({ policy: { olderThan: { days: 1e300 } }, mode: 'archive', dryRun: true })).ids).toEqual([]);
      expect((await engine.retain({ policy: { finishedBefore: clock.now() + 0.25 }, mode: 'archive', dryRun: true })).ids).toHaveLength(3);
      for (const q of [{ finishedBefore: Number.NaN, limit: 10 }, { finishedBefore: '5', limit: 10 }, { finishedBefore: 5, limit: 0 }, { finishedBefore: 5, limit: 1.5 }, { finishedBefore: 5, limit: 10, tenant: '' }]) {
        expect(await codeOf(store.retainable!(q as never)), JSON.stringify(q)).toBe('INVALID_ARGUMENT');
      }
      expect(await codeOf(store.archivedHistory!(done, { afterRevision: 0.5 }))).toBe('INVALID_ARGUMENT');
      expect(await store.archivedHistory!(done, { afterRevision: 1e12 })).toEqual([]);
    });

    it('archives finished instances older than the policy, never an active or recent one, and keeps them readable and verifiable', async () => {
      const { engine, done, cancelled, active, recent } = await fixture();
      const before = await engine.history(done, { includeRefused: true });
      const dry = await engine.retain({ policy: { olderThan: { days: 90 } }, mode: 'archive', dryRun: true });
      expect([...dry.ids].sort()).toEqual([done, cancelled].sort());
      expect((await store.load(done))?.status).toBe('done'); // a dry run changes nothing
      const report = await engine.retain({ policy: { olderThan: { days: 90 } }, mode: 'archive', limit: 10 });
      expect([...report.ids].sort()).toEqual([done, cancelled].sort());
      expect(report.more).toBe(false);
      // Gone from the hot tables and their queries; the active and the recent one stay.
      expect(await store.load(done)).toBeUndefined();
      expect((await store.list()).items.map((i) => i.id).sort()).toEqual([active, recent].sort());
      expect(await store.history(done)).toEqual([]);
      // Still readable: the same history and refusals, from the archive.
      expect(await engine.history(done, { includeRefused: true })).toEqual(before);
      const archived = await engine.archived(done);
      expect(archived).toMatchObject({ kind: 'archived', instance: { id: done, status: 'done', tenant: 'acme' } });
      expect(archived!.kind === 'archived' && archived!.refusals.map((r) => r.code)).toEqual(['FORBIDDEN']);
      // And verifiable: the chain and the stored state, as for a live instance.
      const verified = await engine.verify(done);
      expect(verified).toMatchObject({ ok: true, entries: 3, snapshot: 'verified', retention: { kind: 'archived' } });
      // Tenant scoping holds in the archive.
      expect((await engine.forTenant('acme').archived(done)).kind).toBe('archived');
      expect(await codeOf(engine.forTenant('globex').history(done))).toBe('INSTANCE_NOT_FOUND');
      // The active instance still works.
      expect((await engine.send(active, { type: 'SUBMIT' }, { actor: staff })).state).toBe('reviewing');
    });

    // Archive and purge deleted a finished instance's effect rows whatever their status, so an effect
    // of its last commit still waiting to be delivered (the handler failing, the worker down) was
    // never delivered: at least once broken. It is kept in place until delivered (or dead).
    it('never archives or purges a finished instance with an effect still to deliver; takes it once the effect is delivered', async () => {
      const clock = virtualClock(START);
      let failing = true;
      const delivered: string[] = [];
      const engine = createEngine({
        store,
        clock,
        workflows: [reviewWorkflow],
        retry: { maxAttempts: 5, initialDelayMs: 200 * DAY, maxDelayMs: 200 * DAY },
        effects: {
          notify: () => undefined,
          archive: (_params, ctx) => {
            if (failing) throw new Error('the archive service is down');
            delivered.push(ctx.effectId);
          },
        },
      });
      const id = await engine.start('review', { title: 'approved' }, { actor: staff });
      await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
      await engine.send(id, { type: 'APPROVE' }, { actor: manager });
      await engine.settled();
      await clock.advanceBy({ days: 100 });
      const pending = (await store.effects(id)).filter((e) => e.status === 'pending');
      expect(pending.map((e) => [e.type, e.attempts])).toEqual([['archive', 1]]);
      const policy = { olderThan: { days: 90 } };
      for (const mode of ['archive', 'purge'] as const) {
        expect(await engine.retain({ policy, mode, dryRun: true })).toMatchObject({ ids: [], skipped: [] });
        expect(await engine.retain({ policy, mode })).toMatchObject({ ids: [], skipped: [], more: false });
      }
      // Named directly, the store refuses it too (its transaction checks again).
      expect(await store.archive!([id], clock.now())).toEqual([]);
      expect((await store.load(id))?.status).toBe('done');
      expect((await store.effects(id)).map((e) => e.status)).toEqual(['delivered', 'pending']);
      // The retry delivers it; then the instance is archived, its effects with it, all settled.
      failing = false;
      await clock.advanceBy({ days: 201 });
      expect(delivered).toEqual([pending[0]!.id]);
      expect((await engine.retain({ policy, mode: 'archive' })).ids).toEqual([id]);
      const archived = await engine.archived(id);
      expect(archived?.kind === 'archived' && archived.effects.map((e) => e.status)).toEqual(['delivered', 'delivered']);
      await engine.close();
    });

    it('never archives an active instance, even when named directly', async () => {
      const { active, recent } = await fixture();
      expect(await store.archive!([active, 'missing'], Date.parse(START))).toEqual([]);
      expect((await store.load(active))?.status).toBe('active');
      expect(await store.archive!([recent], Date.parse(START))).toEqual([recent]);
    });

    it('purges with a sealed tombstone of the chain head that verifies, and detects an edited one', async () => {
      const { engine, done, cancelled } = await fixture();
      const record = (await store.load(done))!;
      const last = (await store.history(done)).at(-1)!;
      // Archive one first: a purge also takes archived instances.
      await store.archive!([cancelled], Date.parse(START));
      // Live instances are taken first; the archived one would be next (more: true).
      const report = await engine.retain({ policy: { finishedBefore: Date.parse(START) + 50 * DAY }, mode: 'purge', limit: 1 });
      expect(report).toMatchObject({ ids: [done], more: true });
      expect((await engine.retain({ policy: { finishedBefore: Date.parse(START) + 50 * DAY }, mode: 'purge', dryRun: true })).ids).toEqual([cancelled]);
      expect(await store.load(done)).toBeUndefined();
      expect(await codeOf(engine.history(done))).toBe('INSTANCE_NOT_FOUND');
      const view = await engine.archived(done);
      expect(view).toMatchObject({
        kind: 'purged',
        tombstone: { id: done, workflow: 'review', version: 1, tenant: 'acme', status: 'done', revision: record.revision, historyHash: record.historyHash, stateHash: last.stateHash, finishedAt: record.updatedAt, verifiedEntries: 3 },
      });
      const verified = await engine.verify(done);
      expect(verified).toMatchObject({ ok: true, entries: 0, retention: { kind: 'purged', tombstone: { historyHash: last.hash } } });
      // The archived one is purged by id through the store, from the archive tables.
      const t = (await store.archived!(cancelled))!;
      const purged = await store.purge!([{ ...view!.tombstone!, id: cancelled, revision: t.instance.revision, tenant: undefined as never }]);
      expect(purged).toEqual([cancelled]);
      expect(await store.archived!(cancelled)).toBeUndefined();
      // Edited tombstone (its head hash changed): verify reports it.
      const edited = (await store.tombstone!(cancelled))!;
      expect((await engine.verify(cancelled)).ok).toBe(false);
      expect(edited.id).toBe(cancelled);
    });

    // A retried start({ id }) after retention re-created the instance beside its archive or
    // tombstone: two chains under one id, and the next retention of it failed (SQLite, PostgreSQL)
    // or overwrote the first archive (memory).
    it('refuses to start an instance under the id of an archived or purged one, and changes nothing', async () => {
      const clock = virtualClock(START);
      const engine = createEngine({ store, clock, workflows: [reviewWorkflow] });
      const acme = engine.forTenant('acme');
      for (const id of ['order-a', 'order-p']) {
        await acme.start('review', { title: id }, { actor: staff, id });
        await acme.send(id, { type: 'SUBMIT' }, { actor: staff });
        await acme.send(id, { type: 'WITHDRAW' }, { actor: staff });
      }
      await clock.advanceBy({ days: 10 });
      await engine.retain({ policy: { finishedBefore: clock.now() }, mode: 'archive', limit: 1 }); // the older: order-a
      expect((await engine.archived('order-a'))?.kind).toBe('archived');
      await engine.retain({ policy: { finishedBefore: clock.now() }, mode: 'purge' });
      expect((await engine.archived('order-p'))?.kind).toBe('purged');
      for (const id of ['order-a', 'order-p']) {
        const before = await engine.archived(id);
        expect(await codeOf(engine.start('review', { title: 'again' }, { actor: staff, id })), id).toBe('CONFLICT');
        expect(await codeOf(acme.start('review', { title: 'again' }, { actor: staff, id })), id).toBe('CONFLICT');
        expect(await codeOf(engine.forTenant('globex').start('review', { title: 'again' }, { actor: staff, id })), id).toBe('CONFLICT');
        expect(await store.load(id), id).toBeUndefined();
        expect(await engine.archived(id)).toEqual(before);
        expect((await acme.verify(id)).ok).toBe(true);
      }
      expect((await store.list()).items).toEqual([]);
      expect(await engine.retain({ policy: { finishedBefore: clock.now() + 1 }, mode: 'archive' })).toMatchObject({ ids: [], skipped: [] });
    });

    // A purge listed live finished instances only, so an archived instance stayed in the archive for
    // good, whatever the policy: the docs' "deletes everything stored for it, hot or archived" was
    // true of purge(ids) but never of a policy.
    it('a purge policy takes archived instances too (after the live ones), verifying each chain from the archive; a tenant purges its own only', async () => {
      const clock = virtualClock(START);
      const engine = createEngine({ store, clock, workflows: [reviewWorkflow] });
      const acme = engine.forTenant('acme');
      const globex = engine.forTenant('globex');
      for (const [view, id] of [[acme, 'arch-a'], [globex, 'arch-g']] as const) {
        await view.start('review', { title: id }, { actor: staff, id });
        await view.send(id, { type: 'SUBMIT' }, { actor: staff });
        await view.send(id, { type: 'WITHDRAW' }, { actor: staff });
      }
      await clock.advanceBy({ days: 10 });
      expect((await engine.retain({ policy: { finishedBefore: clock.now() }, mode: 'archive' })).ids.slice().sort()).toEqual(['arch-a', 'arch-g']);
      await clock.advanceBy({ days: 10 });
      const dry = await acme.retain({ policy: { finishedBefore: clock.now() }, mode: 'purge', dryRun: true });
      expect(dry.ids).toEqual(['arch-a']);
      expect((await engine.archived('arch-a'))?.kind).toBe('archived');
      const real = await acme.retain({ policy: { finishedBefore: clock.now() }, mode: 'purge' });
      expect(real).toMatchObject({ ids: ['arch-a'], skipped: [], more: false });
      const purged = await engine.archived('arch-a');
      expect(purged?.kind).toBe('purged');
      expect(purged?.kind === 'purged' && purged.tombstone).toMatchObject({ id: 'arch-a', tenant: 'acme', revision: 3, verifiedEntries: 3 });
      expect((await engine.verify('arch-a')).ok).toBe(true);
      expect((await engine.archived('arch-g'))?.kind).toBe('archived');
      // A cut-off before the archived instance finished takes nothing.
      expect((await engine.retain({ policy: { finishedBefore: Date.parse(START) }, mode: 'purge' })).ids).toEqual([]);
      expect((await engine.retain({ policy: { finishedBefore: clock.now() }, mode: 'purge' })).ids).toEqual(['arch-g']);
      expect(await codeOf(store.retainable!({ finishedBefore: clock.now(), limit: 5, archived: 'yes' } as never))).toBe('INVALID_ARGUMENT');
    });

    // The engine's check of an archived id ran before the create, outside the store's write: an
    // archive or purge in another process between the two re-created the instance (two chains under
    // one id). The store refuses the create itself, in the same write; here the engine's look-up is
    // made to miss, as it does when the archive lands just after it.
    it('the store itself refuses a create under an archived or purged id, so a retention between check and create cannot slip through', async () => {
      const clock = virtualClock(START);
      const engine = createEngine({ store, clock, workflows: [reviewWorkflow] });
      for (const id of ['race-a', 'race-p']) {
        await engine.start('review', { title: id }, { actor: staff, id });
        await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
        await engine.send(id, { type: 'WITHDRAW' }, { actor: staff });
      }
      await clock.advanceBy({ days: 10 });
      await engine.retain({ policy: { finishedBefore: clock.now() }, mode: 'archive', limit: 1 });
      await engine.retain({ policy: { finishedBefore: clock.now() }, mode: 'purge' });
      expect((await engine.archived('race-p'))?.kind).toBe('purged');
      expect(['archived', 'purged']).toContain((await engine.archived('race-a'))?.kind);
      const blind: Store = { ...store, archived: async () => undefined, tombstone: async () => undefined } as Store;
      const late = createEngine({ store: blind, clock, workflows: [reviewWorkflow] });
      for (const id of ['race-a', 'race-p']) {
        const before = await engine.archived(id);
        let caught: unknown;
        await late.start('review', { title: 'again' }, { actor: staff, id }).catch((e: unknown) => void (caught = e));
        expect(isDocketError(caught) && caught.code, id).toBe('CONFLICT');
        expect(String((caught as Error).message), id).toContain('archived or purged');
        expect(await store.load(id), id).toBeUndefined();
        expect(await engine.archived(id), id).toEqual(before);
      }
      expect((await store.list()).items).toEqual([]);
    });

    // A dry purge listed every due instance, while the real one keeps any whose chain does not
    // verify: the dry run must name what the real run takes.
    it('a dry purge reports what the real purge takes and skips, chain verification included', async () => {
      const clock = virtualClock(START);
      const key = { id: 'k1', secret: 'a-secret-of-at-least-thirty-two-bytes!!' };
      const keyed = createEngine({ store, clock, workflows: [reviewWorkflow], historyKey: key });
      const sealed = await keyed.start('review', { title: 'keyed' }, { actor: staff });
      await keyed.send(sealed, { type: 'SUBMIT' }, { actor: staff });
      await keyed.send(sealed, { type: 'WITHDRAW' }, { actor: staff });
      // An engine without the key cannot verify that chain (unknown-key), so it must not purge it.
      const engine = createEngine({ store, clock, workflows: [reviewWorkflow] });
      const plain = await engine.start('review', { title: 'plain' }, { actor: staff });
      await engine.send(plain, { type: 'SUBMIT' }, { actor: staff });
      await engine.send(plain, { type: 'WITHDRAW' }, { actor: staff });
      await clock.advanceBy({ days: 10 });
      const policy = { finishedBefore: clock.now() };
      const dry = await engine.retain({ policy, mode: 'purge', dryRun: true });
      expect(dry.ids).toEqual([plain]);
      expect(dry.skipped.map((s) => s.id)).toEqual([sealed]);
      expect((await store.load(plain))?.status).toBe('done'); // a dry run changes nothing
      expect(await store.tombstone!(plain)).toBeUndefined();
      const real = await engine.retain({ policy, mode: 'purge' });
      expect({ ids: real.ids, skipped: real.skipped, more: real.more }).toEqual({ ids: dry.ids, skipped: dry.skipped, more: dry.more });
    });

    // The instances a purge keeps (their chain does not verify) stay the oldest finished ones: with
    // `limit` of them in front, every batch came back full and empty, so "call again while more"
    // never ended and nothing behind them was ever purged.
    it('a purge reads on past the instances it keeps, so calling again while more purges every verifiable one and ends', async () => {
      const clock = virtualClock(START);
      const key = { id: 'k1', secret: 'a-secret-of-at-least-thirty-two-bytes!!' };
      const keyed = createEngine({ store, clock, workflows: [reviewWorkflow], historyKey: key });
      const engine = createEngine({ store, clock, workflows: [reviewWorkflow] });
      const finish = async (on: typeof engine, title: string) => {
        const id = await on.start('review', { title }, { actor: staff });
        await on.send(id, { type: 'SUBMIT' }, { actor: staff });
        await on.send(id, { type: 'WITHDRAW' }, { actor: staff });
        await clock.advanceBy({ hours: 1 });
        return id;
      };
      const kept = [await finish(keyed, 'k1'), await finish(keyed, 'k2')]; // the oldest: unverifiable here
      const plain = [await finish(engine, 'p1'), await finish(engine, 'p2'), await finish(engine, 'p3')];
      await clock.advanceBy({ days: 10 });
      const policy = { finishedBefore: clock.now() };
      const dry = await engine.retain({ policy, mode: 'purge', limit: 2, dryRun: true });
      expect(dry.ids).toEqual(plain.slice(0, 2));
      expect(dry.skipped.map((s) => s.id)).toEqual(kept);
      const purged: string[] = [];
      let calls = 0;
      for (let more = true; more && calls < 10; calls++) {
        const report = await engine.retain({ policy, mode: 'purge', limit: 2 });
        if (calls === 0) expect({ ids: report.ids, skipped: report.skipped, more: report.more }).toEqual({ ids: dry.ids, skipped: dry.skipped, more: dry.more });
        expect(report.skipped.map((s) => s.id)).toEqual(kept);
        purged.push(...report.ids);
        more = report.more;
      }
      expect(calls).toBeLessThan(10);
      expect(purged.sort()).toEqual([...plain].sort());
      for (const id of kept) expect((await store.load(id))?.status).toBe('done');
      for (const id of plain) expect((await engine.verify(id))).toMatchObject({ ok: true, retention: { kind: 'purged' } });
    });

    // { olderThan: { days: 0, months: 6 } } purged everything finished before now (months ignored).
    it('refuses a policy with a key it does not know or with both cut-offs, purging nothing', async () => {
      const { engine, clock, done, cancelled, recent } = await fixture();
      const policies = [
        { olderThan: { days: 0, months: 6 } },
        { olderThan: { days: 0, weeks: 26 } },
        { olderThan: { days: 180 }, finishedBefore: clock.now() },
        { finishedBefore: clock.now(), tenant: 'acme' },
        { olderThan: [180] },
      ];
      for (const policy of policies) {
        for (const dryRun of [true, false]) expect(await codeOf(engine.retain({ policy: policy as never, mode: 'purge', dryRun })), JSON.stringify(policy)).toBe('INVALID_ARGUMENT');
      }
      for (const id of [done, cancelled, recent]) expect((await store.load(id))?.revision, id).toBeGreaterThan(0);
      expect(await store.tombstone!(recent)).toBeUndefined();
    });

    it('refuses a dryRun that is not a boolean and an option it does not know, changing nothing', async () => {
      const { engine, done } = await fixture();
      for (const dryRun of ['true', 'false', 1, 0, null]) {
        for (const mode of ['archive', 'purge'] as const) {
          expect(await codeOf(engine.retain({ policy: { olderThan: { days: 1 } }, mode, dryRun: dryRun as never })), `${mode} ${JSON.stringify(dryRun)}`).toBe('INVALID_ARGUMENT');
        }
      }
      // A misspelt option would have purged for real.
      for (const typo of [{ dryrun: true }, { dry: true }, { everyMs: 5 }]) {
        expect(await codeOf(engine.retain({ policy: { olderThan: { days: 1 } }, mode: 'purge', ...typo } as never)), JSON.stringify(typo)).toBe('INVALID_ARGUMENT');
      }
      expect((await store.load(done))?.status).toBe('done');
    });

    it('runs retention from engine.run, one batch per step', async () => {
      const { engine, done, cancelled } = await fixture();
      const controller = new AbortController();
      engine.on('error', () => controller.abort());
      const running = engine.run({ signal: controller.signal, retain: { policy: { olderThan: { days: 90 } }, mode: 'archive', limit: 2 } });
      // Yield until the loop's first step has archived both (bounded: the test fails rather than hangs).
      for (let i = 0; i < 100_000 && ((await store.load(cancelled)) !== undefined || (await store.load(done)) !== undefined); i++) await new Promise((r) => setImmediate(r));
      controller.abort();
      await running;
      expect(await store.load(done)).toBeUndefined();
      expect(await store.load(cancelled)).toBeUndefined();
    });
  });
}
