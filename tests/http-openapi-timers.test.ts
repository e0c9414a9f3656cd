// The OpenAPI document describes an instance's timers as the engine gives them (issue 11 §5): each
// names the state that armed it and a label for people. The document listed only `name` and `dueAt`,
// so a client generated from it dropped `state` and `label`, the very fields that tell a person which
// state or step a `3600000` timer belongs to.
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, memoryStore, virtualClock } from '../src/index.js';
import { createHttpHandler, openApiDocument } from '../src/http/index.js';
import { timerLabel } from '../src/engine/timer-owner.js';

type Json = Record<string, any>;
const someone = { id: 'li', roles: ['staff'] };

const nested = defineWorkflow({
  id: 'nested',
  version: 1,
  machine: setup({ types: {} as { events: { type: 'GO' } } }).createMachine({
    id: 'nested',
    initial: 'review',
    states: { review: { initial: 'waiting', states: { waiting: { after: { 3600000: 'late' } }, late: {} } } },
  }),
  input: z.object({}),
  events: { GO: z.object({}) },
});

function instanceValidator(doc: Json) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'https://docket.invalid/openapi.json', components: doc.components });
  const check = ajv.getSchema('https://docket.invalid/openapi.json#/components/schemas/Instance')!;
  return (value: unknown) => (check(value) ? null : ajv.errorsText(check.errors));
}

describe('OpenAPI: an instance view’s timers', () => {
  it("GET /instances/:id returns timers with state 'review.waiting' and label 'after 1h in review.waiting', and the document requires both", async () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [nested] });
    const handler = createHttpHandler({ engine, workflows: [nested], identify: () => someone });
    const id = await engine.start('nested', {}, { actor: someone });
    const res = await handler(new Request(`http://app/instances/${id}`));
    const body = (await res.json()) as Json;
    expect(body.timers).toEqual([{ name: '3600000', dueAt: Date.parse('2026-11-02T10:00:00+08:00'), state: 'review.waiting', label: 'after 1h in review.waiting' }]);
    const doc = openApiDocument([nested]) as Json;
    const item = doc.components.schemas.Instance.properties.timers.items;
    expect(item.required).toEqual(['name', 'dueAt', 'state', 'label']);
    const validate = instanceValidator(doc);
    expect(validate(body)).toBeNull();
    // A view without the owning state is not what the engine gives, and the document says so.
    expect(validate({ ...body, timers: [{ name: '3600000', dueAt: body.timers[0].dueAt }] })).not.toBeNull();
    await engine.close();
  });

  it('property: every timer view the engine can give (any state path or none, provisional or not) fits the document', () => {
    const validate = instanceValidator(openApiDocument([nested]) as Json);
    const segment = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: fc.oneof(fc.integer({ min: 1, max: 1e9 }).map(String), segment), dueAt: fc.integer({ min: 0, max: 4e12 }), state: fc.option(fc.array(segment, { minLength: 1, maxLength: 3 }).map((p) => p.join('.')), { nil: null }), provisional: fc.boolean() }), { maxLength: 4 }),
        (timers) => {
          const view = {
            id: 'i1', workflow: 'nested', version: 1, state: 'x', context: {}, status: 'active', suspended: false, revision: 1, initiator: 'li', createdAt: 0, updatedAt: 0,
            timers: timers.map(({ name, dueAt, state, provisional }) => ({ name, dueAt, state, label: timerLabel(name, state), ...(provisional ? { provisional: true } : {}) })),
          };
          expect(validate(view)).toBeNull();
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("GET /instances/:id/history gives a firing's timer with its state and label, and the document's HistoryEntry describes them", async () => {
    const clock = virtualClock('2026-11-02T09:00:00+08:00');
    const engine = createEngine({ store: memoryStore(), clock, workflows: [nested] });
    const handler = createHttpHandler({ engine, workflows: [nested], identify: () => someone });
    const id = await engine.start('nested', {}, { actor: someone });
    await clock.advanceTo('2026-11-02T10:00:00+08:00');
    const entries = ((await (await handler(new Request(`http://app/instances/${id}/history`))).json()) as Json).items as Json[];
    const fired = entries.find((e) => e.kind === 'timer')!;
    // It gave only { name: '3600000', dueAt, lateMs }: a client had to parse event.delivered, XState's key.
    expect(fired.timer).toEqual({ name: '3600000', dueAt: Date.parse('2026-11-02T10:00:00+08:00'), lateMs: 0, state: 'review.waiting', label: 'after 1h in review.waiting' });
    const doc = openApiDocument([nested]) as Json;
    const history = doc.paths['/instances/{id}/history'].get.responses['200'].content['application/json'].schema;
    expect(history.properties.items.items).toEqual({ $ref: '#/components/schemas/HistoryEntry' });
    expect(Object.keys(doc.components.schemas.HistoryEntry.properties.timer.properties)).toEqual(['name', 'dueAt', 'lateMs', 'state', 'label']);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ $id: 'https://docket.invalid/openapi.json', components: doc.components });
    const check = ajv.getSchema('https://docket.invalid/openapi.json#/components/schemas/HistoryEntry')!;
    for (const entry of entries) expect(check(entry) ? null : ajv.errorsText(check.errors)).toBeNull();
    // A page of entries and the entries with refusals are described by the same schema.
    const page = (await (await handler(new Request(`http://app/instances/${id}/history?limit=1`))).json()) as Json;
    for (const entry of page.items as Json[]) expect(check(entry)).toBe(true);
    // The migration report's timers carry the label too, and the document requires it.
    expect(doc.components.schemas.MigrationReport.properties.moved.items.properties.timers.items.required).toEqual(['name', 'dueAt', 'state', 'label']);
    await engine.close();
  });
});
