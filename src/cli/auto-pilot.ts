import type { AnyWorkflow } from '../engine/define-workflow.js';
import { staticDirectory, type Directory } from '../organisation/directory.js';
import type { Engine } from '../engine/engine-types.js';
import { ownValue } from '../engine/own-property.js';
import { isDocketError } from '../errors.js';
import type { Actor, TaskRecord } from '../store/records.js';
import { DateTime } from 'luxon';
import { sampleValue, type SampleOptions } from '../visualizer/sample-value.js';
import { activeStateIds, stateGraph, type StateGraph } from '../visualizer/state-graph.js';

/** The simulated people: a chain of three, each holding every role the workflow mentions. */
export const DEMO_USERS = ['demo', 'lead', 'director'] as const;

/** Every role a workflow mentions (its role labels, its permissions, and its approval steps' rules). */
export function rolesOf(workflow: AnyWorkflow): string[] {
  const roles = new Set<string>(Object.keys(workflow.roles ?? {}));
  for (const list of Object.values(workflow.permissions ?? {})) for (const r of list ?? []) roles.add(r);
  // A step's `role('it')` approvers (or a `{ role }` fallback for nobody, too few, escalation) need
  // not appear in `roles` or `permissions`: without them the simulated people could never be
  // resolved as approvers, every approval would be refused with NO_APPROVER, and the simulation
  // would take the next event it could send (REJECT) instead of the happy path.
  for (const role of approvalRolesOf(workflow)) roles.add(role);
  return [...roles];
}

const approvalRoles = new WeakMap<AnyWorkflow, readonly string[]>();

/** The roles named anywhere in the workflow's approval step specs (`meta.approval` of its states). */
function approvalRolesOf(workflow: AnyWorkflow): readonly string[] {
  const cached = approvalRoles.get(workflow);
  if (cached) return cached;
  const found = new Set<string>();
  const walk = (value: unknown, depth: number): void => {
    if (depth > 32 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
      return;
    }
    const role = (value as { role?: unknown }).role;
    if (typeof role === 'string' && role !== '') found.add(role);
    for (const item of Object.values(value)) walk(item, depth + 1);
  };
  for (const node of stateGraph(workflow).nodes) walk(node.approval?.raw, 0);
  const roles = [...found];
  approvalRoles.set(workflow, roles);
  return roles;
}

/**
 * The roles a simulated person holds: `demo` starts the request and holds only the roles that may
 * start it (`permissions.start`; every role when the workflow names none); `lead` and `director`
 * above them hold every role. So approver rules resolve to people other than the initiator, as in a
 * real organisation, and nobody approves their own request.
 */
export function demoRoles(workflow: AnyWorkflow, id: string): string[] {
  const all = rolesOf(workflow);
  if (id !== 'demo') return all;
  const start = ownValue<readonly string[] | undefined>(workflow.permissions, 'start') ?? [];
  return start.length > 0 ? [...start] : all;
}

/**
 * A directory for simulations: `demo` reports to `lead`, who reports to `director` (and `lead` heads
 * demo's department), each with {@link demoRoles}, so approver rules (roles, supervisors,
 * department heads) always resolve to someone other than the initiator.
 */
export function demoDirectory(workflow: AnyWorkflow): Directory {
  return staticDirectory({
    users: DEMO_USERS.map((id, i) => ({ id, name: id, roles: demoRoles(workflow, id), department: 'demo', supervisor: DEMO_USERS[i + 1] ?? null })),
    departmentHeads: { demo: 'lead' },
  });
}

/** The simulated people as actors, each with {@link demoRoles}. */
export function demoPeople(workflow: AnyWorkflow): Actor[] {
  return DEMO_USERS.map((id) => ({ id, roles: demoRoles(workflow, id), name: id }));
}

/**
 * Who acts for an event: an assignee of an open task offering it, someone other than the initiator
 * when the task has one (a task is a decision on the initiator's request); else the initiator `demo`
 * when their roles may send it (a withdrawal, a kickoff the sales side holds); else the first
 * simulated person whose roles may (`permissions[type]`: a contract administrator signs, finance
 * records a payment). Without the last rule the initiator, refused the event that moves the process
 * on, would send the next one they may (撤回) and end a simulation withdrawn. When the workflow names
 * no start roles the initiator holds every role only as a stand-in, so a restricted event goes to the
 * others first: otherwise the initiator of an expense decided its finance check and paid it out.
 */
export function demoActor(workflow: AnyWorkflow, type: string, tasks: readonly TaskRecord[]): Actor {
  const task = tasks.find((t) => t.actions.includes(type));
  const id = (task && (task.claimedBy ?? task.assignees.find((a) => a !== INITIATOR) ?? task.assignees[0])) ?? permittedPerson(workflow, type);
  return { id, roles: demoRoles(workflow, id), name: id };
}

/** The simulated person who starts every request. */
const INITIATOR = DEMO_USERS[0];

/**
 * The first simulated person whose roles may send `type`: the initiator first when the workflow names
 * the start roles (theirs), else last; `demo` when the workflow does not restrict the event.
 */
function permittedPerson(workflow: AnyWorkflow, type: string): string {
  const allowed = ownValue<readonly string[] | undefined>(workflow.permissions, type);
  if (!Array.isArray(allowed) || allowed.length === 0) return INITIATOR;
  const start = ownValue<readonly string[] | undefined>(workflow.permissions, 'start');
  const order = Array.isArray(start) && start.length > 0 ? DEMO_USERS : [...DEMO_USERS.slice(1), INITIATOR];
  return order.find((id) => demoRoles(workflow, id).some((role) => allowed.includes(role))) ?? INITIATOR;
}

/** Steps from each state to any of `goals`, along the diagram's arrows (a parent reaches what its children reach). */
function distancesTo(graph: StateGraph, goals: readonly string[]): Map<string, number> {
  const dist = new Map<string, number>();
  const queue: string[] = [];
  for (const g of goals) {
    dist.set(g, 0);
    queue.push(g);
  }
  while (queue.length > 0) {
    const id = queue.shift()!;
    const d = dist.get(id)!;
    const parent = graph.nodes.find((n) => n.id === id)?.parent;
    if (parent && !dist.has(parent)) {
      dist.set(parent, d);
      queue.push(parent);
    }
    for (const e of graph.edges) {
      if (e.target === id && !dist.has(e.source)) {
        dist.set(e.source, d + 1);
        queue.push(e.source);
      }
    }
  }
  return dist;
}

/**
 * The final state a happy path ends in: the top-level final state farthest from the start (the
 * process's real end, such as closed or archived), not the shallow ones (withdrawn, rejected).
 */
function goalOf(graph: StateGraph): string[] {
  const finals = graph.nodes.filter((n) => n.kind === 'final' && n.parent === null).map((n) => n.id);
  const start = graph.nodes.find((n) => n.initial && n.parent === null)?.id;
  if (!start || finals.length <= 1) return finals;
  const fromStart = new Map<string, number>([[start, 0]]);
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const e of graph.edges) {
      // Leaving a compound state by its own arrow also leaves from any of its children.
      const fromHere = e.source === id || id.startsWith(`${e.source}.`) || e.source.startsWith(`${id}.`);
      if (fromHere && !fromStart.has(e.target)) {
        fromStart.set(e.target, fromStart.get(id)! + 1);
        queue.push(e.target);
      }
    }
  }
  const reachable = finals.filter((f) => fromStart.has(f));
  if (reachable.length === 0) return finals;
  const far = Math.max(...reachable.map((f) => fromStart.get(f)!));
  return reachable.filter((f) => fromStart.get(f) === far);
}

/**
 * The events people could send now, best first: the ones whose arrow leads closest to the process's
 * real end come first (the happy path), so a simulation that always takes the first one finishes.
 */
export function rankedEvents(workflow: AnyWorkflow, graph: StateGraph, state: unknown): string[] {
  const active = new Set(activeStateIds(state));
  const toGoal = distancesTo(graph, goalOf(graph));
  const toAnyFinal = distancesTo(graph, graph.nodes.filter((n) => n.kind === 'final').map((n) => n.id));
  const far = graph.nodes.length + 1;
  const distance = (id: string) => toGoal.get(id) ?? far + (toAnyFinal.get(id) ?? far);
  const candidates: { event: string; d: number; order: number }[] = [];
  graph.edges.forEach((e, order) => {
    if (e.kind !== 'event' || e.event === null || !active.has(e.source) || !(e.event in workflow.events)) return;
    candidates.push({ event: e.event, d: distance(e.target), order });
  });
  // Events a state handles without leaving it (a provider's submission counted by a guard) come last.
  graph.nodes.forEach((n, order) => {
    if (!active.has(n.id)) return;
    for (const event of n.events) candidates.push({ event, d: distance(n.id) + 0.5, order: graph.edges.length + order });
  });
  candidates.sort((a, b) => a.d - b.d || a.order - b.order);
  return [...new Set(candidates.map((c) => c.event))];
}

/**
 * Sample values for a simulation starting at `from`: dates a month later, and a quarter reference
 * (a plan quarter) set to the quarter after the one a month from `from` (plans are made the quarter
 * before, so a simulation from late September plans next year's first quarter).
 */
export function sampleOptionsAt(from: number): SampleOptions {
  const start = DateTime.fromMillis(from, { zone: 'Asia/Shanghai' });
  const next = start.plus({ months: 4 });
  return { date: start.plus({ days: 30 }).toISODate() ?? '2026-12-31', quarter: { year: next.year, quarter: Math.ceil(next.month / 3) as 1 | 2 | 3 | 4 } };
}

/** What one act of the auto-pilot did. */
export type AutoStep =
  | { readonly sent: string; readonly actor: string; readonly refused?: never }
  | { readonly sent: null; readonly actor?: never; readonly refused: readonly string[] };

/**
 * Act once on an instance as the simulated people would: try the ranked events in order with a
 * sample payload (dates `dateHint`) and send the first the engine accepts. Refusals are expected
 * (guards, authorization) and change nothing.
 */
export async function autoStep(
  engine: Engine,
  workflow: AnyWorkflow,
  graph: StateGraph,
  id: string,
  dateHint: string,
  /** `state|event` pairs already tried without the state changing: not repeated (no daily no-op loops). */
  tried: Set<string> = new Set(),
): Promise<AutoStep> {
  const view = await engine.get(id);
  if (view.status !== 'active' || view.suspended) return { sent: null, refused: [] };
  const tasks = await engine.tasks({ instanceId: id });
  // The situation: the state and who holds which task (an approval with a new assignee is new).
  const stateKey = JSON.stringify([view.state, tasks.map((t) => `${t.id}:${t.assignees.join('+')}`).sort()]);
  const refused: string[] = [];
  for (const type of rankedEvents(workflow, graph, view.state)) {
    if (tried.has(`${stateKey}|${type}`)) continue;
    const schema = ownValue(workflow.events, type);
    const payload = schema ? sampleValue(schema, { date: dateHint }) : {};
    const actor = demoActor(workflow, type, tasks);
    try {
      await engine.send(id, { ...(payload as object), type } as never, { actor });
      const tasksAfter = await engine.tasks({ instanceId: id });
      const after = await engine.get(id);
      if (JSON.stringify([after.state, tasksAfter.map((t) => `${t.id}:${t.assignees.join('+')}`).sort()]) === stateKey) tried.add(`${stateKey}|${type}`);
      return { sent: type, actor: actor.id };
    } catch (error) {
      if (!isDocketError(error)) throw error;
      tried.add(`${stateKey}|${type}`);
      refused.push(`${type}: ${error.code}`);
    }
  }
  return { sent: null, refused };
}
