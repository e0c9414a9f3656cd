import type { Labels } from '../engine/define-workflow.js';
import type { approvalEvents } from './approval-events.js';

/**
 * The approval operations' names in both languages, keyed like {@link approvalEvents}: spread them
 * into a workflow's `labels.events` beside its own events.
 *
 * @example
 * ```ts
 * import { approvalEventLabels } from 'docket';
 * const events = { ...approvalEventLabels, SUBMIT: { 'zh-CN': '提交审批', en: 'Submit' } };
 * events.ADD_SIGNER['zh-CN']; // '加签'
 * ```
 */
export const approvalEventLabels: { readonly [K in keyof typeof approvalEvents]: Labels } = {
  APPROVE: { 'zh-CN': '同意', en: 'Approve' },
  REJECT: { 'zh-CN': '驳回', en: 'Reject' },
  REQUEST_CHANGES: { 'zh-CN': '退回修改', en: 'Request changes' },
  RETURN: { 'zh-CN': '退回', en: 'Return' },
  ADD_SIGNER: { 'zh-CN': '加签', en: 'Add signer' },
  REMOVE_SIGNER: { 'zh-CN': '减签', en: 'Remove signer' },
  TRANSFER: { 'zh-CN': '转交', en: 'Transfer' },
  DELEGATE: { 'zh-CN': '委托', en: 'Delegate' },
  CLAIM: { 'zh-CN': '认领', en: 'Claim' },
  WITHDRAW: { 'zh-CN': '撤回', en: 'Withdraw' },
  CC: { 'zh-CN': '抄送', en: 'Copy to' },
  REMIND: { 'zh-CN': '催办', en: 'Remind' },
};
