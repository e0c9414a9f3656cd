/**
 * Speed of `addWorkingDays(·, 250)` on China's calendar against a naive day-by-day loop (luxon day
 * stepping + `isWorkingDay`), measured in the same run. Not a test: run `npx tsx bench/calendar.bench.ts`.
 *
 * @example
 * ```sh
 * npx tsx bench/calendar.bench.ts
 * # calendar: addWorkingDays(250) fast/naive = 37.2x
 * ```
 */
import { DateTime } from 'luxon';
import { performance } from 'node:perf_hooks';
import { businessCalendar, quarterDay, workingHours, type BusinessCalendar } from '../src/index.js';
import { ZonedTime } from '../src/calendar/zoned-time.js';
import { compare, report, size } from './harness.js';

const N = 250;
const cal = businessCalendar({ zone: 'Asia/Shanghai', holidays: 'CN' });

/** Every day of 2024 at 10:00 Shanghai time: +250 working days crosses Spring Festival, National Day and into 2025. */
const starts: number[] = [];
for (let d = DateTime.fromISO('2024-01-01T10:00', { zone: cal.zone }); d.year === 2024; d = d.plus({ days: 1 })) starts.push(d.toMillis());

function naiveAddWorkingDays(calendar: BusinessCalendar, from: number, n: number): number {
  let d = DateTime.fromMillis(from, { zone: calendar.zone });
  let left = n;
  while (left > 0) {
    d = d.plus({ days: 1 });
    if (calendar.isWorkingDay(d.toMillis())) left--;
  }
  return d.toMillis();
}

// Both must agree before we time anything.
for (const s of starts) {
  const fast = cal.addWorkingDays(s, N);
  const naive = naiveAddWorkingDays(cal, s, N);
  if (fast !== naive) throw new Error(`mismatch from ${new Date(s).toISOString()}: fast ${fast} naive ${naive}`);
}

function measure(name: string, fn: (from: number) => number, minMs = size(1500, 400)): number {
  let sink = 0;
  for (let i = 0; i < 200; i++) sink += fn(starts[i % starts.length]!); // warm-up
  let ops = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (const s of starts) sink += fn(s);
    ops += starts.length;
    elapsed = performance.now() - t0;
  }
  const perSecond = (ops / elapsed) * 1000;
  console.log(`${name.padEnd(34)} ${perSecond.toFixed(0).padStart(10)} ops/s  (${ops} ops in ${elapsed.toFixed(0)} ms, checksum ${sink % 997})`);
  return perSecond;
}

const naive = measure(`naive day loop, +${N} working days`, (s) => naiveAddWorkingDays(cal, s, N));
const fast = measure(`addWorkingDays(·, ${N})`, (s) => cal.addWorkingDays(s, N));
const back = measure(`addWorkingDays(·, -${N})`, (s) => cal.addWorkingDays(s, -N));
const between = measure('workingDaysBetween(a, a + 1y)', (s) => cal.workingDaysBetween(s, s + 365 * 86_400_000));
void back;
void between;
report(compare({ workload: 8, name: `addWorkingDays(·, ${N}), China calendar`, unit: 'ops/s', better: 'higher', baselineLabel: 'naive day loop', target: 'faster than naive (> 1x)', targetRatio: 1 }, [[fast, naive]]));

// resolve() per call: a quarter rule (M2 D20 of next quarter, rolled to a working day) and a working-hours
// rule (16 working hours), against the bare luxon date arithmetic a caller would write without the
// calendar (no holidays, no roll): the price of getting it right.
const quarterRule = quarterDay({ quarter: { relative: 1 }, month: 2, day: 20, roll: 'previous' });
const hoursRule = workingHours(16);
const bareQuarter = (s: number) => {
  const d = DateTime.fromMillis(s, { zone: cal.zone });
  const q0 = Math.floor((d.month - 1) / 3) * 3 + 1;
  return d.set({ month: q0, day: 1 }).plus({ months: 3 + 1 }).set({ day: 20, hour: 23, minute: 59 }).toMillis();
};
const bareHours = (s: number) => DateTime.fromMillis(s, { zone: cal.zone }).plus({ hours: 16 }).toMillis();
const rq = measure('resolve(quarterDay M2 D20, roll)', (s) => cal.resolve(quarterRule, s));
const bq = measure('luxon month arithmetic (no calendar)', bareQuarter);
const rh = measure('resolve(workingHours(16))', (s) => cal.resolve(hoursRule, s));
const bh = measure('luxon plus({ hours: 16 })', bareHours);
report(compare({ workload: 8, name: 'resolve(quarter rule) per call', unit: 'calls/s', better: 'higher', baselineLabel: 'bare luxon month arithmetic', target: 'info', note: `${(1e6 / rq).toFixed(2)} µs per call` }, [[rq, bq]]));
report(compare({ workload: 8, name: 'resolve(working-hours rule) per call', unit: 'calls/s', better: 'higher', baselineLabel: 'bare luxon plus({hours})', target: 'info', note: `${(1e6 / rh).toFixed(2)} µs per call` }, [[rh, bh]]));

// The zone-offset cache (src/calendar/zoned-time.ts) A/B in this run: ZonedTime.toLocal against the
// luxon DateTime.fromMillis path it replaced for days with one offset.
const zt = new ZonedTime(cal.zone);
const cached = measure('ZonedTime.toLocal (offset per day)', (s) => zt.toLocal(s).timeOfDay);
const viaLuxon = measure('luxon DateTime.fromMillis (before)', (s) => {
  const dt = DateTime.fromMillis(s, { zone: cal.zone });
  return dt.hour * 60 + dt.minute;
});
report(compare({ workload: 8, name: 'instant → local time (Asia/Shanghai)', unit: 'ops/s', better: 'higher', baselineLabel: 'luxon fromMillis (the path before the cache)', target: 'info' }, [[cached, viaLuxon]]));
