/**
 * CI check: warns (exit 0, a `::warning::` line) when the shipped official China holiday data ends
 * within 60 days, so a release with next year's schedule goes out before users need it. The logic is
 * `holidayCoverageCheck` (src/calendar/holiday-coverage.ts, tested with injected dates); this script
 * only reads today's date. `--strict` exits 1 instead of warning.
 *
 * @example
 * ```sh
 * npx tsx scripts/check-holiday-coverage.ts            # today
 * npx tsx scripts/check-holiday-coverage.ts 2026-11-29 # a given date
 * ```
 */
import { holidayCoverageCheck } from '../src/calendar/holiday-coverage.js';

const args = process.argv.slice(2);
const strict = args.includes('--strict');
const today = args.find((a) => /^\d{4}-\d{2}-\d{2}$/.test(a)) ?? new Date().toISOString().slice(0, 10);
const check = holidayCoverageCheck(today);
if (check.warning === undefined) {
  console.log(`holiday coverage: official data through ${check.lastOfficialYear}, ${check.daysLeft} days left.`);
} else {
  // The check's sentence is for users of the package; the release step is the maintainers'.
  console.log(`::warning::${check.warning} Maintainers: upgrade chinese-days and run scripts/generate-cn-holidays.ts once it has ${check.lastOfficialYear + 1}, then release.`);
  if (strict) process.exitCode = 1;
}
