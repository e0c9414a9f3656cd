// Path generation on an approval workflow out of the box: the explorer reads what the approval plugin
// says about the machine (its steps, which operations move the process, the approval state's
// identity) and fills in what a caller had to pass by hand before (skipEvents, serialize, samples per
// step, who acts), each only where the caller gave nothing.
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { approvalExplorationOf, approvalStateKey, type ApprovalContext, type ApprovalExploration, type ApprovalStepSpec } from '../approvals/index.js';
import type { AnyWorkflow } from '../engine/index.js';
import { ownValue } from '../engine/own-property.js';
import type { Actor } from '../store/index.js';
import type { CheckedExploreOptions } from './explore-options.js';
import { pickApprover } from './pick-approver.js';
import type { SampleEvent, SampleEvents } from './sample-events.js';

const APPROVAL_FIELDS = new Set(['initiator', 'approvals', 'approvalFlow']);
const COMMENT = '请修改 / please revise';

/**
 * A `serialize` for approval workflows: the state value, the approval part of the context as far as it
 * decides what happens next (who is asked, in which order, how each decided; never the act log,
 * rounds or instants, which grow on every 催办 or resubmission), and your own part of the context
 * (everything but `initiator`, `approvals`, `approvalFlow`): all of it by default, or what `own`
 * returns from it (what your guards read, a counter capped). `assertNoDeadEnds` and `replayPaths` use
 * `createApprovalSerializer()` by default on a workflow built from approval steps; pass your own when
 * your context counts or lists something on every loop.
 *
 * @example
 * ```ts
 * import { assertNoDeadEnds, createApprovalSerializer } from 'docket/testing';
 * interface ContractContext { readonly submissions: number; readonly paid: number; readonly level: string }
 * // Resubmissions are counted and payments add up: only the level and whether anything was paid decide.
 * const serialize = createApprovalSerializer<ContractContext>((c) => [c.level, c.paid > 0]);
 * // assertNoDeadEnds(contractWorkflow, { input, directory, serialize });
 * ```
 */
export function createApprovalSerializer<TContext extends object = Record<string, unknown>>(
  own?: (context: Omit<TContext, keyof ApprovalContext>) => unknown,
): (snapshot: AnyMachineSnapshot) => string {
  return (snapshot) => {
    const context = (snapshot.context ?? {}) as ApprovalContext & Record<string, unknown>;
    const mine = Object.fromEntries(Object.entries(context).filter(([k]) => !APPROVAL_FIELDS.has(k)));
    return JSON.stringify([snapshot.value, own ? own(mine as never) : mine, approvalStateKey(context)]);
  };
}

/** What the explorer knows about the workflow's approval steps, or `undefined` for a workflow without any. */
export function approvalsOf(workflow: AnyWorkflow): ApprovalExploration | undefined {
  return approvalExplorationOf(workflow.machine as AnyStateMachine);
}

/** One sample per step (and per declared return target) for each decision the caller gave no samples for. */
function decisionSamples(workflow: AnyWorkflow, steps: readonly ApprovalStepSpec[], type: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (type === 'WITHDRAW') out.push({});
  for (const spec of steps) {
    const step = spec.id;
    if (spec.operations !== undefined && !(spec.operations as readonly string[]).includes(type)) continue;
    if (type === 'APPROVE' || type === 'REJECT') out.push({ step });
    if (type === 'REQUEST_CHANGES' && spec.returns?.submitter) out.push({ step, comment: COMMENT });
    if (type === 'RETURN') {
      const targets = [...(spec.returns?.submitter ? ['submitter'] : []), ...(spec.returns?.previous !== undefined ? [spec.returns.previous] : []), ...(spec.returns?.steps ?? [])];
      for (const to of new Set(targets)) out.push({ step, to, comment: COMMENT });
    }
  }
  // The workflow's own schema has the last word (a workflow may narrow an approval event).
  const schema = ownValue(workflow.events as Record<string, { safeParse(v: unknown): { success: boolean } }>, type);
  return schema ? out.filter((p) => schema.safeParse(p).success) : [];
}

/**
 * The options path generation and replay run with: the caller's, and on an approval workflow the
 * defaults for what the caller left out. Explicit options always win: `events` for a type replaces its
 * samples (and sends an operation that is otherwise left out), `serialize` replaces the identity,
 * `pickActor` is asked first, `actors[type]` beats the picked approver.
 */
export function resolveExploreOptions<O extends CheckedExploreOptions>(workflow: AnyWorkflow, options: O, starter: Actor): O {
  const approvals = approvalsOf(workflow);
  if (!approvals) return options;
  const given = options.events ?? {};
  const events: Record<string, unknown> = { ...given };
  for (const type of approvals.decisions) {
    if (ownValue(given, type) !== undefined || !ownValue(workflow.events as Record<string, unknown>, type)) continue;
    events[type] = decisionSamples(workflow, approvals.steps, type);
  }
  const all = options.approvalOperations === 'all';
  const skip = new Set(options.skipEvents ?? []);
  if (!all) for (const type of approvals.operations) if (ownValue(given, type) === undefined) skip.add(type);
  const approver = pickApprover(options.directory);
  const fallback = (event: SampleEvent, context: unknown): Actor | undefined => {
    if (ownValue(options.actors ?? {}, event.type) !== undefined) return undefined;
    if (event.type === 'WITHDRAW') {
      // 撤回 is the initiator's: the one who started the instance.
      const initiator = (context as Partial<ApprovalContext> | undefined)?.initiator;
      return typeof initiator === 'string' ? { id: initiator, roles: starter.id === initiator ? starter.roles : (options.directory?.user(initiator)?.roles ?? []) } : undefined;
    }
    return approver(event, context);
  };
  const own = options.pickActor;
  return {
    ...options,
    events: events as SampleEvents,
    skipEvents: [...skip],
    serialize: options.serialize ?? createApprovalSerializer(),
    pickActor: own ? (event, context) => own(event, context) ?? fallback(event, context) : fallback,
  };
}
