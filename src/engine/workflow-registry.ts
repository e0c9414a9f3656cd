import type { AnyStateMachine } from 'xstate';
import { resolveDeadlineRule } from '../calendar/resolve-deadline.js';
import { DocketError, isDocketError } from '../errors.js';
import { kindOf } from '../input/kind-of.js';
import { readDefinition, type AnyWorkflow, type DeadlineArgs, type WorkflowEnv } from './define-workflow.js';
import type { TenantRouting } from './tenant-routing.js';
import { withAdminMoves } from './move-to-state.js';
import { XStateRuntime } from './xstate-runtime.js';
import { machineEffectTypes, migrationEffectTypes } from './effect-types.js';

/** A workflow version as the engine runs it: the machine with the engine's env provided. */
export interface RegisteredWorkflow {
  readonly workflow: AnyWorkflow;
  readonly runtime: XStateRuntime;
  readonly env: WorkflowEnv;
}

export type { ProvisionalResolution } from './deadline-provenance.js';

/** Workflows by id and version. Starting uses the newest version; loading uses the instance's own. */
export class WorkflowRegistry {
  private readonly byId = new Map<string, Map<number, RegisteredWorkflow>>();

  /** @throws DocketError `INVALID_ARGUMENT` naming `workflows[i]…` for a workflow `readDefinition` refuses, or one registered twice. */
  constructor(
    workflows: readonly AnyWorkflow[],
    private readonly routing: TenantRouting,
  ) {
    workflows.forEach((workflow, i) => this.register(workflow, `workflows[${i}]`));
  }

  register(given: AnyWorkflow, at = 'workflow'): void {
    // Read once, as defineWorkflow reads a definition: a workflow built without it (`{ ...wf, deadlines }`,
    // a workflow loaded from a module) kept the caller's objects, and its permissions, deadline rules
    // and labels were read at every act, so changing them after createEngine changed a running engine.
    const workflow = readDefinition(given, 'createEngine()', at);
    let versions = this.byId.get(workflow.id);
    if (!versions) this.byId.set(workflow.id, (versions = new Map()));
    if (versions.has(workflow.version)) {
      // Named by its place in the list, as every other refusal of a workflow there is (`workflows[1]`).
      throw new DocketError('INVALID_ARGUMENT', `Workflow "${workflow.id}" version ${workflow.version} is registered twice (${at}); list each version once, or give the new one the next version number.`, {
        field: at,
        workflow: workflow.id,
        version: workflow.version,
      });
    }
    // The runtime is built after the delays that read its step context: they run only inside its steps.
    let runtime!: XStateRuntime;
    // The calendar and directory of the tenant whose instance the step is computed for (see
    // `XStateRuntime.tenant`): read per call, never set on a shared field.
    const { calendar, directory } = this.routing.envFor(() => runtime.tenant());
    const env: WorkflowEnv = { directory, calendar, now: () => runtime.now() };
    const provided = (workflow.implementations?.(env) ?? {}) as { delays?: Record<string, unknown> };
    const delays: Record<string, (args: DeadlineArgs) => number> = {};
    for (const [name, spec] of Object.entries(workflow.deadlines ?? {})) {
      delays[name] = (args) => {
        const rule = typeof spec === 'function' ? spec(args) : spec;
        const from = runtime.now();
        // Not clamped at 0: a deadline already past when its state is entered arms a timer due at
        // the rule's own instant, which is due at once and fires late by the right amount (the
        // history's `lateMs` shows it was overdue on entry).
        const r = resolveDeadlineRule(rule, from, calendar);
        const delayMs = r.at - from;
        if (r.provisional) runtime.noteProvisional({ name, delayMs, rule, from, dueAt: r.at, years: r.estimatedYears });
        return delayMs;
      };
    }
    const machine = withAdminMoves(workflow.machine as AnyStateMachine).provide({
      ...provided,
      delays: { ...provided.delays, ...delays },
    } as never);
    runtime = new XStateRuntime(machine);
    versions.set(workflow.version, { workflow, runtime, env });
  }

  latest(id: string): RegisteredWorkflow {
    const versions = this.byId.get(id);
    if (!versions || versions.size === 0) {
      throw new DocketError('WORKFLOW_NOT_FOUND', `No workflow "${id}" is registered. Pass it in createEngine({ workflows: [...] }).`, {
        workflow: id,
      });
    }
    return versions.get(Math.max(...versions.keys()))!;
  }

  /** Whether version `version` of workflow `id` is registered here (what `get` would find, without its refusal). */
  has(id: string, version: number): boolean {
    return this.byId.get(id)?.has(version) === true;
  }

  get(id: string, version: number, instanceId?: string): RegisteredWorkflow {
    const found = this.byId.get(id)?.get(version);
    if (!found) {
      const known = [...(this.byId.get(id)?.keys() ?? [])].join(', ') || 'none';
      throw new DocketError(
        'WORKFLOW_VERSION_NOT_REGISTERED',
        `Instance ${instanceId ?? '?'} runs workflow "${id}" version ${version}, which is not registered (registered versions: ${known}). Keep registering version ${version} until its instances finish.`,
        { workflow: id, version, ...(instanceId === undefined ? {} : { instanceId }) },
      );
    }
    return found;
  }

  all(): RegisteredWorkflow[] {
    return [...this.byId.values()].flatMap((versions) => [...versions.values()]);
  }

  /**
   * Every effect type a registered workflow version can emit (its machine as the engine runs it, with
   * its implementations, and the versions its migrations move from): the names `effects` may hold a
   * handler under. Sorted.
   */
  effectTypes(): string[] {
    const out = new Set<string>();
    // The machine as the engine runs it already has the version's implementations, built with the
    // engine's env: effectTypesOf would call the factory again, with a stand-in env, for the same names.
    for (const { workflow, runtime } of this.all()) {
      for (const type of machineEffectTypes(runtime.machine)) out.add(type);
      for (const type of migrationEffectTypes(workflow)) out.add(type);
    }
    return [...out].sort();
  }
}

const WORKFLOWS_USAGE = 'an array of the workflows it runs, each made by defineWorkflow(...) (an empty array for an engine that only administers stored instances)';

/**
 * `createEngine({ workflows })` as a list: an array, read once. Left out, `null` or an object was a
 * raw TypeError (`workflows is not iterable`); a string was read letter by letter. `INVALID_ARGUMENT`
 * with `details.field: 'workflows'`, nothing made. Each element is then read by `readDefinition`.
 */
export function workflowList(value: unknown): readonly AnyWorkflow[] {
  if (value === undefined) throw new DocketError('INVALID_ARGUMENT', `createEngine(): workflows is missing; pass ${WORKFLOWS_USAGE}.`, { field: 'workflows' });
  if (!Array.isArray(value)) {
    const shown = typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : kindOf(value);
    throw new DocketError('INVALID_ARGUMENT', `createEngine(): workflows must be ${WORKFLOWS_USAGE}, not ${shown}.`, { field: 'workflows' });
  }
  try {
    return Array.from(value as readonly AnyWorkflow[]);
  } catch (error) {
    // A Proxy of an array whose traps throw: the caller's raw error escaped createEngine.
    throw new DocketError('INVALID_ARGUMENT', `createEngine(): workflows could not be read (${error instanceof Error ? error.message : 'a trap threw'}); pass ${WORKFLOWS_USAGE}.`, { field: 'workflows', cause: error });
  }
}

/** Unwrap an error XState caught inside a transition into a DocketError. */
export function machineError(error: unknown, instanceId: string | undefined, workflow: string): DocketError {
  if (isDocketError(error)) {
    // The runtime's own refusals (a step that never settles, an action Docket cannot do durably)
    // know the machine, not the instance: name both here.
    if (error.code !== 'MACHINE_ERROR' || error.details.instanceId !== undefined || instanceId === undefined) return error;
    return new DocketError(error.code, error.message, { ...error.details, workflow, instanceId });
  }
  const message = error instanceof Error ? error.message : String(error);
  // The engine freezes every committed context (see freezeJsonData): an action that changes one in
  // place fails with the TypeError of a frozen object. Say so, and what to do instead.
  const frozen =
    error instanceof TypeError && /read[- ]only|not extensible|frozen|Cannot (add|delete|assign)/i.test(message)
      ? ' Docket freezes each committed context, as XState treats context as immutable: return new objects and arrays from assign (e.g. { items: [...context.items, item] }) instead of changing the old ones.'
      : '';
  return new DocketError('MACHINE_ERROR', `Workflow "${workflow}" threw while computing a transition: ${message}. Nothing was changed; fix the machine's guard, action or delay.${frozen}`, {
    workflow,
    cause: error,
    ...(instanceId === undefined ? {} : { instanceId }),
  });
}
