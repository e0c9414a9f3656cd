import { setup } from 'xstate';
import { z } from 'zod';
import {
  approvalStep,
  businessCalendar,
  checkChoicesAtStart,
  createEngine,
  effect,
  memoryStore,
  resubmitTo,
  staticDirectory,
  virtualClock,
  withApprovals,
  type ApprovalContext,
  type ApprovalEvent,
  type ApprovalStepConfig,
  type ApproverRule,
  type DeadlineSpec,
  type DirectoryUser,
  type StandIn,
} from '../src/index.js';

/** A step as the fixture takes it: everything but where it goes (the fixture chains the steps). */
export type StepSpec = Omit<ApprovalStepConfig, 'onApproved' | 'onRejected' | 'onWithdrawn' | 'returns'> & {
  readonly returns?: { readonly submitter?: boolean; readonly previous?: string; readonly steps?: readonly string[] };
};

export type FlowContext = ApprovalContext & { amount: number; chosen: string[]; manager: string | null };

/**
 * A linear approval flow for tests: (draft →) step 1 → … → approved, with rejected / withdrawn
 * finals, the submitter's draft as the return target and jump-back edges between steps.
 */
export function approvalFlow<const Id extends string = 'flow'>(
  steps: readonly StepSpec[],
  options: {
    readonly draft?: boolean;
    readonly deadlines?: Record<string, DeadlineSpec>;
    readonly id?: Id;
    readonly checkChoices?: readonly ApproverRule[];
    readonly version?: number;
    readonly permissions?: Record<string, readonly string[]>;
    /** The inbox's own data on each task (`withApprovals({ inbox: { data } })`). */
    readonly inbox?: { readonly data: (context: FlowContext) => unknown };
    /** Where a rejection (`rejection: 'end'`) goes: the `rejected` final (default) or back to the `draft`. */
    readonly rejectedTo?: 'rejected' | 'draft';
  } = {},
) {
  const ids = steps.map((s) => s.id);
  const approvals = withApprovals({ deadlines: options.deadlines ?? {}, ...(options.inbox ? { inbox: options.inbox } : {}) });
  const states: Record<string, unknown> = {};
  steps.forEach((s, i) => {
    const { returns, ...rest } = s;
    states[s.id] = approvalStep({
      ...rest,
      onApproved: { target: ids[i + 1] ?? 'approved', jumpBack: ids.slice(i + 1) },
      onRejected: options.rejectedTo ?? 'rejected',
      onWithdrawn: 'withdrawn',
      ...(returns ? { returns: { ...returns, submitter: returns.submitter ? 'draft' : undefined } as never } : {}),
    });
  });
  const machine = setup({
    types: {} as {
      context: FlowContext;
      events: ApprovalEvent | { type: 'SUBMIT' };
      input: { amount: number; chosen?: string[]; manager?: string };
    },
    actions: { ...approvals.actions, notify: effect<{ to: string }>() },
    guards: approvals.guards,
    delays: approvals.delays,
  }).createMachine({
    id: 'flow',
    entry: options.checkChoices ? [checkChoicesAtStart(options.checkChoices)] : [],
    context: ({ input }) => ({ ...approvals.context(input), amount: input.amount, chosen: input.chosen ?? [], manager: input.manager ?? null }),
    initial: options.draft ? 'draft' : ids[0]!,
    states: {
      ...(states as {}),
      draft: { on: { SUBMIT: resubmitTo(ids, ids[0]!) } },
      approved: { type: 'final' },
      rejected: { type: 'final' },
      withdrawn: { type: 'final' },
    },
  });
  return approvals.defineWorkflow({
    id: (options.id ?? 'flow') as Id,
    version: options.version ?? 1,
    ...(options.permissions ? { permissions: options.permissions as never } : {}),
    machine,
    input: z.object({ amount: z.number().default(0), chosen: z.array(z.string()).optional(), manager: z.string().optional() }),
    events: { SUBMIT: z.object({}) },
    authorize: (args, approvals) =>
      args.event.type === 'SUBMIT' && args.actor.id !== args.instance.initiator ? 'Only the initiator may submit.' : approvals(args),
  });
}

/** The organisation the tests use. */
export const people: DirectoryUser[] = [
  { id: 'li', roles: ['staff'], department: 'sales', supervisor: 'wang' },
  { id: 'wang', roles: ['manager'], department: 'sales', supervisor: 'chen' },
  { id: 'chen', roles: ['director'], department: 'sales', supervisor: 'zhou', active: false },
  { id: 'zhou', roles: ['vp'], department: 'exec', supervisor: 'ceo' },
  { id: 'ceo', roles: ['ceo'], department: 'exec', supervisor: null },
  { id: 'zhao', roles: ['legal'], department: 'legal', supervisor: 'ceo' },
  { id: 'qian', roles: ['legal'], department: 'legal', supervisor: 'ceo' },
  { id: 'sun', roles: ['finance'], department: 'finance', supervisor: 'ceo' },
  { id: 'wu', roles: ['finance'], department: 'finance', supervisor: 'ceo' },
  { id: 'zheng', roles: ['finance'], department: 'finance', supervisor: 'ceo' },
  { id: 'feng', roles: ['admin'], department: 'it', supervisor: 'ceo' },
  { id: 'gone', roles: ['legal'], department: 'legal', supervisor: 'ceo', active: false },
];

export const actor = (id: string) => ({ id, roles: people.find((p) => p.id === id)?.roles ?? [] });
export const li = actor('li');
export const admin = actor('feng');

/** 1 Oct 2026 is National Day; the tests start on a working Monday unless they say otherwise. */
export const MONDAY = '2026-11-02T09:00:00+08:00';

export function harness(workflow: ReturnType<typeof approvalFlow<'flow'>>, options: { readonly start?: string; readonly standIns?: StandIn[]; readonly effects?: Record<string, (p: any) => void> } = {}) {
  const clock = virtualClock(options.start ?? MONDAY);
  const directory = staticDirectory({ users: people, departmentHeads: { sales: 'wang', legal: 'zhao', finance: 'sun' }, standIns: options.standIns ?? [] });
  const effects = { 'approval.assigned': () => {}, 'approval.cc': () => {}, 'approval.remind': () => {}, notify: () => {}, ...options.effects };
  const engine = createEngine({ store: memoryStore(), clock, calendar: businessCalendar({ holidays: ['CN'] }), directory, workflows: [workflow], effects });
  const step = async (id: string, name: string) => ((await engine.get(id)).context as FlowContext).approvals[name]!;
  const statuses = async (id: string, name: string) => (await step(id, name)).assignments.map((a) => `${a.user ?? a.group?.role}:${a.status}`);
  const inbox = async (id: string) => (await engine.tasks({ instanceId: id })).map((t) => `${t.step}:${t.assignees.join('|')}`).sort();
  return { clock, engine, directory, step, statuses, inbox };
}
