import type { AnyStateMachine, AnyStateNode, ContextFrom, StateValueFrom } from 'xstate';
import type { z } from 'zod';
import { DocketError } from '../../errors.js';
import { safeString } from '../../input/safe-string.js';

/**
 * Every dotted state path of a state value type: `'draft' | { review: 'legal' | 'finance' }` →
 * `'draft' | 'review' | 'review.legal' | 'review.finance'`. `string` when the value is not known.
 */
export type StatePathOf<V> = unknown extends V
  ? string
  : V extends string
    ? V
    : V extends object
      ? { [K in keyof V & string]: K | `${K}.${StatePathOf<V[K]>}` }[keyof V & string]
      : never;

/** The dotted state paths of a workflow's machine (`string` when its machine type is not known). */
export type WorkflowStatePath<W> = W extends { readonly machine: infer M extends AnyStateMachine }
  ? AnyStateMachine extends M
    ? string
    : StatePathOf<StateValueFrom<M>>
  : string;

/** The context type of a workflow's machine (`any` when its machine type is not known). */
export type MigrationContextOf<W> = W extends { readonly machine: infer M extends AnyStateMachine } ? (AnyStateMachine extends M ? any : ContextFrom<M>) : any;

/** What a state mapping function and the context transform receive besides the old context. */
export interface MigrationInstanceInfo {
  readonly instanceId: string;
  /** The instance's state value on the old version. */
  readonly state: unknown;
  /** Every active state path on the old version (`review`, `review.legal`). */
  readonly statePaths: readonly string[];
  readonly initiator: string;
}

/**
 * Where instances in one old state go: a dotted path of the new version, or a function of the old
 * context choosing one (`undefined`: this instance cannot move, reported as `STATE_NOT_MAPPED`).
 */
export type StateMapping<TOldContext> = string | ((context: TOldContext, info: MigrationInstanceInfo) => string | undefined);

/**
 * How instances of an older version of a workflow move to the version that declares this.
 *
 * - `from`: the old version number.
 * - `states`: old state path → new state path (or a function choosing one). The most specific key
 *   that is an active state of the instance wins (`review.legal` before `review`). A state without
 *   a key moves to the same path when the new version has it; otherwise it cannot move
 *   (`STATE_NOT_MAPPED`).
 * - `context`: old context → new context (default: unchanged). Throwing makes that instance stay
 *   (`CONTEXT_TRANSFORM_FAILED`).
 * - `contextSchema`: optional zod schema the new context must pass (`CONTEXT_INVALID` otherwise).
 *
 * The instance enters its new state as `moveTo` enters one: the old version's exit actions do not
 * run; the new state's entry actions run and arm its `after` timers from the migration instant (an
 * approval step resolves its approvers afresh).
 */
export interface WorkflowMigration<TOldContext = any, TNewContext = unknown> {
  readonly kind: 'docket.migration';
  readonly from: number;
  readonly states?: Readonly<Record<string, StateMapping<TOldContext>>>;
  readonly context?: (context: TOldContext, info: MigrationInstanceInfo) => TNewContext;
  readonly contextSchema?: z.ZodType;
  /** The old workflow, when given to {@link migrateFrom}: its state paths are checked too. */
  readonly source?: { readonly id: string; readonly version: number; readonly machine: AnyStateMachine };
}

/** How a workflow declares migrations: one or several (one per older version). */
export type WorkflowMigrations<TNewContext = unknown> = WorkflowMigration<any, TNewContext> | readonly WorkflowMigration<any, TNewContext>[];

/**
 * Declare a migration from `source` (an older version of the same workflow), typed from it: the keys
 * of `states` are its state paths and `context` receives its context type.
 *
 * @example
 * ```ts
 * import { migrateFrom, type AnyWorkflow } from 'docket';
 * declare const leaveV1: AnyWorkflow;
 * const m = migrateFrom(leaveV1, { states: { pending: 'review.pending' }, context: (old) => ({ ...old, currency: 'CNY' }) });
 * m.from; // leaveV1.version
 * ```
 */
export function migrateFrom<const W extends { readonly id: string; readonly version: number; readonly machine: AnyStateMachine }, TNewContext = MigrationContextOf<W>>(
  source: W,
  spec: {
    readonly states?: { readonly [K in WorkflowStatePath<W>]?: StateMapping<MigrationContextOf<W>> };
    readonly context?: (context: MigrationContextOf<W>, info: MigrationInstanceInfo) => TNewContext;
    readonly contextSchema?: z.ZodType;
  } = {},
): WorkflowMigration<MigrationContextOf<W>, TNewContext> {
  return Object.freeze({
    kind: 'docket.migration' as const,
    from: source.version,
    source: { id: source.id, version: source.version, machine: source.machine },
    ...(spec.states ? { states: spec.states as Record<string, StateMapping<MigrationContextOf<W>>> } : {}),
    ...(spec.context ? { context: spec.context } : {}),
    ...(spec.contextSchema ? { contextSchema: spec.contextSchema } : {}),
  });
}

/** Every state path of a machine (`review`, `review.legal`), history states left out. */
export function machineStatePaths(machine: AnyStateMachine): Set<string> {
  const out = new Set<string>();
  const walk = (node: AnyStateNode) => {
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      if (child.type === 'history') continue;
      out.add(child.path.join('.'));
      walk(child);
    }
  };
  walk(machine.root);
  return out;
}

/** The declared migrations of a workflow as a list. */
export function migrationsOf(workflow: { readonly migrations?: WorkflowMigrations<any> }): readonly WorkflowMigration[] {
  const m = workflow.migrations;
  if (m === undefined) return [];
  return (Array.isArray(m) ? m : [m]) as readonly WorkflowMigration[];
}

/**
 * Check a workflow's declared migrations when it is defined: each `from` an older whole version,
 * declared once; every fixed target a state of this version; every key a state of the old version
 * when it is known (given through {@link migrateFrom}).
 *
 * @throws DocketError `INVALID_MIGRATION` naming the workflow, version and path at fault.
 */
export function checkMigrations(workflow: { readonly id: string; readonly version: number; readonly machine: AnyStateMachine; readonly migrations?: WorkflowMigrations<any> }): void {
  const list = migrationsOf(workflow);
  if (list.length === 0) return;
  const fail = (message: string, details: Record<string, unknown> = {}): never => {
    throw new DocketError('INVALID_MIGRATION', `Workflow "${workflow.id}" v${workflow.version}: ${message}`, { workflow: workflow.id, version: workflow.version, ...details });
  };
  const targets = machineStatePaths(workflow.machine);
  const seen = new Set<number>();
  for (const m of list) {
    if (!m || typeof m !== 'object') fail('each migration must be an object { from, states?, context? } (or use migrateFrom(oldWorkflow, { ... })).');
    if (!Number.isInteger(m.from) || m.from < 1 || m.from === workflow.version) fail(`a migration's "from" must be another version's number (a positive integer other than ${workflow.version}), got ${safeString(m.from)}.`);
    if (seen.has(m.from)) fail(`declares two migrations from version ${m.from}; keep one.`, { from: m.from });
    seen.add(m.from);
    if (m.context !== undefined && typeof m.context !== 'function') fail(`the migration from v${m.from} has a "context" that is not a function (old context → new context).`, { from: m.from });
    if (m.source && m.source.id !== workflow.id) fail(`the migration from v${m.from} names workflow "${m.source.id}"; a migration moves instances between versions of one workflow.`, { from: m.from });
    const sources = m.source ? machineStatePaths(m.source.machine) : undefined;
    for (const [key, target] of Object.entries(m.states ?? {})) {
      if (sources && !sources.has(key)) fail(`the migration from v${m.from} maps "${key}", which is not a state of v${m.from} (states: ${[...sources].join(', ')}).`, { from: m.from, state: key });
      if (typeof target === 'string') {
        if (!targets.has(target)) fail(`the migration from v${m.from} maps "${key}" to "${target}", which is not a state of v${workflow.version} (states: ${[...targets].join(', ')}).`, { from: m.from, state: key, target });
      } else if (typeof target !== 'function') {
        fail(`the migration from v${m.from} maps "${key}" to ${JSON.stringify(target)}: give a state path or a function choosing one.`, { from: m.from, state: key });
      }
    }
  }
}
