import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, memoryStore, virtualClock, type EventSchemas } from '../src/index.js';

function submitFlow(id: string, events: EventSchemas) {
  return defineWorkflow({
    id,
    version: 1,
    machine: setup({}).createMachine({
      id,
      initial: 'draft',
      context: { note: '' },
      states: {
        draft: { on: { SUBMIT: { target: 'submitted', actions: ({ event }) => void event } } },
        submitted: { type: 'final' },
      },
    }),
    input: z.object({}),
    events,
  });
}

const li = { id: 'li', roles: ['staff'] };

describe('event schemas may name their type (API contract)', () => {
  for (const [form, schema] of [
    ['with its type', z.object({ type: z.literal('SUBMIT'), note: z.string() })],
    ['without its type', z.object({ note: z.string() })],
  ] as const) {
    it(`accepts a schema ${form}, records the event with its type, and still refuses a bad payload`, async () => {
      const engine = createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [submitFlow('f', { SUBMIT: schema })] });
      const id = await engine.start('f', {} as never, { actor: li });
      await expect(engine.send(id, { type: 'SUBMIT', note: 3 } as never, { actor: li })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
      const view = await engine.send(id, { type: 'SUBMIT', note: 'ok' } as never, { actor: li });
      expect(view.state).toBe('submitted');
      const entry = (await engine.history(id)).find((e) => e.kind === 'event')!;
      expect(entry.event).toEqual({ type: 'SUBMIT', note: 'ok' });
    });
  }

  it('a schema naming its type with no other field accepts the bare event', async () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [submitFlow('g', { SUBMIT: z.object({ type: z.literal('SUBMIT') }).strict() })] });
    const id = await engine.start('g', {} as never, { actor: li });
    expect((await engine.send(id, { type: 'SUBMIT' } as never, { actor: li })).state).toBe('submitted');
  });
});
