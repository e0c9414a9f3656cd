// The approval operations, in one list: the event union, schemas, labels, the authorization's "for
// others" rule, the inbox's actions and the reducer's dispatch are all derived from it.
// A new operation: one file in ./operations/ exporting a descriptor (defineOperation), plus one line here.
import { z } from 'zod';
import type { Labels } from '../engine/define-workflow.js';
import { ADD_SIGNER } from './operations/add-signer.js';
import { APPROVE, REJECT } from './operations/approve-or-reject.js';
import { CC } from './operations/cc.js';
import { CLAIM } from './operations/claim.js';
import type { OperationApply, OperationDescriptor } from './operations/operation-descriptor.js';
import { remind, REMIND } from './operations/remind.js';
import { REMOVE_SIGNER } from './operations/remove-signer.js';
import { REQUEST_CHANGES, RETURN } from './operations/return-step.js';
import { timeout } from './operations/timeout.js';
import { DELEGATE, TRANSFER } from './operations/transfer-or-delegate.js';
import { WITHDRAW } from './operations/withdraw.js';

/** Every operation a person can perform on an approval step, in the order the inbox lists them. */
export const APPROVAL_OPERATIONS = [
  APPROVE,
  REJECT,
  REQUEST_CHANGES,
  RETURN,
  ADD_SIGNER,
  REMOVE_SIGNER,
  TRANSFER,
  DELEGATE,
  CLAIM,
  WITHDRAW,
  CC,
  REMIND,
] as const;

type Operations = (typeof APPROVAL_OPERATIONS)[number];

/**
 * The operations a delegate (委托) or stand-in (代理) may perform for the assignee they act for
 * (`forOthers`): what the authorization accepts from a deputy for a task's holder, and so what a
 * deputy's inbox offers of the holder's task (the workflow's `standInActions`).
 */
export const APPROVAL_FOR_OTHERS: readonly ApprovalOperationType[] = APPROVAL_OPERATIONS.filter((d) => d.forOthers).map((d) => d.type);

/** The approval operations' event types. */
export type ApprovalOperationType = Operations['type'];

/** The zod schema of each approval operation, by event type. */
export type ApprovalEventSchemas = { readonly [D in Operations as D['type']]: D['schema'] };

/** The approval events as the machine sees them (a union on `type`). */
export type ApprovalEvent = { [D in Operations as D['type']]: { type: D['type'] } & z.output<D['schema']> }[ApprovalOperationType];

/** The engine's own acts on a step (deadline passed, scheduled reminder): dispatched like operations, never sent by people. */
const SYSTEM_OPERATIONS: Readonly<Record<'TIMEOUT' | 'REMIND_TIMER', OperationApply>> = {
  TIMEOUT: timeout,
  REMIND_TIMER: (op) => remind(op, 'REMIND_TIMER'),
};

const BY_TYPE = new Map<string, OperationDescriptor>(APPROVAL_OPERATIONS.map((d) => [d.type, d as OperationDescriptor]));

/** The descriptor of a person's operation, or `undefined` for any other event type. */
export function operationOf(type: string): OperationDescriptor | undefined {
  return BY_TYPE.get(type);
}

/** How an event type changes a step (a person's operation or the engine's timer act), or `undefined`. */
export function applyOf(type: string): OperationApply | undefined {
  return BY_TYPE.get(type)?.apply ?? (type === 'TIMEOUT' || type === 'REMIND_TIMER' ? SYSTEM_OPERATIONS[type] : undefined);
}

/** The schemas, keyed by event type, from the list. */
export const operationSchemas = Object.fromEntries(APPROVAL_OPERATIONS.map((d) => [d.type, d.schema])) as unknown as ApprovalEventSchemas;

/** The labels, keyed by event type, from the list. */
export const operationLabels = Object.fromEntries(APPROVAL_OPERATIONS.map((d) => [d.type, d.label])) as { readonly [K in ApprovalOperationType]: Labels };
