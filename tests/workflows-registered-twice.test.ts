// createEngine({ workflows }) names the place of a workflow version given twice, as it names every
// other refusal of a workflow in the list (`workflows[1]`). Regression: the refusal of a repeated id
// and version had no details.field, the one refusal of the option a program could not point at.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, isDocketError, memoryStore, virtualClock, type AnyWorkflow } from '../src/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

const flow = (id: string, version: number) =>
  defineWorkflow({ id, version, machine: setup({}).createMachine({ initial: 'a', states: { a: { type: 'final' } } }), input: z.object({}), events: {} });

function refusal(workflows: readonly AnyWorkflow[]) {
  const clock = virtualClock('2026-11-02T09:00:00+08:00');
  let subscribed = 0;
  const watched = { ...clock, kind: clock.kind, now: () => clock.now(), sleepUntil: clock.sleepUntil.bind(clock), subscribe: (s: never) => (subscribed++, clock.subscribe(s)) };
  try {
    void createEngine({ store: memoryStore(), clock: watched as never, workflows }).close();
    return 'made';
  } catch (error) {
    return isDocketError(error) ? { code: error.code, field: error.details.field, subscribed } : `raw ${String(error)}`;
  }
}

describe('a workflow version given twice is refused naming its place in the list', () => {
  it('[review, review] names workflows[1], nothing made', () => {
    expect(refusal([reviewWorkflow, reviewWorkflow])).toEqual({ code: 'INVALID_ARGUMENT', field: 'workflows[1]', subscribed: 0 });
  });

  it('property: the first repeated (id, version) is named by its index; distinct ones are taken', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 6 }), (pairs) => {
        const workflows = pairs.map(([id, version]) => flow(id, version));
        const seen = new Set<string>();
        const repeat = pairs.findIndex(([id, version]) => seen.size === seen.add(`${id}@${version}`).size);
        expect(refusal(workflows)).toEqual(repeat === -1 ? 'made' : { code: 'INVALID_ARGUMENT', field: `workflows[${repeat}]`, subscribed: 0 });
      }),
      { numRuns: 100 },
    );
  });
});
