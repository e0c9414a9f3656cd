// Path generation gives the machine each sample event as engine.send does: its payload parsed by the
// event's schema (parseEventPayload: defaults filled in, transforms applied), and replay sends the
// sample as a person would. Regression: exploration gave the machine the sample's plain JSON copy, so
// a guard reading a defaulted or transformed field decided on an event the engine never hands over
// (a state reported reachable that the engine never enters, and the other way round); a derived
// sample was sent already parsed, so send applied a transform a second time.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { defineWorkflow } from '../src/index.js';
import { exploreWorkflow, replayPaths } from '../src/testing/index.js';

/** `a` --EV--> `match` when `accepts(event)`, else `other`; both final. */
function guarded(schema: z.ZodType<Record<string, unknown>>, accepts: (payload: Record<string, unknown>) => boolean) {
  const payloadOf = (event: Record<string, unknown>) => Object.fromEntries(Object.entries(event).filter(([k]) => k !== 'type' && !k.startsWith('$')));
  return defineWorkflow({
    id: 'parsed',
    version: 1,
    machine: setup({ guards: { accepts: ({ event }) => accepts(payloadOf(event as Record<string, unknown>)) } }).createMachine({
      initial: 'a',
      states: { a: { on: { EV: [{ guard: 'accepts', target: 'match' }, { target: 'other' }] } }, match: { type: 'final' }, other: { type: 'final' } },
    }),
    input: z.object({}),
    events: { EV: schema },
  });
}

const reached = (wf: ReturnType<typeof guarded>, events?: Record<string, unknown>) =>
  exploreWorkflow(wf, { input: {}, ...(events ? { events: events as never } : {}) }).paths.map((p) => p.state);

describe('path generation gives the machine the parsed event', () => {
  it('a field with a default: the machine sees the default, as the engine gives it', async () => {
    const wf = guarded(z.object({ amount: z.number(), note: z.string().default('') }), (p) => p['note'] === '');
    const events = { EV: { amount: 5 } };
    expect(reached(wf, events)).toEqual(['a', 'match']);
    const results = await replayPaths(wf, { input: {}, events });
    expect(results.map((r) => [r.ok, r.final.state])).toEqual([[true, 'a'], [true, 'match']]);
  });

  it('a transformed field: the machine sees the transformed value', async () => {
    const wf = guarded(z.object({ code: z.string().transform((s) => s.trim().toUpperCase()) }), (p) => p['code'] === 'VIP');
    const events = { EV: { code: ' vip ' } };
    expect(reached(wf, events)).toEqual(['a', 'match']);
    expect((await replayPaths(wf, { input: {}, events })).every((r) => r.ok)).toBe(true);
  });

  it('a derived sample is sent as derived, so send applies a transform once', async () => {
    // No sample given: derived from the schema ({ n: undefined } → default 1 → ×10).
    const wf = guarded(z.object({ n: z.number().default(1).transform((x) => x * 10) }), (p) => p['n'] === 10);
    expect(reached(wf)).toEqual(['a', 'match']);
    const results = await replayPaths(wf, { input: {} });
    expect(results.map((r) => [r.ok, r.final.state])).toEqual([[true, 'a'], [true, 'match']]);
  });

  it('property: whatever the schema makes of a sample, exploration and the engine see the same event', async () => {
    // A field: its schema, and what a sample may hold for it (undefined: left out).
    const kinds = {
      plain: { schema: () => z.number(), value: fc.integer({ min: -3, max: 3 }) },
      defaulted: { schema: () => z.string().default('none'), value: fc.option(fc.constantFrom('a', 'B'), { nil: undefined }) },
      transformed: { schema: () => z.string().transform((s) => s.toUpperCase()), value: fc.constantFrom('x', 'Y', 'zz') },
      both: { schema: () => z.number().default(2).transform((n) => n + 1), value: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }) },
    } as const;
    const field = fc.constantFrom(...(Object.keys(kinds) as (keyof typeof kinds)[]));
    const draw = fc.array(field, { minLength: 1, maxLength: 3 }).chain((fields) =>
      fc.record({
        fields: fc.constant(fields),
        samples: fc.array(fc.tuple(...fields.map((k) => kinds[k].value as fc.Arbitrary<unknown>)), { minLength: 1, maxLength: 3 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(draw, async ({ fields, samples }) => {
        const schema = z.object(Object.fromEntries(fields.map((k, i) => [`f${i}`, kinds[k].schema()])));
        const payloads = samples.map((values) => Object.fromEntries(values.flatMap((v, i) => (v === undefined ? [] : [[`f${i}`, v]]))));
        // What send gives the machine for each sample, worked out here with zod itself.
        const expected = payloads.map((p) => schema.parse(p));
        const wf = guarded(schema as never, (p) => expected.some((e) => isDeepStrictEqual(e, p)));
        const report = exploreWorkflow(wf, { input: {}, events: { EV: payloads } as never });
        expect(report.paths.map((p) => p.state)).toEqual(['a', 'match']);
        expect(report.unreachable).toEqual(['other']);
        const results = await replayPaths(wf, { input: {}, events: { EV: payloads } as never });
        expect(results.every((r) => r.ok)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});
