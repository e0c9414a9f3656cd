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

describe('the OpenAPI document admits every event the engine accepts (API contract)', () => {
  /** Does a JSON Schema (the subset zod writes: objects, closed objects, anyOf/oneOf/allOf, $ref, const) admit `body`'s keys and consts? */
  function admits(schema: Record<string, any>, body: Record<string, unknown>, components: Record<string, any>): boolean {
    if (typeof schema.$ref === 'string') return admits(components[schema.$ref.split('/').pop()!], body, components);
    if (Array.isArray(schema.allOf) && !schema.allOf.every((s: any) => admits(s, body, components))) return false;
    if (Array.isArray(schema.anyOf) && !schema.anyOf.some((s: any) => admits(s, body, components))) return false;
    if (Array.isArray(schema.oneOf) && !schema.oneOf.some((s: any) => admits(s, body, components))) return false;
    const properties = (schema.properties ?? {}) as Record<string, any>;
    for (const [key, value] of Object.entries(body)) {
      if (key in properties) {
        if ('const' in properties[key] && properties[key].const !== value) return false;
      } else if (schema.additionalProperties === false) return false;
    }
    return (schema.required ?? []).every((key: string) => key in body);
  }

  it('a closed payload schema (strictObject, .strict(), a union of them) takes { type, ...payload } in the document as in send', async () => {
    const { openApiDocument } = await import('../src/http/index.js');
    const events = {
      SUBMIT: z.strictObject({ note: z.string() }),
      AMEND: z.object({ note: z.string() }).strict(),
      PICK: z.union([z.strictObject({ a: z.string() }), z.strictObject({ b: z.string() })]),
      NAMED: z.strictObject({ type: z.literal('NAMED'), note: z.string() }),
    };
    const bodies = [{ type: 'SUBMIT', note: 'n' }, { type: 'AMEND', note: 'n' }, { type: 'PICK', b: 'x' }, { type: 'NAMED', note: 'n' }];
    const flow = submitFlow('closed', events);
    const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [flow] });
    const id = await engine.start('closed', {} as never, { actor: li });
    for (const body of bodies) expect((await engine.can(id, body as never, li)).code).not.toBe('INVALID_PAYLOAD');
    const doc = openApiDocument([flow]) as Record<string, any>;
    const components = doc.components.schemas;
    const eventSchemas = doc.paths['/instances/{id}/events'].post.requestBody.content['application/json'].schema.oneOf as Record<string, any>[];
    for (const body of bodies) expect(eventSchemas.filter((s) => admits(s, body, components)).map((s) => s.title), JSON.stringify(body)).toEqual([`closed ${body.type}`]);
    // A closed schema still refuses an unknown field, in the document as in send.
    expect(eventSchemas.some((s) => admits(s, { type: 'SUBMIT', note: 'n', extra: 1 }, components))).toBe(false);
    expect((await engine.can(id, { type: 'SUBMIT', note: 'n', extra: 1 } as never, li)).code).toBe('INVALID_PAYLOAD');
  });
});
