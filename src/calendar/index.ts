// The business calendar: working days, China's holidays, quarters and deadline rules.
export {
  businessCalendar,
  type BusinessCalendar,
  type BusinessCalendarOptions,
  type DayInfo,
  type QuarterDayQuery,
  type Resolution,
  type YearCoverage,
} from './business-calendar.js';
export { STATUTORY_HOLIDAY_LAW, statutoryDaysOff, statutoryOverrides, type StatutoryDayOff, type StatutoryWeekendRule } from './statutory-holidays.js';
export { parseHolidaySchedule, type HolidayScheduleJson } from './holiday-schedule-json.js';
export { resolveDeadline } from './resolve-deadline.js';
export { holidayCoverageCheck, type HolidayCoverageCheck } from './holiday-coverage.js';
export {
  absolute,
  describeDeadlineRule,
  duration,
  quarterDay,
  validateDeadlineRule,
  workingDays,
  workingHours,
  type DeadlineRule,
  type DeadlineTimeOptions,
  type QuarterDaySpec,
  type RollPolicy,
} from './deadline-rule.js';
export { compareQuarters, formatQuarter, isQuarterRef, parseQuarter, quarterMonth, quarterOfMonth, shiftQuarter, type QuarterRef } from './quarter.js';
export { compileHolidaySources, type CompiledHolidays, type DayOverride, type HolidayDay, type HolidayList, type HolidaySource } from './holiday-source.js';
export { CN_HOLIDAY_DATA, CN_HOLIDAY_DATA_SOURCE } from './cn-holidays-data.js';
export type { CnHolidayYear } from './cn-holiday-year.js';
export {
  civilDateOf,
  dayOrdinalOf,
  daysInMonth,
  formatDayOrdinal,
  isoWeekdayOf,
  parseLocalDate,
  tryParseLocalDate,
  type CivilDate,
  type DayOrdinal,
} from './local-date.js';
export { END_OF_DAY_MS, MS_PER_DAY, formatTimeOfDay, parseTimeOfDay, tryParseTimeOfDay } from './time-of-day.js';
export { WorkingDayIndex, type DayKind, type MissingYearPolicy, type WorkingDayIndexOptions } from './working-day-index.js';
export { addWorkingTime, parseWorkingHours, type WorkingHoursOption, type WorkingWindow } from './working-hours.js';
export { ZonedTime, type CalendarInput, type LocalPoint } from './zoned-time.js';
