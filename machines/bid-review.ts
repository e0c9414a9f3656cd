import { assign, setup } from 'xstate';
import { z } from 'zod';
import {
  absolute,
  approvalStep,
  effect,
  role,
  toInstant,
  workingDays,
  type ApprovalContext,
  type ApprovalEvent,
  type DocketEventMeta,
  withApprovals,
} from '../src/index.js';
import { label, stateLabelsOf, workflowLabels } from './shared/labels.js';
import { labelledStep } from './shared/labelled-step.js';

/**
 * Read by Docket's one ISO reader, the one the submission deadline is resolved with: Date.parse refused
 * '2026-11-20T09Z', passed 'Fri, 20 Nov 2026 01:30:00 GMT' (which the deadline then refused, so the
 * start failed with INVALID_DEADLINE_RULE instead of naming the field) and read '2026-11-20T09:30' in
 * the process's time zone though the message asks for an offset.
 */
function isOffsetInstant(text: string): boolean {
  try {
    toInstant(text);
    return true;
  } catch {
    return false;
  }
}

/** Start input of 投标管理: the tender as registered, with its submission deadline (a hard limit). */
export const bidReviewInput = z.object({
  tenderNo: z.string().min(1),
  title: z.string().min(1),
  /** The tendering party (招标人). */
  customer: z.string().min(1),
  /** When bids close: an ISO instant with offset (`2026-11-20T09:30:00+08:00`). Missing it ends the bid. */
  submissionDeadline: z.string().refine(isOffsetInstant, 'an ISO instant with offset, e.g. 2026-11-20T09:30:00+08:00'),
  /** The tender asks for prequalification documents (资格预审) first. */
  prequalification: z.boolean().default(false),
  /** The department that will own the contract if the bid is won. */
  department: z.string().min(1).default('sales'),
  bondAmount: z.number().nonnegative().default(0),
});

export type BidOutcome = 'won' | 'lost' | 'missed' | 'abandoned' | 'disqualified';

export interface BidReviewContext extends ApprovalContext {
  readonly tenderNo: string;
  readonly title: string;
  readonly customer: string;
  readonly submissionDeadline: string;
  readonly prequalification: boolean;
  readonly department: string;
  readonly bondAmount: number;
  readonly quote: number | undefined;
  readonly submittedAt: number | undefined;
  readonly bondPaidAt: number | undefined;
  readonly contractAmount: number | undefined;
  readonly serviceFee: number | undefined;
  readonly refundReminders: number;
  readonly outcome: BidOutcome | undefined;
}

type Ev<T extends string, P = object> = { readonly type: T } & P & DocketEventMeta;
export type BidReviewEvent =
  | (ApprovalEvent & DocketEventMeta)
  | Ev<'PREQUAL_SUBMITTED'>
  | Ev<'PREQUAL_PASSED'>
  | Ev<'PREQUAL_FAILED', { reason?: string }>
  | Ev<'TECHNICAL_READY', { note?: string }>
  | Ev<'COMMERCIAL_READY', { quote: number }>
  | Ev<'PUBLISHED', { copies?: number }>
  | Ev<'BID_SUBMITTED', { note?: string }>
  | Ev<'BOND_PAID', { amount: number }>
  | Ev<'RESULT_WON', { contractAmount: number; serviceFee?: number }>
  | Ev<'RESULT_LOST', { winner?: string }>
  | Ev<'SERVICE_FEE_PAID', { amount: number }>
  | Ev<'BOND_REFUNDED', { amount: number }>
  | Ev<'ABANDON', { reason: string }>;

/** What the `startContractApproval` effect carries: enough to start a `contract-approval` instance. */
export interface StartContractApprovalParams {
  readonly tenderNo: string;
  readonly title: string;
  readonly customer: string;
  readonly amount: number;
  readonly department: string;
}

const deadlines = {
  submissionDeadline: ({ context }: { context: unknown }) => absolute((context as BidReviewContext).submissionDeadline),
  bondChase: workingDays(2, { time: '10:00' }),
  refundChase: workingDays(5, { time: '10:00' }),
};

/** The approval plugin: events, actions, guards, authorization, inbox and labels, with the deadlines named once. */
const approvals = withApprovals({ deadlines, inbox: { data: (c: BidReviewContext) => ({ tenderNo: c.tenderNo, submissionDeadline: c.submissionDeadline }) } });

export const bidReviewMachine = setup({
  types: {} as {
    context: BidReviewContext;
    events: BidReviewEvent;
    input: z.output<typeof bidReviewInput> & DocketEventMeta;
  },
  actions: {
    ...approvals.actions,
    chaseBond: effect<{ tenderNo: string; amount: number }>(),
    chaseBondRefund: effect<{ tenderNo: string; amount: number; reminder: number }>(),
    startContractApproval: effect<StartContractApprovalParams>(),
    bidMissed: effect<{ tenderNo: string; submissionDeadline: string }>(),
  },
  guards: { ...approvals.guards, needsPrequalification: ({ context }) => context.prequalification },
  delays: approvals.delays,
}).createMachine({
  id: 'bid',
  context: ({ input }) =>
    approvals.context(input, {
      tenderNo: input.tenderNo,
      title: input.title,
      customer: input.customer,
      submissionDeadline: input.submissionDeadline,
      prequalification: input.prequalification,
      department: input.department,
      bondAmount: input.bondAmount,
      quote: undefined,
      submittedAt: undefined,
      bondPaidAt: undefined,
      contractAmount: undefined,
      serviceFee: undefined,
      refundReminders: 0,
      outcome: undefined,
    }),
  initial: 'open',
  states: {
    open: {
      meta: label('投标进行中（截止前）', 'Open (before the submission deadline)'),
      initial: 'registered',
      after: {
        submissionDeadline: {
          target: 'missed',
          actions: assign({ outcome: 'missed' }),
        },
      },
      on: { ABANDON: { target: 'abandoned', actions: assign({ outcome: 'abandoned' }) } },
      states: {
        registered: {
          meta: label('已登记招标信息', 'Tender registered'),
          always: [{ guard: 'needsPrequalification', target: 'prequalification' }, { target: 'preparing' }],
        },
        prequalification: {
          meta: label('资格预审', 'Prequalification'),
          initial: 'documents',
          states: {
            documents: { meta: label('编制资格预审文件', 'Preparing prequalification documents'), on: { PREQUAL_SUBMITTED: 'awaiting' } },
            awaiting: {
              meta: label('等待预审结果', 'Awaiting the prequalification result'),
              on: {
                PREQUAL_PASSED: '#bid.open.preparing',
                PREQUAL_FAILED: { target: '#bid.disqualified', actions: assign({ outcome: 'disqualified' }) },
              },
            },
          },
        },
        preparing: {
          meta: label('标书编制（技术 + 商务）', 'Bid preparation (technical + commercial)'),
          type: 'parallel',
          onDone: 'review',
          states: {
            technical: {
              meta: label('技术标', 'Technical part'),
              initial: 'drafting',
              states: {
                drafting: { meta: label('编制中', 'Drafting'), on: { TECHNICAL_READY: 'ready' } },
                ready: { meta: label('已完成', 'Ready'), type: 'final' },
              },
            },
            commercial: {
              meta: label('商务标（报价与预算）', 'Commercial part (quotation and budget)'),
              initial: 'drafting',
              states: {
                drafting: { meta: label('编制中', 'Drafting'), on: { COMMERCIAL_READY: { target: 'ready', actions: assign({ quote: ({ event }) => event.quote }) } } },
                ready: { meta: label('已完成', 'Ready'), type: 'final' },
              },
            },
          },
        },
        review: labelledStep(
          approvalStep({
            id: 'bidReview',
            title: { 'zh-CN': '标书评审', en: 'Bid document review' },
            mode: 'all',
            approvers: role('bidReviewer'),
            onApproved: 'approval',
            rejection: { return: 'submitter' },
            returns: { submitter: '#bid.open.preparing' },
            withdraw: 'never',
          }),
          '标书评审（多人会签）',
          'Review (several reviewers, all sign)',
        ),
        approval: labelledStep(
          approvalStep({
            id: 'bidApproval',
            title: { 'zh-CN': '投标审核', en: 'Bid approval' },
            mode: 'any',
            approvers: role('bidApprover'),
            onApproved: 'publishing',
            onRejected: '#bid.abandoned',
            returns: { submitter: '#bid.open.preparing' },
            withdraw: 'never',
          }),
          '投标审核',
          'Approval',
        ),
        publishing: { meta: label('标书出版', 'Publishing the bid documents'), on: { PUBLISHED: 'submitting' } },
        submitting: {
          meta: label('递交投标文件', 'Submitting'),
          on: { BID_SUBMITTED: { target: '#bid.bond', actions: assign({ submittedAt: ({ event }) => event.$at }) } },
        },
      },
    },
    bond: {
      meta: label('投标保证金缴纳', 'Bid bond'),
      after: { bondChase: { target: 'bond', reenter: true, actions: { type: 'chaseBond', params: ({ context }) => ({ tenderNo: context.tenderNo, amount: context.bondAmount }) } } },
      on: { BOND_PAID: { target: 'awaitingResult', actions: assign({ bondPaidAt: ({ event }) => event.$at }) } },
    },
    awaitingResult: {
      meta: label('等待开标结果', 'Awaiting the result'),
      on: {
        RESULT_WON: {
          target: 'feePending',
          actions: [
            assign({ contractAmount: ({ event }) => event.contractAmount, serviceFee: ({ event }) => event.serviceFee }),
            {
              type: 'startContractApproval',
              params: ({ context, event }) => ({
                tenderNo: context.tenderNo,
                title: context.title,
                customer: context.customer,
                amount: event.contractAmount,
                department: context.department,
              }),
            },
          ],
        },
        RESULT_LOST: 'refundPending',
      },
    },
    feePending: {
      meta: label('中标服务费支付', 'Paying the winning-bid service fee'),
      on: { SERVICE_FEE_PAID: { target: 'won', actions: assign({ outcome: 'won' }) } },
    },
    refundPending: {
      meta: label('催收投标保证金退款', 'Chasing the bond refund'),
      after: {
        refundChase: {
          target: 'refundPending',
          reenter: true,
          actions: [
            assign({ refundReminders: ({ context }) => context.refundReminders + 1 }),
            { type: 'chaseBondRefund', params: ({ context }) => ({ tenderNo: context.tenderNo, amount: context.bondAmount, reminder: context.refundReminders }) },
          ],
        },
      },
      on: { BOND_REFUNDED: { target: 'lost', actions: assign({ outcome: 'lost' }) } },
    },
    won: { meta: label('中标', 'Won'), type: 'final' },
    lost: { meta: label('未中标（保证金已退回）', 'Lost (bond refunded)'), type: 'final' },
    missed: {
      meta: label('错过投标截止时间', 'Missed the submission deadline'),
      type: 'final',
      entry: { type: 'bidMissed', params: ({ context }) => ({ tenderNo: context.tenderNo, submissionDeadline: context.submissionDeadline }) },
    },
    abandoned: { meta: label('放弃投标', 'Abandoned'), type: 'final' },
    disqualified: { meta: label('资格预审未通过', 'Failed prequalification'), type: 'final' },
  },
});

/**
 * 投标管理 — bid review: a registered tender with a hard submission deadline; optional
 * prequalification; technical and commercial parts prepared in parallel; review by every bid
 * reviewer (会签), approval, publication and submission — all before the deadline, or the bid ends as
 * `missed`; then the bond, the result, and either the service fee and a contract (effect
 * `startContractApproval`) or the bond refund chased until it comes back.
 *
 * @example
 * ```ts
 * import { bidReview } from 'docket/machines';
 * // await engine.start('bid-review', { tenderNo: 'SZ-2026-031', title: '营销平台', customer: '深圳电信', submissionDeadline: '2026-11-20T09:30:00+08:00' }, { actor: bidManager });
 * ```
 */
export const bidReview = approvals.defineWorkflow({
  id: 'bid-review',
  version: 1,
  machine: bidReviewMachine,
  input: bidReviewInput,
  events: {
    PREQUAL_SUBMITTED: z.object({}),
    PREQUAL_PASSED: z.object({}),
    PREQUAL_FAILED: z.object({ reason: z.string().optional() }),
    TECHNICAL_READY: z.object({ note: z.string().optional() }),
    COMMERCIAL_READY: z.object({ quote: z.number().positive() }),
    PUBLISHED: z.object({ copies: z.number().int().positive().optional() }),
    BID_SUBMITTED: z.object({ note: z.string().optional() }),
    BOND_PAID: z.object({ amount: z.number().nonnegative() }),
    RESULT_WON: z.object({ contractAmount: z.number().positive(), serviceFee: z.number().nonnegative().optional() }),
    RESULT_LOST: z.object({ winner: z.string().optional() }),
    SERVICE_FEE_PAID: z.object({ amount: z.number().nonnegative() }),
    BOND_REFUNDED: z.object({ amount: z.number().nonnegative() }),
    ABANDON: z.object({ reason: z.string().min(1) }),
  },
  permissions: {
    start: ['bidManager'],
    PREQUAL_SUBMITTED: ['bidManager'],
    PREQUAL_PASSED: ['bidManager'],
    PREQUAL_FAILED: ['bidManager'],
    TECHNICAL_READY: ['bidManager', 'technical'],
    COMMERCIAL_READY: ['bidManager', 'costManager'],
    PUBLISHED: ['bidManager'],
    BID_SUBMITTED: ['bidManager'],
    BOND_PAID: ['finance', 'costManager'],
    RESULT_WON: ['bidManager'],
    RESULT_LOST: ['bidManager'],
    SERVICE_FEE_PAID: ['finance', 'costManager'],
    BOND_REFUNDED: ['finance', 'costManager'],
    ABANDON: ['bidManager', 'leadership'],
  },
  roles: {
    bidManager: { 'zh-CN': '投标管理', en: 'Bid manager' },
    technical: { 'zh-CN': '技术', en: 'Technical' },
    costManager: { 'zh-CN': '费用及数据管理', en: 'Cost and data management' },
    bidReviewer: { 'zh-CN': '标书评审人', en: 'Bid reviewer' },
    bidApprover: { 'zh-CN': '投标审核人', en: 'Bid approver' },
    finance: { 'zh-CN': '财务', en: 'Finance' },
    leadership: { 'zh-CN': '领导', en: 'Leadership' },
  },
  labels: workflowLabels({
    title: { 'zh-CN': '投标管理', en: 'Bid review' },
    states: stateLabelsOf(bidReviewMachine),
    deadlines: {
      submissionDeadline: { 'zh-CN': '投标截止时间', en: 'Bid submission deadline' },
      bondChase: { 'zh-CN': '保证金催缴', en: 'Bond payment reminder' },
      refundChase: { 'zh-CN': '保证金退款催收', en: 'Bond refund reminder' },
    },
    events: {
      PREQUAL_SUBMITTED: { 'zh-CN': '已递交资格预审文件', en: 'Prequalification submitted' },
      PREQUAL_PASSED: { 'zh-CN': '资格预审通过', en: 'Prequalification passed' },
      PREQUAL_FAILED: { 'zh-CN': '资格预审未通过', en: 'Prequalification failed' },
      TECHNICAL_READY: { 'zh-CN': '技术标完成', en: 'Technical part ready' },
      COMMERCIAL_READY: { 'zh-CN': '商务标完成', en: 'Commercial part ready' },
      PUBLISHED: { 'zh-CN': '标书已出版', en: 'Bid documents published' },
      BID_SUBMITTED: { 'zh-CN': '投标文件已递交', en: 'Bid submitted' },
      BOND_PAID: { 'zh-CN': '保证金已缴纳', en: 'Bond paid' },
      RESULT_WON: { 'zh-CN': '中标', en: 'Won' },
      RESULT_LOST: { 'zh-CN': '未中标', en: 'Lost' },
      SERVICE_FEE_PAID: { 'zh-CN': '中标服务费已支付', en: 'Service fee paid' },
      BOND_REFUNDED: { 'zh-CN': '保证金已退回', en: 'Bond refunded' },
      ABANDON: { 'zh-CN': '放弃投标', en: 'Abandon' },
    },
    guards: {
      needsPrequalification: { 'zh-CN': '需资格预审', en: 'needs prequalification' },
    },
  }),
  description: {
    'zh-CN': '招标登记 → 资格预审（可选）→ 技术/商务标编制 → 多人评审 → 审核 → 出版递交（截止时间为硬限制）→ 保证金 → 中标（服务费、转合同审批）或未中标（催退保证金）。',
    en: 'Tender → optional prequalification → technical and commercial parts → review → approval → publish and submit before the hard deadline → bond → won (fee, contract) or lost (bond refund chased).',
  },
});
