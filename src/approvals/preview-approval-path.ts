import type { AnyMachineSnapshot } from 'xstate';
import type { AnyStateMachine } from 'xstate';
import { toInstant, type InstantInput } from '../clock/clock.js';
import type { BusinessCalendar } from '../calendar/index.js';
import type { AnyWorkflow, WorkflowEnv } from '../engine/define-workflow.js';
import type { Directory } from '../organisation/directory.js';
import { XStateRuntime } from '../engine/xstate-runtime.js';
import { DocketError } from '../errors.js';
import type { Actor } from '../store/records.js';
import { actionable } from './approval-decision.js';
import type { ApprovalContext, ApprovalMode } from './approval-types.js';

/** One step of a previewed path: who would be asked, in order, and who would be passed automatically. */
export interface PreviewStep {
  readonly step: string;
  readonly title?: { readonly 'zh-CN': string; readonly en: string };
  readonly mode: ApprovalMode;
  /** The people who would be asked, in order (a group task lists its role as `role:<name>`). */
  readonly approvers: readonly string[];
  /** People the step's policies would pass automatically (去重, initiator skipped). */
  readonly skipped: readonly string[];
  /** True when nobody was resolved and the step would pass automatically. */
  readonly autoApproved: boolean;
}

/**
 * 预览审批流程: for a draft input, the approval steps and the people who would approve, in order,
 * before anything is submitted. It runs the workflow's own machine purely (no store, no effects),
 * approving every step as its assignees would, so data-driven branches (条件分支) follow the input.
 * A machine that starts in a draft state is submitted with `submit` (default `{ type: 'SUBMIT' }`).
 * Throws what starting would throw (`NO_APPROVER`, an invalid 自选 choice).
 *
 * @example
 * ```ts
 * import { previewApprovalPath, staticDirectory, type AnyWorkflow } from 'docket';
 * declare const contract: AnyWorkflow;
 * const directory = staticDirectory({ users: [{ id: 'li', roles: ['staff'], supervisor: 'wang' }, { id: 'wang', roles: ['manager'] }] });
 * const preview = () => previewApprovalPath(contract, { amount: 200_000 }, { directory, initiator: 'li' });
 * ```
 */
export function previewApprovalPath(
  workflow: AnyWorkflow,
  input: unknown,
  options: {
    readonly directory: Directory;
    readonly initiator: string | Actor;
    readonly calendar?: BusinessCalendar;
    readonly at?: InstantInput;
    readonly submit?: { readonly type: string; readonly [key: string]: unknown };
  },
): PreviewStep[] {
  const now = options.at === undefined ? 0 : toInstant(options.at);
  const env: WorkflowEnv = { directory: options.directory, calendar: options.calendar, now: () => now };
  // Deadlines never fire in a preview: every named delay is a placeholder length, so no calendar
  // year (or clock) is needed to preview a path.
  const provided = (workflow.implementations?.(env) ?? {}) as { delays?: Record<string, unknown> };
  const delays = Object.fromEntries(Object.keys(workflow.deadlines ?? {}).map((name) => [name, () => 1]));
  const runtime = new XStateRuntime((workflow.machine as AnyStateMachine).provide({ ...provided, delays: { ...provided.delays, ...delays } } as never));
  const reg = { runtime };
  const initiator: Actor = typeof options.initiator === 'string' ? { id: options.initiator, roles: options.directory.user(options.initiator)?.roles ?? [] } : options.initiator;
  const parsed = workflow.input.safeParse(input);
  if (!parsed.success) {
    throw new DocketError('INVALID_PAYLOAD', `The draft input is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}.`, { workflow: workflow.id });
  }
  let snapshot: AnyMachineSnapshot = reg.runtime.initial({ ...(parsed.data as object), $actor: initiator, $at: now }).snapshot;
  const out: PreviewStep[] = [];
  const seenRounds = new Set<string>();
  let submitted = false;
  for (let guard = 0; guard < 500 && snapshot.status === 'active'; guard++) {
    const ctx = snapshot.context as ApprovalContext;
    const live = Object.values(ctx.approvals ?? {}).filter((s) => s.outcome === null && snapshot.hasTag(`approval:${s.spec.id}`));
    for (const s of Object.values(ctx.approvals ?? {})) {
      const key = `${s.spec.id}:${s.round}`;
      if (seenRounds.has(key) || !s.active) continue;
      seenRounds.add(key);
      out.push({
        step: s.spec.id,
        ...(s.spec.title ? { title: s.spec.title } : {}),
        mode: s.spec.mode,
        approvers: s.assignments.filter((a) => a.status === 'pending').map((a) => a.user ?? `role:${a.group?.role ?? ''}`),
        skipped: s.assignments.filter((a) => a.status === 'skipped' && a.user !== null).map((a) => a.user as string),
        autoApproved: s.assignments.length === 0,
      });
    }
    const state = live[0];
    if (!state) {
      if (submitted) break;
      submitted = true;
      const submit = options.submit ?? { type: 'SUBMIT' };
      const next = reg.runtime.transition(snapshot, { ...submit, $actor: initiator, $at: now } as never).snapshot;
      if (next === snapshot) break;
      snapshot = next;
      continue;
    }
    const task = actionable(state.assignments)[0];
    if (!task) break;
    const who = task.user ?? task.group?.members[0] ?? 'docket:preview';
    const next = reg.runtime.transition(snapshot, {
      type: 'APPROVE',
      step: state.spec.id,
      taskId: task.id,
      $actor: { id: who, roles: options.directory.user(who)?.roles ?? [] },
      $at: now,
    } as never).snapshot;
    if (next === snapshot) break;
    snapshot = next;
  }
  return out;
}
