import { assign, setup } from 'xstate';
import { z } from 'zod';
import {
  approvalStep,
  branch,
  describeConditionBrief,
  departmentHead,
  effect,
  resubmitTo,
  role,
  supervisor,
  workingDays,
  type ApprovalContext,
  type ApprovalEvent,
  type DocketEventMeta,
  withApprovals,
} from '../src/index.js';
import { label, stateLabelsOf } from './shared/labels.js';
import { labelledStep } from './shared/labelled-step.js';

/** Default amounts (CNY) from which the department head, then the CEO, sign too; the diagram labels its branches with them. */
const DEFAULT_EXPENSE_THRESHOLDS = { director: 5_000, ceo: 20_000 } as const;

/** Start input of 费用报销: the claim, its lines, and the amounts from which more approvers sign. */
export const expenseReimbursementInput = z.object({
  title: z.string().min(1),
  department: z.string().min(1),
  items: z.array(z.object({ description: z.string().min(1), amount: z.number().positive(), category: z.string().default('other') })).min(1),
  thresholds: z
    .object({ director: z.number().positive().default(DEFAULT_EXPENSE_THRESHOLDS.director), ceo: z.number().positive().default(DEFAULT_EXPENSE_THRESHOLDS.ceo) })
    .default({ ...DEFAULT_EXPENSE_THRESHOLDS }),
});

export interface ExpenseReimbursementContext extends ApprovalContext {
  readonly title: string;
  readonly department: string;
  readonly items: readonly { readonly description: string; readonly amount: number; readonly category: string }[];
  readonly amount: number;
  readonly thresholds: { readonly director: number; readonly ceo: number };
  readonly level: 'manager' | 'director' | 'ceo';
  readonly paidAt: number | undefined;
  readonly voucherNo: string | undefined;
}

type Ev<T extends string, P = object> = { readonly type: T } & P & DocketEventMeta;
export type ExpenseReimbursementEvent = (ApprovalEvent & DocketEventMeta) | Ev<'SUBMIT', { note?: string; items?: ExpenseReimbursementContext['items'] }> | Ev<'PAID', { voucherNo: string }>;

const levelOf = (amount: number, t: { director: number; ceo: number }) => (amount >= t.ceo ? 'ceo' : amount >= t.director ? 'director' : 'manager');
const deadlines = { paymentRemind: workingDays(5, { time: '10:00' }) };
const steps = ['manager', 'director', 'ceo', 'financeCheck'] as const;
const common = {
  onRejected: '#expense.draft',
  onWithdrawn: '#expense.withdrawn',
  rejection: { return: 'submitter' as const },
  returns: { submitter: '#expense.draft' },
};

/** The approval plugin: events, actions, guards, authorization, inbox and labels, with the deadlines named once. */
const approvals = withApprovals({ deadlines, inbox: { data: (c: ExpenseReimbursementContext) => ({ title: c.title, amount: c.amount }) } });

export const expenseReimbursementMachine = setup({
  types: {} as { context: ExpenseReimbursementContext; events: ExpenseReimbursementEvent; input: z.output<typeof expenseReimbursementInput> & DocketEventMeta },
  actions: { ...approvals.actions, remindPayment: effect<{ title: string; amount: number }>() },
  guards: approvals.guards,
  delays: approvals.delays,
}).createMachine({
  id: 'expense',
  context: ({ input }) => {
    const amount = input.items.reduce((sum, i) => sum + i.amount, 0);
    return approvals.context(input, {
      title: input.title,
      department: input.department,
      items: input.items,
      amount,
      thresholds: input.thresholds,
      level: levelOf(amount, input.thresholds),
      paidAt: undefined,
      voucherNo: undefined,
    });
  },
  initial: 'draft',
  states: {
    draft: {
      meta: label('填写报销单', 'Draft'),
      on: {
        // A resubmission may replace the lines; the total and the routing follow.
        SUBMIT: resubmitTo(steps, 'manager').map((t) => ({
          ...t,
          actions: assign(({ context, event }: { context: ExpenseReimbursementContext; event: ExpenseReimbursementEvent }) => {
            const items = event.type === 'SUBMIT' && event.items ? event.items : context.items;
            const amount = items.reduce((sum, i) => sum + i.amount, 0);
            return { items, amount, level: levelOf(amount, context.thresholds) };
          }),
        })),
        WITHDRAW: 'withdrawn',
      },
    },
    manager: labelledStep(
      approvalStep({ id: 'manager', title: { 'zh-CN': '直属上级审批', en: 'Supervisor approval' }, mode: 'any', approvers: supervisor(), initiatorIsApprover: 'supervisor', onApproved: 'routeAfterManager', ...common }),
      '直属上级审批',
      'Supervisor approval',
    ),
    routeAfterManager: {
      meta: label('按金额分流', 'Route by amount'),
      // The level was fixed from the amount at submission; the labels say so at the default thresholds.
      always: branch([
        { when: { field: 'level', in: ['director', 'ceo'] }, target: 'director', label: describeConditionBrief({ field: 'amount', gte: DEFAULT_EXPENSE_THRESHOLDS.director }) },
        { target: 'financeCheck', label: describeConditionBrief({ field: 'amount', lt: DEFAULT_EXPENSE_THRESHOLDS.director }) },
      ]),
    },
    director: labelledStep(
      approvalStep({ id: 'director', title: { 'zh-CN': '部门负责人审批', en: 'Department head approval' }, mode: 'any', approvers: departmentHead({ field: 'department' }), dedupe: true, onApproved: 'routeAfterDirector', ...common }),
      '部门负责人审批',
      'Department head approval',
    ),
    routeAfterDirector: {
      meta: label('按金额分流', 'Route by amount'),
      always: branch([
        { when: { field: 'level', eq: 'ceo' }, target: 'ceo', label: describeConditionBrief({ field: 'amount', gte: DEFAULT_EXPENSE_THRESHOLDS.ceo }) },
        { target: 'financeCheck', label: describeConditionBrief({ field: 'amount', lt: DEFAULT_EXPENSE_THRESHOLDS.ceo }) },
      ]),
    },
    ceo: labelledStep(
      approvalStep({ id: 'ceo', title: { 'zh-CN': '总经理审批', en: 'CEO approval' }, mode: 'any', approvers: role('ceo'), onApproved: 'financeCheck', ...common }),
      '总经理审批',
      'CEO approval',
    ),
    financeCheck: labelledStep(
      approvalStep({ id: 'financeCheck', title: { 'zh-CN': '财务审核', en: 'Finance check' }, mode: 'any', approvers: role('finance', { claim: true }), onApproved: 'payment', ...common }),
      '财务审核（认领）',
      'Finance check (claimed by one)',
    ),
    payment: {
      meta: label('待付款', 'Awaiting payment'),
      after: { paymentRemind: { target: 'payment', reenter: true, actions: { type: 'remindPayment', params: ({ context }) => ({ title: context.title, amount: context.amount }) } } },
      on: { PAID: { target: 'paid', actions: assign({ paidAt: ({ event }) => event.$at, voucherNo: ({ event }) => event.voucherNo }) } },
    },
    paid: { meta: label('已付款', 'Paid'), type: 'final' },
    withdrawn: { meta: label('已撤回', 'Withdrawn'), type: 'final' },
  },
});

/**
 * 费用报销 — expense reimbursement with amount-based routing: supervisor → department head (from
 * `thresholds.director`) → CEO (from `thresholds.ceo`) → finance check (a group task one finance
 * member claims) → payment, reminded every 5 working days until paid. A rejection returns the claim
 * to its author; the author may withdraw until someone acted.
 *
 * @example
 * ```ts
 * import { expenseReimbursement } from 'docket/machines';
 * // await engine.start('expense-reimbursement', { title: '11月差旅', department: 'sales', items: [{ description: '机票', amount: 1800 }] }, { actor: staff });
 * ```
 */
export const expenseReimbursement = approvals.defineWorkflow({
  id: 'expense-reimbursement',
  version: 1,
  machine: expenseReimbursementMachine,
  input: expenseReimbursementInput,
  events: {
    SUBMIT: z.object({
      note: z.string().optional(),
      items: z.array(z.object({ description: z.string().min(1), amount: z.number().positive(), category: z.string().default('other') })).min(1).optional(),
    }), PAID: z.object({ voucherNo: z.string().min(1) }),
  },
  permissions: { PAID: ['finance'] },
  authorize: (args, approvals) => {
    if (args.event.type === 'WITHDRAW' && args.snapshot.matches('draft')) {
      return args.actor.id === args.instance.initiator ? true : `Only ${args.instance.initiator} may withdraw this claim.`;
    }
    if (args.event.type === 'SUBMIT') return args.actor.id === args.instance.initiator ? true : `Only ${args.instance.initiator} submits this claim.`;
    return approvals(args);
  },
  roles: {
    finance: { 'zh-CN': '财务', en: 'Finance' },
    ceo: { 'zh-CN': '总经理', en: 'CEO' },
  },
  labels: {
    title: { 'zh-CN': '费用报销', en: 'Expense reimbursement' },
    states: stateLabelsOf(expenseReimbursementMachine),
    deadlines: {
      paymentRemind: { 'zh-CN': '付款提醒', en: 'Payment reminder' },
    },
    events: {
      SUBMIT: { 'zh-CN': '提交报销', en: 'Submit' },
      PAID: { 'zh-CN': '已付款', en: 'Paid' },
    },
  },
  description: {
    'zh-CN': '填写报销单 → 直属上级 → 按金额部门负责人、总经理 → 财务审核 → 付款。',
    en: 'Draft → supervisor → by amount department head and CEO → finance check → payment.',
  },
});
