// A refusal's message shows what it was given without calling anything that can throw: String() of
// { toString: 0 } or Object.create(null) threw a raw TypeError ("Cannot convert object to primitive
// value") in place of the typed refusal being built (found by the typed-errors property's run).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { createMachine } from 'xstate';
import { createEngine, defineWorkflow, isDocketError, memoryStore, supervisors, virtualClock } from '../src/index.js';
import { safeString } from '../src/input/safe-string.js';

const machine = createMachine({ initial: 'a', states: { a: {} } });
const hostiles: readonly [string, () => unknown][] = [
  ['{ toString: 0 }', () => ({ toString: 0 })],
  ['Object.create(null)', () => Object.create(null)],
  ['a Proxy whose traps throw', () => new Proxy({}, { get: () => { throw new Error('trap'); } })],
];

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    return isDocketError(error) ? error.code : `raw ${String((error as Error)?.name)}`;
  }
}

const sites: readonly [string, (bad: unknown) => unknown][] = [
  ['defineWorkflow version', (bad) => defineWorkflow({ id: 'w', version: bad as number, machine, input: z.object({}), events: {} })],
  ['createEngine leaseMs', (bad) => createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [], leaseMs: bad as number })],
  ['supervisors(levels)', (bad) => supervisors(bad as number)],
];

describe('a refusal shows a hostile value without throwing', () => {
  for (const [what, make] of hostiles) {
    it.each(sites)(`%s given ${what} is INVALID_ARGUMENT`, (_site, call) => {
      expect(codeOf(() => call(make()))).toBe('INVALID_ARGUMENT');
    });
  }

  it('safeString shows a value as String() does, and a value String() cannot show by its kind', () => {
    expect(safeString(5)).toBe('5');
    expect(safeString('x')).toBe('x');
    expect(safeString({ toString: 0 })).toBe('object');
    expect(safeString(Object.create(null))).toBe('object');
  });

  it('property: any object given where a number is expected is refused with a DocketError, never a raw error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.object(), fc.constant(Object.create(null)), fc.record({ toString: fc.anything(), valueOf: fc.anything() })), fc.constantFrom(...sites), (bad, [, call]) => {
        const code = codeOf(() => call(bad));
        expect(code === 'ok' || code === 'INVALID_ARGUMENT').toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
