import { assign, setup } from 'xstate';
import { z } from 'zod';
import {
  approvalStep,
  branch,
  describeConditionBrief,
  departmentHead,
  duration,
  effect,
  resubmitTo,
  role,
  workingDays,
  type ApprovalContext,
  type ApprovalEvent,
  type DocketEventMeta,
  withApprovals,
} from '../src/index.js';
import { label, stateLabelsOf, workflowLabels } from './shared/labels.js';
import { labelledStep } from './shared/labelled-step.js';

/** Default amount thresholds (CNY) from which the chain gets longer; the diagram labels its branches with them. */
const DEFAULT_CONTRACT_THRESHOLDS = { vp: 500_000, ceo: 2_000_000 } as const;

/** Amount thresholds (CNY) from which the chain gets longer. */
export const contractThresholds = z.object({
  vp: z.number().positive().default(DEFAULT_CONTRACT_THRESHOLDS.vp),
  ceo: z.number().positive().default(DEFAULT_CONTRACT_THRESHOLDS.ceo),
});

/** Start input of 合同评审/审批. `source` links a contract to the bid it came from. */
export const contractApprovalInput = z.object({
  contractNo: z.string().min(1),
  title: z.string().min(1),
  customer: z.string().min(1),
  /** Contract value in CNY. */
  amount: z.number().positive(),
  /** The initiating department; its head approves first. */
  department: z.string().min(1),
  thresholds: contractThresholds.default({ ...DEFAULT_CONTRACT_THRESHOLDS }),
  source: z.object({ bidInstanceId: z.string().optional(), tenderNo: z.string().optional() }).optional(),
});

/** How long the approval chain is, from the amount: department head; + VP; + CEO. */
export type ContractApprovalLevel = 'department' | 'vp' | 'ceo';

export function approvalLevelFor(amount: number, thresholds: { readonly vp: number; readonly ceo: number }): ContractApprovalLevel {
  return amount >= thresholds.ceo ? 'ceo' : amount >= thresholds.vp ? 'vp' : 'department';
}

export interface ContractApprovalContext extends ApprovalContext {
  readonly contractNo: string;
  readonly title: string;
  readonly customer: string;
  readonly amount: number;
  readonly department: string;
  readonly thresholds: { readonly vp: number; readonly ceo: number };
  readonly approvalLevel: ContractApprovalLevel;
  readonly source: { readonly bidInstanceId?: string | undefined; readonly tenderNo?: string | undefined } | undefined;
  readonly submissions: number;
  readonly signedOn: string | undefined;
  readonly archiveNo: string | undefined;
  readonly erpCustomerCode: string | undefined;
  readonly erpOrderNo: string | undefined;
  readonly payments: readonly { readonly amount: number; readonly at: number; readonly invoiceNo: string | undefined }[];
  readonly paid: number;
}

type Ev<T extends string, P = object> = { readonly type: T } & P & DocketEventMeta;
export type ContractApprovalEvent =
  | (ApprovalEvent & DocketEventMeta)
  | Ev<'SUBMIT', { amount?: number; note?: string }>
  | Ev<'SIGNED', { signedOn: string; note?: string }>
  | Ev<'ARCHIVED', { archiveNo: string }>
  | Ev<'ERP_CUSTOMER_CREATED', { customerCode: string }>
  | Ev<'ERP_ORDER_CREATED', { orderNo: string }>
  | Ev<'KICKOFF_HELD', { note?: string }>
  | Ev<'PAYMENT_RECEIVED', { amount: number; invoiceNo?: string }>;

const deadlines = {
  signingRemind: workingDays(5, { time: '10:00' }),
  receivableChase: duration({ days: 30 }),
};

/** The approval plugin: events, actions, guards, authorization, inbox and labels, with the deadlines named once. */
const approvals = withApprovals({ deadlines, inbox: { data: (c: ContractApprovalContext) => ({ contractNo: c.contractNo, customer: c.customer, amount: c.amount }) } });

const approvalSteps = ['review', 'departmentApproval', 'vpApproval', 'ceoApproval'] as const;
const common = {
  onRejected: '#contractApproval.draft',
  onWithdrawn: '#contractApproval.withdrawn',
  rejection: { return: 'submitter' as const },
  returns: { submitter: '#contractApproval.draft' },
  withdraw: 'anytime' as const,
  // TODO(approvals): add `remind: { every: 'approvalRemind' }` once the step's 'approval.remind' effect no
  // longer shares its name with the 'approval.remind' action (today the effect re-runs the action forever).
};

export const contractApprovalMachine = setup({
  types: {} as {
    context: ContractApprovalContext;
    events: ContractApprovalEvent;
    input: z.output<typeof contractApprovalInput> & DocketEventMeta;
  },
  actions: {
    ...approvals.actions,
    erpCreateCustomer: effect<{ contractNo: string; customer: string }>(),
    erpCreateSalesOrder: effect<{ contractNo: string; customerCode: string | undefined; amount: number }>(),
    remindSigning: effect<{ contractNo: string }>(),
    chaseReceivable: effect<{ contractNo: string; customer: string; outstanding: number }>(),
    contractClosed: effect<{ contractNo: string; amount: number; paid: number }>(),
    recordPayment: assign({
      payments: ({ context, event }) =>
        event.type === 'PAYMENT_RECEIVED' ? [...context.payments, { amount: event.amount, at: event.$at ?? 0, invoiceNo: event.invoiceNo }] : context.payments,
      paid: ({ context, event }) => (event.type === 'PAYMENT_RECEIVED' ? context.paid + event.amount : context.paid),
    }),
  },
  guards: {
    ...approvals.guards,
    settles: ({ context, event }) => event.type === 'PAYMENT_RECEIVED' && context.paid + event.amount >= context.amount,
  },
  delays: approvals.delays,
}).createMachine({
  id: 'contractApproval',
  context: ({ input }) =>
    approvals.context(input, {
      contractNo: input.contractNo,
      title: input.title,
      customer: input.customer,
      amount: input.amount,
      department: input.department,
      thresholds: input.thresholds,
      approvalLevel: approvalLevelFor(input.amount, input.thresholds),
      source: input.source,
      submissions: 0,
      signedOn: undefined,
      archiveNo: undefined,
      erpCustomerCode: undefined,
      erpOrderNo: undefined,
      payments: [],
      paid: 0,
    }),
  initial: 'draft',
  states: {
    draft: {
      meta: label('起草 / 修改合同', 'Draft'),
      on: {
        SUBMIT: resubmitTo(approvalSteps, 'review').map((t) => ({
          ...t,
          actions: assign({
            submissions: ({ context }: { context: ContractApprovalContext }) => context.submissions + 1,
            amount: ({ context, event }: { context: ContractApprovalContext; event: ContractApprovalEvent }) =>
              event.type === 'SUBMIT' && event.amount !== undefined ? event.amount : context.amount,
            approvalLevel: ({ context, event }: { context: ContractApprovalContext; event: ContractApprovalEvent }) =>
              approvalLevelFor(event.type === 'SUBMIT' && event.amount !== undefined ? event.amount : context.amount, context.thresholds),
          }),
        })),
        WITHDRAW: 'withdrawn',
      },
    },
    review: labelledStep(
      approvalStep({
        id: 'review',
        title: { 'zh-CN': '法务、财务、技术会签', en: 'Legal, finance and technical review (all sign)' },
        mode: 'all',
        approvers: [role('legal'), role('finance'), role('technical')],
        onApproved: 'departmentApproval',
        ...common,
      }),
      '合同评审（会签）',
      'Contract review (all sign)',
    ),
    departmentApproval: labelledStep(
      approvalStep({
        id: 'departmentApproval',
        title: { 'zh-CN': '部门负责人审批', en: 'Department head approval' },
        mode: 'any',
        approvers: departmentHead({ field: 'department' }),
        onApproved: 'afterDepartment',
        ...common,
      }),
      '部门负责人审批',
      'Department head approval',
    ),
    afterDepartment: {
      meta: label('按金额分流', 'Route by amount'),
      // The level was fixed from the amount at submission; the labels say so at the default thresholds.
      always: branch([
        { when: { field: 'approvalLevel', in: ['vp', 'ceo'] }, target: 'vpApproval', label: describeConditionBrief({ field: 'amount', gte: DEFAULT_CONTRACT_THRESHOLDS.vp }) },
        { target: 'signing', label: describeConditionBrief({ field: 'amount', lt: DEFAULT_CONTRACT_THRESHOLDS.vp }) },
      ]),
    },
    vpApproval: labelledStep(
      approvalStep({ id: 'vpApproval', title: { 'zh-CN': '分管副总审批', en: 'VP approval' }, mode: 'any', approvers: role('vp'), onApproved: 'afterVp', ...common }),
      '分管副总审批',
      'VP approval',
    ),
    afterVp: {
      meta: label('按金额分流', 'Route by amount'),
      always: branch([
        { when: { field: 'approvalLevel', eq: 'ceo' }, target: 'ceoApproval', label: describeConditionBrief({ field: 'amount', gte: DEFAULT_CONTRACT_THRESHOLDS.ceo }) },
        { target: 'signing', label: describeConditionBrief({ field: 'amount', lt: DEFAULT_CONTRACT_THRESHOLDS.ceo }) },
      ]),
    },
    ceoApproval: labelledStep(
      approvalStep({ id: 'ceoApproval', title: { 'zh-CN': '总经理审批', en: 'CEO approval' }, mode: 'any', approvers: role('ceo'), onApproved: 'signing', ...common }),
      '总经理审批',
      'CEO approval',
    ),
    signing: {
      meta: label('合同签署', 'Signing'),
      after: { signingRemind: { target: 'signing', reenter: true, actions: { type: 'remindSigning', params: ({ context }) => ({ contractNo: context.contractNo }) } } },
      on: { SIGNED: { target: 'archiving', actions: assign({ signedOn: ({ event }) => event.signedOn }) }, WITHDRAW: 'withdrawn' },
    },
    archiving: {
      meta: label('合同归档', 'Archiving'),
      on: { ARCHIVED: { target: 'erpCustomer', actions: assign({ archiveNo: ({ event }) => event.archiveNo }) } },
    },
    erpCustomer: {
      meta: label('ERP客户申请', 'ERP customer application'),
      entry: { type: 'erpCreateCustomer', params: ({ context }) => ({ contractNo: context.contractNo, customer: context.customer }) },
      on: { ERP_CUSTOMER_CREATED: { target: 'erpOrder', actions: assign({ erpCustomerCode: ({ event }) => event.customerCode }) } },
    },
    erpOrder: {
      meta: label('ERP销售订单', 'ERP sales order'),
      entry: {
        type: 'erpCreateSalesOrder',
        params: ({ context }) => ({ contractNo: context.contractNo, customerCode: context.erpCustomerCode, amount: context.amount }),
      },
      on: { ERP_ORDER_CREATED: { target: 'kickoff', actions: assign({ erpOrderNo: ({ event }) => event.orderNo }) } },
    },
    kickoff: {
      meta: label('项目启动会', 'Project kickoff'),
      on: { KICKOFF_HELD: 'receivables' },
    },
    receivables: {
      meta: label('回款跟踪', 'Receivables'),
      after: {
        receivableChase: {
          target: 'receivables',
          reenter: true,
          actions: {
            type: 'chaseReceivable',
            params: ({ context }) => ({ contractNo: context.contractNo, customer: context.customer, outstanding: context.amount - context.paid }),
          },
        },
      },
      on: {
        PAYMENT_RECEIVED: [
          { guard: 'settles', target: 'closed', actions: 'recordPayment' },
          { actions: 'recordPayment' },
        ],
      },
    },
    closed: {
      meta: label('回款完成，合同关闭', 'Fully paid, closed'),
      type: 'final',
      entry: { type: 'contractClosed', params: ({ context }) => ({ contractNo: context.contractNo, amount: context.amount, paid: context.paid }) },
    },
    withdrawn: { meta: label('发起人撤回', 'Withdrawn by the initiator'), type: 'final' },
  },
});

/**
 * 合同评审 / 合同审批 — contract approval: draft → legal, finance and technical review (会签, all
 * must approve) → department head → VP (from `thresholds.vp`) → CEO (from `thresholds.ceo`) →
 * signing → archive → ERP customer and sales order (effects) → kickoff → receivables chased every
 * 30 days until fully paid → closed. A rejection or a request for changes returns it to the draft
 * with comments; the initiator may withdraw until it is signed.
 *
 * @example
 * ```ts
 * import { contractApproval } from 'docket/machines';
 * // await engine.start('contract-approval', { contractNo: 'HT-2026-118', title: '营销平台', customer: '深圳电信', amount: 880_000, department: 'sales' }, { actor: sales });
 * ```
 */
export const contractApproval = approvals.defineWorkflow({
  id: 'contract-approval',
  version: 1,
  machine: contractApprovalMachine,
  input: contractApprovalInput,
  events: {
    SUBMIT: z.object({ amount: z.number().positive().optional(), note: z.string().optional() }),
    SIGNED: z.object({ signedOn: z.iso.date(), note: z.string().optional() }),
    ARCHIVED: z.object({ archiveNo: z.string().min(1) }),
    ERP_CUSTOMER_CREATED: z.object({ customerCode: z.string().min(1) }),
    ERP_ORDER_CREATED: z.object({ orderNo: z.string().min(1) }),
    KICKOFF_HELD: z.object({ note: z.string().optional() }),
    PAYMENT_RECEIVED: z.object({ amount: z.number().positive(), invoiceNo: z.string().optional() }),
  },
  permissions: {
    start: ['sales', 'bidManager', 'system'],
    SIGNED: ['contractAdmin'],
    ARCHIVED: ['contractAdmin'],
    ERP_CUSTOMER_CREATED: ['contractAdmin', 'system'],
    ERP_ORDER_CREATED: ['contractAdmin', 'system'],
    KICKOFF_HELD: ['contractAdmin', 'sales'],
    PAYMENT_RECEIVED: ['finance'],
  },
  authorize: (args, approvals) => {
    // 撤回 from the draft or while signing is outside any approval step: the initiator's call alone.
    if (args.event.type === 'WITHDRAW' && (args.snapshot.matches('draft') || args.snapshot.matches('signing'))) {
      return args.actor.id === args.instance.initiator ? true : `Only the initiator (${args.instance.initiator}) may withdraw this contract.`;
    }
    if (args.event.type === 'SUBMIT' && args.actor.id !== args.instance.initiator) return `Only the initiator (${args.instance.initiator}) submits this contract.`;
    return approvals(args);
  },
  roles: {
    sales: { 'zh-CN': '业务发起人', en: 'Sales (initiator)' },
    legal: { 'zh-CN': '法务', en: 'Legal' },
    finance: { 'zh-CN': '财务', en: 'Finance' },
    technical: { 'zh-CN': '技术', en: 'Technical' },
    manager: { 'zh-CN': '部门负责人', en: 'Department head' },
    vp: { 'zh-CN': '分管副总', en: 'Vice president' },
    ceo: { 'zh-CN': '总经理', en: 'CEO' },
    contractAdmin: { 'zh-CN': '合同管理（部门助理）', en: 'Contract administrator' },
    bidManager: { 'zh-CN': '投标管理', en: 'Bid manager' },
  },
  labels: workflowLabels({
    title: { 'zh-CN': '合同评审与审批', en: 'Contract approval' },
    states: stateLabelsOf(contractApprovalMachine),
    deadlines: {
      signingRemind: { 'zh-CN': '签署提醒', en: 'Signing reminder' },
      receivableChase: { 'zh-CN': '回款催收', en: 'Receivable reminder' },
    },
    events: {
      SUBMIT: { 'zh-CN': '提交审批', en: 'Submit' },
      SIGNED: { 'zh-CN': '合同已签署', en: 'Signed' },
      ARCHIVED: { 'zh-CN': '合同已归档', en: 'Archived' },
      ERP_CUSTOMER_CREATED: { 'zh-CN': 'ERP客户已建立', en: 'ERP customer created' },
      ERP_ORDER_CREATED: { 'zh-CN': 'ERP销售订单已建立', en: 'ERP sales order created' },
      KICKOFF_HELD: { 'zh-CN': '已召开项目启动会', en: 'Kickoff held' },
      PAYMENT_RECEIVED: { 'zh-CN': '收到回款', en: 'Payment received' },
    },
    guards: {
      settles: { 'zh-CN': '回款结清', en: 'paid in full' },
    },
  }),
  description: {
    'zh-CN': '合同起草 → 法务/财务/技术会签 → 按金额逐级审批 → 签署 → 归档 → ERP客户与销售订单 → 项目启动 → 回款跟踪至结清。',
    en: 'Draft → legal/finance/technical review → amount-based approval chain → signing → archive → ERP → kickoff → receivables until paid.',
  },
});
