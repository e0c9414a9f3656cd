/**
 * One year of China's official schedule: holidays as inclusive ranges `[from, to, nameZh, nameEn]`
 * and make-up working days (调休) as `[date, nameZh, nameEn]`. Dates are `'YYYY-MM-DD'`.
 *
 * @example
 * ```ts
 * import type { CnHolidayYear } from 'docket';
 * const y: CnHolidayYear = {
 *   holidays: [['2026-10-01', '2026-10-07', '国庆节', 'National Day']],
 *   workdays: [['2026-10-10', '国庆节', 'National Day']],
 * };
 * ```
 */
export interface CnHolidayYear {
  readonly holidays: readonly (readonly [from: string, to: string, nameZh: string, nameEn: string])[];
  readonly workdays: readonly (readonly [date: string, nameZh: string, nameEn: string])[];
}
