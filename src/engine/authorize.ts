import { DocketError } from '../errors.js';
import type { Actor, InstanceRecord } from '../store/records.js';
import { ownValue } from './own-property.js';
import { rolesPermit } from '../organisation/role-permits.js';
import type { RegisteredWorkflow } from './workflow-registry.js';
import { copyWith } from '../store/copy-with.js';

/** Check that the instance takes events and that this one is declared and well-formed; returns it parsed. */
export function checkEvent(
  reg: RegisteredWorkflow,
  record: InstanceRecord,
  raw: { type: string; [key: string]: unknown },
): { event: { type: string; [key: string]: unknown } } {
  checkTakesEvents(record, raw.type);
  return checkPayload(reg, record, raw);
}

/** Check that the instance is active and not suspended (it may take events now). */
export function checkTakesEvents(record: InstanceRecord, type: string): void {
  const common = { instanceId: record.id, workflow: record.workflow, event: type, state: record.state };
  if (record.status !== 'active') {
    throw new DocketError('INSTANCE_NOT_ACTIVE', `Instance ${record.id} is ${record.status} and takes no more events.`, common);
  }
  if (record.suspended) {
    throw new DocketError('INSTANCE_NOT_ACTIVE', `Instance ${record.id} is suspended; an administrator must resume it before it takes events.`, common);
  }
}

/**
 * Check that the event is declared and its payload valid; returns it parsed. A schema may describe
 * the payload alone (`z.object({ comment: z.string() })`) or the whole event, naming its own `type`
 * (`z.object({ type: z.literal('SUBMIT'), comment: z.string() })`): a schema whose shape has a `type`
 * key is given the event with its `type`, any other the payload without it. Keys starting with `$`
 * are the engine's own (`$actor`, `$at`, `$onBehalfOf`, `$carry`: who acts, when, for whom): a
 * payload naming one, or a schema producing one, is refused with `INVALID_PAYLOAD` (details `keys`),
 * even when a loose schema would keep it, so a caller can never say whom they act for.
 */
export function checkPayload(
  reg: RegisteredWorkflow,
  record: InstanceRecord,
  raw: { type: string; [key: string]: unknown },
): { event: { type: string; [key: string]: unknown } } {
  const common = { instanceId: record.id, workflow: record.workflow, event: raw.type, state: record.state };
  // Own properties only: an event type such as `__proto__` or `toString` is simply not declared.
  const schema = ownValue(reg.workflow.events, raw.type);
  if (!schema) {
    const known = Object.keys(reg.workflow.events).join(', ');
    throw new DocketError('UNKNOWN_EVENT', `Workflow "${record.workflow}" declares no event "${raw.type}". Declared events: ${known}.`, common);
  }
  return { event: parseEventPayload(schema, raw, common) };
}

/**
 * The one reading of an event's payload by its declared schema (see {@link checkPayload}): the event
 * as the machine gets it, or `INVALID_PAYLOAD` with `details.issues` (and `common`). Internal: `send`
 * and docket/testing's sample events read a payload by it, so path generation never sends what `send`
 * refuses.
 */
export function parseEventPayload(
  schema: { safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: readonly { code: string; path: readonly PropertyKey[]; message: string; keys?: readonly string[] }[] } } },
  raw: { type: string; [key: string]: unknown },
  common: Record<string, unknown>,
): { type: string; [key: string]: unknown } {
  const { type, ...payload } = raw;
  refuseReserved(Object.keys(payload), common, 'names');
  const parsed = schemaNamesType(schema) ? schema.safeParse(raw) : schema.safeParse(payload);
  if (!parsed.success) {
    // A closed schema's unknown keys are one issue at the object (path []): named one by one here, so
    // the refusal says which field to fix (`commnet`), as any other issue's path does.
    const issues = parsed.error.issues.flatMap((i) =>
      i.code === 'unrecognized_keys'
        ? (i.keys ?? []).map((key) => ({ path: [...i.path, key], message: 'not a field of this event (check its spelling)' }))
        : [{ path: i.path, message: i.message }],
    );
    throw new DocketError(
      'INVALID_PAYLOAD',
      `Event "${type}" has an invalid payload: ${issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ')}. Fix the payload and send again.`,
      { ...common, issues },
    );
  }
  // copyWith, not `{ ...data, type }`: V8 (Node 20) makes adding a key to a spread copy ~10x slower
  // than Object.assign, and this runs on every event sent.
  const event = copyWith(parsed.data as object, { type });
  refuseReserved(Object.keys(event), common, 'schema produced');
  return event;
}

/** Refuse payload keys reserved for the engine (`$actor`, `$at`, `$onBehalfOf`, `$carry`, any `$…`). */
function refuseReserved(keys: readonly string[], common: Record<string, unknown>, how: 'names' | 'schema produced'): void {
  const reserved = keys.filter((k) => k.startsWith('$'));
  if (reserved.length === 0) return;
  throw new DocketError(
    'INVALID_PAYLOAD',
    how === 'names'
      ? `Event "${String(common['event'])}" has an invalid payload: ${reserved.join(', ')} ${reserved.length === 1 ? 'is' : 'are'} reserved for the engine (who acts, when and for whom come from the actor, the clock and the directory). Remove ${reserved.length === 1 ? 'it' : 'them'} and send again.`
      : `Event "${String(common['event'])}": its schema produced ${reserved.join(', ')}, reserved for the engine. Fix the workflow's event schema so it does not output \`$\` keys.`,
    { ...common, keys: reserved },
  );
}

const NAMES_TYPE = new WeakMap<object, boolean>();

/**
 * Does this schema describe the whole event, naming its own `type`? Read once per schema. An object
 * whose shape lists `type`, and any schema built from such objects: a transform or pipe over one
 * (`z.object({ type, … }).transform(…)`), a union or discriminated union (on `type`) of them, an
 * intersection with one, and the optional/default/readonly/catch wrappers around them.
 */
export function schemaNamesType(schema: object): boolean {
  let names = NAMES_TYPE.get(schema);
  if (names === undefined) {
    names = namesType(schema, 0);
    NAMES_TYPE.set(schema, names);
  }
  return names;
}

interface ZodDefLike {
  readonly type?: unknown;
  readonly shape?: unknown;
  readonly in?: object;
  readonly options?: readonly object[];
  readonly left?: object;
  readonly right?: object;
  readonly innerType?: object;
  readonly getter?: () => object;
}

function namesType(schema: object, depth: number): boolean {
  if (depth > 16) return false;
  const shape = (schema as { shape?: unknown }).shape;
  if (typeof shape === 'object' && shape !== null) return Object.prototype.hasOwnProperty.call(shape, 'type');
  const def = (schema as { _zod?: { def?: ZodDefLike } })._zod?.def;
  if (typeof def !== 'object' || def === null) return false;
  const inner = (s: object | undefined) => typeof s === 'object' && s !== null && namesType(s, depth + 1);
  switch (def.type) {
    case 'pipe':
      return inner(def.in);
    case 'union':
      return Array.isArray(def.options) && def.options.some((o) => inner(o));
    case 'intersection':
      return inner(def.left) || inner(def.right);
    case 'lazy':
      return typeof def.getter === 'function' && inner(def.getter());
    default:
      return def.innerType !== undefined && inner(def.innerType);
  }
}

/** Check the actor's roles against the workflow's permissions for this event. */
export function checkActor(reg: RegisteredWorkflow, record: InstanceRecord, event: { type: string }, actor: Actor): void {
  if (!rolesPermit(reg.workflow.permissions, event.type, actor.roles)) {
    const allowed = ownValue<readonly string[] | undefined>(reg.workflow.permissions, event.type)!;
    throw new DocketError(
      'FORBIDDEN',
      `${actor.id} may not send "${event.type}" to instance ${record.id}: it needs one of the roles [${allowed.join(', ')}], and ${actor.id} has [${actor.roles.join(', ')}].`,
      { instanceId: record.id, workflow: record.workflow, event: event.type, actor: actor.id, state: record.state },
    );
  }
}
