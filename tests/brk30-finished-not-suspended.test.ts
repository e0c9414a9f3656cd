import fc from 'fast-check';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, isDocketError, memoryStore, migrateFrom, virtualClock, type Engine, type HistoryEntry, type InstanceRecord } from '../src/index.js';
import { planCommit } from '../src/engine/plan-commit.js';

// Regression (brk30): terminating a suspended instance left it `suspended: true` with its held
// timers in the record, so every reader showed a finished instance as suspended.

const HOUR = 3_600_000;
const START = Date.parse('2026-11-02T09:00:00+08:00');
const admin = { id: 'feng', roles: ['admin'] };
const staff = { id: 'li', roles: ['staff'] };
const why = { actor: admin, reason: 'brk30' };

/** `waiting` holds a 1 h timeout and a 3 h reminder; NEXT and FINISH move on, `done` is final. */
const machine = setup({
  types: {} as { context: { n: number }; events: { type: 'NEXT' } | { type: 'FINISH' } },
}).createMachine({
  id: 'hold',
  context: { n: 0 },
  initial: 'waiting',
  states: {
    waiting: {
      after: { 3600000: 'late', 10800000: { actions: assign({ n: ({ context }) => context.n + 1 }) } },
      on: { NEXT: 'other', FINISH: 'done' },
    },
    other: { after: { 7200000: 'waiting' }, on: { NEXT: 'waiting', FINISH: 'done' } },
    late: { on: { NEXT: 'waiting', FINISH: 'done' } },
    done: { type: 'final' },
  },
});
const hold = defineWorkflow({ id: 'hold', version: 1, machine, input: z.object({}), events: { NEXT: z.object({}), FINISH: z.object({}) } });
const holdV2 = defineWorkflow({ id: 'hold', version: 2, machine, input: z.object({}), events: { NEXT: z.object({}), FINISH: z.object({}) }, migrations: migrateFrom(hold, { states: { waiting: 'done' } }) });

function setupEngine(workflows: readonly (typeof hold)[] = [hold]) {
  const clock = virtualClock(START);
  const store = memoryStore();
  const engine: Engine = createEngine({ store, clock, workflows: [...workflows] }) as unknown as Engine;
  return { clock, store, engine };
}

/** A finished instance is not suspended, holds no timers, and verifies. */
async function expectCleanFinish(engine: Engine, id: string) {
  const view = await engine.get(id);
  const record = (await engine.store.load(id))!;
  if (record.status === 'active') return;
  expect(view.suspended).toBe(false);
  expect(record.suspended).toBe(false);
  expect(record.heldTimers ?? []).toEqual([]);
  expect(record.timers).toEqual([]);
  expect(view.timers).toEqual([]);
  const report = await engine.verify(id);
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
}

describe('a finished instance is never suspended and holds no timers', () => {
  it('terminate on a suspended instance: not suspended, no held timers, the entry names the dropped timers, verify is clean', async () => {
    const { engine } = setupEngine();
    const id = await engine.start('hold', {} as never, { actor: staff });
    const suspended = await engine.suspend(id, why);
    expect(suspended.suspended).toBe(true);
    expect((await engine.store.load(id))!.heldTimers).toHaveLength(2);

    const ended = await engine.terminate(id, { actor: admin, reason: 'no longer needed' });
    expect(ended.status).toBe('cancelled');
    expect(ended.suspended).toBe(false);
    await expectCleanFinish(engine, id);
    expect((await engine.list({ workflow: 'hold' })).items.find((v) => v.id === id)?.suspended).toBe(false);
    const last = (await engine.history(id)).at(-1) as HistoryEntry;
    expect(last.event.type).toBe('docket.admin.terminate');
    expect(last.endedSuspension).toEqual({
      heldTimers: [
        { name: '3600000', dueAt: START + HOUR, state: 'waiting' },
        { name: '10800000', dueAt: START + 3 * HOUR, state: 'waiting' },
      ],
    });
  });

  it('terminate on an instance that is not suspended records no endedSuspension', async () => {
    const { engine } = setupEngine();
    const id = await engine.start('hold', {} as never, { actor: staff });
    await engine.terminate(id, why);
    await expectCleanFinish(engine, id);
    expect(((await engine.history(id)).at(-1) as HistoryEntry).endedSuspension).toBeUndefined();
  });

  it('resume on a finished (terminated while suspended) instance is refused: INSTANCE_NOT_ACTIVE saying it is finished, nothing changes', async () => {
    const { engine } = setupEngine();
    const id = await engine.start('hold', {} as never, { actor: staff });
    await engine.suspend(id, why);
    await engine.terminate(id, why);
    const before = await engine.store.load(id);
    const error = await engine.resume(id, why).catch((e: unknown) => e);
    expect(isDocketError(error, 'INSTANCE_NOT_ACTIVE')).toBe(true);
    expect((error as Error).message).toMatch(/finished \(cancelled\)/);
    expect((error as { details: Record<string, unknown> }).details).toMatchObject({ instanceId: id, status: 'cancelled' });
    expect(await engine.store.load(id)).toEqual(before);
  });

  it('moveTo a final state: refused while suspended (resume first), and once resumed ends the instance clean', async () => {
    const { engine } = setupEngine();
    const id = await engine.start('hold', {} as never, { actor: staff });
    await engine.suspend(id, why);
    const refused = await engine.moveTo(id, { ...why, target: 'done' }).catch((e: unknown) => e);
    expect(isDocketError(refused, 'INSTANCE_NOT_ACTIVE')).toBe(true);
    expect((await engine.get(id)).suspended).toBe(true);
    await engine.resume(id, why);
    const moved = await engine.moveTo(id, { ...why, target: 'done' });
    expect(moved.status).toBe('done');
    await expectCleanFinish(engine, id);
  });

  it('migration to a final state: a suspended instance is blocked (INSTANCE_SUSPENDED); an active one ends clean', async () => {
    const { engine, store, clock } = setupEngine([hold, holdV2]);
    // Started while v1 was the newest: on v1.
    const v1 = createEngine({ store, clock, workflows: [hold] });
    const a = await v1.start('hold', {} as never, { actor: staff });
    const b = await v1.start('hold', {} as never, { actor: staff });
    await v1.suspend(a, why);
    await v1.close();
    const report = await engine.migrate({ workflow: 'hold', from: 1, to: 2, ...why });
    expect(report.blocked.map((x) => [x.instanceId, x.code])).toEqual([[a, 'INSTANCE_SUSPENDED']]);
    expect(report.moved.map((m) => m.instanceId)).toEqual([b]);
    expect((await engine.get(b)).status).toBe('done');
    await expectCleanFinish(engine, b);
  });

  it('planCommit (the one place every path builds the new record): a step that ends a suspended instance leaves it unsuspended, holding nothing', async () => {
    const { engine } = setupEngine();
    const id = await engine.start('hold', {} as never, { actor: staff });
    await engine.suspend(id, why);
    const previous = (await engine.store.load(id)) as InstanceRecord;
    const commit = planCommit(
      previous,
      { snapshot: { value: 'done', context: previous.context, status: 'done' } as never, actions: [] },
      previous.snapshot,
      { instanceId: id, workflow: 'hold', version: 1, initiator: previous.initiator, kind: 'admin', event: { type: 'docket.admin.moveTo', target: 'done' }, actor: admin, now: START },
      undefined,
    );
    expect(commit.instance.status).toBe('done');
    expect(commit.instance.suspended).toBe(false);
    expect(commit.instance.heldTimers).toBeUndefined();
    expect(commit.history.endedSuspension?.heldTimers.map((t) => t.name)).toEqual(['3600000', '10800000']);
  });

  it('property: after any sequence of suspend/resume/terminate/send/time, a finished instance is not suspended, holds no timers, and verifies', async () => {
    const op = fc.oneof(
      fc.constant({ kind: 'suspend' as const }),
      fc.constant({ kind: 'resume' as const }),
      fc.constant({ kind: 'terminate' as const }),
      fc.constantFrom('NEXT', 'FINISH').map((type) => ({ kind: 'send' as const, type })),
      fc.integer({ min: 1, max: 4 * 60 }).map((minutes) => ({ kind: 'advance' as const, minutes })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 14 }), async (ops) => {
        const { engine, clock } = setupEngine();
        try {
          const id = await engine.start('hold', {} as never, { actor: staff });
          for (const o of ops) {
            try {
              if (o.kind === 'suspend') await engine.suspend(id, why);
              else if (o.kind === 'resume') await engine.resume(id, why);
              else if (o.kind === 'terminate') await engine.terminate(id, why);
              else if (o.kind === 'send') await engine.send(id, { type: o.type } as never, { actor: staff });
              else await clock.advanceBy(o.minutes * 60_000);
            } catch (error) {
              if (!isDocketError(error)) throw error;
            }
            await expectCleanFinish(engine, id);
          }
          const report = await engine.verify(id);
          expect(report.problems).toEqual([]);
        } finally {
          await engine.close();
        }
      }),
      { numRuns: Number(process.env.BRK30_RUNS ?? 60) },
    );
  });
});
