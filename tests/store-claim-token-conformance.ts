// Claims are told apart by a fresh token, not by their owner. Two engines that share a workerId (a
// default id, two pods from one image) used to pass each other's claim checks: the one whose claim
// had run out and been taken over still recorded its effect outcome over its successor's, and
// released, deferred or retired a timer the successor held. Each case runs on every store.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createEngine, isDocketError, virtualClock, type EffectUpdate, type Store } from '../src/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { nextCommit, T0, type CommitOptions } from './helpers/records.js';
import type { StoreFactory, StoreUnderTest } from './store-conformance.js';

const HOUR = 3_600_000;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (isDocketError(error)) return error.code;
    throw error;
  }
}

/** One claim as its claimant holds it: the owner (shared) and the claim's own token. */
interface Held {
  readonly owner: string;
  readonly token: string;
}

let drawn = 0;
/** A fresh claim of `owner`: what an engine draws for each claim it makes. */
function fresh(owner: string): Held {
  return { owner, token: `claim-${++drawn}` };
}

const claimOf = (held: Held, leaseMs: number) => ({ owner: held.owner, token: held.token, leaseMs, limit: 100 });
const updateOf = (held: Held, outcome: Omit<EffectUpdate, 'owner' | 'token'>): EffectUpdate => ({ owner: held.owner, token: held.token, ...outcome });
const release = (s: Store, id: string, held: Held) => s.releaseTimer(id, held);
const defer = (s: Store, id: string, held: Held, until: number) => s.deferTimer(id, held, until);
const retire = (s: Store, id: string, held: Held) => s.retireTimer(id, held);

/** The claim-token cases of the store contract: run by `describeStoreConformance` for every store. */
export function describeClaimTokenConformance(name: string, factory: StoreFactory, skip: boolean) {
  describe.skipIf(skip)(`store claim tokens: ${name}`, () => {
    let h: StoreUnderTest;
    let store: Store;
    const extra: Store[] = [];
    beforeEach(async (ctx) => {
      h = await factory(`${name} ${ctx.task.name}`);
      store = h.store;
      await store.init();
    });
    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close().catch(() => undefined);
      await store.close().catch(() => undefined);
      await h.cleanup();
    });

    async function other(): Promise<Store> {
      if (!h.reopen) return store;
      const s = await h.reopen();
      await s.init();
      extra.push(s);
      return s;
    }

    async function step(id: string, o: CommitOptions = {}): Promise<void> {
      await store.commit(nextCommit(id, await store.load(id), o));
    }

    it("a claim taken over after its lease: the old claimant's outcome is refused with CONFLICT although it shares the successor's owner id, and the successor's stands", async () => {
      await step('a', { effects: 1, at: T0 });
      const first = fresh('pod');
      const [effect] = await store.claimEffects(T0, claimOf(first, 1000));
      const second = fresh('pod');
      const successor = await other();
      expect((await successor.claimEffects(T0 + 1000, claimOf(second, 1000))).map((e) => e.id)).toEqual([effect!.id]);
      const late = await store.updateEffect(effect!.id, updateOf(first, { status: 'pending', attempts: 1, nextAttemptAt: T0 + 5000, lastError: 'late' })).catch((e: unknown) => e);
      expect(isDocketError(late, 'CONFLICT') && [late.details.effectId, late.details.owner, late.details.field]).toEqual([effect!.id, 'pod', 'token']);
      expect((await store.effects('a'))[0]).toMatchObject({ status: 'pending', attempts: 0 });
      await successor.updateEffect(effect!.id, updateOf(second, { status: 'delivered', attempts: 1, nextAttemptAt: T0 + 1000, deliveredAt: T0 + 1000 }));
      expect((await store.effects('a'))[0]).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: T0 + 1000 });
      // Once recorded, the claim is over: neither claimant writes again.
      expect(await codeOf(store.updateEffect(effect!.id, updateOf(first, { status: 'dead', attempts: 2, nextAttemptAt: T0 + 2000 })))).toBe('CONFLICT');
      expect(await codeOf(successor.updateEffect(effect!.id, updateOf(second, { status: 'dead', attempts: 2, nextAttemptAt: T0 + 2000 })))).toBe('CONFLICT');
      expect((await store.effects('a'))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    });

    it('a release, deferral or retirement by the old claimant of a timer taken over changes nothing: the successor keeps its claim', async () => {
      await step('a', { addTimers: [{ key: 'd', dueAt: T0 + HOUR }] });
      const first = fresh('pod');
      const [timer] = await store.claimDueTimers(T0 + HOUR, claimOf(first, 1000));
      const second = fresh('pod');
      const successor = await other();
      expect((await successor.claimDueTimers(T0 + HOUR + 1000, claimOf(second, 60_000))).map((t) => t.id)).toEqual([timer!.id]);
      await release(store, timer!.id, first);
      await defer(store, timer!.id, first, T0 + HOUR + 2000);
      expect(await retire(store, timer!.id, first)).toBe(false);
      // Still the successor's until its lease ends: nobody claims it meanwhile, and it is still pending.
      expect(await store.claimDueTimers(T0 + HOUR + 30_000, claimOf(fresh('pod'), 1000))).toEqual([]);
      expect(await store.nextTimerDue()).toBe(T0 + HOUR + 61_000);
      expect((await store.timers('a')).map((t) => t.id)).toEqual([timer!.id]);
      // The successor's own hands work.
      await release(successor, timer!.id, second);
      expect(await store.nextTimerDue()).toBe(T0 + HOUR);
    });

    it('a release by the old claimant after its own claim was handed back and claimed again changes nothing', async () => {
      await step('a', { addTimers: [{ key: 'd', dueAt: T0 + HOUR }] });
      const first = fresh('pod');
      const [timer] = await store.claimDueTimers(T0 + HOUR, claimOf(first, 60_000));
      await release(store, timer!.id, first);
      const second = fresh('pod');
      expect((await store.claimDueTimers(T0 + HOUR, claimOf(second, 60_000))).map((t) => t.id)).toEqual([timer!.id]);
      // The first claimant's second release (a retry, a duplicate message) must not end the new claim.
      await release(store, timer!.id, first);
      expect(await store.claimDueTimers(T0 + HOUR, claimOf(fresh('pod'), 60_000))).toEqual([]);
      expect(await retire(store, timer!.id, second)).toBe(true);
      expect(await store.timers('a')).toEqual([]);
    });

    it('two engines with the same workerId: the one whose effect claim ran out and was taken over records nothing; the successor delivers once', async () => {
      const clockA = virtualClock(T0);
      let fail: (error: Error) => void = () => undefined;
      const calls: string[] = [];
      const a = createEngine({
        store,
        clock: clockA,
        workflows: [reviewWorkflow],
        workerId: 'pod',
        effects: {
          notify: () => {
            calls.push('a');
            return new Promise<void>((_, reject) => (fail = reject));
          },
          archive: () => undefined,
        },
      });
      const errors: unknown[] = [];
      a.on('error', (e) => errors.push(e));
      const id = await a.start('review', { title: '合同' }, { actor: staff });
      await a.send(id, { type: 'SUBMIT' }, { actor: staff });
      // A's handler hangs (a paused process) past its claim: effectTimeoutMs + leaseMs, on B's clock.
      let done: () => void = () => undefined;
      let called: () => void = () => undefined;
      const bCalled = new Promise<void>((resolve) => (called = resolve));
      const clockB = virtualClock(T0 + 60_000);
      const b = createEngine({
        store: await other(),
        clock: clockB,
        workflows: [reviewWorkflow],
        workerId: 'pod',
        effects: {
          notify: () => {
            calls.push('b');
            called();
            return new Promise<void>((resolve) => (done = resolve));
          },
          archive: () => undefined,
        },
      });
      const advanced = clockB.advanceBy({ seconds: 1 });
      await bCalled;
      expect(calls).toEqual(['a', 'b']);
      // A wakes up while B still delivers, and fails its attempt: refused (before, it was recorded,
      // ending B's claim, so B's delivery was refused and the effect was delivered a third time).
      fail(new Error('smtp down'));
      await a.settled();
      expect(errors.map((e) => isDocketError(e) && e.code)).toEqual(['CONFLICT']);
      expect((await b.effects(id)).map((e) => [e.status, e.attempts])).toEqual([['pending', 0]]);
      done();
      await advanced;
      await b.settled();
      expect((await b.effects(id)).map((e) => [e.status, e.attempts, e.lastError ?? null])).toEqual([['delivered', 1, null]]);
      await a.close();
      await b.close();
    });

    it('an effect whose claim ends with a retry later than the lease is not claimed when that lease would have run out: it waits for its retry (the memory store gave it out early)', async () => {
      await step('r', { effects: 1, at: T0 });
      const held = fresh('pod');
      const [effect] = await store.claimEffects(T0, claimOf(held, 1000));
      await store.updateEffect(effect!.id, updateOf(held, { status: 'pending', attempts: 1, nextAttemptAt: T0 + 1700, lastError: 'smtp down' }));
      const peer = await other();
      expect(await peer.claimEffects(T0 + 1000, claimOf(fresh('pod'), 1000))).toEqual([]);
      expect(await store.claimEffects(T0 + 1699, claimOf(fresh('solo'), 1000))).toEqual([]);
      expect((await store.claimEffects(T0 + 1700, claimOf(fresh('solo'), 1000))).map((e) => [e.id, e.attempts])).toEqual([[effect!.id, 1]]);
    });

    it('a timer deferred past the end of its claim is not claimed when that claim would have run out: it waits for the deferral', async () => {
      await step('d', { at: T0, addTimers: [{ key: 'd', dueAt: T0 }] });
      const held = fresh('pod');
      const [timer] = await store.claimDueTimers(T0, claimOf(held, 1000));
      await store.deferTimer(timer!.id, held, T0 + 1700);
      expect(await store.claimDueTimers(T0 + 1000, claimOf(fresh('pod'), 1000))).toEqual([]);
      expect((await store.claimDueTimers(T0 + 1700, claimOf(fresh('solo'), 1000))).map((t) => t.id)).toEqual([timer!.id]);
    });

    it('property: claims, updates, releases and deferrals by claimants sharing owner ids, in any order: an outcome lands only under the current claim, at most once per claim, never by a stale claimant', async () => {
      // Claimants 0 and 1 share an owner id, as two engines with one workerId do; 2 has its own.
      const owners = ['pod', 'pod', 'solo'];
      type Op =
        | { readonly kind: 'claim'; readonly who: number; readonly item: 'effect' | 'timer'; readonly dt: number }
        | { readonly kind: 'update'; readonly who: number; readonly status: 'pending' | 'delivered' | 'dead'; readonly delay: number }
        | { readonly kind: 'release' | 'defer' | 'retire'; readonly who: number };
      const who = fc.integer({ min: 0, max: 2 });
      const op: fc.Arbitrary<Op> = fc.oneof(
        fc.record({ kind: fc.constant('claim' as const), who, item: fc.constantFrom('effect' as const, 'timer' as const), dt: fc.constantFrom(0, 500, 1000, 1000) }),
        fc.record({ kind: fc.constant('update' as const), who, status: fc.constantFrom('pending' as const, 'delivered' as const, 'dead' as const), delay: fc.constantFrom(0, 700) }),
        fc.record({ kind: fc.constantFrom('release' as const, 'defer' as const, 'retire' as const), who }),
      );
      const second = await other();
      const stores = [store, second, store];
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
          const instance = `p${n++}`;
          await step(instance, { effects: 1, at: T0, addTimers: [{ key: 'd', dueAt: T0 }] });
          const effectId = (await store.effects(instance))[0]!.id;
          const timerId = (await store.timers(instance))[0]!.id;
          // The model: each item's current claim (its token) and ready instant; what the effect records.
          let now = T0;
          const effect = { holder: undefined as string | undefined, ready: T0, status: 'pending', attempts: 0 };
          const timer = { holder: undefined as string | undefined, ready: T0, pending: true };
          // What each claimant holds: the claim that last returned the item to it.
          const heldEffect: (Held | undefined)[] = [undefined, undefined, undefined];
          const heldTimer: (Held | undefined)[] = [undefined, undefined, undefined];
          const written = new Map<string, number>();
          for (const o of ops) {
            const s = stores[o.who]!;
            if (o.kind === 'claim') {
              now += o.dt;
              const held = fresh(owners[o.who]!);
              if (o.item === 'effect') {
                const got = (await s.claimEffects(now, claimOf(held, 1000))).some((e) => e.id === effectId);
                const expected = effect.status === 'pending' && effect.ready <= now;
                expect(got).toBe(expected);
                if (expected) [effect.holder, effect.ready, heldEffect[o.who]] = [held.token, now + 1000, held];
              } else {
                const got = (await s.claimDueTimers(now, claimOf(held, 1000))).some((t) => t.id === timerId);
                const expected = timer.pending && timer.ready <= now;
                expect(got).toBe(expected);
                if (expected) [timer.holder, timer.ready, heldTimer[o.who]] = [held.token, now + 1000, held];
              }
            } else if (o.kind === 'update') {
              const held = heldEffect[o.who];
              if (held === undefined) continue;
              const told = await codeOf(s.updateEffect(effectId, updateOf(held, { status: o.status, attempts: effect.attempts + 1, nextAttemptAt: now + o.delay })));
              const current = effect.holder === held.token;
              expect(told).toBe(current ? 'ok' : 'CONFLICT');
              if (current) {
                written.set(held.token, (written.get(held.token) ?? 0) + 1);
                [effect.holder, effect.status, effect.attempts, effect.ready] = [undefined, o.status, effect.attempts + 1, now + o.delay];
              }
            } else {
              const held = heldTimer[o.who];
              if (held === undefined) continue;
              const current = timer.pending && timer.holder === held.token;
              if (o.kind === 'release') await release(s, timerId, held);
              else if (o.kind === 'defer') await defer(s, timerId, held, now + 300);
              else expect(await retire(s, timerId, held)).toBe(current);
              if (current) {
                timer.holder = undefined;
                if (o.kind === 'release') timer.ready = T0;
                else if (o.kind === 'defer') timer.ready = now + 300;
                else timer.pending = false;
              }
            }
            expect((await store.effects(instance))[0]).toMatchObject({ status: effect.status, attempts: effect.attempts });
            expect((await store.timers(instance)).map((t) => t.id)).toEqual(timer.pending ? [timerId] : []);
          }
          expect([...written.values()].every((count) => count === 1)).toBe(true);
          // Settle what the run left pending: every run shares the store and starts again at T0, and a
          // claim takes at most 100 items, so the items of earlier runs piled up past the limit and
          // crowded this run's own out of a claim the model expected (seed 1672704330, run 506 of 600).
          const sweeper = fresh('sweeper');
          const late = now + 10_000;
          for (const e of await store.claimEffects(late, claimOf(sweeper, 1000))) await store.updateEffect(e.id, updateOf(sweeper, { status: 'dead', attempts: e.attempts + 1, nextAttemptAt: late }));
          for (const t of await store.claimDueTimers(late, claimOf(sweeper, 1000))) expect(await retire(store, t.id, sweeper)).toBe(true);
        }),
        {
          numRuns: 60,
          // The two interleavings that broke owner-only claims, always run: a claimant whose claim ran
          // out and was taken over by another with its owner id records an outcome, or releases the timer.
          examples: [
            [[{ kind: 'claim', who: 0, item: 'effect', dt: 0 }, { kind: 'claim', who: 1, item: 'effect', dt: 1000 }, { kind: 'update', who: 0, status: 'pending', delay: 0 }]],
            [[{ kind: 'claim', who: 0, item: 'timer', dt: 0 }, { kind: 'claim', who: 1, item: 'timer', dt: 1000 }, { kind: 'release', who: 0 }, { kind: 'claim', who: 2, item: 'timer', dt: 0 }]],
            // CI seed -729248864: an effect updated to retry after its claim's lease was claimed when the
            // lease would have ended (the memory store's due heap kept the lease's key).
            [[{ kind: 'claim', who: 1, item: 'effect', dt: 0 }, { kind: 'claim', who: 0, item: 'timer', dt: 1000 }, { kind: 'update', who: 1, status: 'pending', delay: 700 }, { kind: 'claim', who: 0, item: 'effect', dt: 0 }, { kind: 'update', who: 0, status: 'pending', delay: 0 }]],
            // Seed 1672704330 (at 600 runs): a timer deferred, then due again, was not claimed, though only
            // because 505 earlier runs had left their items pending; it passes on a settled store.
            [[{ kind: 'claim', who: 1, item: 'effect', dt: 1000 }, { kind: 'claim', who: 1, item: 'timer', dt: 1000 }, { kind: 'defer', who: 1 }, { kind: 'claim', who: 1, item: 'effect', dt: 500 }, { kind: 'update', who: 1, status: 'delivered', delay: 0 }, { kind: 'update', who: 1, status: 'delivered', delay: 0 }, { kind: 'update', who: 0, status: 'delivered', delay: 0 }, { kind: 'claim', who: 0, item: 'effect', dt: 1000 }, { kind: 'claim', who: 0, item: 'timer', dt: 500 }, { kind: 'claim', who: 2, item: 'timer', dt: 1000 }]],
          ],
        },
      );
    });
  });
}
