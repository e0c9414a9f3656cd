// One approval operation, described once: its event, who may do it, where it shows, what it does.
import type { z } from 'zod';
import type { Labels } from '../../engine/define-workflow.js';
import type { ApprovalChange } from '../approval-change.js';
import type { ApprovalContext, ApprovalStepSpec } from '../approval-types.js';
import type { OperationContext } from './operation-context.js';

/** How an operation changes a step: pure, returns the new context and effects or throws a DocketError. */
export type OperationApply = <C extends ApprovalContext>(op: OperationContext<C>) => ApprovalChange<C>;

/**
 * Everything the approval plugin knows about one operation a person performs on a step. The event
 * union, the zod schemas, the labels, the authorization's "for others" rule, the inbox's offered
 * actions and the reducer's dispatch are all derived from the list of these (`operations.ts`).
 */
export interface OperationDescriptor<T extends string = string, S extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>> {
  /** The event type (`APPROVE`). */
  readonly type: T;
  /** The payload schema (without `type`). */
  readonly schema: S;
  /** The operation's name in both languages (同意 / Approve). */
  readonly label: Labels;
  /**
   * Whether the act moves the process: decides the step or takes the request back (同意, 驳回, 退回修改,
   * 退回, 撤回). The others (加签, 减签, 转交, 委托, 认领, 抄送, 催办) change who is asked or told, never
   * where the request is; `docket/testing` leaves them out of path generation by default, so their
   * loops (催办 after 催办) do not grow the graph without end.
   */
  readonly moves: boolean;
  /**
   * Whether a delegate (委托) or stand-in (代理) may perform it for the assignee they act for; the act
   * is then recorded with `onBehalfOf`.
   */
  readonly forOthers: boolean;
  /**
   * Whether an inbox task offers it: `false` (never), `true` (always, when the step allows it),
   * `'unclaimed'` (only on an unclaimed group task, listed first), or a test of the step's spec.
   */
  readonly inbox: boolean | 'unclaimed' | ((spec: ApprovalStepSpec) => boolean);
  /**
   * Whether the event may be meant for a step where the person's task is pending but not yet their
   * turn (减签 and 转交 name a task that need not be actionable now).
   */
  readonly reachesWaitingTasks?: boolean;
  /**
   * Whether the act, naming no `step` nor `taskId`, is meant for every live step at once (parallel
   * branches) rather than for the one step where the actor has something to do (see `targetSteps`):
   * `'each'`, every live step, each of which must take it or the act is refused as a whole (撤回);
   * `'allowing'`, every live step whose `operations` allow it (催办).
   */
  readonly everyLiveStep?: 'each' | 'allowing';
  /** What the operation does to the step. */
  readonly apply: OperationApply;
}

/**
 * Declare an operation, keeping its literal `type` and its schema's type for the derived union.
 * Internal (see docs/approvals.md, "Adding an approval operation"), e.g. in
 * `src/approvals/operations/hold.ts`: `export const HOLD = defineOperation({ type: 'HOLD', schema:
 * z.object({ comment: z.string().optional() }), label: { 'zh-CN': '挂起', en: 'Hold' }, moves: false, forOthers: false,
 * inbox: true, apply: (op) => op.update({}, op.act({ type: 'CC' })) })`.
 */
export function defineOperation<const T extends string, S extends z.ZodObject>(descriptor: OperationDescriptor<T, S>): OperationDescriptor<T, S> {
  // Closed: a payload field the operation does not take is INVALID_PAYLOAD naming it, never dropped.
  // zod's default strips it, so `{ type: 'APPROVE', commnet: '…' }` was accepted as an approval whose
  // comment was lost from the record.
  return Object.freeze({ ...descriptor, schema: descriptor.schema.strict() as S });
}
