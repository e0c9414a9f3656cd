// The marks `npm run demo` prints after a date (周五 休 暂定), and the legend that explains each of
// them in English and Chinese. Kept together so a mark the timeline prints is one the legend names.
import type { DayInfo } from '../src/index.js';

const WEEKDAY = ['', '一', '二', '三', '四', '五', '六', '日'];

/**
 * The marks of one day, as the demo's timeline prints them after the time: the weekday (`周五`), then
 * `调休` for a make-up working day, the holiday's name (`国庆节`) or `休` for another day off, then
 * `暂定` when the year has no official schedule yet (its kind is the statutory estimate).
 */
export function dayMarks(day: DayInfo): string[] {
  const marks = [`周${WEEKDAY[day.weekday]}`];
  if (day.working) {
    if (day.kind === 'makeup-workday') marks.push('调休');
  } else marks.push(day.name ?? '休');
  if (day.provisional) marks.push('暂定');
  return marks;
}

/**
 * What each mark means, in both languages, printed under the demo's heading. Before it an English
 * reader met 休, 调休 and 暂定 unexplained (only 暂定 was, at the very end), and a Chinese reader an
 * English-only summary.
 */
export const LEGEND = [
  'legend: 周一…周日 Monday…Sunday · 休 day off · 调休 make-up working day (a weekend day worked for a holiday) · a holiday\'s name (国庆节): public holiday · 暂定 provisional (the year\'s official holiday schedule is not published yet; estimated from the law) · ⏱ a timer fired · ↳ an effect delivered',
  '图例：周一…周日 星期 · 休 休息日 · 调休 调休上班 · 节日名称（国庆节） 法定节假日 · 暂定 当年节假日安排尚未公布，按法定假日估算 · ⏱ 定时器触发 · ↳ 副作用已投递',
] as const;

/** The marks the legend explains by themselves; a holiday's name is explained as a kind. */
export const EXPLAINED_MARKS = ['休', '调休', '暂定'] as const;
