// An options object is read by name, so a Map (or Set, WeakMap, WeakSet) given as one is an object of no
// options: its entries are not properties. Regression: createEngine({ retry: new Map([['maxAttempts',
// 3]]) }) retried ten times, { tenants: { acme: new Map([['calendar', cal]]) } } gave acme the engine's
// calendar, role('legal', new Map([['claim', true]])) asked every member, and docket/testing's
// actors, events and effects as a Map were dropped (paths sent by nobody, a sample never sent, a
// failing handler never run), each without a word. Now the house rule (read-options.ts) refuses a keyed
// collection as it refuses an array or a Proxy: INVALID_ARGUMENT naming the field, nothing made.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outcome } from './helpers/refusal-outcome.js';
import { goNotifyWorkflow } from './fixtures/go-notify-workflow.js';
import { businessCalendar, createEngine, departmentHead, memoryStore, role, virtualClock } from '../src/index.js';
import { exploreWorkflow, replayPaths } from '../src/testing/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

const wf = goNotifyWorkflow;
const calendar = businessCalendar({ zone: 'Asia/Shanghai' });
const engineWith = (extra: Record<string, unknown>) => () =>
  createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [reviewWorkflow], ...extra } as never).close();

/** Each call with its options object at `field`, as a function of that object. */
const calls: Record<string, { readonly field: string; readonly entries: readonly (readonly [string, unknown])[]; readonly call: (value: unknown) => unknown }> = {
  'createEngine retry': { field: 'retry', entries: [['maxAttempts', 3]], call: (retry) => engineWith({ retry })() },
  'createEngine tenants.acme': { field: 'tenants.acme', entries: [['calendar', calendar]], call: (acme) => engineWith({ tenants: { acme } })() },
  'createEngine historyKey': { field: 'historyKey', entries: [['id', 'k1'], ['secret', 'x'.repeat(32)]], call: (historyKey) => engineWith({ historyKey })() },
  'role options': { field: 'options', entries: [['claim', true]], call: (options) => role('legal', options as never) },
  'departmentHead options': { field: 'options', entries: [['department', 'legal']], call: (options) => departmentHead(options as never) },
  'exploreWorkflow actors': { field: 'actors', entries: [['GO', { id: 'li', roles: [] }]], call: (actors) => exploreWorkflow(wf, { input: {}, actors } as never) },
  'exploreWorkflow events': { field: 'events', entries: [['GO', {}]], call: (events) => exploreWorkflow(wf, { input: {}, events } as never) },
  'replayPaths effects': { field: 'effects', entries: [['notify', () => {}]], call: (effects) => replayPaths(wf, { input: {}, effects } as never) },
};

const collections = {
  Map: (entries: readonly (readonly [string, unknown])[]) => new Map(entries),
  Set: (entries: readonly (readonly [string, unknown])[]) => new Set(entries.map(([k]) => k)),
  WeakMap: () => new WeakMap(),
  WeakSet: () => new WeakSet(),
};

describe('a Map, Set, WeakMap or WeakSet is not an options object', () => {
  it.each(Object.entries(calls))('%s: a Map is refused naming the field; the same entries as an object are taken', async (_, { field, entries, call }) => {
    expect(await outcome(() => call(new Map(entries)))).toEqual({ code: 'INVALID_ARGUMENT', field });
    expect(await outcome(() => call(Object.fromEntries(entries)))).toBe('taken');
  });

  it("the refusal of a Map says what to pass instead", () => {
    expect(() => engineWith({ retry: new Map([['maxAttempts', 3]]) })()).toThrow(/not a Map .*Object\.fromEntries\(map\)/);
  });

  it('property: any call, any keyed collection of its entries, is refused naming the field', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(calls)), fc.constantFrom(...(Object.keys(collections) as (keyof typeof collections)[])), async (name, kind) => {
        const { field, entries, call } = calls[name]!;
        expect(await outcome(() => call(collections[kind](entries)))).toEqual({ code: 'INVALID_ARGUMENT', field });
      }),
      { numRuns: 60 },
    );
  });
});
