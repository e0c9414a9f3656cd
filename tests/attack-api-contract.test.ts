import { assign, setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, memoryStore, virtualClock } from '../src/index.js';

const someone = { id: 'li', roles: ['staff'] };

/** One workflow per schema form: the machine records every event it sees (minus the engine's meta). */
function recorder(events: Record<string, z.ZodType<Record<string, unknown>>>) {
  const types = Object.keys(events);
  const record = assign({ seen: ({ context, event }: { context: { seen: unknown[] }; event: Record<string, unknown> }) => {
    const { $actor: _a, $at: _t, ...rest } = event;
    return [...context.seen, rest];
  } });
  return defineWorkflow({
    id: 'rec',
    version: 1,
    machine: setup({ types: {} as { context: { seen: unknown[] } } }).createMachine({
      id: 'rec',
      context: { seen: [] },
      initial: 'open',
      states: { open: { on: Object.fromEntries(types.map((t) => [t, { actions: record as never }])) } },
    }),
    input: z.object({}),
    events,
  });
}

async function engineFor(events: Record<string, z.ZodType<Record<string, unknown>>>) {
  const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [recorder(events)] });
  const id = await engine.start('rec', {}, { actor: someone });
  return { engine, id };
}

describe('API contract: a schema naming its own `type` is accepted in every zod form, by send and can alike', () => {
  const whole = z.object({ type: z.literal('SUBMIT'), amount: z.number() });
  const forms: [string, z.ZodType<Record<string, unknown>>, Record<string, unknown>][] = [
    ['z.object(...).transform(...)', whole.transform((e) => ({ ...e, cents: e.amount * 100 })), { type: 'SUBMIT', amount: 2, cents: 200 }],
    ['z.discriminatedUnion("type", [...])', z.discriminatedUnion('type', [whole]), { type: 'SUBMIT', amount: 2 }],
    ['z.union([...]) of whole events', z.union([whole, z.object({ type: z.literal('SUBMIT'), note: z.string() })]), { type: 'SUBMIT', amount: 2 }],
    ['z.object({ type }).and(z.object(...))', z.object({ type: z.literal('SUBMIT') }).and(z.object({ amount: z.number() })), { type: 'SUBMIT', amount: 2 }],
    ['z.object(...).pipe(z.object(...))', whole.pipe(z.object({ type: z.literal('SUBMIT'), amount: z.number() })), { type: 'SUBMIT', amount: 2 }],
  ];
  for (const [name, schema, expected] of forms) {
    it(`${name}: can() says ok, send() is accepted and the machine sees the parsed event`, async () => {
      const { engine, id } = await engineFor({ SUBMIT: schema });
      expect(await engine.can(id, { type: 'SUBMIT', amount: 2 } as never, someone)).toEqual({ ok: true });
      const view = await engine.send(id, { type: 'SUBMIT', amount: 2 } as never, { actor: someone });
      expect((view.context as { seen: unknown[] }).seen).toEqual([expected]);
      // A wrong payload is still refused, by both.
      expect(await engine.can(id, { type: 'SUBMIT', amount: 'two' } as never, someone)).toMatchObject({ ok: false, code: 'INVALID_PAYLOAD' });
      await expect(engine.send(id, { type: 'SUBMIT', amount: 'two' } as never, { actor: someone })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    });
  }

  it('a payload-only transform still gets the payload without `type`', async () => {
    const { engine, id } = await engineFor({ PAY: z.strictObject({ amount: z.number() }).transform((p) => ({ ...p, cents: p.amount * 100 })) });
    const view = await engine.send(id, { type: 'PAY', amount: 3 } as never, { actor: someone });
    expect((view.context as { seen: unknown[] }).seen).toEqual([{ type: 'PAY', amount: 3, cents: 300 }]);
  });
});
