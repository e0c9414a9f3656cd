import type { z } from 'zod';
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

const approvalNames = new WeakMap<AnyWorkflow, { readonly roles: readonly string[]; readonly users: readonly string[] }>();

/**
 * The roles and the people named anywhere in the workflow's approval step specs (`meta.approval` of
 * its states): every `role` value, and the ids of every `users(...)` rule (`{ kind: 'users', users }`).
 */
function approvalNamesOf(workflow: AnyWorkflow): { readonly roles: readonly string[]; readonly users: readonly string[] } {
  const cached = approvalNames.get(workflow);
  if (cached) return cached;
  const roles = new Set<string>();
  const users = new Set<string>();
  const walk = (value: unknown, depth: number): void => {
    if (depth > 32 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
      return;
    }
    const { role, kind, users: ids } = value as { role?: unknown; kind?: unknown; users?: unknown };
    if (typeof role === 'string' && role !== '') roles.add(role);
    if (kind === 'users' && Array.isArray(ids)) for (const id of ids) if (typeof id === 'string' && id !== '') users.add(id);
    for (const item of Object.values(value)) walk(item, depth + 1);
  };
  for (const node of stateGraph(workflow).nodes) walk(node.approval?.raw, 0);
  const found = { roles: [...roles], users: [...users] };
  approvalNames.set(workflow, found);
  return found;
}

/** The roles named anywhere in the workflow's approval step specs. */
function approvalRolesOf(workflow: AnyWorkflow): readonly string[] {
  return approvalNamesOf(workflow).roles;
}

/**
 * The people a step names by id (`users('sun')`) who are not simulated people: the simulation's
 * directory knows them too, or such a step resolved nobody (the act entering it was refused with
 * NO_APPROVER, and a deadline entering it had the engine suspend the instance).
 */
export function namedApprovers(workflow: AnyWorkflow): string[] {
  return approvalNamesOf(workflow).users.filter((id) => !(DEMO_USERS as readonly string[]).includes(id));
}

/**
 * The roles a simulated person holds: `demo` starts the request and holds only the roles that may
 * start it (`permissions.start`; when the workflow names none, every role but those its approval
 * steps name); `lead` and `director` above them hold every role. So approver rules resolve to people
 * other than the initiator, as in a real organisation, and nobody approves their own request.
 * (Without a start permission demo held every role, so a step of `role('hr')` seated the initiator,
 * who approved their own leave request.)
 */
export function demoRoles(workflow: AnyWorkflow, id: string): string[] {
  const all = rolesOf(workflow);
  if (id !== 'demo') return all;
  const start = ownValue<readonly string[] | undefined>(workflow.permissions, 'start') ?? [];
  if (start.length > 0) return [...start];
  const approverRoles = new Set(approvalRolesOf(workflow));
  return all.filter((r) => !approverRoles.has(r));
}

/**
 * A directory for simulations: `demo` reports to `lead`, who reports to `director` (and `lead` heads
 * demo's department), each with {@link demoRoles}, so approver rules (roles, supervisors,
 * department heads) always resolve to someone other than the initiator; and everyone a step names by
 * id (`users('sun')`, {@link namedApprovers}), so such a step resolves as written.
 */
export function demoDirectory(workflow: AnyWorkflow): Directory {
  return staticDirectory({
    users: [
      ...DEMO_USERS.map((id, i) => ({ id, name: id, roles: demoRoles(workflow, id), department: 'demo', supervisor: DEMO_USERS[i + 1] ?? null })),
      // The people the workflow's steps name by id ({@link namedApprovers}), holding every role as
      // `lead` and `director` do, outside demo's reporting chain.
      ...namedApprovers(workflow).map((id) => ({ id, name: id, roles: demoRoles(workflow, id), supervisor: null })),
    ],
    departmentHeads: { demo: 'lead' },
  });
}

/** The simulated people as actors, each with {@link demoRoles}. */
export function demoPeople(workflow: AnyWorkflow): Actor[] {
  return DEMO_USERS.map((id) => ({ id, roles: demoRoles(workflow, id), name: id }));
}

/**
 * Who acts for an event: an assignee of an open task offering it, someone other than the initiator
 * when a task has one (a task is a decision on the initiator's request; in 会签 each approver holds a
 * task of their own, and the others' come before the initiator's); else the initiator `demo`
 * when their roles may send it (a withdrawal, a kickoff the sales side holds); else the first
 * simulated person whose roles may (`permissions[type]`: a contract administrator signs, finance
 * records a payment). Without the last rule the initiator, refused the event that moves the process
 * on, would send the next one they may (撤回) and end a simulation withdrawn. When the workflow names
 * no start roles the initiator holds every role only as a stand-in, so a restricted event goes to the
 * others first: otherwise the initiator of an expense decided its finance check and paid it out.
 */
export function demoActor(workflow: AnyWorkflow, type: string, tasks: readonly TaskRecord[]): Actor {
  // A task of someone else before the initiator's own: in 会签 each approver holds a task of their
  // own, and the first listed was often the initiator's (who, holding every role when the workflow
  // names no start roles, is resolved as an approver too), so they decided their own request first.
  const holder = (t: TaskRecord) => t.claimedBy ?? t.assignees.find((a) => a !== INITIATOR) ?? t.assignees[0];
  const offering = tasks.filter((t) => t.actions.includes(type));
  const task = offering.find((t) => holder(t) !== INITIATOR) ?? offering[0];
  const id = (task && holder(task)) ?? permittedPerson(workflow, type);
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

/**
 * What an arrow costs on the way to the end: one step, or three when it has a guard (it may not hold:
 * obstacle-solution's escalation accepts a solution only when escalated from the solution stage, so
 * "send the approach back, escalate, accept as is" is no shortcut past accepting the approach).
 */
const stepCost = (e: StateGraph['edges'][number]) => (e.guard === null ? 1 : 3);

/** Cost from each state to any of `goals`, along the diagram's arrows (a parent reaches what its children reach). */
function distancesTo(graph: StateGraph, goals: readonly string[]): Map<string, number> {
  const dist = new Map<string, number>(goals.map((g) => [g, 0]));
  // Relaxation until nothing improves: the graphs are a few dozen states.
  for (let changed = true; changed; ) {
    changed = false;
    const improve = (id: string, d: number) => {
      if (d < (dist.get(id) ?? Infinity)) {
        dist.set(id, d);
        changed = true;
      }
    };
    for (const node of graph.nodes) {
      const d = dist.get(node.id);
      if (d !== undefined && node.parent) improve(node.parent, d);
    }
    for (const e of graph.edges) {
      const d = dist.get(e.target);
      if (d === undefined) continue;
      improve(e.source, d + stepCost(e));
      // A state's onDone is taken from its final children (every region's, in a parallel state):
      // reaching one is the way out. Without this bid-review's "technical part ready" led nowhere
      // and the simulation abandoned the bid instead.
      if (e.event?.startsWith('xstate.done.state.')) {
        for (const n of graph.nodes) if (n.kind === 'final' && n.id.startsWith(`${e.source}.`)) improve(n.id, d + stepCost(e));
      }
    }
  }
  return dist;
}

/**
 * The final state a happy path ends in: the top-level final state farthest from the start (the
 * process's real end, such as closed or archived), not the shallow ones (withdrawn, rejected).
 * Distances follow the machine: entering a state enters its initial child (every region of a
 * parallel one), an arrow leaves from its own state or any state inside it, and an onDone only from
 * a final state inside. (Counting a child's arrow as one step from its parent made a chain of steps
 * inside `open` as near as `open`'s own GIVE_UP, so giving up counted as a real end.)
 */
function goalOf(graph: StateGraph): string[] {
  const finals = graph.nodes.filter((n) => n.kind === 'final' && n.parent === null).map((n) => n.id);
  const start = graph.nodes.find((n) => n.initial && n.parent === null)?.id;
  if (!start || finals.length <= 1) return finals;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const enter = (id: string): string[] => {
    const node = byId.get(id);
    const kids = graph.nodes.filter((n) => n.parent === id);
    if (!node || kids.length === 0) return [id];
    const entered = node.kind === 'parallel' ? kids : kids.filter((k) => k.initial).slice(0, 1);
    return [id, ...entered.flatMap((k) => enter(k.id))];
  };
  const within = (id: string, outer: string) => id === outer || id.startsWith(`${outer}.`);
  const fromStart = new Map<string, number>();
  for (const id of enter(start)) fromStart.set(id, 0);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [id, d] of [...fromStart]) {
      for (const e of graph.edges) {
        const done = e.event?.startsWith('xstate.done.state.') === true;
        const usable = done ? byId.get(id)?.kind === 'final' && id.startsWith(`${e.source}.`) : within(id, e.source);
        if (!usable) continue;
        for (const t of enter(e.target)) {
          if (d + stepCost(e) < (fromStart.get(t) ?? Infinity)) {
            fromStart.set(t, d + stepCost(e));
            changed = true;
          }
        }
      }
    }
  }
  const reachable = finals.filter((f) => fromStart.has(f));
  if (reachable.length === 0) return finals;
  const far = Math.max(...reachable.map((f) => fromStart.get(f)!));
  return reachable.filter((f) => fromStart.get(f) === far);
}

/**
 * What {@link rankedEvents} needs of a graph that depends on the graph alone, so it is worked out
 * once per graph (a simulation ranks the events at every step of its run with the one graph):
 * - `distance`: how far each state is from the process's real end, the key events are ranked by:
 *   the cost to the goal ({@link goalOf}), else, past every state that reaches it, the cost to any
 *   final state;
 * - `leaving`: `state\u0000event` for every event arrow, the events that leave their state.
 */
interface GraphRanking {
  readonly distance: (id: string) => number;
  readonly leaving: ReadonlySet<string>;
}

const rankings = new WeakMap<StateGraph, GraphRanking>();

function rankingOf(graph: StateGraph): GraphRanking {
  const known = rankings.get(graph);
  if (known) return known;
  const toGoal = distancesTo(graph, goalOf(graph));
  const toAnyFinal = distancesTo(graph, graph.nodes.filter((n) => n.kind === 'final').map((n) => n.id));
  const far = graph.nodes.length + 1;
  const ranking: GraphRanking = {
    distance: (id) => toGoal.get(id) ?? far + (toAnyFinal.get(id) ?? far),
    leaving: new Set(graph.edges.filter((e) => e.kind === 'event').map((e) => `${e.source}\u0000${e.event}`)),
  };
  rankings.set(graph, ranking);
  return ranking;
}

/**
 * The events people could send now, best first: the ones whose arrow leads closest to the process's
 * real end come first (the happy path), so a simulation that always takes the first one finishes.
 */
export function rankedEvents(workflow: AnyWorkflow, graph: StateGraph, state: unknown): string[] {
  const active = new Set(activeStateIds(state));
  const { distance, leaving } = rankingOf(graph);
  const candidates: { event: string; d: number; order: number }[] = [];
  graph.edges.forEach((e, order) => {
    if (e.kind !== 'event' || e.event === null || !active.has(e.source) || !(e.event in workflow.events)) return;
    candidates.push({ event: e.event, d: distance(e.target), order });
  });
  // Events a state handles without leaving it (a provider's submission counted by a guard) come last.
  // Only events with no arrow out of the state: an arrow's event is ranked by where it leads above
  // (bid-review's ABANDON, an arrow from `open` to `abandoned`, was also ranked here as if it kept
  // the bid open, first of all, and the simulation abandoned every bid at once).
  graph.nodes.forEach((n, order) => {
    if (!active.has(n.id)) return;
    for (const event of n.events) if (!leaving.has(`${n.id}\u0000${event}`)) candidates.push({ event, d: distance(n.id) + 0.5, order: graph.edges.length + order });
  });
  // Events the machine handles in every state without leaving it (promotion-phases' REPORT_METRICS,
  // an `on` of the root with no target): the diagram draws no arrow for them, and without them a
  // guard waiting on reported data (SIGN_OFF's gateMet) could never pass. After every event that
  // moves on, before any that leaves the way to the end (giving up).
  const leaves = [...active].filter((id) => ![...active].some((other) => other.startsWith(`${id}.`)));
  const here = Math.min(...leaves.map(distance));
  for (const event of rootStayEvents(workflow)) candidates.push({ event, d: here + 0.75, order: graph.edges.length + graph.nodes.length });
  candidates.sort((a, b) => a.d - b.d || a.order - b.order);
  return [...new Set(candidates.map((c) => c.event))];
}

/** The declared events the machine's root handles without a target (in every state, staying put). */
function rootStayEvents(workflow: AnyWorkflow): string[] {
  const root = (workflow.machine as unknown as { root?: { transitions?: ReadonlyMap<string, readonly { target?: readonly unknown[] }[]> } }).root;
  const out: string[] = [];
  for (const [type, list] of root?.transitions ?? []) {
    if (type in workflow.events && list.some((t) => t.target === undefined || t.target.length === 0)) out.push(type);
  }
  return out;
}

/**
 * The role a person field names: a zod schema (or its optional/default wrapper, or an array's
 * element) with `.meta({ person: 'provider' })` holds the id of a person who acts in that role
 * (the provider chosen at a meeting, the integrator of a plan). Undefined for any other field.
 */
export function personRoleOf(schema: unknown): string | undefined {
  for (let s = schema as z.ZodType | undefined, depth = 0; s && depth < 8; depth++) {
    const meta = typeof s.meta === 'function' ? (s.meta() as { person?: unknown } | undefined) : undefined;
    if (typeof meta?.person === 'string' && meta.person !== '') return meta.person;
    const def = (s as unknown as { _zod?: { def?: { type?: string; innerType?: z.ZodType; element?: z.ZodType; in?: z.ZodType } } })._zod?.def;
    s = def?.innerType ?? def?.element ?? def?.in;
  }
  return undefined;
}

/** The top-level fields of an object schema (through optional/default/pipe wrappers), or none. */
function fieldsOf(schema: unknown): Record<string, z.ZodType> {
  for (let s = schema as z.ZodType | undefined, depth = 0; s && depth < 8; depth++) {
    const def = (s as unknown as { _zod?: { def?: { type?: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; in?: z.ZodType } } })._zod?.def;
    if (def?.type === 'object') return def.shape ?? {};
    s = def?.innerType ?? def?.in;
  }
  return {};
}

/**
 * The people a started instance names in its person fields (`providers`, `integrator`), with the
 * role each field gives them: the simulation lets them act too, as the people the process expects.
 */
export function namedPeople(workflow: AnyWorkflow, input: unknown): Actor[] {
  const out = new Map<string, Set<string>>();
  const data = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  for (const [key, field] of Object.entries(fieldsOf(workflow.input))) {
    const role = personRoleOf(field);
    if (role === undefined) continue;
    const value = data[key];
    for (const id of Array.isArray(value) ? value : [value]) {
      if (typeof id !== 'string' || id === '' || (DEMO_USERS as readonly string[]).includes(id)) continue;
      out.set(id, (out.get(id) ?? new Set()).add(role));
    }
  }
  return [...out].map(([id, roles]) => ({ id, roles: [...roles], name: id }));
}

/**
 * The payloads the simulated people try for an event, best first: the schema's own examples
 * (`.meta({ examples: [...] })`, the JSON Schema keyword, which the OpenAPI document carries too),
 * then a sample built from the schema; each person field (`.meta({ person: role })`) filled in turn
 * with every simulated person who holds that role, other people before the initiator (a provider
 * chosen at a meeting is a person who must then act, never sample text).
 */
export function payloadCandidates(workflow: AnyWorkflow, type: string, dateHint: string, people: readonly Actor[]): Record<string, unknown>[] {
  const schema = ownValue(workflow.events, type) as z.ZodType | undefined;
  if (!schema) return [{}];
  const examples = ((typeof schema.meta === 'function' ? (schema.meta() as { examples?: unknown } | undefined)?.examples : undefined) ?? []) as unknown[];
  const base = sampleValue(schema, { date: dateHint });
  const bases = [...examples, base].filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v));
  const out: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  const add = (payload: Record<string, unknown>) => {
    const key = JSON.stringify(payload);
    if (seen.has(key) || (!schema.safeParse({ ...payload, type }).success && !schema.safeParse(payload).success)) return;
    seen.add(key);
    out.push(payload);
  };
  const personFields = Object.entries(fieldsOf(schema)).flatMap(([key, field]) => {
    const role = personRoleOf(field);
    return role === undefined ? [] : [{ key, role }];
  });
  for (const payload of bases) {
    // Each person field an example does not fill takes every holder of its role in turn, instead of
    // the sample's text; a field with no holder keeps the sample.
    let variants = [payload];
    for (const { key, role } of personFields) {
      if (examples.includes(payload) && key in payload) continue;
      const holders = people.filter((p) => p.roles.includes(role));
      const ordered = [...holders.filter((p) => p.id !== INITIATOR), ...holders.filter((p) => p.id === INITIATOR)];
      if (ordered.length > 0) variants = variants.flatMap((v) => ordered.map((person) => ({ ...v, [key]: person.id })));
    }
    for (const v of variants) add(v);
  }
  return out.length > 0 ? out : [base as Record<string, unknown>];
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
 * Who may try an event, best first: {@link demoActor}'s choice (a task's assignee, else the first
 * permitted simulated person), then every other simulated person and person the instance names
 * (`namedPeople`) whose roles may send it. A workflow's own rule (only the provider chosen at the
 * meeting submits; only the integrator submits the plan) then finds its person among them.
 */
export function actorCandidates(workflow: AnyWorkflow, type: string, tasks: readonly TaskRecord[], named: readonly Actor[] = []): Actor[] {
  const first = demoActor(workflow, type, tasks);
  const allowed = ownValue<readonly string[] | undefined>(workflow.permissions, type);
  const may = (a: Actor) => !Array.isArray(allowed) || allowed.length === 0 || a.roles.some((r) => allowed.includes(r));
  const others = [...demoPeople(workflow).filter((p) => p.id !== INITIATOR), ...demoPeople(workflow).filter((p) => p.id === INITIATOR), ...named];
  return [first, ...others.filter((a) => a.id !== first.id && may(a))];
}

/**
 * The situation an act is tried in: the state and who holds which task (an approval with a new
 * assignee is a new situation). {@link autoStep} keys its attempts by it and compares it after an act
 * to see whether the act moved anything.
 */
export function situationKey(state: unknown, tasks: readonly Pick<TaskRecord, 'id' | 'assignees'>[]): string {
  return JSON.stringify([state, tasks.map((t) => `${t.id}:${t.assignees.join('+')}`).sort()]);
}

/**
 * Act once on an instance as the simulated people would: try the ranked events in order, each with
 * its candidate payloads ({@link payloadCandidates}) and actors ({@link actorCandidates}), and send
 * the first the engine accepts. Refusals are expected (guards, authorization) and change nothing.
 */
export async function autoStep(
  engine: Engine,
  workflow: AnyWorkflow,
  graph: StateGraph,
  id: string,
  dateHint: string,
  /**
   * Attempts not to repeat: an act refused in a situation (state, tasks and context) is not tried
   * again until something changes, and an act accepted without moving the state or the tasks is not
   * sent again in that state (no daily no-op loops).
   */
  tried: Set<string> = new Set(),
  /** People the instance names (`namedPeople` of its start input), who may act besides the simulated three. */
  named: readonly Actor[] = [],
): Promise<AutoStep> {
  const view = await engine.get(id);
  if (view.status !== 'active' || view.suspended) return { sent: null, refused: [] };
  const tasks = await engine.tasks({ instanceId: id });
  // A refusal also depends on the data (a gate's reported metrics), so it is keyed with the context.
  const stateKey = situationKey(view.state, tasks);
  const dataKey = `${stateKey}${JSON.stringify(view.context)}`;
  const people = [...demoPeople(workflow), ...named];
  const active = new Set(activeStateIds(view.state));
  const refused: string[] = [];
  for (const type of rankedEvents(workflow, graph, view.state)) {
    const leavesHere = graph.edges.some((e) => e.kind === 'event' && e.event === type && active.has(e.source));
    for (const payload of payloadCandidates(workflow, type, dateHint, people)) {
      const act = `${type}${JSON.stringify(payload)}`;
      if (tried.has(`${stateKey}|${act}`) || (!leavesHere && tried.has(`stay|${act}`))) continue;
      for (const actor of actorCandidates(workflow, type, tasks, named)) {
        if (tried.has(`${dataKey}|${act}|${actor.id}`)) continue;
        try {
          await engine.send(id, { ...payload, type } as never, { actor });
          const tasksAfter = await engine.tasks({ instanceId: id });
          const after = await engine.get(id);
          if (situationKey(after.state, tasksAfter) === stateKey) {
            // An act that kept the state (a report, one provider's survey) is done: the very same act
            // is not sent again where it would again only stay (no daily repeats of one report).
            tried.add(`${stateKey}|${act}`);
            tried.add(`stay|${act}`);
          }
          return { sent: type, actor: actor.id };
        } catch (error) {
          if (!isDocketError(error)) throw error;
          tried.add(`${dataKey}|${act}|${actor.id}`);
          refused.push(`${type} by ${actor.id}: ${error.code}`);
        }
      }
    }
  }
  return { sent: null, refused };
}
