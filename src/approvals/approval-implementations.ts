import { enqueueActions, type EventObject } from 'xstate';
import type { Instant } from '../clock/clock.js';
import type { DeadlineSpec, WorkflowEnv } from '../engine/define-workflow.js';
import { ownValue } from '../engine/own-property.js';
import { resolveDeadline } from '../calendar/resolve-deadline.js';
import { SYSTEM_ACTOR } from '../store/records.js';
import { changeFor } from './approval-act.js';
import { applyApproval, enterStep, type ApprovalChange, type ApprovalEffect, type ReduceFacts } from './approval-reducer.js';
import { APPROVAL_EFFECT_TYPES } from './approval-change.js';
import { markEffectTypes } from '../engine/effect-types.js';
import { exitStep } from './operations/exit-step.js';
import { targetSteps } from './approval-target.js';
import type { ApprovalContext, ApprovalStepSpec } from './approval-types.js';
import { matches, type Condition } from './branch.js';
import { resolveApprovers, type ApproverRule } from './approver-rules.js';
import { copyWith } from '../store/copy-with.js';
import { MOVE_EVENT } from '../engine/move-to-state.js';

/** What approval actions and guards need from the engine; absent outside an engine (tests of the bare machine). */
interface ApprovalEnv {
  readonly env: WorkflowEnv | undefined;
  readonly deadlines: Readonly<Record<string, DeadlineSpec>>;
}

function nowOf(scope: ApprovalEnv, event: unknown): Instant {
  if (scope.env) return scope.env.now();
  const at = (event as { $at?: unknown } | undefined)?.$at;
  return typeof at === 'number' ? at : 0;
}

function factsOf(scope: ApprovalEnv, event: unknown): ReduceFacts {
  return { directory: scope.env?.directory, now: nowOf(scope, event) };
}

function dueAtOf(scope: ApprovalEnv, spec: ApprovalStepSpec, args: { context: ApprovalContext; event: EventObject }, now: Instant): Instant | null {
  const name = spec.deadline?.after;
  const rule = name === undefined ? undefined : ownValue(scope.deadlines, name);
  if (rule === undefined) return null;
  try {
    return resolveDeadline(typeof rule === 'function' ? rule(args) : rule, now, scope.env?.calendar);
  } catch {
    // Without a calendar (a bare machine) the inbox shows no due instant; the engine's timer still fires.
    return null;
  }
}

/** The part of XState's `enqueue` the approval actions use: assign context fields, enqueue an effect. */
interface Enqueue {
  (action: { type: string; params: ApprovalEffect['params'] }): void;
  assign(values: Partial<ApprovalContext>): void;
}

function apply(enqueue: Enqueue, change: ApprovalChange<ApprovalContext>): void {
  enqueue.assign({ approvals: change.context.approvals, approvalFlow: change.context.approvalFlow });
  for (const effect of change.effects) enqueue({ type: effect.type, params: effect.params });
}

/** What an approval action reads: any machine whose context holds the approval fields, any event. */
export interface ApprovalActionArgs {
  readonly context: ApprovalContext;
  readonly event: EventObject;
}

/**
 * An action as `setup()` sees it. The implementations are XState built-ins (`enqueueActions`), which
 * the engine applies inside the pure transition; any machine whose context extends
 * {@link ApprovalContext} fits.
 */
type ApprovalActionFn<P> = (args: ApprovalActionArgs, params: P) => void;

/** A guard as `setup()` sees it. */
type ApprovalGuardFn<P> = (args: ApprovalActionArgs, params: P) => boolean;

/** The approval guards by name, with their params. */
export type ApprovalGuards = {
  'approval.targets': ApprovalGuardFn<{ step: string }>;
  'approval.outcome': ApprovalGuardFn<{ step: string; kind: 'approved' | 'rejected' | 'withdrawn' | 'returned'; to?: string; resumeAt?: string }>;
  'approval.resumeAt': ApprovalGuardFn<{ step: string }>;
  'approval.when': ApprovalGuardFn<{ when: Condition }>;
};

/** XState's args to an `enqueueActions` callback, as the approval actions read them. */
type EnqueueArgs = { readonly context: unknown; readonly event: EventObject; readonly enqueue: unknown; readonly self?: unknown };

/**
 * Whether the instance was in an approval step just before the transition now running: the actor's
 * snapshot is the one the transition started from (XState commits the new one after it, and the
 * engine's runtime sets it to the snapshot it steps from). Where no snapshot can be read (a start),
 * an administrator's move is taken as coming from a step and anything else as not.
 */
function wasInStep(args: EnqueueArgs, event: EventObject): boolean {
  const snapshot = (args.self as { getSnapshot?: () => unknown } | undefined)?.getSnapshot?.() as { hasTag?: (tag: string) => boolean } | undefined;
  return typeof snapshot?.hasTag === 'function' ? snapshot.hasTag('approval') : event.type === MOVE_EVENT;
}
const argsOf = (args: EnqueueArgs) => ({ context: args.context as ApprovalContext, event: args.event, enqueue: args.enqueue as Enqueue });

/** The approval actions by name, with their params. */
export type ApprovalActions = {
  'approval.enter': ApprovalActionFn<{ spec: ApprovalStepSpec }>;
  'approval.exit': ApprovalActionFn<{ step: string }>;
  'approval.act': ApprovalActionFn<{ step: string }>;
  'approval.timeout': ApprovalActionFn<{ step: string }>;
  // Named `nudge`, not `remind`: an action must never share a name with the effect it enqueues
  // (`approval.remind`), or XState resolves the effect back to the action and recurses.
  'approval.nudge': ApprovalActionFn<{ step: string }>;
  'approval.checkChoices': ApprovalActionFn<{ rules: readonly ApproverRule[] }>;
};

function makeActions(scope: ApprovalEnv): ApprovalActions {
  const actions = {
    /** Enter a step: resolve approvers (directory), apply policies, emit `approval.assigned`. */
    'approval.enter': enqueueActions((args: EnqueueArgs, params: { spec: ApprovalStepSpec }) => {
      const { context, event, enqueue } = argsOf(args);
      const now = nowOf(scope, event);
      const dueAt = dueAtOf(scope, params.spec, { context, event }, now);
      apply(enqueue, enterStep(context, params.spec, copyWith(factsOf(scope, event), { dueAt }), wasInStep(args, event)));
    }),
    /** Leave a step: it no longer shows in the inbox (see {@link exitStep}). */
    'approval.exit': enqueueActions((args: EnqueueArgs, params: { step: string }) => {
      const { context, enqueue } = argsOf(args);
      if (!context.approvals[params.step]) return;
      const left = exitStep(context, params.step);
      enqueue.assign({ approvals: left.approvals, approvalFlow: left.approvalFlow });
    }),
    /** A person's act (APPROVE, ADD_SIGNER, …) on the step: reduced once, by the authorize hook when it ran. */
    'approval.act': enqueueActions((args: EnqueueArgs, params: { step: string }) => {
      const { context, event, enqueue } = argsOf(args);
      apply(enqueue, changeFor(context, params.step, event, () => factsOf(scope, event)));
    }),
    /** The step's deadline passed (超时自动处理). */
    'approval.timeout': enqueueActions((args: EnqueueArgs, params: { step: string }) => {
      const { context, event, enqueue } = argsOf(args);
      const at = nowOf(scope, event);
      apply(enqueue, applyApproval(context, params.step, { type: 'TIMEOUT', $actor: SYSTEM_ACTOR, $at: at }, factsOf(scope, event)));
    }),
    /** The step's reminder interval passed (催办 on a schedule). */
    'approval.nudge': enqueueActions((args: EnqueueArgs, params: { step: string }) => {
      const { context, event, enqueue } = argsOf(args);
      const at = nowOf(scope, event);
      apply(enqueue, applyApproval(context, params.step, { type: 'REMIND_TIMER', $actor: SYSTEM_ACTOR, $at: at }, factsOf(scope, event)));
    }),
    /** 自选 at start: resolve the initiator's choices now, so a bad choice refuses the start itself. */
    'approval.checkChoices': enqueueActions((args: EnqueueArgs, params: { rules: readonly ApproverRule[] }) => {
      const { context } = argsOf(args);
      for (const rule of params.rules) resolveApprovers(rule, { directory: scope.env?.directory, initiator: context.initiator, context });
    }),
  } as unknown as ApprovalActions;
  // The actions that reduce an act enqueue the step's effects by type: marked, so the workflow's
  // effect types list them and a handler for `approval.assigned` is known (see effect-types.ts).
  for (const name of ['approval.enter', 'approval.act', 'approval.timeout', 'approval.nudge'] as const) markEffectTypes(actions[name], APPROVAL_EFFECT_TYPES);
  return actions;
}

function makeGuards(scope: ApprovalEnv): ApprovalGuards {
  return {
    /** This event is meant for this step, and the step accepts it (the act reduced once, see {@link changeFor}). */
    'approval.targets': ({ context: ctx, event }, params) => {
      if (!targetSteps(ctx, event, (s) => ctx.approvals[s]?.active === true).includes(params.step)) return false;
      try {
        changeFor(ctx, params.step, event, () => factsOf(scope, event));
        return true;
      } catch {
        return false;
      }
    },
    /** The step's outcome is `kind` (and returns to `to`, or resumes at `resumeAt`). */
    'approval.outcome': ({ context: ctx }, params) => {
      const outcome = ctx.approvals[params.step]?.outcome;
      if (!outcome || outcome.kind !== params.kind) return false;
      if (params.to !== undefined && (outcome.kind !== 'returned' || outcome.to !== params.to)) return false;
      if (params.resumeAt !== undefined && ctx.approvalFlow.resume?.step !== params.resumeAt) return false;
      return true;
    },
    /** A resubmission should jump straight back to `step` (it returned with `resubmit: 'jump'`). */
    'approval.resumeAt': ({ context }, params) => context.approvalFlow.resume?.step === params.step,
    /** 条件分支: a data condition on the context (see {@link branch}). */
    'approval.when': ({ context }, params) => matches(params.when, context),
  };
}

/**
 * The approval actions, to spread into `setup({ actions })`. Outside an engine they run without a
 * directory (named-user and field rules only); inside one, {@link approvalImplementations} replaces
 * them with versions that see the engine's directory, calendar and clock. Internal: a machine gets
 * them as `withApprovals(...).actions`.
 */
export const approvalActions: ApprovalActions = makeActions({ env: undefined, deadlines: {} });

/**
 * The approval guards, to spread into `setup({ guards })`. Internal: a machine gets them as
 * `withApprovals(...).guards`.
 */
export const approvalGuards: ApprovalGuards = makeGuards({ env: undefined, deadlines: {} });

/**
 * The approval actions and guards bound to the engine's env, for `defineWorkflow({ implementations })`.
 * Pass the workflow's `deadlines` so each task in the inbox carries its due instant. Internal: the
 * plugin's `withApprovals({ deadlines }).defineWorkflow` supplies them.
 */
export function approvalImplementations(
  env: WorkflowEnv,
  options: { readonly deadlines?: Readonly<Record<string, DeadlineSpec>> } = {},
): { actions: ApprovalActions; guards: ApprovalGuards } {
  const scope = { env, deadlines: options.deadlines ?? {} };
  return { actions: makeActions(scope), guards: makeGuards(scope) };
}

/**
 * 自选 validated at start: an entry action for the machine's root that resolves the given `chosen`
 * rules when the instance starts, so an initiator's choice outside the allowed set (or of someone who
 * left) refuses the start with `INVALID_PAYLOAD`, even when the step that uses it comes later.
 *
 * @example
 * ```ts
 * import { checkChoicesAtStart, chosen, role } from 'docket';
 * const rule = chosen('reviewers', { among: role('legal') });
 * const root = { entry: [checkChoicesAtStart([rule])] };
 * ```
 */
export function checkChoicesAtStart(rules: readonly ApproverRule[]): { type: 'approval.checkChoices'; params: { rules: readonly ApproverRule[] } } {
  return { type: 'approval.checkChoices', params: { rules } };
}
