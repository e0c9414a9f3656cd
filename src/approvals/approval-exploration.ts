// What the approval plugin tells a path explorer (docket/testing) about a machine built from approval
// steps: its steps, which operations move the process, and a state identity under which loops of
// acts that change nothing that matters (催办 after 催办, reject-and-resubmit rounds) collapse.
// Pure data over the machine and its context; the testing layer reads it, this layer knows nothing of it.
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { ApprovalAssignment, ApprovalContext, ApprovalOperation, ApprovalStepSpec } from './approval-types.js';
import { APPROVAL_OPERATIONS } from './operations.js';

/** How a machine built from approval steps can be explored. */
export interface ApprovalExploration {
  /** The approval steps of the machine (their specs), in document order. */
  readonly steps: readonly ApprovalStepSpec[];
  /** Operations that move the process (同意, 驳回, 退回修改, 退回, 撤回), in the operations' order. */
  readonly decisions: readonly ApprovalOperation[];
  /** Operations that change who is asked or told, never where the request is (加签, 减签, 转交, 委托, 认领, 抄送, 催办). */
  readonly operations: readonly ApprovalOperation[];
}

/** The operations that move the process, and the ones that do not, from the operations list. */
export const APPROVAL_DECISIONS: readonly ApprovalOperation[] = APPROVAL_OPERATIONS.filter((d) => d.moves).map((d) => d.type);
const NON_DECISIONS: readonly ApprovalOperation[] = APPROVAL_OPERATIONS.filter((d) => !d.moves).map((d) => d.type);

/**
 * The approval steps of a machine and how its operations divide, or `undefined` when no state node is
 * an `approvalStep` (the machine is not an approval workflow).
 *
 * @example
 * ```ts
 * import { setup } from 'xstate';
 * import { approvalExplorationOf, approvalStep, users, withApprovals, type ApprovalContext, type ApprovalEvent } from './index.js';
 * const approvals = withApprovals();
 * const machine = setup({ types: {} as { context: ApprovalContext; events: ApprovalEvent }, actions: approvals.actions, guards: approvals.guards }).createMachine({
 *   context: ({ input }) => approvals.context(input),
 *   initial: 'legal',
 *   states: { legal: approvalStep({ id: 'legal', mode: 'all', approvers: users('zhao', 'qian'), onApproved: 'done', onRejected: 'done' }), done: { type: 'final' } },
 * });
 * approvalExplorationOf(machine)?.decisions; // ['APPROVE', 'REJECT', 'REQUEST_CHANGES', 'RETURN', 'WITHDRAW']
 * ```
 */
export function approvalExplorationOf(machine: AnyStateMachine): ApprovalExploration | undefined {
  const steps: ApprovalStepSpec[] = [];
  const walk = (node: AnyStateNode) => {
    const spec = (node.meta as { approval?: ApprovalStepSpec } | undefined)?.approval;
    if (spec && typeof spec.id === 'string') steps.push(spec);
    for (const child of Object.values(node.states) as AnyStateNode[]) walk(child);
  };
  walk(machine.root);
  if (steps.length === 0) return undefined;
  return { steps, decisions: APPROVAL_DECISIONS, operations: NON_DECISIONS };
}

/**
 * The approval part of a context as far as it decides what can happen next: per active step, who is
 * asked in which order and how each has decided (task ids renumbered, so a 转交 chain or a new round
 * gives the same key), the outcome, and the flow facts (去重's last approvers, 撤回's "acted" and the
 * steps acted on, whether the request is back with its submitter, a pending jump back). Left out: the act log, rounds, instants, comments and copies (抄送), which only grow.
 * Two contexts with the same key accept the same acts and lead to the same states.
 *
 * @example
 * ```ts
 * import { approvalStateKey } from './approval-exploration.js';
 * const flow = { resume: null, lastApproved: null, acted: false };
 * approvalStateKey({ initiator: 'li', approvals: {}, approvalFlow: flow }); // { initiator: 'li', steps: [], flow: … }
 * ```
 */
export function approvalStateKey(context: ApprovalContext): unknown {
  const steps = Object.keys(context.approvals ?? {})
    .sort()
    .flatMap((id) => {
      const state = context.approvals[id]!;
      if (!state.active) return [];
      const index = new Map(state.assignments.map((a, i) => [a.id, i]));
      const ref = (id: string | undefined) => (id === undefined ? null : (index.get(id) ?? id));
      const people = state.assignments.map((a: ApprovalAssignment) => [a.user, a.status, a.waitsFor.map(ref), a.group?.role ?? null, a.delegate ?? null, a.actedBy ?? null, ref(a.vote)]);
      return [[id, people, state.outcome]];
    });
  const flow = context.approvalFlow;
  return {
    initiator: context.initiator,
    steps,
    flow: flow && {
      resume: flow.resume?.step ?? null,
      last: flow.lastApproved && [flow.lastApproved.step, [...flow.lastApproved.users].sort()],
      acted: flow.acted,
      // Which steps were acted on (撤回 is judged per branch) and whether the next entry is a new submission.
      actedOn: [...(flow.actedOn ?? [])].sort(),
      withSubmitter: flow.withSubmitter === true,
    },
  };
}
