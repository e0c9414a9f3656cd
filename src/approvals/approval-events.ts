import { operationSchemas, type ApprovalEventSchemas } from './operations.js';

export type { ApprovalEvent, ApprovalEventSchemas } from './operations.js';

/**
 * The zod schemas of every approval operation (derived from the operations list, `operations.ts`), to spread into `defineWorkflow({ events })`. Each act
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
 * import { approvalEvents } from './approval-events.js';
 * const events = { ...approvalEvents, SUBMIT: z.object({}) };
 * events.ADD_SIGNER.parse({ users: ['zhao'], position: 'after' });
 * ```
 */
export const approvalEvents: ApprovalEventSchemas = operationSchemas;

/** The approval event types.
 *
 * @example
 * ```ts
 * import { APPROVAL_EVENT_TYPES } from './approval-events.js';
 * APPROVAL_EVENT_TYPES.includes('ADD_SIGNER'); // true
 * ```
 */
export const APPROVAL_EVENT_TYPES = Object.keys(approvalEvents) as (keyof ApprovalEventSchemas)[];
