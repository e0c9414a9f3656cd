// Engine refusals of a bad argument name it in details.field, as every other INVALID_ARGUMENT does
// (found by session 22's hostile-input breaker): an admin act's reason and target, options that are
// not an object, an event that is not an object or has no string type, sendMany's acts and each act,
// reassignTasks' reason and a from equal to to. They named nothing, so a caller (and the HTTP
// layer's problem details) could not point at the input. Nothing is changed by a refusal.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, isDocketError, memoryStore, reassignTasks, virtualClock } from '../src/index.js';

const flow = defineWorkflow({
  id: 'flow',
  version: 1,
  machine: setup({ types: {} as { events: { type: 'GO' } } }).createMachine({ id: 'flow', initial: 'a', states: { a: { on: { GO: 'b' } }, b: {} } }),
  input: z.object({}),
  events: { GO: z.object({}) },
});
const admin = { id: 'feng', roles: ['admin'] };
const li = { id: 'li', roles: ['staff'] };

async function setupEngine() {
  const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [flow] });
  const id = await engine.start('flow', {}, { actor: li, id: 'i1' });
  return { engine, id };
}

async function refusal(call: () => Promise<unknown>): Promise<{ code?: string; details?: Record<string, unknown> }> {
  try {
    await call();
  } catch (error) {
    expect(isDocketError(error)).toBe(true);
    return error as { code?: string; details?: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
}

describe('engine refusals name the bad argument in details.field', () => {
  const cases: [string, string, (e: Awaited<ReturnType<typeof setupEngine>>['engine'], id: string) => Promise<unknown>][] = [
    ['suspend reason 5', 'reason', (e, id) => e.suspend(id, { actor: admin, reason: 5 as never })],
    ['moveTo target null', 'target', (e, id) => e.moveTo(id, { actor: admin, reason: 'fix', target: null as never })],
    ['terminate options a string', 'options', (e, id) => e.terminate(id, 'now' as never)],
    ['start options null', 'options', (e) => e.start('flow', {}, null as never)],
    ['send event a string', 'event', (e, id) => e.send(id, 'GO' as never, { actor: li })],
    ['send event without a type', 'event.type', (e, id) => e.send(id, {} as never, { actor: li })],
    ['sendMany acts not an array', 'acts', (e) => e.sendMany({} as never, { actor: li })],
    ['sendMany act [1] not an object', 'acts[1]', (e, id) => e.sendMany([{ instanceId: id, event: { type: 'GO' } }, 7] as never, { actor: li })],
    ['reassignTasks reason a number', 'reason', (e) => reassignTasks(e, { actor: admin, from: 'zhao', to: 'qian', reason: 1 as never })],
    ['reassignTasks from equal to to', 'to', (e) => reassignTasks(e, { actor: admin, from: 'zhao', to: 'zhao', reason: 'leave' })],
    ['migrate reason missing', 'reason', (e) => e.migrate({ workflow: 'flow', from: 1, to: 1, actor: admin } as never)],
  ];
  for (const [name, field, call] of cases) {
    it(`${name}: INVALID_ARGUMENT naming ${field}, nothing changed`, async () => {
      const { engine, id } = await setupEngine();
      const before = await engine.history(id);
      const error = await refusal(() => call(engine, id));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details?.field).toBe(field);
      expect(await engine.history(id)).toEqual(before);
      await engine.close();
    });
  }

  it('property: any hostile reason, target or event is refused naming a field, and changes nothing', async () => {
    const hostile = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.string({ maxLength: 3 }).map((s) => `${s}\u0000`), fc.constant('\uD800'));
    const { engine, id } = await setupEngine();
    const before = await engine.history(id);
    await fc.assert(
      fc.asyncProperty(hostile, fc.constantFrom('reason', 'target', 'event'), async (value, where) => {
        const error = await refusal(() =>
          where === 'event'
            ? engine.send(id, (typeof value === 'string' ? { type: value } : value) as never, { actor: li })
            : engine.moveTo(id, { actor: admin, reason: where === 'reason' ? (value as never) : 'fix', target: where === 'target' ? (value as never) : 'b' }),
        );
        expect(error.code).toMatch(/^INVALID_ARGUMENT$/);
        expect(typeof error.details?.field).toBe('string');
        expect(String(error.details?.field).startsWith(where === 'event' ? 'event' : where)).toBe(true);
      }),
      { numRuns: 150 },
    );
    expect(await engine.history(id)).toEqual(before);
    await engine.close();
  });
});
