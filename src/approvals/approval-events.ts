import { z } from 'zod';

const step = z.string().min(1).optional();
const taskId = z.string().min(1).optional();
const comment = z.string().optional();
const user = z.string().min(1);

/**
 * The zod schemas of every approval operation, to spread into `defineWorkflow({ events })`. Each act
 * may name its step (`step`) or inbox task (`taskId`); without them, the step where the actor has
 * an open task is meant.
 *
 * | 中文 | English | event |
 * |---|---|---|
 * | 同意 | approve | `APPROVE` |
 * | 拒绝 / 驳回 | reject | `REJECT` |
 * | 要求修改 | request changes | `REQUEST_CHANGES` |
 * | 退回 | return | `RETURN` |
 * | 加签 | add a signer | `ADD_SIGNER` |
 * | 减签 | remove a signer | `REMOVE_SIGNER` |
 * | 转交 | transfer | `TRANSFER` |
 * | 委托 | delegate | `DELEGATE` |
 * | 认领 | claim | `CLAIM` |
 * | 撤回 | withdraw | `WITHDRAW` |
 * | 抄送 | copy (CC) | `CC` |
 * | 催办 | remind | `REMIND` |
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { approvalEvents } from 'docket';
 * const events = { ...approvalEvents, SUBMIT: z.object({}) };
 * events.ADD_SIGNER.parse({ users: ['zhao'], position: 'after' });
 * ```
 */
export const approvalEvents = {
  APPROVE: z.object({ step, taskId, comment }),
  REJECT: z.object({ step, taskId, comment }),
  REQUEST_CHANGES: z.object({ step, taskId, comment: z.string().min(1) }),
  RETURN: z.object({ step, taskId, comment, to: z.string().min(1).optional() }),
  ADD_SIGNER: z.object({ step, taskId, comment, users: z.array(user).min(1), position: z.enum(['before', 'after', 'alongside']) }),
  REMOVE_SIGNER: z.object({ step, comment, user }),
  TRANSFER: z.object({ step, taskId, comment, to: user, from: user.optional() }),
  DELEGATE: z.object({ step, taskId, comment, to: user }),
  CLAIM: z.object({ step, taskId }),
  WITHDRAW: z.object({ comment }),
  CC: z.object({ step, comment, users: z.array(user).min(1) }),
  REMIND: z.object({ step, comment }),
};

/** The approval event schemas' type. */
export type ApprovalEventSchemas = typeof approvalEvents;

/**
 * The approval events as the machine sees them (a union on `type`), for `setup({ types: { events } })`.
 *
 * @example
 * ```ts
 * import type { ApprovalEvent } from 'docket';
 * type MyEvent = ApprovalEvent | { type: 'SUBMIT' };
 * ```
 */
export type ApprovalEvent = {
  [K in keyof ApprovalEventSchemas]: { type: K } & z.output<ApprovalEventSchemas[K]>;
}[keyof ApprovalEventSchemas];

/** The approval event types.
 *
 * @example
 * ```ts
 * import { APPROVAL_EVENT_TYPES } from 'docket';
 * APPROVAL_EVENT_TYPES.includes('ADD_SIGNER'); // true
 * ```
 */
export const APPROVAL_EVENT_TYPES = Object.keys(approvalEvents) as (keyof ApprovalEventSchemas)[];
