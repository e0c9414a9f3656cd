import type { AnyStateMachine } from 'xstate';
import { durationToMs, type Instant } from '../clock/clock.js';
import type { BusinessCalendar, DeadlineRule } from '../calendar/index.js';
import { DocketError, isDocketError } from '../errors.js';
import type { AnyWorkflow, DeadlineArgs, WorkflowEnv } from './define-workflow.js';
import type { Directory } from '../organisation/directory.js';
import { withAdminMoves } from './move-to-state.js';
import { XStateRuntime } from './xstate-runtime.js';

/** A workflow version as the engine runs it: the machine with the engine's env provided. */
export interface RegisteredWorkflow {
  readonly workflow: AnyWorkflow;
  readonly runtime: XStateRuntime;
  readonly env: WorkflowEnv;
}

/** Resolve a deadline rule to an instant: durations need no calendar, everything else does. */
export function resolveDeadline(rule: DeadlineRule, from: Instant, calendar: BusinessCalendar | undefined): Instant {
  if (rule.kind === 'duration') return from + durationToMs(rule.duration);
  if (!calendar && rule.kind === 'absolute' && rule.time === undefined && rule.roll === undefined) {
    // An instant with its own offset needs no calendar; a local date does.
    if (typeof rule.at === 'number') return rule.at;
    if (/T.*(Z|[+-]\d\d:?\d\d)$/.test(rule.at)) return Date.parse(rule.at);
  }
  if (!calendar) {
    throw new DocketError(
      'INVALID_DEADLINE_RULE',
      `A "${rule.kind}" deadline needs a business calendar: pass createEngine({ calendar: businessCalendar({ holidays: ['CN'] }) }).`,
    );
  }
  return calendar.resolve(rule, from);
}

/** A deadline resolved on estimated holiday data while computing a step (see `takeProvisional`). */
export interface ProvisionalResolution {
  /** The delay's name (the deadline name in `defineWorkflow({ deadlines })`). */
  readonly name: string;
  /** The delay XState was given, ms. */
  readonly delayMs: number;
  readonly rule: DeadlineRule;
  readonly from: Instant;
  readonly dueAt: Instant;
  readonly years: readonly number[];
}

/** Workflows by id and version. Starting uses the newest version; loading uses the instance's own. */
export class WorkflowRegistry {
  private readonly byId = new Map<string, Map<number, RegisteredWorkflow>>();
  /** The instant of the transition being computed; delays and env.now() read it. */
  now: Instant = 0;
  /** Deadlines resolved on estimated data since the last `takeProvisional()`. */
  #provisional: ProvisionalResolution[] = [];

  /**
   * The provisional deadlines the step just computed resolved (cleared on read): the caller passes
   * them to `planCommit` so the timers they arm are marked and their rules stored.
   */
  takeProvisional(): readonly ProvisionalResolution[] | undefined {
    if (this.#provisional.length === 0) return undefined;
    const out = this.#provisional;
    this.#provisional = [];
    return out;
  }

  constructor(
    workflows: readonly AnyWorkflow[],
    /** The calendar the workflows see (with tenants: a stand-in routed to the tenant's; see `configForTenant`). */
    readonly calendar: BusinessCalendar | undefined,
    /** The directory the workflows see (with tenants: routed like `calendar`). */
    readonly directory: Directory | undefined,
  ) {
    for (const workflow of workflows) this.register(workflow);
  }

  register(workflow: AnyWorkflow): void {
    let versions = this.byId.get(workflow.id);
    if (!versions) this.byId.set(workflow.id, (versions = new Map()));
    if (versions.has(workflow.version)) {
      throw new DocketError('INVALID_ARGUMENT', `Workflow "${workflow.id}" version ${workflow.version} is registered twice.`, {
        workflow: workflow.id,
        version: workflow.version,
      });
    }
    const env: WorkflowEnv = { directory: this.directory, calendar: this.calendar, now: () => this.now };
    const provided = (workflow.implementations?.(env) ?? {}) as { delays?: Record<string, unknown> };
    const delays: Record<string, (args: DeadlineArgs) => number> = {};
    for (const [name, spec] of Object.entries(workflow.deadlines ?? {})) {
      delays[name] = (args) => {
        const rule = typeof spec === 'function' ? spec(args) : spec;
        const from = this.now;
        // Not clamped at 0: a deadline already past when its state is entered arms a timer due at
        // the rule's own instant, which is due at once and fires late by the right amount (the
        // history's `lateMs` shows it was overdue on entry).
        if (this.calendar !== undefined && rule.kind !== 'duration') {
          const r = this.calendar.resolveWithProvenance(rule, from);
          const delayMs = r.at - from;
          if (r.provisional) this.#provisional.push({ name, delayMs, rule, from, dueAt: r.at, years: r.estimatedYears });
          return delayMs;
        }
        return resolveDeadline(rule, from, this.calendar) - from;
      };
    }
    const machine = withAdminMoves(workflow.machine as AnyStateMachine).provide({
      ...provided,
      delays: { ...provided.delays, ...delays },
    } as never);
    versions.set(workflow.version, { workflow, runtime: new XStateRuntime(machine), env });
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
}

/** Unwrap an error XState caught inside a transition into a DocketError. */
export function machineError(error: unknown, instanceId: string | undefined, workflow: string): DocketError {
  if (isDocketError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DocketError('MACHINE_ERROR', `Workflow "${workflow}" threw while computing a transition: ${message}. Nothing was changed; fix the machine's guard, action or delay.`, {
    workflow,
    cause: error,
    ...(instanceId === undefined ? {} : { instanceId }),
  });
}
