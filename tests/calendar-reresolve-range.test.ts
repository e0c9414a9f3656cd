// reresolveDeadlines moves a provisional deadline to where the calendar now puts it. That instant
// follows the rule every armed timer does (dueInstant: rounded up to the whole millisecond, and one a
// clock can reach), else the instance is reported failed with MACHINE_ERROR and left as it is. The
// calendar's instant was kept as given: near the year 275,760 the built-in calendar's NaN was refused
// by the store as an INVALID_ARGUMENT about "instance.heldTimers[0].dueAt", a host calendar's finite
// instant past a Date's range was stored (a timer that never fires, whose due date throws when shown),
// and a fractional one was refused by the store.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, deadline, defineWorkflow, memoryStore, virtualClock, workingDays, type BusinessCalendar } from '../src/index.js';
import { dueInstant } from '../src/clock/whole-instant.js';

const LIMIT = 8.64e15;
const DAY = 86_400_000;
const admin = { id: 'root', roles: ['admin'] };

const machine = setup({ delays: { due: deadline('due') } }).createMachine({
  id: 'w',
  initial: 'wait',
  states: { wait: { after: { due: 'done' } }, done: { type: 'final' } },
});
const workflow = defineWorkflow({ id: 'w', version: 1, machine, input: z.object({}), events: {}, deadlines: { due: workingDays(5) } });

/** A calendar that estimates every year it has no data for (near 275,760 every year), so deadlines are provisional. */
const estimating = (extra: Parameters<typeof businessCalendar>[0] = {}) => businessCalendar({ onMissingYear: 'weekdays-with-warning', onWarning: () => {}, ...extra });

/** The built-in calendar, with its resolution's instant replaced by `at(original, from)`. */
function movedCalendar(at: (original: number, from: number) => number): BusinessCalendar {
  const inner = estimating();
  return new Proxy(inner, {
    get(target, name, receiver) {
      if (name === 'resolveWithProvenance') {
        return (rule: never, from: number) => {
          const r = target.resolveWithProvenance(rule, from);
          return { ...r, at: at(r.at, from) };
        };
      }
      return Reflect.get(target, name, receiver) as unknown;
    },
  });
}

async function armed(start: number, suspend: boolean) {
  const store = memoryStore();
  const clock = virtualClock(start);
  const before = createEngine({ store, clock, workflows: [workflow], calendar: estimating() });
  const id = await before.start('w', {}, { actor: admin });
  if (suspend) await before.suspend(id, { actor: admin, reason: 'hold' });
  await before.close();
  const record = await store.load(id);
  return { store, clock, id, record: record! };
}

describe('reresolveDeadlines keeps the one rule for due instants', () => {
  // The built-in calendar reads and answers dates up to 9999-12-31 only (tests/brk25-date-range.test.ts):
  // it no longer reaches the end of a Date (year 275,760), where its NaN was this test's case. A
  // re-resolution walking past its last date is refused by the calendar, and nothing changes.
  it.each([false, true])('near the end of the calendar’s dates (suspended: %s): a re-resolution past 9999-12-31 is refused, nothing changed', async (suspend) => {
    const { store, clock, id, record } = await armed(Date.parse('9999-12-24T10:00:00+08:00'), suspend);
    expect([...record.timers, ...(record.heldTimers ?? [])].map((t) => [t.dueAt <= LIMIT, t.deadline?.provisional])).toEqual([[true, true]]);
    // Mondays only, far west: five working days from Friday 24 December 9999 end in the year 10000.
    const after = createEngine({ store, clock, workflows: [workflow], calendar: estimating({ zone: 'Pacific/Pago_Pago', workweek: [1] }) });
    const report = await after.reresolveDeadlines({ actor: admin });
    expect(report.changes).toEqual([]);
    expect(report.failed.map((f) => [f.instanceId, f.code, /0001-01-01 to 9999-12-31/.test(f.message)])).toEqual([[id, 'INVALID_ARGUMENT', true]]);
    expect(await store.load(id)).toEqual(record);
    await after.close();
  });

  it('a host calendar answering a finite instant past the range: MACHINE_ERROR, not a stored timer that never fires', async () => {
    const { store, clock, id, record } = await armed(Date.parse('2026-12-30T10:00:00+08:00'), false);
    const after = createEngine({ store, clock, workflows: [workflow], calendar: movedCalendar(() => LIMIT + DAY) });
    const report = await after.reresolveDeadlines({ actor: admin });
    expect(report.failed.map((f) => f.code)).toEqual(['MACHINE_ERROR']);
    expect(await store.load(id)).toEqual(record);
    await after.close();
  });

  it('a host calendar answering a fractional instant: rounded up to the whole millisecond (it was refused by the store)', async () => {
    const { store, clock, id } = await armed(Date.parse('2026-12-30T10:00:00+08:00'), false);
    const after = createEngine({ store, clock, workflows: [workflow], calendar: movedCalendar((at) => at + DAY + 0.25) });
    const report = await after.reresolveDeadlines({ actor: admin });
    expect(report.failed).toEqual([]);
    const previous = report.changes[0]!.previousDueAt!;
    expect(report.changes.map((c) => c.dueAt - previous)).toEqual([DAY + 1]);
    expect((await after.get(id)).timers.map((t) => t.dueAt - previous)).toEqual([DAY + 1]);
    await after.close();
  });

  it('property: whatever instant the calendar answers, the timer is re-armed at dueInstant of it (never before the deadline was armed), or MACHINE_ERROR with nothing changed', async () => {
    const start = Date.parse('2026-12-30T10:00:00+08:00');
    const answers = fc.oneof(
      fc.double({ noNaN: false }),
      fc.integer({ min: -10 * DAY, max: 10 * DAY }).map((d) => ({ shift: d })),
      fc.double({ min: -2, max: 2, noNaN: true }).map((f) => ({ near: LIMIT + f })),
      fc.constantFrom(Number.NaN, Infinity, -Infinity, 2 ** 53, LIMIT, LIMIT + 1),
    );
    await fc.assert(
      fc.asyncProperty(answers, async (answer) => {
        const { store, clock, id, record } = await armed(start, false);
        const from = record.timers[0]!.deadline!.from;
        const value = (at: number) => (typeof answer === 'number' ? answer : 'shift' in answer ? at + answer.shift + 0.5 : answer.near);
        let given = Number.NaN;
        const after = createEngine({ store, clock, workflows: [workflow], calendar: movedCalendar((at) => (given = value(at))) });
        const report = await after.reresolveDeadlines({ actor: admin });
        const expected = dueInstant(from, Math.max(given - from, 0));
        if (expected === undefined) {
          expect(report.failed.map((f) => f.code)).toEqual(['MACHINE_ERROR']);
          expect(await store.load(id)).toEqual(record);
        } else {
          expect(report.failed).toEqual([]);
          const timers = (await store.load(id))!.timers;
          expect(timers.map((t) => t.dueAt)).toEqual([expected]);
          expect(timers[0]!.dueAt).toBeGreaterThanOrEqual(from);
        }
        await after.close();
      }),
      { numRuns: 120 },
    );
  });
});
