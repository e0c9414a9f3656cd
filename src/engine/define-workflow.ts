import type { AnyMachineSnapshot, AnyStateMachine, AnyStateNode, ContextFrom, EventFromLogic } from 'xstate';
import type { z } from 'zod';
import type { Instant } from '../clock/clock.js';
import type { BusinessCalendar, DeadlineRule } from '../calendar/index.js';
import { validateDeadlineRule } from '../calendar/index.js';
import type { Actor, TaskRecord } from '../store/records.js';
import type { Directory } from '../organisation/directory.js';
import { assertKnownKeys, DocketError } from '../errors.js';
import { stringFault } from '../store/payload-rules.js';
import { plainInput } from '../input/plain-input.js';
import { checkNewId } from '../store/id-rule.js';
import { checkMigrations, type WorkflowMigrations } from './migration/migration-spec.js';
import { timerNameOf } from './timer-owner.js';
import { kindOf } from '../input/kind-of.js';
import { listedImplementations } from './listed-implementations.js';
import { safeString } from '../input/safe-string.js';
import { shownValue } from '../input/shown-value.js';

/**
 * A label in both languages the documents and their users speak: each a non-blank line of text (no
 * control characters), at most 1,000 characters (a `description`, 4,000). Checked by `defineWorkflow`.
 */
export interface Labels {
  readonly 'zh-CN': string;
  readonly en: string;
}

/** What a workflow's machine may use at run time, handed over by the engine (never ambient). */
export interface WorkflowEnv {
  readonly directory: Directory | undefined;
  readonly calendar: BusinessCalendar | undefined;
  /** The instant of the transition being computed. */
  now(): Instant;
}

/**
 * Arguments a deadline function receives: the machine's context and the event being processed
 * (typed from the workflow's machine inside `defineWorkflow`; `unknown` where no machine is known).
 */
export interface DeadlineArgs<TContext = unknown, TEvent = unknown> {
  readonly context: TContext;
  readonly event: TEvent;
}

/** A named deadline: a rule, or a function of context and event returning one. */
export type DeadlineSpec<TContext = unknown, TEvent = unknown> = DeadlineRule | ((args: DeadlineArgs<TContext, TEvent>) => DeadlineRule);

/** The extra fields the engine adds to every event a machine sees. */
export interface DocketEventMeta {
  /** Who sent it (the system actor for timers). */
  readonly $actor: Actor;
  /** When the engine processed it. */
  readonly $at: Instant;
}

/** The instance facts authorization and task projection see. */
export interface InstanceFacts {
  readonly id: string;
  readonly workflow: string;
  readonly initiator: string;
  /**
   * The workflow version the instance runs (for the `tasks` hook: after the commit, the version its
   * tasks are stamped with). Absent where a hook was given facts without it.
   */
  readonly version?: number;
}

/** Input to a workflow's own authorization hook, after the role check passed. */
export interface AuthorizeArgs {
  readonly actor: Actor;
  readonly event: { readonly type: string; readonly [key: string]: unknown };
  readonly snapshot: AnyMachineSnapshot;
  readonly instance: InstanceFacts;
  readonly env: WorkflowEnv;
}

/**
 * `true` to allow; a sentence saying why not (and what to do) to refuse with `FORBIDDEN`.
 * Added for approvals: a {@link DocketError} refuses with its own code (e.g. `OPERATION_NOT_ALLOWED`),
 * and `{ onBehalfOf }` allows an act done for someone else (委托 delegate, 代理 stand-in): the machine
 * sees `$onBehalfOf` on the event and the history entry records `onBehalfOf`.
 */
export type AuthorizeResult = true | string | DocketError | AuthorizeGrant;

/**
 * An allowing answer of the `authorize` hook with more to say. `onBehalfOf`: the act is done for this
 * person (the machine sees `$onBehalfOf`, the history entry records `onBehalfOf`). `carry`: what the
 * hook worked out, handed to the machine on the event as `$carry` (not recorded in history) so a
 * reducer need not work it out again (e.g. the approval decision, computed once per act).
 */
export interface AuthorizeGrant {
  readonly onBehalfOf?: string;
  readonly carry?: unknown;
}

/** A pending timer as the `tasks` hook sees it: after the commit being planned. */
export interface TaskTimer {
  /** The deadline or delay name (`after: { review: … }` → `review`). */
  readonly name: string;
  /** When it fires, ms since the epoch. */
  readonly dueAt: Instant;
  /** The dotted path of the state that armed it (null when it cannot be told). */
  readonly state: string | null;
  /** Present (true) while it rests on estimated holiday data. */
  readonly provisional?: true;
}

/** Event payload schemas: one zod object per event type the workflow accepts from people. */
export type EventSchemas = Record<string, z.ZodType<Record<string, unknown>>>;

export interface WorkflowConfig<
  TId extends string,
  TMachine extends AnyStateMachine,
  TInput extends z.ZodType,
  TEvents extends EventSchemas,
> {
  readonly id: TId;
  readonly version: number;
  readonly machine: TMachine;
  /** Schema of the start input. */
  readonly input: TInput;
  /**
   * Schema of each event, by type. An event not listed here is unknown. Either form is accepted and
   * typed the same way: the payload alone (`z.object({ comment: z.string() })`), or the whole event
   * as XState users write it, naming its `type` (`z.object({ type: z.literal('SUBMIT'), comment: z.string() })`).
   */
  readonly events: TEvents;
  /**
   * Roles allowed to send each event, and `start` for who may start an instance. An event with no
   * entry may be sent by any actor (the `authorize` hook can still refuse), so a key that names no
   * event in `events` (a typo) is refused by `defineWorkflow` with `INVALID_ARGUMENT` naming it.
   */
  readonly permissions?: Partial<Record<(keyof TEvents & string) | 'start', readonly string[]>>;
  /** Named deadlines used as XState delays (`after: { review: 'late' }`), resolved by the calendar. */
  readonly deadlines?: Readonly<Record<string, DeadlineSpec<ContextFrom<TMachine>, EventFromLogic<TMachine> & DocketEventMeta>>>;
  /** Guards, actions and delays that need the engine's directory, calendar or clock. */
  readonly implementations?: (env: WorkflowEnv) => Record<string, unknown>;
  /** Finer authorization than roles (e.g. only the current assignee may approve). */
  readonly authorize?: (args: AuthorizeArgs) => AuthorizeResult;
  /**
   * The event types a stand-in (代理) may send for a task's holder: of the holder's task `actions`, what
   * a deputy's inbox offers them (beside the workflow's `permissions`, which both people's roles must
   * pass). Absent: every action. Give the acts your `authorize` takes from a deputy for the holder, so
   * the inbox never offers what `send` refuses. The approval plugin fills it in from its operations
   * (同意, 驳回, 退回, 加签, 转交, 委托, 认领; not 抄送 or 减签, which a person does in their own right).
   */
  readonly standInActions?: readonly string[];
  /** Project open human tasks from a snapshot, for the inbox. */
  readonly tasks?: (args: {
    readonly snapshot: AnyMachineSnapshot;
    readonly instance: InstanceFacts;
    readonly now: Instant;
    /** Added for approvals: the engine's directory and calendar, e.g. to show stand-ins. */
    readonly env?: WorkflowEnv;
    /** The instance's pending timers after this commit (due dates come from here, not a second resolution). */
    readonly timers: readonly TaskTimer[];
  }) => readonly TaskRecord[];
  readonly labels?: {
    readonly title: Labels;
    readonly states?: Readonly<Record<string, Labels>>;
    readonly events?: Readonly<Record<string, Labels>>;
    /** Short names for the machine's guards (`settles` → 回款结清), shown on diagram edges. */
    readonly guards?: Readonly<Record<string, Labels>>;
    /** Names of the `deadlines` (`signingRemind` → 签署提醒), shown for timers and deadlines instead of the key. */
    readonly deadlines?: Readonly<Record<string, Labels>>;
    /** Words for values a guard's params or a condition name (`internalMeeting` → 内部沟通会). */
    readonly values?: Readonly<Record<string, Labels>>;
    /** Words for context fields a condition reads (`amount` → 金额). */
    readonly fields?: Readonly<Record<string, Labels>>;
  };
  readonly roles?: Readonly<Record<string, Labels>>;
  readonly description?: Labels;
  /** How instances of older versions move to this one (`migrateFrom(v1, { states, context })`); see `engine.migrate`. */
  readonly migrations?: WorkflowMigrations<ContextFrom<TMachine>>;
}

/** A registered-ready workflow definition. */
export interface Workflow<
  TId extends string = string,
  TMachine extends AnyStateMachine = AnyStateMachine,
  TInput extends z.ZodType = z.ZodType,
  TEvents extends EventSchemas = EventSchemas,
> extends WorkflowConfig<TId, TMachine, TInput, TEvents> {
  readonly kind: 'docket.workflow';
}

export type AnyWorkflow = Workflow<string, AnyStateMachine, z.ZodType, EventSchemas>;

/**
 * A payload type with zod's empty-object `Record<string, never>` read as "no fields", and without a
 * `type` its schema may name (the event's `type` comes from its key in `events`).
 */
type Payload<T> = string extends keyof T ? {} : 'type' extends keyof T ? Omit<T, 'type'> : T;

/** The events a workflow accepts from people, as a discriminated union on `type`. */
export type EventFrom<W> = W extends Workflow<string, AnyStateMachine, z.ZodType, infer E>
  ? { [K in keyof E & string]: { readonly type: K } & Payload<z.input<E[K]>> }[keyof E & string]
  : never;

/** The start input a workflow takes. */
export type InputFrom<W> = W extends Workflow<string, AnyStateMachine, infer I, EventSchemas> ? z.input<I> : never;

/** The workflow ids in a union of workflows. */
export type WorkflowIdFrom<W> = W extends Workflow<infer Id, AnyStateMachine, z.ZodType, EventSchemas> ? Id : never;

/**
 * A definition's part that cannot be used: `INVALID_ARGUMENT` naming its path (`definition.version`,
 * `definition.permissions.APPROVE`, `definition.machine` with the `state`). These were TypeErrors
 * without a code, unlike every other refusal of a definition (its id, its shape, its migrations).
 */
function definitionError(workflow: unknown, message: string, part: string, details: Readonly<Record<string, unknown>> = {}): DocketError {
  return new DocketError('INVALID_ARGUMENT', message, { ...(typeof workflow === 'string' ? { workflow } : {}), field: `definition.${part}`, ...details });
}

/**
 * `permissions` is an object of role lists: `{ APPROVE: 'manager' }` (a string, not a list) was
 * accepted and failed every send of APPROVE (and every start, for `start`) with a raw TypeError
 * (`allowed.some is not a function`), and the CLI's simulated people were given the string's letters
 * as roles.
 */
function checkPermissions(config: { readonly id: string; readonly permissions?: unknown; readonly events: object }): void {
  const permissions = config.permissions;
  if (permissions === undefined) return;
  if (permissions === null || typeof permissions !== 'object' || Array.isArray(permissions)) {
    throw definitionError(config.id, `Workflow "${config.id}": \`permissions\` must be an object of role lists by event type (e.g. { APPROVE: ['manager'] }), got ${kindOf(permissions)}.`, 'permissions');
  }
  for (const [type, roles] of Object.entries(permissions)) {
    // An event without an entry may be sent by every role: a misspelt key (APROVE) left APPROVE open
    // to everyone while its author believed it restricted.
    if (type !== 'start' && !Object.hasOwn(config.events, type)) {
      throw definitionError(config.id, 
        `Workflow "${config.id}": permissions.${type} names no event of the workflow (its events: ${Object.keys(config.events).join(', ') || 'none'}; and 'start'). Fix the name: an event without permissions may be sent by every role.`,
        `permissions.${type}`,
      );
    }
    if (roles === undefined) continue;
    if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string' && role !== '')) {
      throw definitionError(config.id, `Workflow "${config.id}": permissions.${type} must be a list of role names (e.g. ['manager']), got ${shownValue(roles)}.`, `permissions.${type}`);
    }
    // Each a role name by the one id rule a directory's roles and an actor's roles follow: a role
    // ' ' was taken, and no actor could ever hold it (the event could be sent by nobody).
    roles.forEach((role: string, i: number) => checkNewId(role, `Workflow "${config.id}": permissions.${type}[${i}], a role name,`, `definition.permissions.${type}[${i}]`, { workflow: config.id }));
  }
}

/**
 * `standInActions` is a list of the workflow's event types: a misspelt one would leave the act it
 * meant off every deputy's inbox, and a string would be read letter by letter.
 */
function checkStandInActions(config: { readonly id: string; readonly standInActions?: unknown; readonly events: object }): void {
  const actions = config.standInActions;
  if (actions === undefined) return;
  if (!Array.isArray(actions)) {
    throw definitionError(config.id, `Workflow "${config.id}": \`standInActions\` must be a list of event types a stand-in may send for a task's holder (e.g. ['APPROVE', 'REJECT']), got ${kindOf(actions)}.`, 'standInActions');
  }
  (actions as readonly unknown[]).forEach((type, i) => {
    if (typeof type !== 'string' || !Object.hasOwn(config.events, type)) {
      throw definitionError(config.id, `Workflow "${config.id}": standInActions names ${shownValue(type)}, which is no event of the workflow (its events: ${Object.keys(config.events).join(', ') || 'none'}). Fix the name.`, `standInActions[${i}]`);
    }
  });
}

/**
 * The deadline rules given as data are checked when the workflow is defined: `{ kind: 'duration',
 * ms: 5 }` (a misremembered field) was accepted and failed every start, with a message about a
 * duration that named neither the deadline nor the workflow. Rules given as functions of context and
 * event are checked when they are resolved.
 */
function checkDeadlines(config: { readonly id: string; readonly deadlines?: unknown }): void {
  const deadlines = config.deadlines;
  if (deadlines === undefined) return;
  if (deadlines === null || typeof deadlines !== 'object' || Array.isArray(deadlines)) {
    throw definitionError(config.id, `Workflow "${config.id}": \`deadlines\` must be an object of deadline rules by delay name (e.g. { review: workingDays(3) }), got ${kindOf(deadlines)}.`, 'deadlines');
  }
  for (const [name, spec] of Object.entries(deadlines)) {
    if (typeof spec === 'function') continue;
    try {
      validateDeadlineRule(spec);
    } catch (error) {
      throw new DocketError(
        'INVALID_DEADLINE_RULE',
        `Workflow "${config.id}": deadlines.${name} is not a deadline rule: ${error instanceof Error ? error.message : String(error)} Build it with duration(), workingDays(), workingHours(), quarterDay() or absolute().`,
        { workflow: config.id, field: `definition.deadlines.${name}`, cause: error },
      );
    }
  }
}

/** The groups of `labels` beside its `title`, each an object of {@link Labels} by name. */
const LABEL_GROUPS = ['states', 'events', 'guards', 'deadlines', 'values', 'fields'] as const;

/** The longest text of a label (a title, a state's or a role's name), and of a `description`. */
const LABEL_MAX = 1_000;
const DESCRIPTION_MAX = 4_000;
/** Control characters a label may not hold (any: a label is one line). */
const LABEL_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Control characters a description may not hold: any but a line break (LF, CR) or a tab, since a description is a paragraph or more. */
const DESCRIPTION_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * `labels`, `roles` and `description` are checked when the workflow is defined, by one rule for each
 * text: `{ 'zh-CN', en }`, both given, each a non-blank string of at most {@link LABEL_MAX} characters
 * ({@link DESCRIPTION_MAX} for `description`) without control characters (a description may break lines and hold tabs), U+0000 or a lone
 * surrogate. Nothing checked them: `labels.states.a: 1` was defined and every diagram of the workflow
 * then failed with a raw TypeError (`text is not iterable`); `labels: 5`, a title without `en`, a
 * `roles.manager: 'M'` or a misspelt `labels.stats` were taken and shown as nothing, the id, or
 * `undefined`; a title of control characters was drawn into every SVG and inbox. Each is
 * `INVALID_ARGUMENT` naming its path (`definition.labels.states.a.en`).
 */
function checkLabels(config: { readonly id: string; readonly labels?: unknown; readonly roles?: unknown; readonly description?: unknown }): void {
  const where = `Workflow "${config.id}"`;
  const group = (value: unknown, part: string, usage: string): Record<string, unknown> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw definitionError(config.id, `${where}: ${part} must be an object ${usage}, got ${kindOf(value)}.`, part);
    }
    return value as Record<string, unknown>;
  };
  const labels = config.labels;
  if (labels !== undefined) {
    const l = group(labels, 'labels', "such as { title: { 'zh-CN': '请假', en: 'Leave' }, states: { … } }");
    assertKnownKeys(l, ['title', ...LABEL_GROUPS], `${where}: labels`, { workflow: config.id }, 'definition.labels');
    checkLabel(config.id, l['title'], 'labels.title', LABEL_MAX);
    for (const name of LABEL_GROUPS) {
      if (l[name] === undefined) continue;
      const texts = group(l[name], `labels.${name}`, `of labels by name, such as { pending: { 'zh-CN': '待审批', en: 'Pending' } }`);
      for (const [key, text] of Object.entries(texts)) checkLabel(config.id, text, `labels.${name}.${key}`, LABEL_MAX);
    }
  }
  if (config.roles !== undefined) {
    const roles = group(config.roles, 'roles', "of labels by role, such as { manager: { 'zh-CN': '经理', en: 'Manager' } }");
    for (const [role, text] of Object.entries(roles)) checkLabel(config.id, text, `roles.${role}`, LABEL_MAX);
  }
  if (config.description !== undefined) checkLabel(config.id, config.description, 'description', DESCRIPTION_MAX);
}

/** One {@link Labels} by the rule of {@link checkLabels}; `part` is its path in the definition. */
function checkLabel(workflow: string, value: unknown, part: string, max: number): void {
  const usage = `{ 'zh-CN': '…', en: '…' }: the text in both languages`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw definitionError(workflow, `Workflow "${workflow}": ${part} must be ${usage}, got ${typeof value === 'string' ? `the string ${shownValue(value)}` : kindOf(value)}.`, part);
  }
  assertKnownKeys(value, ['zh-CN', 'en'], `Workflow "${workflow}": ${part}`, { workflow }, `definition.${part}`);
  for (const lang of ['zh-CN', 'en'] as const) {
    const text = (value as Record<string, unknown>)[lang];
    const at = `${part}.${lang}`;
    if (text === undefined) throw definitionError(workflow, `Workflow "${workflow}": ${part} has no ${lang} text: give ${usage}.`, at);
    if (typeof text !== 'string') throw definitionError(workflow, `Workflow "${workflow}": ${at} must be a string, got ${kindOf(text)}.`, at);
    const fault =
      text.trim() === '' ? 'is blank'
      : text.length > max ? `is ${text.length} characters long, more than the ${max} a label may be (it is drawn in diagrams and listed in inboxes: keep it short)`
      : (stringFault(text) ?? ((max === DESCRIPTION_MAX ? DESCRIPTION_CONTROL : LABEL_CONTROL).test(text) ? `contains a control character (${max === DESCRIPTION_MAX ? 'an escape; line breaks and tabs are fine in a description' : 'a line break, a tab, an escape'})` : undefined));
    if (fault !== undefined) throw definitionError(workflow, `Workflow "${workflow}": ${at} ${fault}; give the text as people should read it.`, at);
  }
}

/**
 * Refuse a state named `__proto__` anywhere in the machine's config: XState builds state values as
 * plain objects, where that key sets the prototype instead of a region, so the instance recorded a
 * value without the region and then refused its events. Found by walking `machine.config` (its own
 * keys, as written), since XState's state nodes already lost it.
 *
 * @throws DocketError `INVALID_ARGUMENT` (`definition.machine`, `details.state` the state's path).
 */
function checkStateNames(config: { id: string; machine: unknown }): void {
  const walk = (states: unknown, path: string): void => {
    if (states === null || typeof states !== 'object') return;
    for (const name of Object.keys(states)) {
      const at = path ? `${path}.${name}` : name;
      if (name === '__proto__') {
        throw definitionError(config.id, `Workflow "${config.id}": the state "${at}" cannot be kept: XState reads "__proto__" as an object's prototype, not a state. Rename the state.`, 'machine', { state: at });
      }
      walk((states as Record<string, { states?: unknown } | undefined>)[name]?.states, at);
    }
  };
  walk((config.machine as { config?: { states?: unknown } }).config?.states, '');
}

/**
 * Refuse an `after` delay whose name the engine would read back from XState's timer key as another
 * one. XState keys the timer `xstate.after.<delay>.<state id>`, and the state id has dots of its own,
 * so every reader of a stored timer (its record's `name`, the history's `docket.timer.<name>`, the
 * deadline rule and label found by that name, the CLI) reads the delay up to the next dot: a delay
 * named `review.due` was recorded as `review`, its rule and label not found, and a numeric one such as
 * `-1.5` as `-1`. Found by walking XState's own list of each state's delayed transitions.
 *
 * Refuse as well a delay given by a name that nothing declares: not the machine's `setup({ delays })`,
 * not the definition's `deadlines`, not the delays its `implementations` provide. XState resolves
 * such a name to no delay and raises the event at once, so an approval step's `deadline.after` with a
 * misspelt name decided the step on entry (its timeout approved it for nobody), and a `remind.every`
 * one re-entered its state without end, until the process ran out of memory.
 *
 * @throws DocketError `INVALID_ARGUMENT` (`definition.machine`, `details.state` and `details.delay`).
 */
function checkDelayNames(config: { id: string; machine: unknown; deadlines?: unknown; implementations?: (env: WorkflowEnv) => Record<string, unknown> }): void {
  const declared = declaredDelays(config);
  const walk = (node: AnyStateNode): void => {
    for (const transition of node.after) {
      const given = (transition as { delay?: unknown }).delay;
      const delay = String(given);
      if (declared !== undefined && typeof given === 'string' && !declared.has(given)) {
        const at = node.path.join('.') || '(root)';
        const known = [...declared].sort();
        throw definitionError(config.id,
          `Workflow "${config.id}": the delay "${delay}" of state "${at}" is declared nowhere (${known.length === 0 ? 'no delay is declared' : `declared: ${known.join(', ')}`}), so XState would fire it at once. Declare it in deadlines (e.g. { ${delay}: workingDays(1) }) or setup({ delays }), or fix its name.`,
          'machine',
          { state: at, delay },
        );
      }
      const read = timerNameOf(transition.eventType);
      if (read !== delay) {
        const at = node.path.join('.') || '(root)';
        throw definitionError(config.id, 
          `Workflow "${config.id}": the delay "${delay}" of state "${at}" cannot be named by its timer: XState keys the timer "${transition.eventType}", which reads as the delay "${read}" (a delay's name ends at its first dot). Rename the delay without a dot (e.g. "${delay.replace(/\./g, '_')}").`,
          'machine',
          { state: at, delay },
        );
      }
    }
    for (const child of Object.values(node.states) as AnyStateNode[]) walk(child);
  };
  const root = (config.machine as { root?: AnyStateNode }).root;
  if (root !== undefined) walk(root);
}

/**
 * The delay names a definition declares: its machine's `setup({ delays })`, its `deadlines`, and the
 * delays its `implementations` provide (called as effectTypesOf lists actions: no directory or
 * calendar, the instant 0; none of the functions it builds runs). `undefined` when that factory
 * cannot be called without a real env: then nobody can tell here, and no name is refused.
 */
function declaredDelays(config: { machine: unknown; deadlines?: unknown; implementations?: (env: WorkflowEnv) => Record<string, unknown> }): Set<string> | undefined {
  const names = new Set<string>();
  const add = (delays: unknown): void => {
    if (delays !== null && typeof delays === 'object') for (const name of Object.keys(delays)) names.add(name);
  };
  add((config.machine as { implementations?: { delays?: unknown } }).implementations?.delays);
  add(config.deadlines);
  if (typeof config.implementations === 'function') {
    const provided = listedImplementations(config.implementations);
    if (provided === undefined) return undefined;
    add(provided.delays);
  }
  return names;
}

/**
 * Where a definition holds objects that are not plain data and are taken by reference, neither copied
 * nor frozen: the machine, the input and event schemas, and a migration's old machine and context
 * schema. Functions (deadline functions, hooks, state mappings) are kept by reference anyway.
 */
function keptByReference(path: readonly (string | number)[]): boolean {
  const [, field, ...rest] = path;
  if (field === 'machine' || field === 'input') return rest.length === 0;
  if (field === 'events') return rest.length === 1;
  if (field === 'migrations') {
    const tail = typeof rest[0] === 'number' ? rest.slice(1) : rest;
    return (tail.length === 2 && tail[0] === 'source' && tail[1] === 'machine') || (tail.length === 1 && tail[0] === 'contextSchema');
  }
  return false;
}

/** The workflows defineWorkflow returned: deep-frozen copies of their definitions (see readDefinition). */
const DEFINED = new WeakSet<object>();

/**
 * A workflow definition read once, from its own data properties, into a deep-frozen plain copy (the
 * machine, schemas and functions kept by reference): what a caller changes in its object afterwards
 * changes no registered workflow. Internal: `defineWorkflow` and the approval plugin's.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the path (`definition.deadlines.review`) for a value
 * that is not an object, an inherited key, a getter or setter, an object that is not a plain object
 * or array (a class instance, `Object.create(...)`), a Map, Set or other built-in whose contents are
 * not its keys, or a Proxy; and for an `id` that is not an id by the one rule every filter shares
 * (empty, blank, over 256 characters, U+0000 or an unpaired surrogate), naming `definition.id`.
 */
export function readDefinition<T>(config: T, what = 'defineWorkflow()', root = 'definition'): T {
  // A workflow defineWorkflow returned is already such a copy: createEngine takes it as it is
  // instead of copying every registered workflow again at start-up.
  if (typeof config === 'object' && config !== null && DEFINED.has(config)) return config;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new DocketError('INVALID_ARGUMENT', `${what} takes a workflow definition object ({ id, version, machine, input, events, … }), not ${kindOf(config)}.`, { field: root });
  }
  const copy = plainInput(config, what, root, { ownData: true, keep: keptByReference }) as T;
  // The workflow id is a new id, stored on every instance and filtered by (`list({ workflow })`,
  // `tasks({ workflow })`): the one id rule, so a workflow `' '` (whose instances no filter could
  // find) is refused when defined.
  checkNewId((copy as { id?: unknown }).id, `${what}: the workflow id (${root}.id)`, `${root}.id`);
  return copy;
}

/**
 * Bind a machine to its schemas, roles, deadlines and labels: the unit the engine runs.
 *
 * Event schemas may describe the payload alone or the whole event with its `type`
 * (`SUBMIT: z.object({ type: z.literal('SUBMIT'), note: z.string() })`): a schema whose shape has a
 * `type` key is checked against the event as sent, `type` included; any other against the payload
 * without it. Both forms give the same `EventFrom` type and the machine sees the same event.
 *
 * The definition is read once, when it is defined: its own data properties are copied into a plain
 * object and deep-frozen, and the workflow returned (and every engine it is registered in) uses that
 * copy, so changing the object passed in afterwards (`config.deadlines.review = …`,
 * `config.permissions.APPROVE.push(…)`) changes nothing registered, and the returned workflow cannot
 * be changed either. The XState machine, the zod schemas (`input`, each of `events`, a migration's
 * `contextSchema`) and functions are kept by reference, not copied.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the path in `details.field` (e.g.
 * `definition.deadlines.review`), with nothing defined, for a definition that is not an object or
 * holds: a key inherited from a prototype (pass it as an own property), a getter or setter (pass its
 * value), an object that is not a plain object or array (a class instance, `Object.create(…)`), a
 * Map, Set or other built-in whose contents are not its keys (pass an object or array), or a Proxy;
 * and, naming `definition.id`, for an id that is not an id by the one rule every filter shares (a
 * string of 1 to 256 characters, not blank, without U+0000 or an unpaired surrogate).
 * @throws DocketError `INVALID_ARGUMENT` naming the part in `details.field` for a definition whose
 * parts are wrong (`definition.version` not a positive integer; `definition.machine`, `.input` or
 * `.events` missing or not a machine or schema; an event `definition.events.<type>` with a reserved
 * prefix; `definition.permissions.<type>` naming no event or not a list of role names, each an id by
 * the one rule; `definition.standInActions[i]` naming no event; a state named `__proto__` or a
 * delay name with a dot, `definition.machine` with `details.state`; a `labels`, `roles` or
 * `description` text that is not `{ 'zh-CN', en }` with both non-blank strings of at most 1,000
 * characters (4,000 for `description`) without control characters, U+0000 or a lone surrogate,
 * naming its path, e.g. `definition.labels.states.a.en`, or a group of `labels` it does not have);
 * `INVALID_DEADLINE_RULE` naming `definition.deadlines.<name>` for a deadline rule
 * given as data that is not one; `INVALID_MIGRATION` for a migration that cannot be used. (The parts
 * were refused with a TypeError, without a code, until 2026-12-02.)
 *
 * @example
 * ```ts
 * import { setup } from 'xstate';
 * import { z } from 'zod';
 * import { defineWorkflow } from 'docket';
 *
 * const leave = defineWorkflow({
 *   id: 'leave',
 *   version: 1,
 *   machine: setup({}).createMachine({
 *     initial: 'pending',
 *     states: { pending: { on: { APPROVE: 'approved' } }, approved: { type: 'final' } },
 *   }),
 *   input: z.object({ days: z.number().int().positive() }),
 *   events: { APPROVE: z.object({ comment: z.string().optional() }) },
 *   permissions: { APPROVE: ['manager'] },
 * });
 * leave.id; // 'leave'
 * ```
 */
export function defineWorkflow<
  const TId extends string,
  TMachine extends AnyStateMachine,
  TInput extends z.ZodType,
  TEvents extends EventSchemas,
>(definition: WorkflowConfig<TId, TMachine, TInput, TEvents>): Workflow<TId, TMachine, TInput, TEvents> {
  // Every check below and every later reader sees this copy, never the caller's object again.
  const config = readDefinition(definition);
  if (!Number.isInteger(config.version) || config.version < 1) {
    throw definitionError(config.id, `Workflow "${config.id}": version must be a positive integer, got ${safeString(config.version)}.`, 'version');
  }
  // Definition-time checks a JavaScript caller (no compiler) would otherwise meet as a raw error at start.
  for (const [field, ok] of [
    ['machine', typeof (config.machine as { transition?: unknown } | undefined)?.transition === 'function'],
    ['input', typeof (config.input as { safeParse?: unknown } | undefined)?.safeParse === 'function'],
    ['events', typeof config.events === 'object' && config.events !== null],
  ] as const) {
    if (!ok) throw definitionError(config.id, `Workflow "${String(config.id)}": \`${field}\` is missing or not ${field === 'machine' ? 'an XState machine' : field === 'input' ? 'a zod schema (e.g. z.object({}))' : 'an object of zod schemas by event type'}.`, field);
  }
  for (const type of Object.keys(config.events)) {
    if (type.startsWith('docket.') || type.startsWith('xstate.')) {
      throw definitionError(config.id, `Workflow "${config.id}": event "${type}" uses a reserved prefix (docket., xstate.). Rename the event.`, `events.${type}`);
    }
    // Each event's schema is checked as `input` is: `events: { GO: {} }` (or a number, or null) was
    // defined, and every send of GO then threw a raw TypeError (`schema.safeParse is not a function`)
    // or said the workflow "declares no event GO" while listing GO among its events.
    const schema = (config.events as Record<string, unknown>)[type];
    if (typeof (schema as { safeParse?: unknown } | null | undefined)?.safeParse !== 'function') {
      throw definitionError(config.id, `Workflow "${config.id}": events.${type} must be a zod schema of the event's payload (e.g. z.object({ comment: z.string() })), not ${kindOf(schema)}. Give each event a schema (z.object({}) for none).`, `events.${type}`);
    }
  }
  checkStateNames(config);
  checkDelayNames(config);
  checkPermissions(config);
  checkStandInActions(config);
  checkDeadlines(config);
  checkLabels(config);
  checkMigrations(config);
  const workflow = Object.freeze({ ...config, kind: 'docket.workflow' as const });
  DEFINED.add(workflow);
  return workflow;
}
