import type { Instant } from '../clock/clock.js';
import { copyWith } from '../store/copy-with.js';
import type { ApproverRule } from './approver-rules.js';
import type { ApprovalOperationType } from './operations.js';

/**
 * How a step decides: 依次 `sequential` (one after another, all must approve), 会签 `all` (in
 * parallel, all must approve; one rejection decides), 或签 `any` (the first decision decides), 票签
 * `{ count }` or `{ ratio }` (enough approvals; decided as soon as the outcome is certain either way).
 * `strict: true` makes a ratio "more than" instead of "at least".
 *
 * @example
 * ```ts
 * import type { ApprovalMode } from 'docket';
 * const twoOfThree: ApprovalMode = { count: 2 };
 * const majority: ApprovalMode = { ratio: 0.5, strict: true }; // more than 50%
 * ```
 */
export type ApprovalMode =
  | 'sequential'
  | 'all'
  | 'any'
  | { readonly count: number }
  | { readonly ratio: number; readonly strict?: boolean };

/** Every operation a person can perform on an approval step (the event types of {@link approvalEvents}, derived from the operations list). */
export type ApprovalOperation = ApprovalOperationType;

/** Where a returned (退回) step goes: the submitter, the previous step, or a named earlier step. */
export type ReturnTarget = 'submitter' | 'previous' | (string & {});

/** What happens when a step's deadline passes (超时自动处理). */
export type TimeoutAction =
  | { readonly kind: 'approve' }
  | { readonly kind: 'reject' }
  | { readonly kind: 'escalate'; readonly role: string };

/**
 * The data half of an approval step: everything the reducer, the inbox and the visualizer need.
 * It is stored with the step's state when the step is entered, so a later code change never rewrites
 * what an instance was asked to do.
 */
export interface ApprovalStepSpec {
  /** Unique in the machine; also the XState id of the step's state node (`#legal`). */
  readonly id: string;
  readonly title?: { readonly 'zh-CN': string; readonly en: string };
  readonly mode: ApprovalMode;
  /** One rule or several, resolved in order and concatenated (duplicates dropped). */
  readonly approvers: ApproverRule | readonly ApproverRule[];
  /** Nobody resolved: pass automatically, hand to a role, or refuse with `NO_APPROVER`. Default `'refuse'`. */
  readonly whenNobody?: 'approve' | 'refuse' | { readonly role: string };
  /**
   * Fewer people resolved than the mode needs (票签 `{ count: 3 }` over two approvers): refuse with
   * `NO_APPROVER` (default), `'lower'` the count to the people resolved (all of them must then
   * approve; recorded as an `AUTO` act), or add group slots for `{ role }` (认领, one per missing
   * approval, for members not already asked). Never a silent rejection.
   */
  readonly whenTooFew?: 'refuse' | 'lower' | { readonly role: string };
  /** The same person approved the previous step: 去重, approve for them once. Default `false`. */
  readonly dedupe?: boolean;
  /** The initiator is among the approvers: keep, skip (auto-approve), or hand to their supervisor. Default `'keep'`. */
  readonly initiatorIsApprover?: 'keep' | 'skip' | 'supervisor';
  /** What REJECT does: end (go to `onRejected`) or return somewhere. Default `'end'`. */
  readonly rejection?: 'end' | { readonly return: ReturnTarget };
  /** Where RETURN / REQUEST_CHANGES may go. `previous` names the step before this one. */
  readonly returns?: {
    readonly submitter?: boolean;
    readonly previous?: string;
    readonly steps?: readonly string[];
  };
  /** After a return, does the resubmission rerun the flow or jump straight back here? Default `'rerun'`. */
  readonly resubmit?: 'rerun' | 'jump';
  /** 撤回: when the initiator may withdraw. Default `'untilActed'`. */
  readonly withdraw?: 'untilActed' | 'anytime' | 'never';
  /** Operations people may perform here. Default: all of them. */
  readonly operations?: readonly ApprovalOperation[];
  /** Deadline: the name of a delay declared in `deadlines`, and what happens when it passes. */
  readonly deadline?: { readonly after: string; readonly then: TimeoutAction };
  /** 催办: remind the current assignees every time this named delay passes (re-armed each time). */
  readonly remind?: { readonly every: string };
}

/** One assignment inside a step: a person (or an unclaimed group) asked to act. */
export interface ApprovalAssignment {
  /** Unique in the step's round: `t1`, `t2`, … */
  readonly id: string;
  /** The person; `null` while a group task is unclaimed. */
  readonly user: string | null;
  /** A group task (认领): any member may claim it, then only the claimer acts. */
  readonly group?: { readonly role: string; readonly members: readonly string[] };
  readonly status: 'pending' | 'approved' | 'rejected' | 'skipped' | 'removed' | 'transferred';
  /** Assignments that must be approved before this one may act (sequence and 加签 order). */
  readonly waitsFor: readonly string[];
  /** 委托: someone acting for this assignee on this task. While it is open, they hold it too (one seat each per step). */
  readonly delegate?: string;
  /** Who decided it, when not the assignee: their delegate (委托) or stand-in (代理). That person has used their seat in the step. */
  readonly actedBy?: string;
  /** How the assignment came to be. */
  readonly origin: 'rule' | 'fallback' | 'add-before' | 'add-after' | 'add-alongside' | 'transfer' | 'escalation';
  /**
   * The vote this assignment is part of, by the id of the assignment that began it; absent: a vote of
   * its own. 加签 signers join the vote of the person who added them (before, after or alongside, they
   * all must approve for it to count once), and a 转交 or escalation slot takes over the vote of the
   * task it replaces, so a mode counts the people it asked, never a signer added to one of them as a
   * vote of their own.
   */
  readonly vote?: string;
  /** Why it was decided without a person (去重, initiator skipped, deadline). */
  readonly auto?: 'dedupe' | 'initiator' | 'timeout' | 'nobody';
  readonly since: Instant;
  readonly actedAt?: Instant;
  readonly comment?: string;
}

/** One recorded act on a step (people's and the system's), oldest first. */
export interface ApprovalAct {
  readonly type: ApprovalOperation | 'TIMEOUT' | 'AUTO';
  readonly by: string;
  /** When someone acted for another (委托 delegate, 代理 stand-in): the person the act counts for. */
  readonly onBehalfOf?: string;
  readonly at: Instant;
  readonly task?: string;
  readonly comment?: string;
  readonly users?: readonly string[];
  readonly to?: string;
}

/** The outcome of a step once it is certain. */
export type ApprovalOutcome =
  | { readonly kind: 'approved' }
  | { readonly kind: 'rejected' }
  | { readonly kind: 'withdrawn' }
  | { readonly kind: 'returned'; readonly to: string };

/** A step's state, kept in `context.approvals[stepId]`. */
export interface ApprovalStepState {
  readonly spec: ApprovalStepSpec;
  /** 1 on first entry, +1 on each re-entry (after a return or resubmission). */
  readonly round: number;
  /** True while the step's state node is active (set on entry, cleared on exit). */
  readonly active: boolean;
  readonly enteredAt: Instant;
  /**
   * The step's timeout (超时) as resolved when the step was entered (epoch ms), or null without one: a
   * fact of the entry, kept as it was. The live due instant is the step's timer (`engine.get(id).timers`,
   * and the inbox's `dueAt`, which read it): `engine.reresolveDeadlines` moves the timer of a provisional
   * deadline, and records old and new instants in the history, without rewriting this entry fact.
   */
  readonly dueAt: Instant | null;
  readonly assignments: readonly ApprovalAssignment[];
  readonly acts: readonly ApprovalAct[];
  readonly cc: readonly string[];
  readonly outcome: ApprovalOutcome | null;
  readonly nextTask: number;
}

/** Flow-level approval facts shared by the steps. */
export interface ApprovalFlowState {
  /** Set when a step returned with `resubmit: 'jump'`: the step to jump back to. */
  readonly resume: { readonly step: string } | null;
  /** Who approved the last decided step, for 去重. */
  readonly lastApproved: { readonly step: string; readonly users: readonly string[] } | null;
  /** Whether anyone decided on a step since the submission began (for 撤回 `untilActed`). */
  readonly acted: boolean;
  /**
   * The steps someone decided on since the submission began, in the order first acted on (for 撤回
   * `untilActed`, per branch, and to name them in its refusal). Absent in contexts stored before it
   * was recorded: `acted` alone then tells.
   */
  readonly actedOn?: readonly string[];
  /**
   * The request is back with its submitter: a step ended by 拒绝, 撤回 or 退回 to the submitter, or an
   * administrator moved the instance out of a step undecided. The next step entered by the submitter's
   * resubmission begins a new submission (see `src/approvals/submission.ts`, the one place deciding it).
   */
  readonly withSubmitter?: boolean;
}

/**
 * The context fields approval steps read and write. Spread `withApprovals(...).context(input)` into your
 * machine's context factory and extend it with your own data.
 */
export interface ApprovalContext {
  readonly initiator: string;
  readonly approvals: Readonly<Record<string, ApprovalStepState>>;
  readonly approvalFlow: ApprovalFlowState;
}

/**
 * The approval fields of a new instance's context, from the start input (the engine adds `$actor`),
 * followed by the machine's own fields `own` when given (the same keys in the same order as
 * `{ ...approvalFields, ...own }`; a key of `own` wins). Internal: a machine gets it as
 * `withApprovals(...).context`.
 *
 * Why `own` is an argument: on Node 20 (V8 11) an object literal that spreads one object and then
 * adds keys it lacks, `{ ...approvals.context(input), contractNo, title, … }`, defines each added key
 * on a slow path and gives every such context a hidden class of its own: 23 µs per start for the
 * contract approval's 15 fields, measured, against 0.4 µs for the same object built by assignment.
 */
export function approvalContext(input: unknown): ApprovalContext;
export function approvalContext<E extends object>(input: unknown, own: E): Omit<ApprovalContext, keyof E> & E;
export function approvalContext(input: unknown, own?: object): ApprovalContext {
  const actor = (input as { $actor?: { id?: unknown } } | undefined)?.$actor;
  const fields: ApprovalContext = {
    initiator: typeof actor?.id === 'string' ? actor.id : 'unknown',
    approvals: {},
    approvalFlow: { resume: null, lastApproved: null, acted: false },
  };
  return own === undefined ? fields : (copyWith(fields, own) as unknown as ApprovalContext);
}
