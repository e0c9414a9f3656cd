import { z } from 'zod';
import { localTime, milestoneSpec, STRATEGY_MILESTONES } from './schedule.js';

/** The four providers the documents name; 亚美 (yamei) integrates the plan. */
export const DEFAULT_PROVIDERS = ['zhongzhi', 'tiandao', 'bozhida', 'yamei'] as const;

/** Start input of the quarterly strategy cycle: one instance per plan quarter. */
export const strategyCycleInput = z
  .object({
    /** The quarter the plan is for; the work happens in the quarter before it. */
    planQuarter: z.object({ year: z.number().int().min(2000).max(2100), quarter: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]) }),
    /** The providers (their user ids) who each submit a survey and a plan segment. */
    providers: z.array(z.string().min(1).meta({ person: 'provider' })).min(1).default([...DEFAULT_PROVIDERS]),
    /** The provider that integrates the segments into one plan (亚美 in the documents). */
    integrator: z.string().min(1).meta({ person: 'provider' }).default('yamei'),
    /** Overrides of the default schedule, per milestone. */
    schedule: z.partialRecord(z.enum(STRATEGY_MILESTONES), milestoneSpec).default({}),
    reminders: z
      .object({ everyWorkingDays: z.number().int().min(1).default(2), escalateAfter: z.number().int().min(1).default(2) })
      .default({ everyWorkingDays: 2, escalateAfter: 2 }),
    /** Day of month and time of the monthly tri-party meeting (marketing, customer departments, providers). */
    triPartyMeeting: z
      .object({ day: z.number().int().min(1).max(28).default(15), time: localTime.default('14:30') })
      .default({ day: 15, time: '14:30' }),
  })
  .refine((v) => v.providers.includes(v.integrator), { message: 'The integrator must be one of the providers.', path: ['integrator'] });
