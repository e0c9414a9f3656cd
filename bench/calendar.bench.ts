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
import { businessCalendar, type BusinessCalendar } from '../src/index.js';

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

function measure(name: string, fn: (from: number) => number, minMs = 1500): number {
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
console.log(`calendar: addWorkingDays(${N}) fast/naive = ${(fast / naive).toFixed(1)}x`);
