// Every id-like argument an engine method refuses names its field (details.field), as every other
// INVALID_ARGUMENT does: engine.get('\u0000'), an idempotency key or an actor id were refused with a
// message but no field, so a caller (or the HTTP layer's problem details) could not point at it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, INPUT_LIMITS, isDocketError, memoryStore, virtualClock, type Engine } from '../src/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';

type Call = (engine: Engine, id: string, bad: unknown) => unknown;

const CALLS: readonly (readonly [string, Call, string])[] = [
  ['get', (e, _id, bad) => e.get(bad as string), 'instanceId'],
  ['history', (e, _id, bad) => e.history(bad as string), 'instanceId'],
  ['verify', (e, _id, bad) => e.verify(bad as string), 'instanceId'],
  ['effects', (e, _id, bad) => e.effects(bad as string), 'instanceId'],
  ['forTenant', (e, _id, bad) => e.forTenant(bad as string), 'tenant'],
  ['send: idempotency key', (e, id, bad) => e.send(id, { type: 'SUBMIT' } as never, { actor: staff, idempotencyKey: bad as string }), 'idempotencyKey'],
  ['send: actor id', (e, id, bad) => e.send(id, { type: 'SUBMIT' } as never, { actor: { ...staff, id: bad as string } }), 'actor.id'],
  ['send: actor role', (e, id, bad) => e.send(id, { type: 'SUBMIT' } as never, { actor: { ...staff, roles: ['staff', bad as string] } }), 'actor.roles[1]'],
  ['start: options.id', (e, _id, bad) => e.start('review' as never, { title: 't' } as never, { actor: staff, id: bad as string }), 'id'],
  ['start: workflow', (e, _id, bad) => e.start(bad as never, { title: 't' } as never, { actor: staff }), 'workflow'],
  ['sendMany: instanceId', (e, _id, bad) => e.sendMany([{ instanceId: bad as string, event: { type: 'SUBMIT' } }] as never, { actor: staff }), 'acts[0].instanceId'],
];

async function refusal(call: Call, engine: Engine, id: string, bad: unknown): Promise<string> {
  try {
    await call(engine, id, bad);
    return 'accepted';
  } catch (error) {
    return isDocketError(error, 'INVALID_ARGUMENT') ? `field ${String(error.details.field)}` : `raw ${String(error)}`;
  }
}

async function fresh(): Promise<{ engine: Engine; id: string }> {
  const engine = createEngine({ store: memoryStore(), clock: virtualClock(Date.parse('2026-11-30T02:00:00Z')), workflows: [reviewWorkflow] });
  return { engine, id: await engine.start('review', { title: 't' }, { actor: staff }) };
}

describe('id arguments name their field when refused', () => {
  it.each(CALLS)('%s: U+0000 is INVALID_ARGUMENT naming %s, and nothing changes', async (_name, call, field) => {
    const { engine, id } = await fresh();
    expect(await refusal(call, engine, id, '\u0000')).toBe(`field ${field}`);
    expect([(await engine.get(id)).revision, (await engine.list()).items.length]).toEqual([1, 1]);
    await engine.close();
  });

  it('property: any value that is not an id (not a string, empty, too long, U+0000, a lone surrogate) is refused naming the field', async () => {
    const { engine, id } = await fresh();
    const notAnId = fc.oneof(
      fc.constantFrom<unknown>('', null, undefined, 5, {}, [], '\ud800', 'x'.repeat(INPUT_LIMITS.idLength + 1)),
      fc.string().map((s) => `${s}\u0000`),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CALLS), notAnId, async ([, call, field], bad) => {
        // An absent optional (an undefined idempotency key, tenant or options.id) is no id given at all.
        if (bad === undefined && (field === 'idempotencyKey' || field === 'id')) return;
        expect(await refusal(call, engine, id, bad)).toBe(`field ${field}`);
      }),
      { numRuns: 150 },
    );
    expect([(await engine.get(id)).revision, (await engine.list()).items.length]).toEqual([1, 1]);
    await engine.close();
  });
});
