// docket/testing's options were read as they came: a misspelt `limt` or `thinktime` was ignored; a
// `limit` of NaN or '100' switched the limit off (the traversal compares `iterations > limit`), so a
// growing context ran without end instead of EXPLORATION_LIMIT; `maxPaths: -1` replayed all paths but
// the last and `maxPaths: '3'` none, every replay reported as passing; `actors: null` and samples for an
// event type the workflow does not declare were dropped; `serialize: 'x'` and `pickActor: 1` were raw
// TypeErrors, a bad `input` a raw ZodError; and replayPaths read the caller's object three times. Now
// exploreWorkflow, assertNoDeadEnds and replayPaths read it once by the house rule (read-options.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { approvalStep, isDocketError, role, staticDirectory, withApprovals, type ApprovalContext, type ApprovalEvent } from '../src/index.js';
import { assertNoDeadEnds, exploreWorkflow, replayPaths } from '../src/testing/index.js';

const directory = staticDirectory({ users: [{ id: 'li', roles: ['sales'] }, { id: 'zhao', roles: ['legal'] }, { id: 'qian', roles: ['legal'] }] });
const approvals = withApprovals({});
const machine = setup({ types: {} as { context: ApprovalContext; events: ApprovalEvent | { type: 'SUBMIT' } }, actions: approvals.actions, guards: approvals.guards }).createMachine({
  context: ({ input }) => approvals.context(input),
  initial: 'draft',
  states: {
    draft: { on: { SUBMIT: 'legal' } },
    legal: approvalStep({ id: 'legal', mode: 'all', approvers: role('legal'), onApproved: 'done', onRejected: 'done' }),
    done: { type: 'final' },
  },
});
const workflow = approvals.defineWorkflow({ id: 'nda', version: 1, machine, input: z.object({}), events: { SUBMIT: z.object({}) } });

type Failure = { code?: string; details?: Record<string, unknown>; message?: string; name?: string };
const run = async (f: () => unknown): Promise<Failure> => {
  try {
    await f();
  } catch (error) {
    return error as Failure;
  }
  return { code: 'ok' };
};
const all = (options: unknown) => [
  () => exploreWorkflow(workflow, options as never),
  () => assertNoDeadEnds(workflow, options as never),
  () => replayPaths(workflow, options as never),
];

describe('docket/testing reads its options once, by the house rule', () => {
  it('a misspelt option is INVALID_ARGUMENT naming it, not ignored', async () => {
    for (const key of ['limt', 'inptu', 'skipevents', 'serialise']) {
      for (const f of all({ input: {}, directory, [key]: 5 })) expect(await run(f)).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: key } });
    }
    // replayPaths' own options are options of replayPaths only.
    expect(await run(() => exploreWorkflow(workflow, { input: {}, directory, maxPaths: 1 } as never))).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'maxPaths' } });
    expect(await run(() => replayPaths(workflow, { input: {}, directory, thinktime: { hours: 2 } } as never))).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'thinktime' } });
  });

  it('a limit of NaN, 0 or a string is refused: it switched the limit off (or tripped it at once)', async () => {
    for (const limit of [Number.NaN, '100', 0, -1, 1.5]) {
      for (const f of all({ input: {}, directory, limit })) expect(await run(f)).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'limit' } });
    }
  });

  it('maxPaths of -1 or a string is refused: it replayed all but the last path, or none, and passed', async () => {
    for (const maxPaths of [-1, 0, '3', 1.5]) {
      expect(await run(() => replayPaths(workflow, { input: {}, directory, maxPaths } as never))).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'maxPaths' } });
    }
    expect((await replayPaths(workflow, { input: {}, directory, maxPaths: 2 })).length).toBe(2);
  });

  it('wrong shapes are INVALID_ARGUMENT naming the field, not raw TypeErrors or silently dropped', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ serialize: 'x' }, 'serialize'],
      [{ pickActor: 1 }, 'pickActor'],
      [{ actors: null }, 'actors'],
      [{ actors: { start: 'li' } }, 'actors.start'],
      [{ actors: { APPROVEE: { id: 'li', roles: [] } } }, 'actors.APPROVEE'],
      [{ events: null }, 'events'],
      [{ events: { APPROVEE: {} } }, 'events.APPROVEE'],
      [{ events: { APPROVE: 'yes' } }, 'events.APPROVE'],
      [{ skipEvents: 'REMIND' }, 'skipEvents'],
      [{ skipEvents: ['REMIDN'] }, 'skipEvents[0]'],
      [{ traversal: 'bfs' }, 'traversal'],
      [{ approvalOperations: 'some' }, 'approvalOperations'],
      [{ directory: {} }, 'directory'],
      [{ start: 'soon' }, 'start'],
      [{ ignoreUnreachable: ['legal.pendng'] }, 'ignoreUnreachable[0]'],
    ];
    for (const [extra, field] of cases) {
      for (const f of all({ input: {}, directory, ...extra })) {
        const e = await run(f);
        expect([field, e.code, e.details?.['field'], e.name]).toEqual([field, 'INVALID_ARGUMENT', field, 'DocketError']);
      }
    }
    expect(await run(() => exploreWorkflow(workflow, null as never))).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'options' } });
  });

  it('an input the workflow refuses is INVALID_PAYLOAD naming input, as engine.start refuses it (it was a raw ZodError)', async () => {
    for (const f of all({ input: 5, directory })) expect(await run(f)).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'input', workflow: 'nda' } });
  });

  it('each option is read once: replayPaths read the caller\'s object three times, assertNoDeadEnds twice', async () => {
    for (const f of [exploreWorkflow, assertNoDeadEnds, replayPaths] as const) {
      const reads = new Map<string, number>();
      const options = {};
      for (const [key, value] of Object.entries({ input: {}, directory, actors: { start: { id: 'li', roles: ['sales'] } } })) {
        Object.defineProperty(options, key, { enumerable: true, get: () => (reads.set(key, (reads.get(key) ?? 0) + 1), value) });
      }
      await f(workflow, options as never);
      expect([f.name, Object.fromEntries(reads)]).toEqual([f.name, { input: 1, directory: 1, actors: 1 }]);
    }
  });
});

describe('property: any bad option is refused by all three, naming it, before anything runs', () => {
  const known = ['input', 'events', 'skipEvents', 'approvalOperations', 'actors', 'traversal', 'serialize', 'pickActor', 'limit', 'start', 'calendar', 'directory', 'ignoreUnreachable', 'thinkTime', 'effects', 'maxPaths'];
  const notFunction = fc.constantFrom<unknown>(null, 5, 'x', {}, []);
  const bad: Record<string, fc.Arbitrary<unknown>> = {
    input: fc.constantFrom<unknown>(5, 'x', null, [], true),
    events: fc.constantFrom<unknown>(null, 5, 'x', [], { APPROVEE: {} }, { APPROVE: 5 }, { SUBMIT: [null] }),
    skipEvents: fc.constantFrom<unknown>('REMIND', 5, {}, [5], ['NOPE']),
    approvalOperations: fc.oneof(fc.string().filter((s) => s !== 'decisions' && s !== 'all'), fc.constantFrom<unknown>(5, null, true)),
    actors: fc.constantFrom<unknown>(null, 5, [], { start: 'li' }, { NOPE: { id: 'li', roles: [] } }, { start: { id: ' ', roles: [] } }, { start: { id: 'li', roles: 'x' } }),
    traversal: fc.oneof(fc.string().filter((s) => s !== 'shortest' && s !== 'simple'), fc.constantFrom<unknown>(5, null)),
    serialize: notFunction,
    pickActor: notFunction,
    limit: fc.oneof(fc.integer({ max: 0 }), fc.double().filter((d) => !Number.isSafeInteger(d)), fc.constantFrom<unknown>('100', null, {})),
    start: fc.constantFrom<unknown>('soon', Number.NaN, {}, null, '2026-11-02T09:00:00'),
    calendar: fc.constantFrom<unknown>(null, 5, 'CN', []),
    directory: fc.constantFrom<unknown>(null, 5, {}, { user: () => undefined }),
    ignoreUnreachable: fc.constantFrom<unknown>('draft', 5, [5], ['nowhere']),
    thinkTime: fc.constantFrom<unknown>(-1, 'x', { hour: 1 }, null, { hours: -2 }),
    effects: fc.constantFrom<unknown>(null, 5, { notify: 5 }),
    maxPaths: fc.oneof(fc.integer({ max: 0 }), fc.constantFrom<unknown>('3', Number.NaN, 1.5)),
  };
  const replayOnly = new Set(['thinkTime', 'effects', 'maxPaths']);
  const badOption = fc.oneof(
    fc.constantFrom(...known).chain((key) => bad[key]!.map((value) => ({ key, value, unknown: false }))),
    fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !known.includes(k)).map((key) => ({ key, value: 1 as unknown, unknown: true })),
  );

  it('for every option, a bad value or an unknown key', async () => {
    await fc.assert(
      fc.asyncProperty(badOption, async ({ key, value, unknown }) => {
        const options = { input: {}, directory, [key]: value };
        for (const [i, f] of all(options).entries()) {
          const e = await run(f);
          const isReplay = i === 2;
          // A replay option given to path generation is an unknown key there.
          const field = e.details?.['field'];
          expect([key, e.name, e.code]).toEqual([key, 'DocketError', key === 'input' && !unknown ? 'INVALID_PAYLOAD' : 'INVALID_ARGUMENT']);
          expect(isDocketError(e)).toBe(true);
          if (unknown || (!isReplay && replayOnly.has(key))) expect(field).toBe(key);
          else expect(typeof field === 'string' && (field === key || field.startsWith(`${key}.`) || field.startsWith(`${key}[`)), `${key}: ${String(field)}`).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
