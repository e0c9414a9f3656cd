// A definition is copied by plainInput with `keep` (the machine and schemas kept by reference), and
// `keep` was asked with each object's full path from the root: building it walked the whole chain for
// every object, so a value nested n levels deep cost n² steps. defineWorkflow({ permissions: { GO:
// <an object 32,000 levels deep> } }) took 100 s before it was refused, and 100,000 levels hours:
// a hang at definition. `keep` is now asked only near the root (KEEP_PATH_MAX keys), where what a
// definition keeps sits.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, isDocketError } from '../src/index.js';
import { KEEP_PATH_MAX, plainInput } from '../src/input/plain-input.js';

const machine = setup({}).createMachine({ initial: 'a', states: { a: { on: { GO: 'b' } }, b: { type: 'final' } } });
const base = { id: 'w', version: 1, machine, input: z.object({}), events: { GO: z.object({}) } };

function nested(levels: number, array: (level: number) => boolean): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = array(i) ? [value] : { d: value };
  return value;
}

function timed(run: () => unknown): { ms: number; outcome: string } {
  const start = performance.now();
  let outcome = 'accepted';
  try {
    run();
  } catch (error) {
    outcome = isDocketError(error) ? `${error.code} ${String(error.details.field)}` : `raw ${String(error)}`;
  }
  return { ms: performance.now() - start, outcome };
}

describe('a deeply nested value in a definition is refused at once', () => {
  it.each(['permissions', 'deadlines', 'standInActions'] as const)('%s holding an object 30,000 levels deep: refused in well under 3 s, naming the part', (part) => {
    const deep = nested(30_000, () => false);
    const value = part === 'permissions' ? { GO: deep } : part === 'standInActions' ? [deep] : { x: deep };
    const { ms, outcome } = timed(() => defineWorkflow({ ...base, [part]: value } as never));
    expect(outcome).toMatch(new RegExp(`^INVALID_(ARGUMENT|DEADLINE_RULE) definition\\.${part}`));
    expect(ms).toBeLessThan(3_000);
  });

  it('keep is still asked near the root (the machine kept by reference), and not past KEEP_PATH_MAX keys', () => {
    const asked: number[] = [];
    const keepMe = { kept: true };
    const copy = plainInput({ a: keepMe, deep: nested(50, () => false) }, 'test', 'root', { ownData: true, keep: (path) => (asked.push(path.length), path[1] === 'a') }) as { a: unknown };
    expect(copy.a).toBe(keepMe);
    expect(Math.max(...asked)).toBe(KEEP_PATH_MAX);
  });

  it('property: any nesting of objects and arrays up to 60,000 levels under a definition part is defined or refused with a DocketError, in time linear in its size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom('permissions', 'deadlines', 'standInActions'), (levels, bits, part) => {
        const value = nested(levels, (i) => ((bits >>> (i % 31)) & 1) === 1);
        const { ms, outcome } = timed(() => defineWorkflow({ ...base, [part]: part === 'permissions' ? { GO: value } : value } as never));
        expect(outcome).not.toMatch(/^raw/);
        expect(ms).toBeLessThan(3_000);
      }),
      { numRuns: Number(process.env['HOSTILE_RUNS'] ?? 30) },
    );
  });
});
