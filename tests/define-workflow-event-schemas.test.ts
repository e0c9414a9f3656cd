// defineWorkflow checked that `input` is a zod schema but took any value as an event's schema:
// `events: { GO: {} }` (a number, a string, null) was defined and registered, and every send of GO
// then threw a raw TypeError ("schema.safeParse is not a function", "Invalid value used as weak map
// key") or, for null, UNKNOWN_EVENT saying the workflow "declares no event GO" while listing GO.
// Now each event's schema is checked when defined: INVALID_ARGUMENT naming definition.events.<type>.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, isDocketError } from '../src/index.js';

const machine = setup({}).createMachine({ initial: 'a', states: { a: { on: { GO: 'b' } }, b: { type: 'final' } } });
const define = (events: unknown) => () => defineWorkflow({ id: 'w', version: 1, machine, input: z.object({}), events } as never);

function outcome(run: () => unknown): string {
  try {
    run();
    return 'accepted';
  } catch (error) {
    return isDocketError(error) ? `${error.code} ${String(error.details.field)}` : `raw ${String(error)}`;
  }
}

describe('each event schema is a zod schema, checked when defined', () => {
  it.each([
    ['a plain object', {}],
    ['an object that looks like a schema', { parse: () => ({}) }],
    ['a number', 5],
    ['a string', 'z.object({})'],
    ['null', null],
    ['an array', [z.object({})]],
    ['a BigInt', 10n],
    ['a frozen object', Object.freeze({ safeParse: 1 })],
  ])('%s is refused naming the event', (_, schema) => {
    expect(outcome(define({ GO: z.object({}), NOTE: schema }))).toBe('INVALID_ARGUMENT definition.events.NOTE');
  });

  it('zod schemas of every kind are taken', () => {
    expect(outcome(define({ GO: z.object({}), A: z.object({ n: z.number() }).strict(), B: z.any(), C: z.object({}).transform((v) => v) }))).toBe('accepted');
  });

  it('property: an events object of any values is defined only when every value is a schema, else refused naming one event', () => {
    const schemaOrNot = fc.oneof(fc.constant(z.object({})), fc.anything({ withBigInt: true, withNullPrototype: true, maxDepth: 2 }));
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => !k.startsWith('docket.') && !k.startsWith('xstate.') && k !== '__proto__'), schemaOrNot, { maxKeys: 4 }), (extra) => {
        const events = { GO: z.object({}), ...extra };
        const got = outcome(define(events));
        const bad = Object.entries(events).filter(([, v]) => typeof (v as { safeParse?: unknown } | null)?.safeParse !== 'function');
        if (bad.length === 0) expect(got).toBe('accepted');
        else expect(got).toMatch(/^INVALID_ARGUMENT definition\.events\./);
      }),
      { numRuns: Number(process.env['HOSTILE_RUNS'] ?? 200) },
    );
  });
});
