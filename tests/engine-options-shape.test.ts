// createEngine checks what it is given before it makes anything. Regression: `createEngine({ store,
// workflows })` without a clock (or with `clock: null`, `5`, `{}`, `{ now }`) threw a raw TypeError
// ("Cannot read properties of undefined (reading 'kind')", "clock.subscribe is not a function"); a
// store left out, `null` or `{}` was taken and every call failed with "store.init is not a function";
// `workflows` left out, `null` or `{}` was "workflows is not iterable"; a calendar or directory `5`
// or `{}` (the engine's, or a tenant's, or a tenant resolver's answer) was taken and failed, raw, at
// the first deadline or approval step. Now each is INVALID_ARGUMENT naming the option and saying what
// to pass, with nothing made: no clock subscription, no store opened.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, deadline, defineWorkflow, isDocketError, memoryStore, staticDirectory, virtualClock, workingDays, type Clock, type Store } from '../src/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';

const START = '2026-11-02T09:00:00+08:00';

/** A virtual clock and a memory store that count what createEngine did with them. */
function watched() {
  const clock = virtualClock(START);
  const store = memoryStore();
  const seen = { subscribed: 0, inits: 0 };
  const watchedClock: Clock = { ...clock, kind: clock.kind, now: () => clock.now(), sleepUntil: (at, signal) => clock.sleepUntil(at, signal), subscribe: (s) => (seen.subscribed++, clock.subscribe(s)) };
  const watchedStore: Store = { ...store, init: () => (seen.inits++, store.init()) };
  return { clock: watchedClock, store: watchedStore, seen };
}

type Outcome = { readonly code: string; readonly field: unknown; readonly message: string } | 'made' | `raw ${string}`;

function outcomeOf(make: () => { close(): Promise<void> }): Outcome {
  try {
    void make().close();
    return 'made';
  } catch (error) {
    if (!isDocketError(error)) return `raw ${String(error)}`;
    return { code: error.code, field: error.details.field, message: error.message };
  }
}

describe('createEngine refuses a missing or wrong-shaped option, naming it, before it makes anything', () => {
  const clockFix = /systemClock\(\).*virtualClock\(/;
  it.each([
    ['left out', undefined],
    ['null', null],
    ['a number', 5],
    ['an object without its methods', {}],
    ['an object with now() only', { now: () => 0 }],
    ['a Date', new Date()],
  ])('clock %s is INVALID_ARGUMENT naming clock and saying to pass systemClock() or virtualClock()', (_, clock) => {
    const { store, seen } = watched();
    const outcome = outcomeOf(() => createEngine({ store, workflows: [reviewWorkflow], ...(clock === undefined ? {} : { clock }) } as never));
    expect(outcome).toEqual({ code: 'INVALID_ARGUMENT', field: 'clock', message: expect.stringMatching(clockFix) });
    expect(seen.inits).toBe(0);
  });

  it.each([
    ['left out', undefined],
    ['null', null],
    ['a string', 'memory'],
    ['an object without its methods', {}],
    // A custom store written against an older interface: every method but the newest.
    ['a store without retireTimer()', (() => {
      const { retireTimer: _r, ...older } = memoryStore();
      return older;
    })()],
    ['a store whose retention method is not a function', { ...memoryStore(), archived: true }],
  ])('store %s is INVALID_ARGUMENT naming store and saying to pass memoryStore()', (_, store) => {
    const { clock, seen } = watched();
    const outcome = outcomeOf(() => createEngine({ clock, workflows: [reviewWorkflow], ...(store === undefined ? {} : { store }) } as never));
    expect(outcome).toEqual({ code: 'INVALID_ARGUMENT', field: 'store', message: expect.stringContaining('memoryStore()') });
    expect(seen.subscribed).toBe(0);
  });

  it('names the methods a store lacks in details.missing', () => {
    const { retireTimer: _r, deferTimer: _d, ...older } = memoryStore();
    expect(() => createEngine({ store: older as never, clock: virtualClock(START), workflows: [] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { field: 'store', missing: ['deferTimer', 'retireTimer'] }, message: expect.stringContaining('deferTimer(), retireTimer()') }),
    );
  });

  it.each([
    ['left out', undefined],
    ['null', null],
    ['an object', { review: reviewWorkflow }],
    ['a Set', new Set([reviewWorkflow])],
  ])('workflows %s is INVALID_ARGUMENT naming workflows and saying to pass an array of defineWorkflow(...)', (_, workflows) => {
    const { store, clock, seen } = watched();
    const outcome = outcomeOf(() => createEngine({ store, clock, ...(workflows === undefined ? {} : { workflows }) } as never));
    expect(outcome).toEqual({ code: 'INVALID_ARGUMENT', field: 'workflows', message: expect.stringContaining('defineWorkflow(') });
    expect(seen).toEqual({ subscribed: 0, inits: 0 });
  });

  it.each([
    ['calendar', 5, 'businessCalendar('],
    ['calendar', {}, 'businessCalendar('],
    ['calendar', { resolveWithProvenance: () => 0 }, 'businessCalendar('],
    ['directory', 5, 'staticDirectory('],
    ['directory', {}, 'staticDirectory('],
    ['directory', { user: () => undefined, usersWithRole: () => [], departmentHead: () => undefined, standIns: [] }, 'staticDirectory('],
  ])('%s %j is INVALID_ARGUMENT naming it (it was taken, and failed raw at the first deadline or approval step)', (option, value, fix) => {
    const { store, clock, seen } = watched();
    const outcome = outcomeOf(() => createEngine({ store, clock, workflows: [reviewWorkflow], [option]: value } as never));
    expect(outcome).toEqual({ code: 'INVALID_ARGUMENT', field: option, message: expect.stringContaining(fix) });
    expect(seen).toEqual({ subscribed: 0, inits: 0 });
  });

  it("a tenant's calendar or directory that is not one is refused at creation, naming tenants.<id>.<option>", () => {
    for (const [option, value] of [['calendar', 5], ['directory', {}]] as const) {
      const { store, clock, seen } = watched();
      const outcome = outcomeOf(() => createEngine({ store, clock, workflows: [reviewWorkflow], tenants: { acme: { [option]: value } } } as never));
      expect(outcome).toMatchObject({ code: 'INVALID_ARGUMENT', field: `tenants.acme.${option}` });
      expect(seen).toEqual({ subscribed: 0, inits: 0 });
    }
  });

  it("a tenant resolver's answer is checked the same way: the act is refused with INVALID_ARGUMENT, nothing written (it was MACHINE_ERROR 'Reflect.get called on non-object')", async () => {
    const wf = defineWorkflow({
      id: 'w',
      version: 1,
      machine: setup({ delays: { due: deadline('due') } }).createMachine({ initial: 'a', states: { a: { after: { due: 'b' } }, b: { type: 'final' } } }),
      input: z.object({}),
      events: {},
      deadlines: { due: workingDays(2) },
    });
    const store = memoryStore();
    const engine = createEngine({ store, clock: virtualClock(START), workflows: [wf], tenants: (tenant) => (tenant === 'acme' ? ({ calendar: 5 } as never) : { calendar: businessCalendar() }) });
    await expect(engine.forTenant('acme').start('w', {}, { actor: staff })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'tenants.acme.calendar' } });
    expect((await store.list()).items).toEqual([]);
    // Another tenant, whose resolver answers with a calendar, starts as before.
    await expect(engine.forTenant('other').start('w', {}, { actor: staff })).resolves.toEqual(expect.any(String));
    await engine.close();
  });

  it('a misspelt option is refused by the options rule, before the missing one it stands for is reported', () => {
    expect(outcomeOf(() => createEngine({ store: memoryStore(), clock: virtualClock(START), workflow: [reviewWorkflow] } as never))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'workflow' });
    expect(outcomeOf(() => createEngine({ store: memoryStore(), clok: virtualClock(START), workflows: [reviewWorkflow] } as never))).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'clok' });
  });

  it('wrappers are welcome: a store made by Object.create, a Proxy of a store or a clock, a directory class instance', async () => {
    class Org {
      user(id: string) {
        return id === 'li' ? { id, roles: ['staff'] } : undefined;
      }
      usersWithRole() {
        return [];
      }
      departmentHead() {
        return undefined;
      }
    }
    const clock = virtualClock(START);
    const store = new Proxy(Object.create(memoryStore()) as Store, {});
    const engine = createEngine({ store, clock: new Proxy(clock, {}), workflows: [reviewWorkflow], directory: new Org(), calendar: businessCalendar() });
    const id = await engine.start('review', { title: 't' }, { actor: staff });
    expect((await engine.get(id)).state).toBe('draft');
    await engine.close();
  });
});

describe('property: createEngine makes an engine exactly when every option has its shape', () => {
  // The required methods of each interface, as its TSDoc lists them (not read from the library's lists).
  const methodsOf = {
    store: ['init', 'load', 'commit', 'list', 'history', 'appendRefusal', 'refusals', 'timers', 'nextTimerDue', 'claimDueTimers', 'releaseTimer', 'deferTimer', 'retireTimer', 'findIdempotency', 'claimEffects', 'nextEffectDue', 'updateEffect', 'effects', 'tasks', 'close'],
    clock: ['now', 'subscribe', 'sleepUntil'],
    calendar: ['hasYear', 'yearCoverage', 'resolveWithProvenance', 'isWorkingDay', 'nextWorkingDay', 'previousWorkingDay', 'addWorkingDays', 'workingDaysBetween', 'addWorkingHours', 'roll', 'quarterOf', 'quarterDates', 'quarterDay', 'resolve', 'describeDay', 'daysInRange', 'toLocalDate', 'localInstant'],
    directory: ['user', 'usersWithRole', 'departmentHead'],
  } as const;
  type Part = keyof typeof methodsOf;
  /** An object with some of the part's methods, not all: never one. */
  const partial = (part: Part) =>
    fc.subarray([...methodsOf[part]], { maxLength: methodsOf[part].length - 1 }).map((names) => Object.fromEntries(names.map((n) => [n, () => undefined])));
  /** A value that is not the part: anything fast-check draws (none is a function), or a partial one. */
  const bad = (part: Part) => fc.oneof(fc.anything(), partial(part), fc.constantFrom(null, 0, 'x', [], () => undefined));
  const option = <T>(good: () => T, part: Part, required: boolean) =>
    fc.oneof(
      fc.constant({ ok: true as const, make: good }),
      bad(part)
        .filter((v) => !(v === undefined && !required))
        .map((v) => ({ ok: false as const, make: () => v })),
      ...(required ? [] : [fc.constant({ ok: true as const, make: () => undefined })]),
    );
  const workflows = fc.oneof(
    fc.constant({ ok: true as const, make: () => [reviewWorkflow] as unknown }),
    fc.constant({ ok: true as const, make: () => [] as unknown }),
    fc.anything().filter((v) => !(Array.isArray(v) && v.length === 0)).map((v) => ({ ok: false as const, make: () => v })),
  );

  it('any mix of good and bad store, clock, workflows, calendar and directory: made, or INVALID_ARGUMENT naming one of the bad ones; never a raw error, nothing subscribed or opened', () => {
    fc.assert(
      fc.property(
        fc.record({
          store: option(() => memoryStore(), 'store', true),
          clock: option(() => virtualClock(START), 'clock', true),
          workflows,
          calendar: option(() => businessCalendar(), 'calendar', false),
          directory: option(() => staticDirectory({ users: [] }), 'directory', false),
        }),
        (parts) => {
          const seen = { subscribed: 0, inits: 0 };
          const options: Record<string, unknown> = {};
          for (const [name, part] of Object.entries(parts)) {
            let value = part.make();
            // Count what the engine does with a good clock and store.
            if (part.ok && name === 'clock') {
              const clock = value as Clock;
              value = { kind: clock.kind, now: () => clock.now(), sleepUntil: clock.sleepUntil, subscribe: (s: never) => (seen.subscribed++, clock.subscribe(s)) };
            }
            if (part.ok && name === 'store') {
              const store = value as Store;
              value = { ...store, init: () => (seen.inits++, store.init()) };
            }
            if (value !== undefined) options[name] = value;
          }
          const badOnes = Object.entries(parts).filter(([, p]) => !p.ok).map(([name]) => name);
          const outcome = outcomeOf(() => createEngine(options as never));
          if (badOnes.length === 0) {
            expect(outcome).toBe('made');
            return;
          }
          expect(outcome).toMatchObject({ code: 'INVALID_ARGUMENT' });
          const field = String((outcome as { field: unknown }).field);
          // `workflows[0].id` names workflows; every other field is the option itself.
          expect(badOnes).toContain(field.split(/[.[]/)[0]);
          expect(seen).toEqual({ subscribed: 0, inits: 0 });
        },
      ),
      { numRuns: 300 },
    );
  });
});
