import { assign, setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, memoryStore, virtualClock } from '../src/index.js';

const counter = defineWorkflow({
  id: 'counter',
  version: 1,
  machine: setup({ types: {} as { context: { count: number; by: string[] }; events: { type: 'INC'; $actor: { id: string } } } }).createMachine({
    id: 'counter',
    context: { count: 0, by: [] },
    initial: 'on',
    states: { on: { on: { INC: { actions: assign({ count: ({ context }) => context.count + 1, by: ({ context, event }) => [...context.by, event.$actor.id] }) } } } },
  }),
  input: z.object({}),
  events: { INC: z.object({ note: z.string().optional() }) },
  permissions: { INC: ['clerk'] },
});

const zhao = { id: 'zhao', roles: ['clerk'] };
const wang = { id: 'wang', roles: ['clerk'] };
const sun = { id: 'sun', roles: ['finance'] };

async function setupCounter() {
  const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [counter] });
  const id = await engine.start('counter', {}, { actor: zhao });
  return { engine, id };
}

const refusals = async (engine: Awaited<ReturnType<typeof setupCounter>>['engine'], id: string) =>
  (await engine.history(id, { includeRefused: true })).filter((e) => e.kind === 'refused').map((e) => [e.actor.id, 'code' in e ? e.code : '']);

describe('idempotency keys: authorization first, and a key belongs to its actor', () => {
  it('replays the same act of the same actor once, even after the state moved on', async () => {
    const { engine, id } = await setupCounter();
    const first = await engine.send(id, { type: 'INC' }, { actor: zhao, idempotencyKey: 'k1' });
    const again = await engine.send(id, { type: 'INC' }, { actor: zhao, idempotencyKey: 'k1' });
    expect(again).toEqual(first);
    expect((await engine.get(id)).context).toEqual({ count: 1, by: ['zhao'] });
    await expect(engine.send(id, { type: 'INC', note: 'other' }, { actor: zhao, idempotencyKey: 'k1' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_MISMATCH' });
  });

  it('an actor without the role gets FORBIDDEN for a used key, and the refusal is in the history', async () => {
    const { engine, id } = await setupCounter();
    await engine.send(id, { type: 'INC' }, { actor: zhao, idempotencyKey: 'k1' });
    await expect(engine.send(id, { type: 'INC' }, { actor: sun, idempotencyKey: 'k1' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusals(engine, id)).toEqual([['sun', 'FORBIDDEN']]);
    expect((await engine.get(id)).context).toEqual({ count: 1, by: ['zhao'] });
  });

  it('another authorized actor with a used key is refused with IDEMPOTENCY_MISMATCH (recorded), not silently dropped', async () => {
    const { engine, id } = await setupCounter();
    await engine.send(id, { type: 'INC' }, { actor: zhao, idempotencyKey: 'k1' });
    const error = await engine.send(id, { type: 'INC' }, { actor: wang, idempotencyKey: 'k1' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'IDEMPOTENCY_MISMATCH' });
    expect(error.message).toContain('zhao');
    expect(await refusals(engine, id)).toEqual([['wang', 'IDEMPOTENCY_MISMATCH']]);
    // With a key of his own, his act counts.
    const view = await engine.send(id, { type: 'INC' }, { actor: wang, idempotencyKey: 'k2' });
    expect(view.context).toEqual({ count: 2, by: ['zhao', 'wang'] });
  });

  it('sendMany applies the same rule to each act', async () => {
    const { engine, id } = await setupCounter();
    await engine.send(id, { type: 'INC' }, { actor: zhao, idempotencyKey: 'k1' });
    const bySun = await engine.sendMany([{ instanceId: id, event: { type: 'INC' }, idempotencyKey: 'k1' }], { actor: sun });
    expect(bySun.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['FORBIDDEN']);
    const byWang = await engine.sendMany(
      [
        { instanceId: id, event: { type: 'INC' }, idempotencyKey: 'k1' },
        { instanceId: id, event: { type: 'INC' }, idempotencyKey: 'w1' },
        { instanceId: id, event: { type: 'INC' }, idempotencyKey: 'w1' },
      ],
      { actor: wang },
    );
    expect(byWang.map((r) => (r.ok ? `ok:${(r.view.context as { count: number }).count}` : r.error.code))).toEqual(['IDEMPOTENCY_MISMATCH', 'ok:2', 'ok:2']);
    expect(await refusals(engine, id)).toEqual([
      ['sun', 'FORBIDDEN'],
      ['wang', 'IDEMPOTENCY_MISMATCH'],
    ]);
    expect((await engine.get(id)).context).toEqual({ count: 2, by: ['zhao', 'wang'] });
  });
});
