import type { AnyStateMachine } from 'xstate';
import { describeDeadlineRule, type DeadlineRule } from '../calendar/index.js';
import type { AnyWorkflow } from '../engine/define-workflow.js';
import { ownValue } from '../engine/own-property.js';
import { isNumericDelay } from '../engine/timer-owner.js';
import { sampleValue } from './sample-value.js';
import { describeCondition, type Condition } from '../approvals/branch.js';
import { describeApproval, describeGuard, type ApprovalInfo, type GuardInfo } from './describe-meta.js';
import { isBiText, same, type BiText } from './text-metrics.js';

/** What kind of state a node is, as XState says. */
export type StateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

/** A deadline on a state: an XState `after` delay, described in both languages. */
export interface StateDeadline {
  /** The delay's name (a key of `workflow.deadlines`) or its length in ms. */
  readonly name: string;
  /** The rule when it is static data; `null` when computed from the instance's data or a raw number. */
  readonly rule: DeadlineRule | null;
  readonly text: BiText;
  /** Dotted paths of the states it leads to. */
  readonly targets: readonly string[];
}

/** One state of the machine, as the diagram draws it. */
export interface StateGraphNode {
  /** Dotted path from the root (`review.legal`); unique in the graph. */
  readonly id: string;
  readonly key: string;
  /** The parent state's id, or `null` for a top-level state. */
  readonly parent: string | null;
  readonly kind: StateKind;
  readonly label: BiText;
  /** True when this is its parent's initial state. */
  readonly initial: boolean;
  /** True when the parent is a parallel state (this node is one of its regions). */
  readonly region: boolean;
  readonly deadlines: readonly StateDeadline[];
  /** Roles allowed to send at least one event this state accepts. */
  readonly roles: readonly { readonly role: string; readonly label: BiText }[];
  /** Event types this state handles itself. */
  readonly events: readonly string[];
  readonly approval: ApprovalInfo | null;
  readonly description: BiText | null;
  readonly tags: readonly string[];
  /** Events the machine's root handles that lead here from any state (withdraw, cancel). */
  readonly fromAnyState: readonly { readonly event: string; readonly label: BiText; readonly guard: GuardInfo | null }[];
}

/** One transition from a state to a state. */
export interface StateGraphEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** `event`: sent by a person or the system; `after`: a deadline; `always`: eventless (条件分支). */
  readonly kind: 'event' | 'after' | 'always';
  /** The event type (`null` for eventless transitions). */
  readonly event: string | null;
  readonly label: BiText;
  readonly guard: GuardInfo | null;
  /** For `after` edges: the deadline's name. */
  readonly delay?: string;
  /**
   * A side path of an approval step (rejected, withdrawn, returned, resubmitted straight back to a
   * step): drawn lighter, so the main path reads first.
   */
  readonly minor?: boolean;
  /** Ids of further transitions with the same source and target, drawn as this one arrow. */
  readonly merged?: readonly string[];
}

/** A workflow's statechart as plain data: the single source for SVG, mermaid and JSON output. */
export interface StateGraph {
  readonly workflow: string;
  readonly version: number;
  readonly title: BiText;
  readonly description: BiText | null;
  readonly nodes: readonly StateGraphNode[];
  readonly edges: readonly StateGraphEdge[];
  /** The label of every event the workflow declares, by type. */
  readonly events: Readonly<Record<string, BiText>>;
  /**
   * The label of every deadline the workflow declares or a state waits on, by name (see
   * {@link deadlineLabel}); a numeric delay (`3600000`) by its duration (`1小时`, `1 hour`).
   */
  readonly deadlines: Readonly<Record<string, BiText>>;
}

interface NodeLike {
  readonly key: string;
  readonly id: string;
  readonly path: readonly string[];
  readonly type: StateKind;
  readonly states: Readonly<Record<string, NodeLike>>;
  readonly meta?: unknown;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly transitions: ReadonlyMap<string, readonly TransitionLike[]>;
  readonly after: readonly (TransitionLike & { readonly delay: unknown })[];
  readonly always?: readonly TransitionLike[];
  readonly initial?: { readonly target: readonly NodeLike[] };
  readonly parent?: NodeLike;
}

interface TransitionLike {
  readonly eventType: string;
  readonly target?: readonly NodeLike[] | undefined;
  readonly guard?: unknown;
  readonly meta?: unknown;
  readonly description?: string;
}

const AFTER_PREFIX = 'xstate.after.';

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function pathOf(node: NodeLike): string {
  return node.path.join('.');
}

function stateLabel(workflow: AnyWorkflow, node: NodeLike): BiText {
  const meta = record(node.meta);
  if (isBiText(meta?.['label'])) return meta['label'];
  const byPath = ownValue(workflow.labels?.states, pathOf(node)) ?? ownValue(workflow.labels?.states, node.key);
  if (byPath) return byPath;
  // An approval step's own waiting state, unlabelled: named after its step, so a history line reads
  // "Legal review · awaiting decision" rather than a bare "pending".
  const parent = node.parent;
  if (parent && record(record(parent.meta)?.['approval'])) {
    const step = stateLabel(workflow, parent);
    return { 'zh-CN': `${step['zh-CN']} · 待审批`, en: `${step.en} · awaiting decision` };
  }
  return same(node.key);
}

/** `submissionDeadline` → `submission deadline`: the last resort for a name nobody labelled. */
function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
}

/**
 * What a deadline (a key of `workflow.deadlines`, or an XState delay name) is called: the workflow's
 * `labels.deadlines`, else the label of the state that waits on it, else its name in words.
 */
export function deadlineLabel(workflow: AnyWorkflow, name: string, holder?: BiText): BiText {
  const found = ownValue(workflow.labels?.deadlines, name);
  if (found) return found;
  if (holder) return { 'zh-CN': `${holder['zh-CN']}期限`, en: `${holder.en} deadline` };
  return same(words(name));
}

/**
 * The words for an event XState raises itself, which no one sends and no workflow labels: a state's
 * `onDone` (`xstate.done.state.<machine>.<path>`: its final child reached, or every region of a
 * parallel state done) and an invoked actor's `onDone`/`onError`. Without this the diagram, the
 * docs site and `docket diagram` printed the raw id (`xstate.done.state.bid.open.preparing`).
 */
function internalEventLabel(type: string, node: NodeLike): BiText | undefined {
  if (type.startsWith('xstate.done.state.')) return node.type === 'parallel' ? { 'zh-CN': '各部分完成后', en: 'when every part is done' } : { 'zh-CN': '完成后', en: 'when done' };
  if (type.startsWith('xstate.done.actor.')) return { 'zh-CN': '完成后', en: 'when done' };
  if (type.startsWith('xstate.error.actor.')) return { 'zh-CN': '出错时', en: 'on error' };
  return undefined;
}

/** The label of an event type: the workflow's `labels.events`, else the type itself. */
export function eventLabel(workflow: AnyWorkflow, type: string): BiText {
  return ownValue(workflow.labels?.events, type) ?? same(type);
}

/** The start input of a sample instance, as the machine receives it (with `$actor` and `$at`). */
export function exampleInput(workflow: AnyWorkflow): Record<string, unknown> | undefined {
  const parsed = workflow.input.safeParse(sampleValue(workflow.input));
  return parsed.success ? { ...(parsed.data as object), $actor: { id: 'demo', roles: [] }, $at: 0 } : undefined;
}

/**
 * The context a new instance would have for a sample start input (see {@link sampleValue}), so that
 * deadlines computed from instance data can still be shown with their default values.
 */
export function exampleContext(workflow: AnyWorkflow): unknown {
  try {
    const input = exampleInput(workflow);
    if (input === undefined) return undefined;
    const context = (workflow.machine as AnyStateMachine).config.context;
    return typeof context === 'function' ? (context as (args: unknown) => unknown)({ input, self: undefined, spawn: () => undefined }) : context;
  } catch {
    return undefined;
  }
}

/**
 * Describe a rule computed from a sample instance. A quarter day computed for one instance names that
 * instance's quarter, which means nothing on a diagram: describe it as "month m, day d of the quarter".
 */
function describeComputedRule(rule: DeadlineRule): BiText {
  if (rule.kind === 'quarterDay' && !('relative' in rule.quarter)) {
    const relative = { ...rule, quarter: { relative: 0 } };
    return {
      'zh-CN': describeDeadlineRule(relative, 'zh-CN').replace('本季度', ''),
      en: describeDeadlineRule(relative, 'en').replace(' of this quarter', ''),
    };
  }
  return { 'zh-CN': describeDeadlineRule(rule, 'zh-CN'), en: describeDeadlineRule(rule, 'en') };
}

function deadlineOf(workflow: AnyWorkflow, delay: unknown, targets: readonly string[], context?: unknown, holder?: BiText): StateDeadline {
  if (typeof delay === 'number') {
    const rule: DeadlineRule = { kind: 'duration', duration: delay };
    return { name: String(delay), rule: null, text: { 'zh-CN': describeDeadlineRule(rule, 'zh-CN'), en: describeDeadlineRule(rule, 'en') }, targets };
  }
  const name = typeof delay === 'string' ? delay : 'delay';
  const spec = workflow.deadlines?.[name];
  if (typeof spec === 'function') {
    try {
      const rule = spec({ context, event: {} });
      const text = describeComputedRule(rule);
      return { name, rule: null, text: { 'zh-CN': `${text['zh-CN']}（默认）`, en: `${text.en} (default)` }, targets };
    } catch {
      // Falls through to the generic description below.
    }
  }
  if (spec === undefined || typeof spec === 'function') {
    const called = deadlineLabel(workflow, name, holder);
    return { name, rule: null, text: { 'zh-CN': `${called['zh-CN']}（按实例数据计算）`, en: `${called.en} (from the instance's data)` }, targets };
  }
  return { name, rule: spec, text: { 'zh-CN': describeDeadlineRule(spec, 'zh-CN'), en: describeDeadlineRule(spec, 'en') }, targets };
}

function initialTargets(node: NodeLike): string[] {
  if (node.type !== 'compound') return [];
  try {
    return (node.initial?.target ?? []).map((t) => t.id);
  } catch {
    return [];
  }
}

function transitionsOf(node: NodeLike): { kind: StateGraphEdge['kind']; event: string | null; delay?: string; t: TransitionLike }[] {
  const out: { kind: StateGraphEdge['kind']; event: string | null; delay?: string; t: TransitionLike }[] = [];
  for (const [eventType, list] of node.transitions) {
    // Deadlines come from `after`; administrator moves (任意跳转) can go anywhere and are audited, not drawn.
    if (eventType.startsWith(AFTER_PREFIX) || eventType.startsWith('docket.admin.')) continue;
    for (const t of list) out.push({ kind: 'event', event: eventType, t });
  }
  for (const t of node.after) out.push({ kind: 'after', event: null, delay: typeof t.delay === 'string' || typeof t.delay === 'number' ? String(t.delay) : 'delay', t });
  for (const t of node.always ?? []) out.push({ kind: 'always', event: null, t });
  return out;
}

/**
 * Read a workflow's statechart out of its XState machine: every state node (nested, parallel,
 * final, history), every transition with its guard, every `after` deadline described by the
 * calendar, the roles that may act in each state and approval steps from state `meta`. Diagrams
 * drawn from this can never drift from the machine.
 */
export function stateGraph(workflow: AnyWorkflow): StateGraph {
  const root = (workflow.machine as AnyStateMachine).root as unknown as NodeLike;
  const nodes: StateGraphNode[] = [];
  const edges: StateGraphEdge[] = [];
  const permissions = (workflow.permissions ?? {}) as Record<string, readonly string[] | undefined>;
  const declared = new Set(Object.keys(workflow.events));
  const context = exampleContext(workflow);
  // Approval steps by their id (an XState id), so guards can name the step a request returns to.
  const stepLabels = new Map<string, BiText>();
  const findSteps = (node: NodeLike) => {
    const approval = record(record(node.meta)?.['approval']);
    if (approval) stepLabels.set(typeof approval['id'] === 'string' ? approval['id'] : node.key, stateLabel(workflow, node));
    for (const child of Object.values(node.states)) findSteps(child);
  };
  findSteps(root);
  // Transitions on the root apply in every state; drawing an arrow from each state would bury the
  // diagram, so their targets say "from any state" instead.
  const fromRoot = transitionsOf(root)
    .filter((o) => o.kind === 'event' && o.event !== null)
    .flatMap((o) => (o.t.target ?? []).map((target) => ({ event: o.event as string, target: pathOf(target), label: eventLabel(workflow, o.event as string), guard: describeGuard(o.t.guard, workflow, stepLabels) })));

  const visit = (node: NodeLike, parent: NodeLike) => {
    const id = pathOf(node);
    const own = transitionsOf(node);
    const events = [...new Set(own.filter((o) => o.kind === 'event' && o.event !== null && declared.has(o.event)).map((o) => o.event as string))];
    const roleIds = [...new Set(events.flatMap((e) => ownValue(permissions, e) ?? []))];
    const meta = record(node.meta);
    const metaRoles = Array.isArray(meta?.['roles']) ? (meta['roles'] as unknown[]).filter((r): r is string => typeof r === 'string') : [];
    for (const r of metaRoles) if (!roleIds.includes(r)) roleIds.push(r);
    const deadlines: StateDeadline[] = [];
    for (const t of node.after) {
      const d = deadlineOf(workflow, t.delay, (t.target ?? []).map(pathOf), context, stateLabel(workflow, node));
      const seen = deadlines.find((x) => x.name === d.name);
      if (seen) {
        for (const x of d.targets) if (!seen.targets.includes(x)) (seen.targets as string[]).push(x);
      } else deadlines.push({ ...d, targets: [...d.targets] });
    }
    const description = isBiText(meta?.['description']) ? meta['description'] : node.description ? same(node.description) : null;
    nodes.push({
      id,
      key: node.key,
      parent: parent === root ? null : pathOf(parent),
      kind: node.type,
      label: stateLabel(workflow, node),
      initial: parent.type !== 'parallel' && initialTargets(parent).includes(node.id),
      region: parent.type === 'parallel',
      deadlines,
      roles: roleIds.map((role) => ({ role, label: ownValue(workflow.roles, role) ?? same(role) })),
      events,
      approval: describeApproval(meta?.['approval'], workflow),
      description,
      tags: [...node.tags],
      fromAnyState: fromRoot.filter((r) => r.target === id).map(({ event, label, guard }) => ({ event, label, guard })),
    });
    for (const o of own) {
      for (const target of o.t.target ?? []) {
        const index = edges.length;
        const guard = describeGuard(o.t.guard, workflow, stepLabels);
        const tmeta = record(o.t.meta);
        let label: BiText;
        if (o.kind === 'event') label = o.event !== null && !ownValue(workflow.labels?.events, o.event) ? (internalEventLabel(o.event, node) ?? eventLabel(workflow, o.event)) : eventLabel(workflow, o.event ?? '');
        else if (o.kind === 'after') {
          // The state's box shows the rule; the arrow only says that time ran out.
          label = { 'zh-CN': '超时', en: 'on timeout' };
        } else if (guard?.outcome !== undefined && guard.outcome !== 'condition') {
          // An approval step's outcome (通过, 驳回, 撤回, 退回): the outcome is the label.
          label = guard.label;
        } else if (isBiText(tmeta?.['label'])) {
          // A branch() condition: its default label is the raw condition; the short words read better.
          const condition = record(tmeta['condition']) as Condition | undefined;
          const raw = condition ? describeCondition(condition) : undefined;
          label = guard?.outcome === 'condition' && raw !== undefined && raw.en === tmeta['label'].en ? guard.label : tmeta['label'];
        } else label = guard ? { 'zh-CN': '条件', en: 'when' } : { 'zh-CN': '自动', en: 'always' };
        if (o.kind !== 'always' && isBiText(tmeta?.['label'])) label = tmeta['label'];
        const minor = guard?.outcome === 'rejected' || guard?.outcome === 'withdrawn' || guard?.outcome === 'returned' || guard?.outcome === 'resume';
        edges.push({
          id: `e${index}`,
          source: id,
          target: pathOf(target),
          kind: o.kind,
          event: o.event,
          label,
          guard,
          ...(o.delay === undefined ? {} : { delay: o.delay }),
          ...(minor ? { minor } : {}),
        });
      }
    }
    for (const child of Object.values(node.states)) visit(child, node);
  };

  for (const child of Object.values(root.states)) visit(child, root);
  const meta = record(root.meta);
  return {
    workflow: workflow.id,
    version: workflow.version,
    title: workflow.labels?.title ?? same(workflow.id),
    description: workflow.description ?? (isBiText(meta?.['description']) ? meta['description'] : null),
    nodes,
    edges: mergeParallel(edges),
    events: Object.fromEntries(Object.keys(workflow.events).map((type) => [type, eventLabel(workflow, type)])),
    deadlines: Object.fromEntries(
      [...new Set([...Object.keys(workflow.deadlines ?? {}), ...nodes.flatMap((n) => n.deadlines.map((d) => d.name))])].map((name) => {
        // A numeric delay is its duration (`1小时`, `1 hour`), never a bare `3600000`.
        if (isNumericDelay(name)) {
          const rule: DeadlineRule = { kind: 'duration', duration: Number(name) };
          return [name, { 'zh-CN': describeDeadlineRule(rule, 'zh-CN'), en: describeDeadlineRule(rule, 'en') }];
        }
        // Named after the state that waits on it only when one state does: the first of several
        // holders named the others' deadline after it.
        const holders = nodes.filter((n) => n.deadlines.some((d) => d.name === name));
        return [name, deadlineLabel(workflow, name, holders.length === 1 ? holders[0]!.label : undefined)];
      }),
    ),
  };
}

function joinText(texts: readonly BiText[], zh: string, en: string): BiText {
  const unique = (l: 'zh-CN' | 'en') => [...new Set(texts.map((t) => t[l]))];
  return { 'zh-CN': unique('zh-CN').join(zh), en: unique('en').join(en) };
}

/**
 * Transitions with the same source, target and event (an approval step's 驳回 and 退回提交人 both
 * going back to the draft; a resubmit that may resume at the first step or run the flow again) are
 * drawn as one arrow: the labels join, and a guard stays only when every one of them had one.
 */
function mergeParallel(edges: readonly StateGraphEdge[]): StateGraphEdge[] {
  // A resubmit that may go straight back to the step that returned the request (resubmitTo) is one
  // arrow per step from the draft; the plain resubmit arrow says so instead.
  const plainKey = (e: StateGraphEdge) => `${e.source}\u0000${e.event ?? ''}`;
  const plain = new Set(edges.filter((e) => e.kind === 'event' && e.guard === null).map(plainKey));
  const resumes = new Map<string, StateGraphEdge[]>();
  const kept = edges.filter((e) => {
    if (e.kind !== 'event' || e.guard?.outcome !== 'resume' || !plain.has(plainKey(e))) return true;
    resumes.set(plainKey(e), [...(resumes.get(plainKey(e)) ?? []), e]);
    return false;
  });
  const groups = new Map<string, StateGraphEdge[]>();
  for (const e of kept) {
    const key = `${e.source}\u0000${e.target}\u0000${e.kind}\u0000${e.event ?? ''}\u0000${e.delay ?? ''}`;
    const list = groups.get(key);
    if (list) list.push(e);
    else groups.set(key, [e]);
  }
  const out: StateGraphEdge[] = [];
  for (const list of groups.values()) {
    const first = list[0]!;
    const absorbed = first.kind === 'event' && first.guard === null ? resumes.get(plainKey(first)) : undefined;
    if (absorbed) resumes.delete(plainKey(first));
    const extra = absorbed ? { merged: [...list.slice(1), ...absorbed].map((e) => e.id) } : {};
    const resumeNote: GuardInfo | null = absorbed
      ? { type: 'approval.resumeAt', label: { 'zh-CN': '被退回后：直接回到退回的步骤', en: 'after a return: straight back to that step' }, outcome: 'resume' }
      : null;
    if (list.length === 1) {
      out.push(absorbed ? { ...first, guard: resumeNote, ...extra } : first);
      continue;
    }
    const guards = list.map((e) => e.guard);
    const unguarded = guards.some((g) => g === null);
    const labelIsGuard = list.every((e) => e.guard !== null && e.label.en === e.guard.label.en);
    const label = labelIsGuard ? joinText(list.map((e) => e.label), '、', ' or ') : first.label;
    const guard: GuardInfo | null = unguarded
      ? resumeNote
      : labelIsGuard
        ? { type: 'or', label }
        : { type: 'or', label: joinText(guards.map((g) => g!.label), ' 或 ', ' or ') };
    const { minor: _minor, ...rest } = first;
    out.push({ ...rest, label, guard, ...(list.every((e) => e.minor) ? { minor: true } : {}), merged: list.slice(1).map((e) => e.id), ...extra });
  }
  return out;
}

/** The ids of the states active in a snapshot's state value (`{ review: 'legal' }` → review, review.legal). */
export function activeStateIds(value: unknown, prefix = '', out: string[] = []): string[] {
  if (typeof value === 'string') {
    out.push(prefix + value);
    return out;
  }
  const obj = record(value);
  if (!obj) return out;
  for (const [key, child] of Object.entries(obj)) {
    out.push(prefix + key);
    // Into the same array: no spread of a child's list into push() (argument-count limit).
    activeStateIds(child, `${prefix}${key}.`, out);
  }
  return out;
}
