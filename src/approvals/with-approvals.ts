// Approvals as one plugin: a workflow gets its events, actions, guards, context, delays, authorization,
// inbox projection and labels from one `withApprovals({ deadlines })`, so no piece can be forgotten.
import type { AnyStateMachine } from 'xstate';
import type { z } from 'zod';
import { DocketError } from '../errors.js';
import { kindOf } from '../input/kind-of.js';
import { plainInput } from '../input/plain-input.js';
import { defineWorkflow, readDefinition, type AuthorizeArgs, type AuthorizeResult, type DeadlineSpec, type EventSchemas, type Workflow, type WorkflowConfig, type WorkflowEnv } from '../engine/define-workflow.js';
import { deadline } from '../engine/effect.js';
import { approvalAuthorize } from './approval-authorize.js';
import { approvalEventLabels } from './approval-event-labels.js';
import { approvalEvents } from './approval-events.js';
import { approvalActions, approvalGuards, approvalImplementations, type ApprovalActions, type ApprovalGuards } from './approval-implementations.js';
import { approvalTasks } from './approval-tasks.js';
import { approvalContext, type ApprovalContext } from './approval-types.js';
import { APPROVAL_FOR_OTHERS, type ApprovalEventSchemas } from './operations.js';

/** What {@link withApprovals} takes: the workflow's named deadlines (named once) and the inbox's extra data. */
export interface ApprovalsOptions<D extends Readonly<Record<string, DeadlineSpec>>, C> {
  /** Named deadlines (`legalDue: workingDays(2)`): the machine's delays, the engine's timers and the inbox's due dates. */
  readonly deadlines?: D;
  /** Extra data each inbox task carries (`data.extra`), from the instance's context. */
  readonly inbox?: { readonly data?: (context: C) => unknown };
}

/**
 * A workflow's own authorization around the approval rules: `approvals(args)` is the approval
 * plugin's decision (current assignee, delegate, stand-in, initiator for 撤回; allowed for the
 * workflow's own events); return it, or decide yourself before or instead of it.
 */
export type ApprovalsAuthorize = (args: AuthorizeArgs, approvals: (args: AuthorizeArgs) => AuthorizeResult) => AuthorizeResult;

/** The workflow config {@link ApprovalPlugin.defineWorkflow} takes: `defineWorkflow`'s, without what the plugin supplies. */
export type ApprovalWorkflowConfig<TId extends string, TMachine extends AnyStateMachine, TInput extends z.ZodType, TEvents extends EventSchemas> = Omit<
  WorkflowConfig<TId, TMachine, TInput, TEvents>,
  'events' | 'deadlines' | 'authorize' | 'tasks' | 'standInActions'
> & {
  /** The workflow's own events (the approval operations are added). */
  readonly events?: TEvents;
  /** Authorization around the approval rules (default: the approval rules alone). */
  readonly authorize?: ApprovalsAuthorize;
};

/** Machine-side and workflow-side approval wiring, from one {@link withApprovals} call. */
export interface ApprovalPlugin<D extends Readonly<Record<string, DeadlineSpec>>> {
  /** Spread into `setup({ actions })`. */
  readonly actions: ApprovalActions;
  /** Spread into `setup({ guards })`. */
  readonly guards: ApprovalGuards;
  /** Spread into `setup({ delays })`: one per named deadline. */
  readonly delays: { readonly [K in keyof D]: () => number };
  /**
   * The machine's initial context: the approval fields from the start input, followed by the
   * machine's own fields when given: `context: ({ input }) => approvals.context(input, { contractNo:
   * input.contractNo, … })`. The same object as `{ ...approvals.context(input), contractNo, … }`, which
   * also works, built without V8's slow path for keys added after a spread (~1.5 µs a key on Node 20,
   * and a hidden class per context).
   */
  readonly context: {
    (input: unknown): ApprovalContext;
    <E extends object>(input: unknown, own: E): Omit<ApprovalContext, keyof E> & E;
  };
  /**
   * `defineWorkflow` with the approval operations' events, their labels, the deadlines, the engine
   * implementations, the authorization and the inbox projection filled in. Throws `INVALID_ARGUMENT`
   * (`details.field: 'definition.machine'`, `details.missing`) when the machine was set up without the
   * approval actions or guards.
   */
  defineWorkflow<const TId extends string, TMachine extends AnyStateMachine, TInput extends z.ZodType, TEvents extends EventSchemas = {}>(
    config: ApprovalWorkflowConfig<TId, TMachine, TInput, TEvents>,
  ): Workflow<TId, TMachine, TInput, ApprovalEventSchemas & TEvents>;
}

const REQUIRED_ACTIONS = Object.keys(approvalActions);
const REQUIRED_GUARDS = Object.keys(approvalGuards);

/**
 * Approvals as one plugin. Name the deadlines once; spread `actions`, `guards` and `delays` into
 * `setup()`, start the context from `context(input)`, and define the workflow with
 * `defineWorkflow`, which adds the approval events, labels, implementations, authorization and
 * inbox (with due dates) itself.
 *
 * The options are read once, here, into a deep-frozen copy of their own data properties (deadline
 * functions and `inbox.data` kept by reference): changing `deadlines` afterwards changes neither the
 * delays nor the workflows defined through the plugin. `defineWorkflow` reads its definition the same
 * way (see the engine's `defineWorkflow`).
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the path (`options.deadlines.legalDue`) for an
 * inherited key, a getter or setter, a class instance, a Map, Set or other built-in, or a Proxy.
 *
 * @example
 * ```ts
 * import { setup } from 'xstate';
 * import { z } from 'zod';
 * import { approvalStep, role, withApprovals, workingDays, type ApprovalContext, type ApprovalEvent } from 'docket';
 *
 * const approvals = withApprovals({ deadlines: { legalDue: workingDays(2) } });
 * const machine = setup({
 *   types: {} as { context: ApprovalContext; events: ApprovalEvent },
 *   actions: approvals.actions,
 *   guards: approvals.guards,
 *   delays: approvals.delays,
 * }).createMachine({
 *   context: ({ input }) => approvals.context(input),
 *   initial: 'legal',
 *   states: {
 *     legal: approvalStep({ id: 'legal', mode: 'all', approvers: role('legal'), deadline: { after: 'legalDue', then: { kind: 'approve' } }, onApproved: 'done', onRejected: 'done' }),
 *     done: { type: 'final' },
 *   },
 * });
 * const nda = approvals.defineWorkflow({ id: 'nda', version: 1, machine, input: z.object({}) });
 * nda.events.APPROVE; // the approval operations' schemas are there
 * ```
 */
export function withApprovals<const D extends Readonly<Record<string, DeadlineSpec>> = {}, C = ApprovalContext>(
  given: ApprovalsOptions<D, C> = {},
): ApprovalPlugin<D> {
  // Read once, as defineWorkflow reads a definition: the delays, the inbox's due dates and every
  // workflow defined through the plugin use this frozen copy, never the caller's object again.
  // `null` (or a string, an array) was read as options: a raw TypeError reading `null.deadlines`.
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new DocketError('INVALID_ARGUMENT', `withApprovals() takes its options as an object such as { deadlines: { review: workingDays(3) } } (or nothing), not ${kindOf(given)}.`, { field: 'options' });
  }
  const options = plainInput(given, 'withApprovals()', 'options', { ownData: true }) as ApprovalsOptions<D, C>;
  const deadlines = (options.deadlines ?? {}) as D;
  const delays = Object.fromEntries(Object.keys(deadlines).map((name) => [name, deadline(name)])) as { readonly [K in keyof D]: () => number };
  const tasks = approvalTasks<C>(options.inbox?.data ? { data: options.inbox.data } : {});
  return {
    actions: approvalActions,
    guards: approvalGuards,
    delays,
    context: approvalContext,
    defineWorkflow(definition) {
      const config = readDefinition(definition, 'approvals.defineWorkflow()');
      checkMachine(config.id, config.machine);
      const { authorize: own, implementations: ownImplementations, events, labels, ...rest } = config;
      // The workflow's permissions: a stand-in's act is checked against them for the principal too.
      const approvals = approvalAuthorize(config.permissions === undefined ? {} : { permissions: config.permissions as Readonly<Record<string, readonly string[] | undefined>> });
      const implementations = (env: WorkflowEnv): Record<string, unknown> => {
        const base = approvalImplementations(env, { deadlines });
        const mine = (ownImplementations?.(env) ?? {}) as { actions?: object; guards?: object };
        return { ...mine, actions: { ...base.actions, ...mine.actions }, guards: { ...base.guards, ...mine.guards } };
      };
      return defineWorkflow({
        ...rest,
        events: { ...approvalEvents, ...events } as never,
        deadlines,
        implementations,
        authorize: own ? (args) => own(args, approvals) : approvals,
        tasks,
        // What the authorization takes from a stand-in for a task's holder: all a deputy's inbox offers.
        standInActions: APPROVAL_FOR_OTHERS,
        // The operations' labels (同意 / Approve …) come with the plugin even when the workflow gives
        // none of its own; the title then falls back to the id, as the diagram and CLI show it anyway.
        labels: { title: { 'zh-CN': config.id, en: config.id }, ...labels, events: { ...approvalEventLabels, ...labels?.events } },
      }) as never;
    },
  };
}

/** Refuse, at definition, a machine set up without the approval actions or guards (the inbox would silently stay empty). */
function checkMachine(id: string, machine: AnyStateMachine): void {
  const provided = machine.implementations as { actions?: Record<string, unknown>; guards?: Record<string, unknown> };
  const missing = [...REQUIRED_ACTIONS.filter((a) => !provided.actions?.[a]), ...REQUIRED_GUARDS.filter((g) => !provided.guards?.[g])];
  if (missing.length > 0) {
    throw new DocketError('INVALID_ARGUMENT', `Workflow "${id}": the machine lacks the approval implementations [${missing.join(', ')}]; spread approvals.actions and approvals.guards into setup().`, {
      workflow: id,
      field: 'definition.machine',
      missing,
    });
  }
}
