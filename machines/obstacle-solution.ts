import { assign, setup } from 'xstate';
import { z } from 'zod';
import { deadline, defineWorkflow, effect, workingDays, type DocketEventMeta } from '../src/index.js';
import { label, stateLabelsOf, workflowLabels } from './shared/labels.js';
import { timedStep, type RemindParams } from './shared/timed-step.js';

/** Working days each step may take before its owner is reminded. */
export const obstacleStepDays = z.object({
  meeting: z.number().int().positive().default(5),
  approach: z.number().int().positive().default(5),
  review: z.number().int().positive().default(3),
  solution: z.number().int().positive().default(10),
  leadership: z.number().int().positive().default(3),
});

/** Start input of 专项营销障碍解决方案: who reports which obstacle, and how many rounds before escalation. */
export const obstacleSolutionInput = z.object({
  /** The customer department or branch office (客户部 / 分局) that reports the obstacle. */
  department: z.string().min(1),
  /** The marketing obstacle (营销难点) in a sentence. */
  obstacle: z.string().min(1),
  /** The market situation as reported. */
  situation: z.string().optional(),
  /** Rounds of send-backs allowed before the matter goes to leadership. */
  maxRounds: z.number().int().min(1).default(3),
  days: obstacleStepDays.default({ meeting: 5, approach: 5, review: 3, solution: 10, leadership: 3 }),
});

/** A comment from a send-back, kept for the whole history of the matter. */
export interface ObstacleComment {
  readonly round: number;
  readonly stage: 'approach' | 'solution' | 'leadership';
  readonly text: string;
  readonly by: string;
  readonly at: number;
}

export interface ObstacleSolutionContext {
  readonly department: string;
  readonly obstacle: string;
  readonly situation: string | undefined;
  /** The service provider (服务商) working on it, chosen at the discussion meeting. */
  readonly provider: string | undefined;
  /** 1 for the first attempt; +1 per send-back. */
  readonly round: number;
  readonly maxRounds: number;
  readonly days: z.infer<typeof obstacleStepDays>;
  readonly approach: string | undefined;
  readonly solution: string | undefined;
  readonly comments: readonly ObstacleComment[];
  readonly escalations: number;
  readonly escalatedFrom: 'approach' | 'solution' | undefined;
  readonly overdue: readonly { readonly step: string; readonly round: number; readonly at: number }[];
  readonly outcome: 'distributed' | 'closed' | 'withdrawn' | undefined;
}

type Ev<T extends string, P = object> = { readonly type: T } & P & DocketEventMeta;
export type ObstacleSolutionEvent =
  | Ev<'MEETING_HELD', { provider: string; notes?: string }>
  | Ev<'SUBMIT_APPROACH', { approach: string }>
  | Ev<'ACCEPT_APPROACH', { comment?: string }>
  | Ev<'REVISE_APPROACH', { comment: string }>
  | Ev<'SUBMIT_SOLUTION', { solution: string }>
  | Ev<'APPROVE_SOLUTION', { comment?: string }>
  | Ev<'REVISE_SOLUTION', { comment: string }>
  | Ev<'EXTEND_ROUNDS', { extraRounds: number; comment: string }>
  | Ev<'ACCEPT_AS_IS', { comment?: string }>
  | Ev<'CLOSE', { reason: string }>
  | Ev<'WITHDRAW', { reason?: string }>;

const comment = (stage: ObstacleComment['stage'], text: string, e: DocketEventMeta, round: number): ObstacleComment => ({
  round,
  stage,
  text,
  by: e.$actor?.id ?? 'unknown',
  at: e.$at ?? 0,
});

export const obstacleSolutionMachine = setup({
  types: {} as {
    context: ObstacleSolutionContext;
    events: ObstacleSolutionEvent;
    input: z.infer<typeof obstacleSolutionInput> & DocketEventMeta;
  },
  actions: {
    remind: effect<RemindParams>(),
    distributeSolution: effect<{ department: string; obstacle: string; solution: string | undefined; rounds: number }>(),
    escalateToLeadership: effect<{ department: string; obstacle: string; rounds: number; stage: 'approach' | 'solution' }>(),
    recordOverdue: assign({
      overdue: ({ context, event }, params: { step: string }) => [...context.overdue, { step: params.step, round: context.round, at: (event as Partial<DocketEventMeta>).$at ?? 0 }],
    }),
  },
  guards: {
    roundsLeft: ({ context }) => context.round < context.maxRounds,
    fromApproach: ({ context }) => context.escalatedFrom === 'approach',
    fromSolution: ({ context }) => context.escalatedFrom === 'solution',
  },
  delays: {
    meetingDue: deadline('meetingDue'),
    approachDue: deadline('approachDue'),
    reviewDue: deadline('reviewDue'),
    solutionDue: deadline('solutionDue'),
    leadershipDue: deadline('leadershipDue'),
  },
}).createMachine({
  id: 'obstacleSolution',
  context: ({ input }) => ({
    department: input.department,
    obstacle: input.obstacle,
    situation: input.situation,
    provider: undefined,
    round: 1,
    maxRounds: input.maxRounds,
    days: input.days,
    approach: undefined,
    solution: undefined,
    comments: [],
    escalations: 0,
    escalatedFrom: undefined,
    overdue: [],
    outcome: undefined,
  }),
  initial: 'discussion',
  on: {
    WITHDRAW: { target: '.withdrawn', actions: assign({ outcome: 'withdrawn' }) },
  },
  states: {
    discussion: {
      meta: label('专项讨论会议', 'Discussion meeting'),
      ...timedStep('meetingDue', { step: 'discussion', to: 'marketing' }),
      on: { MEETING_HELD: { target: 'approach', actions: assign({ provider: ({ event }) => event.provider }) } },
    },
    approach: {
      meta: label('提交解决思路', 'Solution approach'),
      ...timedStep('approachDue', { step: 'approach', to: 'provider' }),
      on: { SUBMIT_APPROACH: { target: 'approachReview', actions: assign({ approach: ({ event }) => event.approach }) } },
    },
    approachReview: {
      meta: label('审核解决思路', 'Approach review'),
      ...timedStep('reviewDue', { step: 'approachReview', to: 'marketing' }),
      on: {
        ACCEPT_APPROACH: 'solution',
        REVISE_APPROACH: [
          {
            guard: 'roundsLeft',
            target: 'approach',
            actions: assign({
              comments: ({ context, event }) => [...context.comments, comment('approach', event.comment, event, context.round)],
              round: ({ context }) => context.round + 1,
            }),
          },
          {
            target: 'escalated',
            actions: [
              assign({
                comments: ({ context, event }) => [...context.comments, comment('approach', event.comment, event, context.round)],
                escalatedFrom: 'approach',
                escalations: ({ context }) => context.escalations + 1,
              }),
              {
                type: 'escalateToLeadership',
                params: ({ context }) => ({ department: context.department, obstacle: context.obstacle, rounds: context.round, stage: 'approach' as const }),
              },
            ],
          },
        ],
      },
    },
    solution: {
      meta: label('提交解决方案', 'Full solution'),
      ...timedStep('solutionDue', { step: 'solution', to: 'provider' }),
      on: { SUBMIT_SOLUTION: { target: 'solutionReview', actions: assign({ solution: ({ event }) => event.solution }) } },
    },
    solutionReview: {
      meta: label('审核解决方案', 'Solution review'),
      ...timedStep('reviewDue', { step: 'solutionReview', to: 'marketing' }),
      on: {
        APPROVE_SOLUTION: 'distributed',
        REVISE_SOLUTION: [
          {
            guard: 'roundsLeft',
            target: 'solution',
            actions: assign({
              comments: ({ context, event }) => [...context.comments, comment('solution', event.comment, event, context.round)],
              round: ({ context }) => context.round + 1,
            }),
          },
          {
            target: 'escalated',
            actions: [
              assign({
                comments: ({ context, event }) => [...context.comments, comment('solution', event.comment, event, context.round)],
                escalatedFrom: 'solution',
                escalations: ({ context }) => context.escalations + 1,
              }),
              {
                type: 'escalateToLeadership',
                params: ({ context }) => ({ department: context.department, obstacle: context.obstacle, rounds: context.round, stage: 'solution' as const }),
              },
            ],
          },
        ],
      },
    },
    escalated: {
      meta: label('上报领导决策', 'Escalated to leadership'),
      ...timedStep('leadershipDue', { step: 'escalated', to: 'leadership' }),
      on: {
        EXTEND_ROUNDS: [
          {
            guard: 'fromApproach',
            target: 'approach',
            actions: assign({
              maxRounds: ({ context, event }) => context.round + event.extraRounds,
              round: ({ context }) => context.round + 1,
              comments: ({ context, event }) => [...context.comments, comment('leadership', event.comment, event, context.round)],
            }),
          },
          {
            target: 'solution',
            actions: assign({
              maxRounds: ({ context, event }) => context.round + event.extraRounds,
              round: ({ context }) => context.round + 1,
              comments: ({ context, event }) => [...context.comments, comment('leadership', event.comment, event, context.round)],
            }),
          },
        ],
        ACCEPT_AS_IS: { guard: 'fromSolution', target: 'distributed' },
        CLOSE: {
          target: 'closed',
          actions: assign({
            outcome: 'closed',
            comments: ({ context, event }) => [...context.comments, comment('leadership', event.reason, event, context.round)],
          }),
        },
      },
    },
    distributed: {
      meta: label('方案已下发客户部', 'Solution passed to the department'),
      type: 'final',
      entry: [
        assign({ outcome: 'distributed' }),
        {
          type: 'distributeSolution',
          params: ({ context }) => ({ department: context.department, obstacle: context.obstacle, solution: context.solution, rounds: context.round }),
        },
      ],
    },
    closed: { meta: label('领导决定关闭', 'Closed by leadership'), type: 'final' },
    withdrawn: { meta: label('已撤回', 'Withdrawn'), type: 'final' },
  },
});

/**
 * 专项营销障碍解决方案制定流程 — obstacle-solution iteration: a department reports an obstacle,
 * marketing holds a discussion meeting, a service provider submits an approach and then a full
 * solution, each sent back with comments until accepted; after `maxRounds` the matter goes to
 * leadership, who extend the rounds, accept the solution as it is, or close it.
 *
 * @example
 * ```ts
 * import { createEngine, memoryStore, virtualClock, businessCalendar } from 'docket';
 * import { obstacleSolution } from 'docket/machines';
 * const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), calendar: businessCalendar(), workflows: [obstacleSolution] });
 * const id = await engine.start('obstacle-solution', { department: '南山分局', obstacle: '校园市场份额下滑' }, { actor: { id: 'chen', roles: ['department'] } });
 * ```
 */
export const obstacleSolution = defineWorkflow({
  id: 'obstacle-solution',
  version: 1,
  machine: obstacleSolutionMachine,
  input: obstacleSolutionInput,
  events: {
    // `person`: the field names a person who then acts in that role (the simulation lets them).
    MEETING_HELD: z.object({ provider: z.string().min(1).meta({ person: 'provider' }), notes: z.string().optional() }),
    SUBMIT_APPROACH: z.object({ approach: z.string().min(1) }),
    ACCEPT_APPROACH: z.object({ comment: z.string().optional() }),
    REVISE_APPROACH: z.object({ comment: z.string().min(1) }),
    SUBMIT_SOLUTION: z.object({ solution: z.string().min(1) }),
    APPROVE_SOLUTION: z.object({ comment: z.string().optional() }),
    REVISE_SOLUTION: z.object({ comment: z.string().min(1) }),
    EXTEND_ROUNDS: z.object({ extraRounds: z.number().int().min(1).max(10), comment: z.string().min(1) }),
    ACCEPT_AS_IS: z.object({ comment: z.string().optional() }),
    CLOSE: z.object({ reason: z.string().min(1) }),
    WITHDRAW: z.object({ reason: z.string().optional() }),
  },
  permissions: {
    start: ['department', 'marketing'],
    MEETING_HELD: ['marketing'],
    SUBMIT_APPROACH: ['provider'],
    ACCEPT_APPROACH: ['marketing'],
    REVISE_APPROACH: ['marketing'],
    SUBMIT_SOLUTION: ['provider'],
    APPROVE_SOLUTION: ['marketing'],
    REVISE_SOLUTION: ['marketing'],
    EXTEND_ROUNDS: ['leadership'],
    ACCEPT_AS_IS: ['leadership'],
    CLOSE: ['leadership'],
    WITHDRAW: ['department', 'marketing'],
  },
  authorize: ({ actor, event, snapshot, instance }) => {
    const ctx = snapshot.context as ObstacleSolutionContext;
    if ((event.type === 'SUBMIT_APPROACH' || event.type === 'SUBMIT_SOLUTION') && ctx.provider !== undefined && ctx.provider !== actor.id) {
      return `Only ${ctx.provider}, the provider chosen at the discussion meeting, submits for this obstacle; ${actor.id} is not it.`;
    }
    if (event.type === 'WITHDRAW' && actor.id !== instance.initiator && !actor.roles.includes('marketing')) {
      return `Only the reporter (${instance.initiator}) or marketing may withdraw this obstacle.`;
    }
    return true;
  },
  deadlines: {
    meetingDue: ({ context }) => workingDays((context as ObstacleSolutionContext).days.meeting),
    approachDue: ({ context }) => workingDays((context as ObstacleSolutionContext).days.approach),
    reviewDue: ({ context }) => workingDays((context as ObstacleSolutionContext).days.review),
    solutionDue: ({ context }) => workingDays((context as ObstacleSolutionContext).days.solution),
    leadershipDue: ({ context }) => workingDays((context as ObstacleSolutionContext).days.leadership),
  },
  roles: {
    department: { 'zh-CN': '客户部 / 分局', en: 'Customer department / branch' },
    marketing: { 'zh-CN': '市场部', en: 'Marketing department' },
    provider: { 'zh-CN': '服务商', en: 'Service provider' },
    leadership: { 'zh-CN': '领导', en: 'Leadership' },
  },
  labels: workflowLabels({
    title: { 'zh-CN': '专项营销障碍解决方案', en: 'Marketing obstacle solution' },
    states: stateLabelsOf(obstacleSolutionMachine),
    deadlines: {
      meetingDue: { 'zh-CN': '讨论会期限', en: 'Discussion meeting due' },
      approachDue: { 'zh-CN': '解决思路期限', en: 'Approach due' },
      reviewDue: { 'zh-CN': '审核期限', en: 'Review due' },
      solutionDue: { 'zh-CN': '解决方案期限', en: 'Solution due' },
      leadershipDue: { 'zh-CN': '领导决定期限', en: 'Leadership decision due' },
    },
    events: {
      MEETING_HELD: { 'zh-CN': '已召开专项讨论会', en: 'Discussion meeting held' },
      SUBMIT_APPROACH: { 'zh-CN': '提交解决思路', en: 'Submit approach' },
      ACCEPT_APPROACH: { 'zh-CN': '认可解决思路', en: 'Accept approach' },
      REVISE_APPROACH: { 'zh-CN': '退回调整思路', en: 'Send approach back' },
      SUBMIT_SOLUTION: { 'zh-CN': '提交解决方案', en: 'Submit solution' },
      APPROVE_SOLUTION: { 'zh-CN': '审核通过方案', en: 'Approve solution' },
      REVISE_SOLUTION: { 'zh-CN': '退回修改方案', en: 'Send solution back' },
      EXTEND_ROUNDS: { 'zh-CN': '领导批准继续修改', en: 'Allow more rounds' },
      ACCEPT_AS_IS: { 'zh-CN': '领导采纳现方案', en: 'Accept solution as is' },
      CLOSE: { 'zh-CN': '领导决定关闭', en: 'Close' },
      WITHDRAW: { 'zh-CN': '撤回', en: 'Withdraw' },
    },
    guards: {
      roundsLeft: { 'zh-CN': '尚有轮次', en: 'rounds left' },
      fromApproach: { 'zh-CN': '由思路升级', en: 'escalated from approach' },
      fromSolution: { 'zh-CN': '由方案升级', en: 'escalated from solution' },
    },
  }),
  description: {
    'zh-CN': '客户部反映营销难点 → 专项讨论 → 服务商提交思路并反复调整 → 提交方案 → 市场部审核后下发；超过轮次上报领导。',
    en: 'A department reports an obstacle → discussion → the provider iterates an approach, then a solution → marketing approves and passes it on; too many rounds escalate to leadership.',
  },
});
