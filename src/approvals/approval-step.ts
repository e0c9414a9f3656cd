import { APPROVAL_EVENT_TYPES } from './approval-events.js';
import type { ApprovalStepSpec } from './approval-types.js';
import { declaredReturn } from './return-rule.js';
import { plainInput } from '../input/plain-input.js';
import { DocketError } from '../errors.js';
import { checkApproverRules } from './approver-rules.js';
import { checkStepSettings } from './step-settings.js';

/** Where an approved step goes next: a target, optionally first jumping back to a step that returned. */
export type ApprovedTarget = string | { readonly target: string; readonly jumpBack?: readonly string[] };

/**
 * An approval step's configuration: its {@link ApprovalStepSpec} plus where each outcome goes.
 * Targets are XState targets relative to the step's parent (`'finance'`), or ids (`'#finance'`).
 */
export interface ApprovalStepConfig extends Omit<ApprovalStepSpec, 'returns'> {
  /** Where to go once approved. `{ target, jumpBack }` first jumps back to a step that returned here (resubmit 'jump'). */
  readonly onApproved: ApprovedTarget;
  /**
   * Where to go when rejected with `rejection: 'end'` (default) or on a deadline `reject`. Required
   * whenever the step can end that way (approvalStep throws `INVALID_ARGUMENT` otherwise: the instance would
   * rest in a decided step for good).
   */
  readonly onRejected?: string;
  /** Where to go when the initiator withdraws (撤回). Defaults to `onRejected`; one of them is required unless `withdraw: 'never'` or WITHDRAW is left out of `operations`. */
  readonly onWithdrawn?: string;
  /** Where RETURN / REQUEST_CHANGES may go: the submitter's state, the previous step, earlier steps. */
  readonly returns?: {
    /** The state where the submitter revises and resubmits (`'draft'`). */
    readonly submitter?: string;
    /** The id of the step before this one (退回上一步). */
    readonly previous?: string;
    /** Other earlier steps this step may return to (退回任意步骤), by step id. */
    readonly steps?: readonly string[];
  };
}

type Ref<T extends string, P> = { type: T; params: P };
type StepParams = { step: string };
type OutcomeParams = { step: string; kind: 'approved' | 'rejected' | 'withdrawn' | 'returned'; to?: string; resumeAt?: string };
type Transition = {
  target?: string;
  reenter?: boolean;
  guard?: Ref<'approval.targets', StepParams> | Ref<'approval.outcome', OutcomeParams> | Ref<'approval.resumeAt', StepParams>;
  actions?: (Ref<'approval.act', StepParams> | Ref<'approval.timeout', StepParams> | Ref<'approval.nudge', StepParams>)[];
  description?: string;
};

/**
 * The XState state-node config an {@link approvalStep} returns: put it under any key of `states`.
 * Its actions and guards are named (`approval.*`): spread `withApprovals(...).actions` and `.guards`
 * into `setup()`, and define the workflow with the plugin's `defineWorkflow`, which gives the engine
 * their implementations.
 */
export interface ApprovalStepNode {
  id: string;
  tags: string[];
  meta: { approval: ApprovalStepSpec; targets: Record<string, string> };
  entry: Ref<'approval.enter', { spec: ApprovalStepSpec }>[];
  exit: Ref<'approval.exit', StepParams>[];
  initial: 'pending';
  states: { pending: { after?: Record<string, Transition> } };
  after?: Record<string, Transition>;
  on: Record<string, Transition | Transition[]>;
  always: Transition[];
}

/** The id under which a step's state node can be targeted: `#<step id>`.
 *
 * @example
 * ```ts
 * import { stepTarget } from './approval-step.js';
 * stepTarget('legal'); // '#legal'
 * ```
 */
export function stepTarget(step: string): string {
  return `#${step}`;
}

/**
 * An approval step as an XState state-node config fragment. The step keeps its state in
 * `context.approvals[id]`, resolves its approvers through the engine's directory on entry, takes the
 * approval events (each guarded so that only this step's events reach it) and leaves through
 * `always` transitions as soon as its outcome is certain.
 *
 * The configuration is read once, here, into a deep-frozen copy of its own data properties: changing
 * the object passed in afterwards (an approver rule's `users`, `operations`, `cc`) changes no step.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the path (`config.approvers.users`) for an inherited
 * key, a getter or setter, a class instance, a Map, Set or other built-in, or a Proxy in the
 * configuration, or for a person a `users` rule names whose id breaks the one id rule
 * (`config.approvers.users[0]` blank or over 256 characters: nobody, whose tasks no inbox filter could
 * find) or a role a `role` rule names that breaks it (`config.approvers.role`); and for a step whose
 * parts cannot be used, naming the part: an id that is not an XState state id (`config.id`), a
 * missing target (`config.onRejected`, `config.onWithdrawn`), a rejection returning where `returns`
 * does not declare (`config.rejection.return`). (These were TypeErrors without a code until 2026-12-02.)
 * Also for a setting outside its type, naming its path (`config.mode.count` for a 票签 count that is
 * not a whole number of at least 1, `config.mode.ratio` outside (0, 1], `config.withdraw`,
 * `config.operations.0`, `config.deadline.then.kind`, …; see `checkStepSettings`).
 *
 * @example
 * ```ts
 * import { setup } from 'xstate';
 * import { approvalStep, role, withApprovals, type ApprovalContext, type ApprovalEvent } from 'docket';
 *
 * const approvals = withApprovals();
 * const machine = setup({
 *   types: {} as { context: ApprovalContext; events: ApprovalEvent | { type: 'SUBMIT' } },
 *   actions: approvals.actions,
 *   guards: approvals.guards,
 * }).createMachine({
 *   context: ({ input }) => approvals.context(input),
 *   initial: 'legal',
 *   states: {
 *     legal: approvalStep({ id: 'legal', mode: 'all', approvers: role('legal'), onApproved: 'approved', onRejected: 'rejected' }),
 *     approved: { type: 'final' },
 *     rejected: { type: 'final' },
 *   },
 * });
 * ```
 */
export function approvalStep(given: ApprovalStepConfig): ApprovalStepNode {
  // Read once into a deep-frozen copy of its own data (approver rules' functions kept by reference),
  // as defineWorkflow reads a definition: the step's spec sits in the machine, which a definition
  // keeps by reference, so a caller's later `rule.users.push('zhao')` or `operations.push('ADD_SIGN')`
  // changed who was asked and what was allowed at every later entry of the step, after the checks
  // below had passed on the old values.
  const config = plainInput(given, 'approvalStep()', 'config', { ownData: true }) as ApprovalStepConfig;
  const { onApproved, onRejected, onWithdrawn, returns, ...rest } = config;
  const step = config.id;
  if (typeof step !== 'string' || !/^[A-Za-z][\w-]*$/.test(step)) {
    throw stepError(`approvalStep: id ${typeof step === 'string' ? JSON.stringify(step) : String(step)} must start with a letter and use only letters, digits, "_" and "-" (it is an XState state id).`, 'config.id');
  }
  // One rule or a flat list, each by the one rule check (its kind, paths, people, role, among): a
  // person or role that breaks the id rule made a task no inbox filter lists.
  if (config.approvers !== undefined) checkApproverRules(config.approvers, 'config.approvers', `approvalStep "${step}"`, { step });
  // Its settings, each against its type: a 票签 { count: 0 } passed with nobody's vote.
  checkStepSettings(config as unknown as Record<string, unknown>, step);
  const spec: ApprovalStepSpec = {
    ...rest,
    ...(returns
      ? {
          returns: {
            ...(returns.submitter !== undefined ? { submitter: true } : {}),
            ...(returns.previous !== undefined ? { previous: returns.previous } : {}),
            ...(returns.steps !== undefined ? { steps: returns.steps } : {}),
          },
        }
      : {}),
  };
  const p = { step };
  const outcome = (kind: OutcomeParams['kind'], extra: Omit<OutcomeParams, 'step' | 'kind'> = {}) => ({ type: 'approval.outcome' as const, params: { step, kind, ...extra } });
  const approved = typeof onApproved === 'string' ? { target: onApproved, jumpBack: [] as readonly string[] } : { target: onApproved.target, jumpBack: onApproved.jumpBack ?? [] };
  const always: Transition[] = [
    ...approved.jumpBack.map((s) => ({ guard: outcome('approved', { resumeAt: s }), target: stepTarget(s), description: `jump back to ${s}` })),
    { guard: outcome('approved'), target: approved.target, description: 'approved' },
  ];
  const targets: Record<string, string> = { approved: approved.target };
  if (onRejected !== undefined) {
    always.push({ guard: outcome('rejected'), target: onRejected, description: 'rejected' });
    targets['rejected'] = onRejected;
  }
  const withdrawn = onWithdrawn ?? onRejected;
  // An outcome the step can reach with nowhere to go would decide the step and leave the instance in
  // it for good (no task in the inbox; its deadline then fails on a decided step): refuse it here.
  const allows = (op: string) => config.operations === undefined || (config.operations as readonly string[]).includes(op);
  const rejects = (config.rejection ?? 'end') === 'end' && (allows('REJECT') || config.deadline?.then.kind === 'reject');
  if (rejects && onRejected === undefined) {
    throw stepError(
      `approvalStep "${step}": a rejection ends the step (rejection: 'end', the default) but it has no onRejected target. Give onRejected, or rejection: { return: … }, or leave REJECT out of operations.`,
      'config.onRejected',
      step,
    );
  }
  if (typeof config.rejection === 'object') {
    // RETURN's own rule (declaredReturn), over the returns the step's spec declares.
    const to = config.rejection.return;
    if (declaredReturn(spec.returns, to) === undefined) {
      throw stepError(`approvalStep "${step}": rejection returns to "${to}", which its returns do not declare (a rejection there would be refused, and a deadline that rejects would stop the instance). Declare it in returns.`, 'config.rejection.return', step);
    }
  }
  if ((config.withdraw ?? 'untilActed') !== 'never' && allows('WITHDRAW') && withdrawn === undefined) {
    throw stepError(`approvalStep "${step}": the initiator may withdraw (撤回) but the step has no onWithdrawn (or onRejected) target. Give one, or withdraw: 'never'.`, 'config.onWithdrawn', step);
  }
  if (withdrawn !== undefined) {
    always.push({ guard: outcome('withdrawn'), target: withdrawn, description: 'withdrawn' });
    targets['withdrawn'] = withdrawn;
  }
  if (returns?.submitter !== undefined) {
    always.push({ guard: outcome('returned', { to: 'submitter' }), target: returns.submitter, description: 'returned to the submitter' });
    targets['returned:submitter'] = returns.submitter;
  }
  for (const s of new Set([...(returns?.previous !== undefined ? [returns.previous] : []), ...(returns?.steps ?? [])])) {
    always.push({ guard: outcome('returned', { to: s }), target: stepTarget(s), description: `returned to ${s}` });
    targets[`returned:${s}`] = stepTarget(s);
  }
  const on: Record<string, Transition | Transition[]> = {};
  for (const type of APPROVAL_EVENT_TYPES) {
    on[type] = { guard: { type: 'approval.targets', params: p }, actions: [{ type: 'approval.act', params: p }] };
  }
  // 任意跳转: after an administrator moves the instance here, re-enter so approvers are resolved afresh.
  on['docket.admin.moved'] = { target: stepTarget(step), reenter: true };
  const node: ApprovalStepNode = {
    id: step,
    tags: ['approval', `approval:${step}`],
    meta: { approval: spec, targets },
    entry: [{ type: 'approval.enter', params: { spec } }],
    exit: [{ type: 'approval.exit', params: p }],
    initial: 'pending',
    states: {
      pending: config.remind
        ? { after: { [config.remind.every]: { target: 'pending', reenter: true, actions: [{ type: 'approval.nudge', params: p }] } } }
        : {},
    },
    on,
    always,
  };
  if (config.deadline) node.after = { [config.deadline.after]: { actions: [{ type: 'approval.timeout', params: p }] } };
  return node;
}

/**
 * Transitions for the submitter's resubmit event: jump straight back to the step that returned the
 * request (when it was configured with `resubmit: 'jump'`), otherwise go to `otherwise` (rerun).
 *
 * @example
 * ```ts
 * import { resubmitTo } from 'docket';
 * const draft = { on: { SUBMIT: resubmitTo(['legal', 'finance'], 'legal') } };
 * ```
 */
export function resubmitTo(steps: readonly string[], otherwise: string): Transition[] {
  return [
    ...steps.map((s) => ({ guard: { type: 'approval.resumeAt' as const, params: { step: s } }, target: stepTarget(s), description: `resubmit straight to ${s}` })),
    { target: otherwise, description: 'resubmit: run the flow again' },
  ];
}

/** A step configuration that cannot be used: `INVALID_ARGUMENT` naming its path (it was a TypeError without a code). */
function stepError(message: string, field: string, step?: string): DocketError {
  return new DocketError('INVALID_ARGUMENT', message, { field, ...(step === undefined ? {} : { step }) });
}

