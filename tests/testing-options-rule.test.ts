// docket/testing reads its options by the options rule, as every other public call does. Regression:
// assertNoDeadEnds(wf) without options (or with null) threw a raw TypeError ("Cannot read properties
// of undefined (reading 'actors')"), exploreWorkflow(undefined, …) one reading 'permissions'; a
// misspelt ignoreUnrechable was ignored, so the check then failed on the very state the caller meant
// to leave out; traversal: 'simpel' silently ran the shortest paths; replayPaths' maxpaths replayed
// every path.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, isDocketError } from '../src/index.js';
import { assertNoDeadEnds, exploreWorkflow, replayPaths } from '../src/testing/index.js';

const wf = defineWorkflow({
  id: 'w',
  version: 1,
  machine: setup({}).createMachine({ initial: 'a', states: { a: { on: { GO: 'b' } }, b: { type: 'final' }, adminOnly: { type: 'final' } } }),
  input: z.object({}),
  events: { GO: z.object({}) },
});

async function outcomeOf(call: () => unknown): Promise<'ok' | { code: string; field: unknown } | `raw ${string}`> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    return isDocketError(error) ? { code: error.code, field: error.details.field } : `raw ${String(error)}`;
  }
}

const calls = {
  exploreWorkflow: (options: unknown) => exploreWorkflow(wf, options as never),
  assertNoDeadEnds: (options: unknown) => assertNoDeadEnds(wf, options as never),
  replayPaths: (options: unknown) => replayPaths(wf, options as never),
};

describe('docket/testing options and workflow are read by the options rule', () => {
  it.each(Object.entries(calls))('%s: options left out, null or a string are INVALID_ARGUMENT naming options', async (_, call) => {
    for (const options of [undefined, null, 'input']) expect(await outcomeOf(() => call(options))).toEqual({ code: 'INVALID_ARGUMENT', field: 'options' });
  });

  it.each(Object.entries(calls))('%s: a misspelt key is refused, naming it, not ignored', async (_, call) => {
    expect(await outcomeOf(() => call({ input: {}, ignoreUnrechable: ['adminOnly'] }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'ignoreUnrechable' });
    expect(await outcomeOf(() => call({ input: {}, ignoreUnreachable: ['adminOnly'] }))).toBe('ok');
  });

  it.each([
    ['traversal', 'simpel', 'traversal'],
    ['approvalOperations', 'every', 'approvalOperations'],
    ['limit', '5', 'limit'],
    ['limit', 0, 'limit'],
    // Found by the property below: a raw TypeError ("object is not iterable").
    ['skipEvents', {}, 'skipEvents'],
    ['skipEvents', [5], 'skipEvents[0]'],
    ['events', { GO: 5 }, 'events.GO'],
    ['events', [{}], 'events'],
    ['actors', { GO: { id: ' ', roles: [] } }, 'actors.GO.id'],
    ['actors', { GO: 'li' }, 'actors.GO'],
    ['serialize', 'json', 'serialize'],
    ['calendar', 5, 'calendar'],
    ['directory', {}, 'directory'],
  ])('%s %j is INVALID_ARGUMENT naming %s (it ran as if left out, compared as text, or failed raw)', async (option, value, field) => {
    expect(await outcomeOf(() => exploreWorkflow(wf, { input: {}, [option]: value } as never))).toEqual({ code: 'INVALID_ARGUMENT', field });
  });

  it("replayPaths takes its own keys (thinkTime, effects, maxPaths) and refuses a misspelt one; exploreWorkflow does not take them", async () => {
    expect(await outcomeOf(() => replayPaths(wf, { input: {}, ignoreUnreachable: ['adminOnly'], maxpaths: 1 } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'maxpaths' });
    expect(await replayPaths(wf, { input: {}, ignoreUnreachable: ['adminOnly'], maxPaths: 1, thinkTime: { minutes: 5 }, effects: {} })).toHaveLength(1);
    expect(await outcomeOf(() => exploreWorkflow(wf, { input: {}, maxPaths: 1 } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'maxPaths' });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['an object without a machine', { id: 'w' }],
  ])('a workflow %s is INVALID_ARGUMENT naming workflow', async (_, workflow) => {
    expect(await outcomeOf(() => exploreWorkflow(workflow as never, { input: {} }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'workflow' });
    expect(await outcomeOf(() => assertNoDeadEnds(workflow as never, { input: {} }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'workflow' });
    expect(await outcomeOf(() => replayPaths(workflow as never, { input: {} }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'workflow' });
  });

  it('property: any options object gives an exploration or a DocketError naming a field; an unknown key is always refused by name', () => {
    const known = ['input', 'events', 'skipEvents', 'approvalOperations', 'actors', 'traversal', 'limit', 'start', 'ignoreUnreachable'];
    const key = fc.oneof(fc.constantFrom(...known), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.dictionary(key, fc.oneof(fc.anything(), fc.constantFrom('simple', 'all', 10, {}, [])), { maxKeys: 4 }), (options) => {
        let outcome: 'ok' | { code: string; field: unknown } | `raw ${string}`;
        try {
          exploreWorkflow(wf, options as never);
          outcome = 'ok';
        } catch (error) {
          outcome = isDocketError(error) ? { code: error.code, field: error.details.field } : `raw ${String(error)}`;
        }
        expect(typeof outcome === 'string' && outcome.startsWith('raw')).toBe(false);
        const unknown = Object.keys(options).filter((k) => !known.includes(k) && !['serialize', 'pickActor', 'calendar', 'directory'].includes(k));
        if (unknown.length > 0) expect(outcome).toEqual({ code: 'INVALID_ARGUMENT', field: unknown[0] });
      }),
      { numRuns: 300 },
    );
  });
});
