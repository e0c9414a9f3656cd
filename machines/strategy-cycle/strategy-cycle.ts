import { z } from 'zod';
import { defineWorkflow, workingDays } from '../../src/index.js';
import { stateLabelsOf, workflowLabels } from '../shared/labels.js';
import { milestoneRule, triPartyMeetingRule, type StrategyMilestone } from './schedule.js';
import { strategyCycleInput } from './strategy-cycle-input.js';
import { strategyCycleMachine, TRI_PARTY_MEETINGS_PER_CYCLE, type StrategyCycleContext } from './strategy-cycle-machine.js';

const ctx = (args: { context: unknown }) => args.context as StrategyCycleContext;
const milestone = (name: StrategyMilestone) => (args: { context: unknown }) => milestoneRule(ctx(args).planQuarter, ctx(args).schedule[name]);

/**
 * 营销策略制定流程 — the quarterly strategy cycle: one instance per plan quarter, worked in the
 * quarter before it. Kickoff on M1 D1, survey reports and hotspot forms by M2 D20, internal meeting
 * M2 D25, first draft (integrated by 亚美) M3 D1, review done M3 D10, leadership approval M3 D20,
 * release M3 D25 — each a quarter-relative date on the business calendar with its roll policy. A
 * phase past its date reminds every few working days, then escalates to leadership, and records the
 * lateness; the monthly tri-party meeting runs as a recurring timer beside the flow.
 *
 * @example
 * ```ts
 * import { businessCalendar, createEngine, memoryStore, virtualClock } from 'docket';
 * import { strategyCycle } from 'docket/machines';
 * const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-09-25T09:00:00+08:00'), calendar: businessCalendar(), workflows: [strategyCycle] });
 * await engine.start('strategy-cycle', { planQuarter: { year: 2027, quarter: 1 } }, { actor: { id: 'wang', roles: ['marketing'] } });
 * ```
 */
export const strategyCycle = defineWorkflow({
  id: 'strategy-cycle',
  version: 1,
  machine: strategyCycleMachine,
  input: strategyCycleInput,
  events: {
    SUBMIT_SURVEY: z.object({ provider: z.string().min(1).meta({ person: 'provider' }), report: z.string().min(1), hotspots: z.array(z.string()).default([]) }),
    CUSTOMER_COMMS_DONE: z.object({ notes: z.string().optional() }),
    INTERNAL_MEETING_HELD: z.object({ notes: z.string().optional() }),
    SUBMIT_SEGMENT: z.object({ provider: z.string().min(1).meta({ person: 'provider' }), summary: z.string().min(1) }),
    SUBMIT_DRAFT: z.object({ summary: z.string().min(1) }),
    REQUEST_CHANGES: z.object({ comment: z.string().min(1) }),
    SUBMIT_REVISION: z.object({ summary: z.string().min(1) }),
    CONFIRM_PLAN: z.object({ comment: z.string().optional() }),
    LEADERSHIP_APPROVE: z.object({ comment: z.string().optional() }),
    LEADERSHIP_REJECT: z.object({ comment: z.string().min(1) }),
    RELEASE: z.object({ reference: z.string().optional() }),
    CANCEL: z.object({ reason: z.string().min(1) }),
  },
  permissions: {
    start: ['marketing'],
    SUBMIT_SURVEY: ['provider', 'marketing'],
    CUSTOMER_COMMS_DONE: ['marketing'],
    INTERNAL_MEETING_HELD: ['marketing'],
    SUBMIT_SEGMENT: ['provider', 'marketing'],
    SUBMIT_DRAFT: ['provider'],
    REQUEST_CHANGES: ['marketing'],
    SUBMIT_REVISION: ['provider'],
    CONFIRM_PLAN: ['marketing'],
    LEADERSHIP_APPROVE: ['leadership'],
    LEADERSHIP_REJECT: ['leadership'],
    RELEASE: ['marketing'],
    CANCEL: ['marketing', 'leadership'],
  },
  authorize: ({ actor, event, snapshot }) => {
    const c = snapshot.context as StrategyCycleContext;
    const isMarketing = actor.roles.includes('marketing');
    if ((event.type === 'SUBMIT_SURVEY' || event.type === 'SUBMIT_SEGMENT') && !isMarketing && event['provider'] !== actor.id) {
      return `${actor.id} may submit only its own part, not ${String(event['provider'])}'s (marketing may record a part on a provider's behalf).`;
    }
    if ((event.type === 'SUBMIT_DRAFT' || event.type === 'SUBMIT_REVISION') && actor.id !== c.integrator) {
      return `Only the integrating provider ${c.integrator} submits the integrated plan.`;
    }
    return true;
  },
  deadlines: {
    kickoff: milestone('kickoff'),
    surveyDue: milestone('surveyDue'),
    internalMeetingDue: milestone('internalMeetingDue'),
    draftDue: milestone('draftDue'),
    reviewDue: milestone('reviewDue'),
    approvalDue: milestone('approvalDue'),
    releaseDue: milestone('releaseDue'),
    reminderEvery: (args) => workingDays(ctx(args).reminderEveryWorkingDays, { time: '10:00' }),
    triPartyMeeting: (args) => {
      const c = ctx(args);
      // Each instance holds the meetings of its own working quarter; the next quarter's instance holds
      // the rest. After the last one the timer is not armed again (the min() only keeps the rule total).
      return triPartyMeetingRule(c.planQuarter, Math.min(c.triPartyMeetingsHeld, TRI_PARTY_MEETINGS_PER_CYCLE - 1), c.triPartyDay, c.triPartyTime);
    },
  },
  roles: {
    marketing: { 'zh-CN': '市场部', en: 'Marketing department' },
    provider: { 'zh-CN': '服务商', en: 'Service provider' },
    leadership: { 'zh-CN': '领导', en: 'Leadership' },
  },
  labels: workflowLabels({
    title: { 'zh-CN': '季度营销策略制定', en: 'Quarterly marketing strategy' },
    states: stateLabelsOf(strategyCycleMachine),
    values: {
      survey: { 'zh-CN': '调查阶段', en: 'survey phase' },
      internalMeeting: { 'zh-CN': '内部沟通会阶段', en: 'internal meeting phase' },
      drafting: { 'zh-CN': '初稿阶段', en: 'drafting phase' },
      reviewing: { 'zh-CN': '审核阶段', en: 'review phase' },
      approval: { 'zh-CN': '领导审批阶段', en: 'leadership approval phase' },
      releasing: { 'zh-CN': '发布阶段', en: 'release phase' },
    },
    deadlines: {
      kickoff: { 'zh-CN': '启动', en: 'Kickoff' },
      surveyDue: { 'zh-CN': '调查报告与热点截止', en: 'Survey reports and hotspots due' },
      internalMeetingDue: { 'zh-CN': '内部沟通会截止', en: 'Internal meeting due' },
      draftDue: { 'zh-CN': '初稿截止', en: 'First draft due' },
      reviewDue: { 'zh-CN': '审核截止', en: 'Review due' },
      approvalDue: { 'zh-CN': '领导审批截止', en: 'Leadership approval due' },
      releaseDue: { 'zh-CN': '发布截止', en: 'Release due' },
      reminderEvery: { 'zh-CN': '逾期催办', en: 'Overdue reminder' },
      triPartyMeeting: { 'zh-CN': '三方例会', en: 'Tri-party meeting' },
    },
    events: {
      SUBMIT_SURVEY: { 'zh-CN': '提交受众调查分析报告与社会热点收集表', en: 'Submit survey report and hotspot form' },
      CUSTOMER_COMMS_DONE: { 'zh-CN': '完成客户部沟通', en: 'Customer-department communication done' },
      INTERNAL_MEETING_HELD: { 'zh-CN': '已召开内部信息沟通会', en: 'Internal meeting held' },
      SUBMIT_SEGMENT: { 'zh-CN': '提交分段策略', en: 'Submit segment plan' },
      SUBMIT_DRAFT: { 'zh-CN': '提交整合初稿', en: 'Submit integrated draft' },
      REQUEST_CHANGES: { 'zh-CN': '提出修改意见', en: 'Request changes' },
      SUBMIT_REVISION: { 'zh-CN': '提交修改稿', en: 'Submit revision' },
      CONFIRM_PLAN: { 'zh-CN': '方案确定', en: 'Confirm plan' },
      LEADERSHIP_APPROVE: { 'zh-CN': '领导审核通过', en: 'Leadership approves' },
      LEADERSHIP_REJECT: { 'zh-CN': '领导退回修改', en: 'Leadership sends back' },
      RELEASE: { 'zh-CN': '正式发布', en: 'Release' },
      CANCEL: { 'zh-CN': '取消', en: 'Cancel' },
    },
    guards: {
      canRemindAgain: { 'zh-CN': '未到催办上限', en: 'reminders left' },
      surveyComplete: { 'zh-CN': '调研已收齐', en: 'survey complete' },
      knownProvider: { 'zh-CN': '已登记的服务商', en: 'known provider' },
      moreTriPartyMeetings: { 'zh-CN': '三方会未开满', en: 'more tri-party meetings due' },
      lastTriPartyMeeting: { 'zh-CN': '本季度最后一次三方会', en: "the quarter's last tri-party meeting" },
      allSegmentsIn: { 'zh-CN': '分段策略已齐', en: 'all segments in' },
    },
  }),
  description: {
    'zh-CN': '季度营销策略：首月启动调查，次月提交报告与热点、召开内部会，末月初稿、审核、领导审批并发布；三方例会每月一次。',
    en: 'Quarterly strategy: survey from M1, reports and hotspots in M2, draft, review, approval and release in M3; a tri-party meeting monthly.',
  },
});
