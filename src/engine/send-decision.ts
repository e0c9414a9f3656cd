import type { AnyMachineSnapshot } from 'xstate';
import type { Instant } from '../clock/clock.js';
import { DocketError, isDocketError } from '../errors.js';
import type { Actor, InstanceRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { checkActor, checkEvent, checkPayload, checkTakesEvents } from './authorize.js';
import { canonicalJson, sha256 } from './canonical-json.js';
import { factsOf, type DecideContext, type Decision } from './commit-pipeline.js';
import type { AuthorizeResult, WorkflowEnv } from './define-workflow.js';
import type { CanResult, InstanceView, SendOptions } from './engine-types.js';
import { machineError, type RegisteredWorkflow } from './workflow-registry.js';
import type { Step } from './xstate-runtime.js';

type MachineEvent = { type: string; [key: string]: unknown };

/**
 * `{ ...event, $actor, $at }` without the spread: the same own keys in the same order (a key named
 * `__proto__`, which plain assignment would treat as the prototype, takes the spread).
 */
function withMeta(event: MachineEvent, actor: Actor, at: Instant): MachineEvent {
  const out: Record<string, unknown> = {};
  for (const key in event) {
    if (key === '__proto__' || !Object.prototype.hasOwnProperty.call(event, key)) return { ...event, $actor: actor, $at: at };
    out[key] = event[key];
  }
  if (Object.getOwnPropertySymbols(event).length > 0) return { ...event, $actor: actor, $at: at };
  out.$actor = actor;
  out.$at = at;
  return out as MachineEvent;
}

/**
 * The machine's step for `event` at `now` for an instance of `tenant` (whose calendar and directory
 * the step uses), or MACHINE_ERROR when the machine threw or failed.
 */
export function stepOf(reg: RegisteredWorkflow, snapshot: AnyMachineSnapshot, event: { type: string }, now: Instant, instanceId: string, tenant: string | undefined): Step {
  let step: Step;
  try {
    step = reg.runtime.transition(snapshot, event, now, tenant);
  } catch (error) {
    throw machineError(error, instanceId, reg.workflow.id);
  }
  if (step.snapshot.status === 'error') throw machineError(step.snapshot.error, instanceId, reg.workflow.id);
  return step;
}

/** What the workflow's `authorize` hook allowed, beyond a plain yes. */
interface Grant {
  readonly onBehalfOf?: string | undefined;
  readonly carry?: unknown;
}

/**
 * Ask the workflow's `authorize` hook: a refusal throws (FORBIDDEN for a sentence, the hook's own code
 * for a DocketError), an allowance returns what it granted.
 */
function askHook(reg: RegisteredWorkflow, record: InstanceRecord, actor: Actor, event: MachineEvent, snapshot: AnyMachineSnapshot, env: WorkflowEnv): Grant | undefined {
  const hook: AuthorizeResult | undefined = reg.workflow.authorize?.({ actor, event, snapshot, instance: factsOf(record), env });
  if (hook === undefined || hook === true) return undefined;
  // Added for approvals: a hook may refuse with its own DocketError code, or allow an act done
  // on someone else's behalf (委托 / 代理), which the machine sees as `$onBehalfOf`.
  if (isDocketError(hook)) {
    throw new DocketError(hook.code, hook.message, { ...hook.details, instanceId: record.id, event: event.type, actor: actor.id, state: record.state });
  }
  if (typeof hook === 'object' && hook !== null) return hook;
  throw new DocketError('FORBIDDEN', hook, { instanceId: record.id, event: event.type, actor: actor.id, state: record.state });
}

/** The event the machine receives: the payload with `$actor`, `$at` and what the hook granted. */
function machineEvent(event: MachineEvent, actor: Actor, now: Instant, grant: Grant | undefined): MachineEvent {
  const out = withMeta(event, actor, now);
  if (grant?.onBehalfOf !== undefined) out.$onBehalfOf = grant.onBehalfOf;
  if (grant?.carry !== undefined) out.$carry = grant.carry;
  return out;
}

function notAccepted(record: InstanceRecord, type: string): DocketError {
  return new DocketError(
    'EVENT_NOT_ACCEPTED',
    `Instance ${record.id} is in state ${JSON.stringify(record.state)}, which does not accept "${type}" (or its guard refused it). Check engine.get(id).state before sending.`,
    { instanceId: record.id, event: type, state: record.state },
  );
}

/**
 * `engine.send`'s decision on a loaded record: payload, role, idempotency replay, instance active,
 * the workflow's hook, the machine's guards, in that order. Returns the step to commit, the stored
 * result of an earlier act under the same key (skip), or throws the refusal.
 */
export async function decideSend(
  store: Pick<Store, 'findIdempotency'>,
  record: InstanceRecord,
  ctx: DecideContext,
  rawEvent: MachineEvent,
  opts: SendOptions,
): Promise<Decision<InstanceView>> {
  const reg = ctx.reg!;
  const { now } = ctx;
  const instanceId = record.id;
  const key = opts.idempotencyKey;
  const payloadHash = key === undefined ? '' : sha256(canonicalJson(rawEvent));
  const seen = key === undefined ? undefined : await store.findIdempotency(instanceId, key);
  // Who may send this event is checked before any replay: a key never stands in for the right to
  // act. The rest (the instance still active, the workflow's hook, the machine's guards) concerns
  // the state the first act already changed, so a retry skips it.
  const prepared = checkPayload(reg, record, rawEvent);
  checkActor(reg, record, prepared.event, opts.actor);
  if (seen && (seen.actor === undefined || seen.actor === opts.actor.id)) {
    if (seen.payloadHash === payloadHash) return { kind: 'skip', value: seen.result as InstanceView };
    throw new DocketError(
      'IDEMPOTENCY_MISMATCH',
      `Idempotency key "${key}" was already used on instance ${instanceId} with a different event. Use a new key for a new act.`,
      { instanceId, event: rawEvent.type, actor: opts.actor.id },
    );
  }
  checkTakesEvents(record, rawEvent.type);
  const snapshot = ctx.restore(reg, record);
  const grant = askHook(reg, record, opts.actor, prepared.event, snapshot, ctx.env(reg));
  if (seen) {
    // Another person's key: their act is not replayed to this actor, and this act is not
    // silently dropped either.
    throw new DocketError(
      'IDEMPOTENCY_MISMATCH',
      `Idempotency key "${key}" was already used on instance ${instanceId} by ${seen.actor}; keys are per actor. Send again with a key of your own.`,
      { instanceId, event: rawEvent.type, actor: opts.actor.id },
    );
  }
  const event = machineEvent(prepared.event, opts.actor, now, grant);
  const step = stepOf(reg, snapshot, event, now, instanceId, ctx.tenant);
  // XState hands back the very same snapshot when no transition was enabled; only then ask
  // can() (an explicit empty handler is accepted and recorded, though nothing changes).
  if (step.snapshot === snapshot && !snapshot.can(event as never)) throw notAccepted(record, rawEvent.type);
  const onBehalfOf = grant?.onBehalfOf;
  return {
    kind: 'commit',
    step,
    reg,
    change: onBehalfOf === undefined ? { kind: 'event', event: prepared.event, actor: opts.actor } : { kind: 'event', event: prepared.event, actor: opts.actor, onBehalfOf },
    ...(key === undefined ? {} : { idempotency: { key, actor: opts.actor.id, payloadHash } }),
  };
}

/**
 * `engine.can`: the checks `send` makes, in the same order, on a fresh load, without committing,
 * recording a refusal or emitting anything. Keep in step with {@link decideSend}.
 */
export function canSend(
  reg: RegisteredWorkflow,
  record: InstanceRecord,
  rawEvent: MachineEvent,
  actor: Actor,
  now: Instant,
  restore: (reg: RegisteredWorkflow, record: InstanceRecord) => AnyMachineSnapshot,
  env: WorkflowEnv,
): CanResult {
  try {
    const prepared = checkEvent(reg, record, rawEvent);
    checkActor(reg, record, prepared.event, actor);
    const snapshot = restore(reg, record);
    const grant = askHook(reg, record, actor, prepared.event, snapshot, env);
    const event = machineEvent(prepared.event, actor, now, grant);
    const step = stepOf(reg, snapshot, event, now, record.id, record.tenant);
    if (step.snapshot === snapshot && !snapshot.can(event as never)) {
      return { ok: false, code: 'EVENT_NOT_ACCEPTED', message: `Instance ${record.id} is in state ${JSON.stringify(record.state)}, which does not accept "${rawEvent.type}" (or its guard refused it).` };
    }
    return { ok: true };
  } catch (error) {
    if (isDocketError(error)) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}
