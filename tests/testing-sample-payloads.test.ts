// docket/testing reads each sample payload by its event's schema, as send reads it. Regression: a
// sample send refuses was sent to the machine as given, so a guard decided on it: with
// { PAY: { amount: '500' } } ('500' > 100 holds in JavaScript) exploreWorkflow reported 'paid' reachable
// by an event the engine refuses (INVALID_PAYLOAD), and with { amount: 'x' } the sample was silently
// useless. Now the sample is INVALID_PAYLOAD naming events.PAY (or events.PAY[i]) with the issues.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { outcome } from './helpers/refusal-outcome.js';
import { createEngine, defineWorkflow, isDocketError, memoryStore, virtualClock } from '../src/index.js';
import { exploreWorkflow } from '../src/testing/index.js';

const wf = defineWorkflow({
  id: 'pay',
  version: 1,
  machine: setup({ types: {} as { events: { type: 'PAY'; amount: number } | { type: 'GO' } } }).createMachine({
    initial: 'open',
    states: { open: { on: { GO: 'done', PAY: { target: 'paid', guard: ({ event }) => event.amount > 100 } } }, done: { type: 'final' }, paid: { type: 'final' } },
  }),
  input: z.object({}),
  events: { GO: z.object({}), PAY: z.object({ amount: z.number() }).strict() },
});

/** Whether send takes PAY's `payload` (a guard may still not accept the event), and that a refusal leaves the instance as it was. */
async function sendTakes(payload: Record<string, unknown>): Promise<boolean> {
  const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [wf] });
  const id = await engine.start('pay', {}, { actor: { id: 'li', roles: [] } });
  const before = JSON.stringify(await engine.record(id));
  try {
    await engine.send(id, { ...payload, type: 'PAY' } as never, { actor: { id: 'li', roles: [] } });
    return true;
  } catch (error) {
    expect(JSON.stringify(await engine.record(id))).toBe(before);
    if (isDocketError(error) && error.code === 'EVENT_NOT_ACCEPTED') return true;
    expect(isDocketError(error) && error.code).toBe('INVALID_PAYLOAD');
    return false;
  } finally {
    await engine.close();
  }
}

describe('a sample payload is read by its event schema', () => {
  it("{ amount: '500' } is refused, not reported as reaching 'paid'", async () => {
    expect(await outcome(() => exploreWorkflow(wf, { input: {}, events: { PAY: { amount: '500' } } as never }))).toEqual({ code: 'INVALID_PAYLOAD', field: 'events.PAY' });
    expect(await sendTakes({ amount: '500' })).toBe(false);
  });

  it.each([
    ['a wrong type', { PAY: { amount: 'x' } }, 'events.PAY'],
    ['a misspelt field of a strict schema', { PAY: { amout: 500 } }, 'events.PAY'],
    ['the second of a list', { PAY: [{ amount: 500 }, {}] }, 'events.PAY[1]'],
    ['a reserved $ key', { PAY: { amount: 500, $actor: { id: 'boss', roles: [] } } }, 'events.PAY'],
  ])('%s is INVALID_PAYLOAD naming its place', async (_, events, field) => {
    expect(await outcome(() => exploreWorkflow(wf, { input: {}, events: events as never }))).toEqual({ code: 'INVALID_PAYLOAD', field });
  });

  it('a good sample is taken and used', async () => {
    const report = await exploreWorkflow(wf, { input: {}, events: { PAY: { amount: 500 } } });
    expect(report.unreachable).not.toContain('paid');
  });

  it('property: exploreWorkflow takes a PAY sample exactly when send takes that payload', async () => {
    const value = fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 4 }), fc.boolean(), fc.constant(null), fc.constant(undefined));
    const payload = fc.oneof(fc.record({ amount: value }), fc.record({ amount: value, note: value }), fc.record({ amout: value }));
    await fc.assert(
      fc.asyncProperty(payload, async (p) => {
        const explored = await outcome(() => exploreWorkflow(wf, { input: {}, events: { PAY: p } as never }));
        expect(explored === 'taken').toBe(await sendTakes(p));
        if (explored !== 'taken') expect(explored).toEqual({ code: 'INVALID_PAYLOAD', field: 'events.PAY' });
      }),
      { numRuns: 60 },
    );
  });
});
