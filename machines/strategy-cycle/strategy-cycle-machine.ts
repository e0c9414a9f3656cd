import { assign, setup } from 'xstate';
import type { z } from 'zod';
import { deadline, effect, type DocketEventMeta, type QuarterRef } from '../../src/index.js';
import { label } from '../shared/labels.js';
import { DEFAULT_STRATEGY_SCHEDULE, type MilestoneSpec, type StrategyMilestone } from './schedule.js';
import type { strategyCycleInput } from './strategy-cycle-input.js';

/** The phases that have a due date, each tracked for lateness. */
export type StrategyPhase = 'survey' | 'internalMeeting' | 'drafting' | 'reviewing' | 'approval' | 'releasing';

/** How a phase went against its due date. */
export interface PhaseRecord {
  /** When the due date passed with the phase still open (the phase is late from then on). */
  readonly overdueSince: number | undefined;
  readonly reminders: number;
  readonly escalated: boolean;
  readonly completedAt: number | undefined;
  /** True once completed after its due date. */
  readonly late: boolean;
}

/** One provider's submission, with whether it came after the due date. */
export interface Submission {
  readonly at: number;
  readonly by: string;
  readonly late: boolean;
  readonly summary: string;
}

export interface StrategyCycleContext {
  readonly planQuarter: QuarterRef;
  readonly providers: readonly string[];
  readonly integrator: string;
  readonly schedule: Readonly<Record<StrategyMilestone, MilestoneSpec>>;
  readonly reminderEveryWorkingDays: number;
  readonly escalateAfterReminders: number;
  readonly triPartyDay: number;
  readonly triPartyTime: string;
  readonly startedAt: number | undefined;
  readonly surveys: Readonly<Record<string, Submission & { readonly hotspots: number }>>;
  readonly customerComms: Submission | undefined;
  readonly segments: Readonly<Record<string, Submission>>;
  readonly draftVersion: number;
  readonly comments: readonly { readonly by: string; readonly at: number; readonly text: string; readonly stage: 'review' | 'leadership' }[];
  readonly phases: Readonly<Record<StrategyPhase, PhaseRecord>>;
  readonly triPartyMeetingsHeld: number;
  readonly releasedAt: number | undefined;
}

type Ev<T extends string, P = object> = { readonly type: T } & P & DocketEventMeta;
export type StrategyCycleEvent =
  | Ev<'SUBMIT_SURVEY', { provider: string; report: string; hotspots: readonly string[] }>
  | Ev<'CUSTOMER_COMMS_DONE', { notes?: string }>
  | Ev<'INTERNAL_MEETING_HELD', { notes?: string }>
  | Ev<'SUBMIT_SEGMENT', { provider: string; summary: string }>
  | Ev<'SUBMIT_DRAFT', { summary: string }>
  | Ev<'REQUEST_CHANGES', { comment: string }>
  | Ev<'SUBMIT_REVISION', { summary: string }>
  | Ev<'CONFIRM_PLAN', { comment?: string }>
  | Ev<'LEADERSHIP_APPROVE', { comment?: string }>
  | Ev<'LEADERSHIP_REJECT', { comment: string }>
  | Ev<'RELEASE', { reference?: string }>
  | Ev<'CANCEL', { reason: string }>;

/** Monthly tri-party meetings one instance holds: one per month of its working quarter. */
export const TRI_PARTY_MEETINGS_PER_CYCLE = 3;

const PHASES: readonly StrategyPhase[] = ['survey', 'internalMeeting', 'drafting', 'reviewing', 'approval', 'releasing'];
const emptyPhase: PhaseRecord = { overdueSince: undefined, reminders: 0, escalated: false, completedAt: undefined, late: false };

/** Who still owes something in a phase (provider ids, or a role). */
export function missingIn(context: StrategyCycleContext, phase: StrategyPhase): string[] {
  switch (phase) {
    case 'survey':
      return [...context.providers.filter((p) => !context.surveys[p]), ...(context.customerComms ? [] : ['marketing'])];
    case 'drafting':
      return [...context.providers.filter((p) => !context.segments[p]), context.integrator].filter((p, i, all) => all.indexOf(p) === i);
    case 'approval':
      return ['leadership'];
    case 'reviewing':
    case 'internalMeeting':
    case 'releasing':
      return ['marketing'];
  }
}

const at = (e: unknown): number => (e as Partial<DocketEventMeta>).$at ?? 0;
const by = (e: unknown): string => (e as Partial<DocketEventMeta>).$actor?.id ?? 'unknown';
const isLate = (context: StrategyCycleContext, phase: StrategyPhase) => context.phases[phase].overdueSince !== undefined;

/** The lateness sub-states of a phase: on time → overdue (reminders every N working days) → escalated. */
function lateness<const D extends string>(phase: StrategyPhase, due: D) {
  return {
    initial: 'onTime' as const,
    states: {
      onTime: {
        meta: label('按期进行', 'On time'),
        after: { [due]: { target: 'overdue' as const, actions: { type: 'markOverdue' as const, params: { phase } } } } as Record<
          D,
          { readonly target: 'overdue'; readonly actions: { readonly type: 'markOverdue'; readonly params: { readonly phase: StrategyPhase } } }
        >,
      },
      overdue: {
        meta: label('已逾期，催办中', 'Overdue, reminding'),
        entry: [
          { type: 'countReminder' as const, params: { phase } },
          {
            type: 'remindLate' as const,
            params: ({ context }: { context: StrategyCycleContext }) => ({
              phase,
              planQuarter: context.planQuarter,
              missing: missingIn(context, phase),
              reminder: context.phases[phase].reminders,
            }),
          },
        ],
        after: {
          reminderEvery: [
            { guard: { type: 'canRemindAgain' as const, params: { phase } }, target: 'overdue' as const, reenter: true },
            { target: 'escalated' as const },
          ],
        },
      },
      escalated: {
        meta: label('已上报领导', 'Escalated to leadership'),
        entry: [
          { type: 'markEscalated' as const, params: { phase } },
          {
            type: 'escalateLate' as const,
            params: ({ context }: { context: StrategyCycleContext }) => ({ phase, planQuarter: context.planQuarter, missing: missingIn(context, phase) }),
          },
        ],
      },
    },
  };
}

export const strategyCycleMachine = setup({
  types: {} as {
    context: StrategyCycleContext;
    events: StrategyCycleEvent;
    input: z.output<typeof strategyCycleInput> & DocketEventMeta;
  },
  actions: {
    notifyKickoff: effect<{ planQuarter: QuarterRef; providers: readonly string[] }>(),
    remindLate: effect<{ phase: StrategyPhase; planQuarter: QuarterRef; missing: readonly string[]; reminder: number }>(),
    escalateLate: effect<{ phase: StrategyPhase; planQuarter: QuarterRef; missing: readonly string[] }>(),
    holdTriPartyMeeting: effect<{ planQuarter: QuarterRef; meeting: number }>(),
    publishPlan: effect<{ planQuarter: QuarterRef; draftVersion: number; latePhases: readonly StrategyPhase[] }>(),
    markOverdue: assign({
      phases: ({ context, event }, params: { phase: StrategyPhase }) => ({
        ...context.phases,
        [params.phase]: { ...context.phases[params.phase], overdueSince: at(event) },
      }),
    }),
    countReminder: assign({
      phases: ({ context }, params: { phase: StrategyPhase }) => ({
        ...context.phases,
        [params.phase]: { ...context.phases[params.phase], reminders: context.phases[params.phase].reminders + 1 },
      }),
    }),
    markEscalated: assign({
      phases: ({ context }, params: { phase: StrategyPhase }) => ({ ...context.phases, [params.phase]: { ...context.phases[params.phase], escalated: true } }),
    }),
    completePhase: assign({
      phases: ({ context, event }, params: { phase: StrategyPhase }) => ({
        ...context.phases,
        [params.phase]: { ...context.phases[params.phase], completedAt: at(event), late: isLate(context, params.phase) },
      }),
    }),
    addComment: assign({
      comments: ({ context, event }, params: { stage: 'review' | 'leadership' }) => [
        ...context.comments,
        { by: by(event), at: at(event), text: (event as { comment?: string }).comment ?? '', stage: params.stage },
      ],
    }),
    nextDraftVersion: assign({ draftVersion: ({ context }) => context.draftVersion + 1 }),
  },
  guards: {
    canRemindAgain: ({ context }, params: { phase: StrategyPhase }) => context.phases[params.phase].reminders < context.escalateAfterReminders,
    surveyComplete: ({ context }) => missingIn(context, 'survey').length === 0,
    knownProvider: ({ context, event }) => context.providers.includes((event as { provider?: string }).provider ?? ''),
    moreTriPartyMeetings: ({ context }) => context.triPartyMeetingsHeld < TRI_PARTY_MEETINGS_PER_CYCLE,
    lastTriPartyMeeting: ({ context }) => context.triPartyMeetingsHeld === TRI_PARTY_MEETINGS_PER_CYCLE - 1,
    allSegmentsIn: ({ context }) => context.providers.every((p) => context.segments[p] !== undefined),
  },
  delays: {
    kickoff: deadline('kickoff'),
    surveyDue: deadline('surveyDue'),
    internalMeetingDue: deadline('internalMeetingDue'),
    draftDue: deadline('draftDue'),
    reviewDue: deadline('reviewDue'),
    approvalDue: deadline('approvalDue'),
    releaseDue: deadline('releaseDue'),
    reminderEvery: deadline('reminderEvery'),
    triPartyMeeting: deadline('triPartyMeeting'),
  },
}).createMachine({
  id: 'strategyCycle',
  context: ({ input }) => ({
    planQuarter: input.planQuarter,
    providers: input.providers,
    integrator: input.integrator,
    schedule: { ...DEFAULT_STRATEGY_SCHEDULE, ...input.schedule },
    reminderEveryWorkingDays: input.reminders.everyWorkingDays,
    escalateAfterReminders: input.reminders.escalateAfter,
    triPartyDay: input.triPartyMeeting.day,
    triPartyTime: input.triPartyMeeting.time,
    startedAt: undefined,
    surveys: {},
    customerComms: undefined,
    segments: {},
    draftVersion: 0,
    comments: [],
    phases: Object.fromEntries(PHASES.map((p) => [p, emptyPhase])) as Record<StrategyPhase, PhaseRecord>,
    triPartyMeetingsHeld: 0,
    releasedAt: undefined,
  }),
  initial: 'scheduled',
  on: { CANCEL: { target: '.cancelled' } },
  states: {
    scheduled: {
      meta: label('待启动（首月1日）', 'Scheduled (M1 D1 kickoff)'),
      after: {
        kickoff: {
          target: 'cycle',
          actions: [
            assign({ startedAt: ({ event }) => at(event) }),
            { type: 'notifyKickoff', params: ({ context }) => ({ planQuarter: context.planQuarter, providers: context.providers }) },
          ],
        },
      },
    },
    cycle: {
      meta: label('策略制定中', 'Strategy cycle running'),
      type: 'parallel',
      states: {
        flow: {
          meta: label('制定流程', 'Plan flow'),
          initial: 'survey',
          states: {
            survey: {
              meta: label('市场与受众调查（次月20日前提交报告与热点表）', 'Market & audience survey (reports and hotspot forms due M2 D20)'),
              ...lateness('survey', 'surveyDue'),
              always: { guard: 'surveyComplete', target: 'internalMeeting', actions: { type: 'completePhase', params: { phase: 'survey' } } },
              on: {
                SUBMIT_SURVEY: {
                  guard: 'knownProvider',
                  actions: assign({
                    surveys: ({ context, event }) => ({
                      ...context.surveys,
                      [event.provider]: { at: at(event), by: by(event), late: isLate(context, 'survey'), summary: event.report, hotspots: event.hotspots.length },
                    }),
                  }),
                },
                CUSTOMER_COMMS_DONE: {
                  actions: assign({
                    customerComms: ({ context, event }) => ({ at: at(event), by: by(event), late: isLate(context, 'survey'), summary: event.notes ?? '' }),
                  }),
                },
              },
            },
            internalMeeting: {
              meta: label('内部产品/市场信息沟通会（次月25日）', 'Internal product/market meeting (M2 D25)'),
              ...lateness('internalMeeting', 'internalMeetingDue'),
              on: { INTERNAL_MEETING_HELD: { target: 'drafting', actions: { type: 'completePhase', params: { phase: 'internalMeeting' } } } },
            },
            drafting: {
              meta: label('策略方案初稿（末月1日，亚美整合）', 'First draft (M3 D1, integrated by the integrator)'),
              ...lateness('drafting', 'draftDue'),
              on: {
                SUBMIT_SEGMENT: {
                  guard: 'knownProvider',
                  actions: assign({
                    segments: ({ context, event }) => ({
                      ...context.segments,
                      [event.provider]: { at: at(event), by: by(event), late: isLate(context, 'drafting'), summary: event.summary },
                    }),
                  }),
                },
                SUBMIT_DRAFT: {
                  guard: 'allSegmentsIn',
                  target: 'reviewing',
                  actions: ['nextDraftVersion', { type: 'completePhase', params: { phase: 'drafting' } }],
                },
              },
            },
            reviewing: {
              meta: label('方案审核与沟通（末月10日）', 'Review and feedback (M3 D10)'),
              type: 'parallel',
              states: {
                work: {
                  meta: label('审核工作', 'Review work'),
                  initial: 'review',
                  states: {
                    review: {
                      meta: label('市场部审核', 'Marketing reviews'),
                      on: {
                        REQUEST_CHANGES: { target: 'revising', actions: { type: 'addComment', params: { stage: 'review' } } },
                        CONFIRM_PLAN: { target: '#strategyCycle.cycle.flow.approval', actions: { type: 'completePhase', params: { phase: 'reviewing' } } },
                      },
                    },
                    revising: {
                      meta: label('整合方修改', 'Integrator revises'),
                      on: { SUBMIT_REVISION: { target: 'review', actions: 'nextDraftVersion' } },
                    },
                  },
                },
                deadline: { meta: label('审核期限', 'Review deadline'), ...lateness('reviewing', 'reviewDue') },
              },
            },
            approval: {
              meta: label('领导审核（末月20日）', 'Leadership approval (M3 D20)'),
              type: 'parallel',
              states: {
                work: {
                  meta: label('审批工作', 'Approval work'),
                  initial: 'deciding',
                  states: {
                    deciding: {
                      meta: label('领导审批', 'Leadership decides'),
                      on: {
                        LEADERSHIP_APPROVE: { target: '#strategyCycle.cycle.flow.releasing', actions: { type: 'completePhase', params: { phase: 'approval' } } },
                        LEADERSHIP_REJECT: { target: 'revising', actions: { type: 'addComment', params: { stage: 'leadership' } } },
                      },
                    },
                    revising: {
                      meta: label('按领导意见修改', 'Revising per leadership'),
                      on: { SUBMIT_REVISION: { target: 'deciding', actions: 'nextDraftVersion' } },
                    },
                  },
                },
                deadline: { meta: label('审批期限', 'Approval deadline'), ...lateness('approval', 'approvalDue') },
              },
            },
            releasing: {
              meta: label('正式发布（末月25日）', 'Official release (M3 D25)'),
              ...lateness('releasing', 'releaseDue'),
              on: {
                RELEASE: {
                  target: '#strategyCycle.released',
                  actions: [
                    { type: 'completePhase', params: { phase: 'releasing' } },
                    assign({ releasedAt: ({ event }) => at(event) }),
                    {
                      type: 'publishPlan',
                      params: ({ context }) => ({
                        planQuarter: context.planQuarter,
                        draftVersion: context.draftVersion,
                        latePhases: PHASES.filter((p) => context.phases[p].late || (p === 'releasing' && isLate(context, p))),
                      }),
                    },
                  ],
                },
              },
            },
          },
        },
        triParty: {
          meta: label('三方例会（每月）', 'Monthly tri-party meeting'),
          initial: 'recurring',
          states: {
            recurring: {
              meta: label('按月召开', 'Held monthly'),
              after: {
                // The last meeting is a targetless transition: the state is not re-entered, so no next
                // timer is armed, and a cycle whose meetings are all held holds no meeting timer at all
                // (no far-off stand-in date for a reader to mistake for a meeting).
                triPartyMeeting: [
                  {
                    guard: 'lastTriPartyMeeting',
                    actions: [
                      assign({ triPartyMeetingsHeld: ({ context }) => context.triPartyMeetingsHeld + 1 }),
                      { type: 'holdTriPartyMeeting', params: ({ context }) => ({ planQuarter: context.planQuarter, meeting: context.triPartyMeetingsHeld }) },
                    ],
                  },
                  {
                    guard: 'moreTriPartyMeetings',
                    target: 'recurring',
                    reenter: true,
                    actions: [
                      assign({ triPartyMeetingsHeld: ({ context }) => context.triPartyMeetingsHeld + 1 }),
                      { type: 'holdTriPartyMeeting', params: ({ context }) => ({ planQuarter: context.planQuarter, meeting: context.triPartyMeetingsHeld }) },
                    ],
                  },
                ],
              },
            },
          },
        },
      },
    },
    released: { meta: label('已正式发布', 'Released'), type: 'final' },
    cancelled: { meta: label('已取消', 'Cancelled'), type: 'final' },
  },
});
