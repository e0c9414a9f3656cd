import type { z } from 'zod';
import type { AnyWorkflow } from '../engine/index.js';
import { ownValue } from '../engine/own-property.js';

/** A payload (without `type`) or several, per event type: what path generation sends for that type. */
export type SampleEvents = Readonly<Record<string, Readonly<Record<string, unknown>> | readonly Readonly<Record<string, unknown>>[]>>;

/** One event as path generation sends it. */
export interface SampleEvent {
  readonly type: string;
  readonly [key: string]: unknown;
}

type Def = { readonly type: string; readonly [key: string]: any };

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } })?._zod?.def;
}

/**
 * The smallest value a zod schema accepts, as far as it can be derived without running the schema
 * (objects, strings, numbers with bounds, enums, literals, arrays, unions, optional/default wrappers).
 * Returns `undefined` for what it cannot derive; path generation then needs a sample from the caller.
 */
export function sampleValue(schema: z.ZodType): unknown {
  const def = defOf(schema);
  if (!def) return undefined;
  switch (def.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(def['shape'] as Record<string, z.ZodType>)) {
        const fieldDef = defOf(field);
        if (fieldDef?.type === 'optional' || fieldDef?.type === 'default') continue;
        out[key] = sampleValue(field);
      }
      return out;
    }
    case 'string': {
      const checks = (def['checks'] as { _zod: { def: Def } }[] | undefined) ?? [];
      let min = 0;
      for (const check of checks) {
        const c = check._zod.def;
        if (c['check'] === 'min_length') min = Math.max(min, Number(c['minimum']));
        if (c['check'] === 'string_format') return undefined;
      }
      return 'sample'.padEnd(Math.max(6, min), '.');
    }
    case 'number':
    case 'int': {
      const checks = (def['checks'] as { _zod: { def: Def } }[] | undefined) ?? [];
      let value = 0;
      for (const check of checks) {
        const c = check._zod.def;
        if (c['check'] === 'greater_than') value = Math.max(value, Number(c['value']) + (c['inclusive'] ? 0 : 1));
      }
      return value;
    }
    case 'boolean':
      return true;
    case 'enum':
      return Object.values(def['entries'] as Record<string, unknown>)[0];
    case 'literal':
      return (def['values'] as unknown[])[0];
    case 'array':
      return [];
    case 'union':
      return sampleValue((def['options'] as z.ZodType[])[0]!);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
    case 'nonoptional':
      return sampleValue(def['innerType'] as z.ZodType);
    case 'record':
      return {};
    default:
      return undefined;
  }
}

/**
 * The events path generation sends: for each declared event type, the caller's samples, or one
 * payload derived from its zod schema (validated; a type whose schema cannot be sampled is skipped
 * unless the caller gives samples). Each is the event as sent (to `engine.send`); the machine is
 * given it as the event's schema parses it, defaults filled in and transforms applied, as the engine
 * gives it.
 *
 * @example
 * ```ts
 * import { sampleEventsFor } from 'docket/testing';
 * // sampleEventsFor(workflow, { PAY: [{ amount: 500 }, { amount: 1000 }] })
 * ```
 */
export function sampleEventsFor(workflow: AnyWorkflow, samples: SampleEvents = {}): readonly SampleEvent[] {
  const out: SampleEvent[] = [];
  for (const [type, schema] of Object.entries(workflow.events)) {
    const given = ownValue(samples, type);
    if (given !== undefined) {
      const list = Array.isArray(given) ? given : [given];
      for (const payload of list as Record<string, unknown>[]) out.push({ ...payload, type });
      continue;
    }
    // The derived payload itself, as a person would send it, once the schema takes it: not what the
    // schema made of it, which send would parse a second time (a transform applied twice).
    const derived = sampleValue(schema);
    if (schema.safeParse(derived).success) out.push({ ...(derived as object), type });
  }
  return out;
}
