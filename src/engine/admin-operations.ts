import type { Instant } from '../clock/clock.js';
import { DocketError, isDocketError } from '../errors.js';
import { SYSTEM_ACTOR, type Actor, type InstanceRecord, type TimerRecord } from '../store/records.js';
import type { ChangeInput } from './commit-pipeline.js';
import type { EngineParts } from './engine-core.js';
import type { InstanceView } from './engine-types.js';
import { moveToState } from './move-to-state.js';
import { recordStep } from './record-step.js';
import { checkAdminInput } from './validate-input.js';
import { nameTimer } from './timer-identity.js';

/** Who may act and why, for every administrator operation. */
export interface AdminOptions {
  readonly actor: Actor;
  readonly reason: string;
}

/** The administrator operations (internal; the engine exposes them), all audited and admin-only. */
export interface AdminOperations {
  suspend(instanceId: string, options: AdminOptions): Promise<InstanceView>;
  resume(instanceId: string, options: AdminOptions): Promise<InstanceView>;
  terminate(instanceId: string, options: AdminOptions): Promise<InstanceView>;
  /** 任意跳转: move to any state, through an ordinary XState transition (see move-to-state.ts). */
  moveTo(instanceId: string, options: AdminOptions & { readonly target: string }): Promise<InstanceView>;
  /** The engine's own suspension of an instance whose timer could not be delivered. */
  suspendAfterFailure(timer: TimerRecord, error: unknown, now: Instant): Promise<void>;
}

function requireAdmin(actor: Actor, instanceId: string, op: string) {
  if (!actor?.roles?.includes('admin')) {
    throw new DocketError('FORBIDDEN', `Only an actor with the "admin" role may ${op} an instance; ${actor?.id ?? 'this actor'} has [${actor?.roles?.join(', ') ?? ''}].`, {
      instanceId,
      actor: actor?.id,
    });
  }
}

function requireReason(reason: unknown, op: string, instanceId: string) {
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw new DocketError('INVALID_ARGUMENT', `Say why: ${op} needs a non-empty reason, for the audit trail.`, { instanceId });
  }
}

function heldTimersOf(record: InstanceRecord) {
  return record.timers.map(({ key, name, dueAt, event, deadline }) => (deadline ? { key, name, dueAt, event, deadline } : { key, name, dueAt, event }));
}

// Suspend, resume and terminate change flags and timers, not the machine's state: they commit
// `recordStep`, keeping the stored snapshot as it is and never restoring it, so they work on an
// instance whose snapshot cannot be restored (CORRUPT_SNAPSHOT tells the operator to terminate such
// an instance). They do refuse an instance whose stored state is not what its history chain
// committed to (edited outside Docket): sealing it into a new entry would make the edit verify.

/** Build the administrator operations on an engine's parts. */
export function adminOperations(parts: EngineParts): AdminOperations {
  const { pipeline } = parts;

  async function admin(
    instanceId: string,
    options: AdminOptions,
    op: 'suspend' | 'resume' | 'terminate',
    change: (record: InstanceRecord) => Partial<ChangeInput>,
  ): Promise<InstanceView> {
    const { actor, reason } = checkAdminInput(instanceId, options, op);
    await parts.ready();
    const outcome = await pipeline.act<never>({
      instanceId,
      source: 'store',
      // Suspend and terminate also work on an instance whose version is not registered: they drop
      // every timer anyway.
      anyVersion: true,
      refusal: { actor, event: { type: `docket.admin.${op}` } },
      decide: (record, { reg }) => {
        requireAdmin(actor, instanceId, op);
        requireReason(reason, op, instanceId);
        if (record.status !== 'active') {
          // A finished instance holds nothing to resume (its suspension ended with it, see planCommit).
          throw new DocketError(
            'INSTANCE_NOT_ACTIVE',
            `Instance ${instanceId} is finished (${record.status}); only an active instance can be ${op === 'suspend' ? 'suspended' : op === 'resume' ? 'resumed' : 'terminated'}. A finished instance takes no more acts: start a new one if the work must go on.`,
            { instanceId, status: record.status },
          );
        }
        if (op === 'suspend' && record.suspended) throw new DocketError('INSTANCE_NOT_ACTIVE', `Instance ${instanceId} is already suspended.`, { instanceId });
        if (op === 'resume' && !record.suspended) throw new DocketError('INSTANCE_NOT_ACTIVE', `Instance ${instanceId} is not suspended.`, { instanceId });
        const owners = reg?.runtime.timerOwners;
        return {
          kind: 'commit',
          step: recordStep(record),
          change: { kind: 'admin', event: { type: `docket.admin.${op}` }, actor, reason, ...(owners ? { timerOwners: owners } : {}), ...change(record) },
        };
      },
    });
    return (outcome as { view: InstanceView }).view;
  }

  async function moveTo(instanceId: string, options: AdminOptions & { readonly target: string }): Promise<InstanceView> {
    const opts = checkAdminInput(instanceId, options, 'moveTo');
    await parts.ready();
    const outcome = await pipeline.act<never>({
      instanceId,
      source: 'store',
      refusal: { actor: opts.actor, event: { type: 'docket.admin.moveTo', target: opts.target } as { type: string } },
      decide: (record, { reg, now, restore, tenant }) => {
        requireAdmin(opts.actor, instanceId, 'move');
        requireReason(opts.reason, 'moveTo', instanceId);
        if (record.status !== 'active' || record.suspended) {
          throw new DocketError('INSTANCE_NOT_ACTIVE', `Instance ${instanceId} is ${record.suspended ? 'suspended' : record.status}; resume it before moving it.`, { instanceId });
        }
        const step = moveToState(reg!.runtime, restore(reg!, record), opts.target, { $actor: opts.actor, $at: now }, instanceId, reg!.workflow.id, tenant);
        return {
          kind: 'commit',
          step,
          reg: reg!,
          change: { kind: 'admin', event: { type: 'docket.admin.moveTo', target: opts.target }, actor: opts.actor, reason: opts.reason },
        };
      },
    });
    return (outcome as { view: InstanceView }).view;
  }

  async function suspendAfterFailure(timer: TimerRecord, error: unknown, now: Instant): Promise<void> {
    await pipeline.act<undefined>({
      instanceId: timer.instanceId,
      source: 'store',
      anyVersion: true,
      now,
      wanted: (record) => !record.suspended && record.status === 'active' && record.timers.some((t) => t.id === timer.id),
      skip: undefined,
      skipUnloadable: true,
      decide: (record, { reg }) => ({
        kind: 'commit',
        step: recordStep(record),
        change: {
          kind: 'admin',
          event: { type: 'docket.admin.suspend', timer: timer.name, ...(isDocketError(error) ? { code: error.code } : {}) },
          actor: SYSTEM_ACTOR,
          // The timer by what it is (`after 1h in review.waiting`): its bare name told an operator nothing.
          reason: `Suspended by the engine: timer "${nameTimer(timer, reg?.runtime.timerOwners).label}" could not be delivered (${error instanceof Error ? error.message : String(error)}). Fix the cause, then resume.`,
          suspended: true,
          cancelAll: true,
          heldTimers: heldTimersOf(record),
        },
      }),
    });
  }

  return {
    suspend: (id, opts) => admin(id, opts, 'suspend', (record) => ({ suspended: true, cancelAll: true, heldTimers: heldTimersOf(record) })),
    resume: (id, opts) =>
      admin(id, opts, 'resume', (record) => ({
        suspended: false,
        heldTimers: [],
        extraTimers: (record.heldTimers ?? []).map((t) => ({ key: t.key, name: t.name, event: t.event, dueAt: t.dueAt, ...(t.deadline ? { deadline: t.deadline } : {}) })),
      })),
    terminate: (id, opts) => admin(id, opts, 'terminate', () => ({ status: 'cancelled', cancelAll: true, tasks: [] })),
    moveTo,
    suspendAfterFailure,
  };
}
