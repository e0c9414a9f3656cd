import type { z } from 'zod';

/** Options for {@link sampleValue}. */
export interface SampleOptions {
  /** What every free-text string becomes. Default `'demo'`. */
  readonly text?: string;
  /** The local date every date string becomes (`'YYYY-MM-DD'`). Default `'2026-12-31'`. */
  readonly date?: string;
  /**
   * What an object of exactly `{ year, quarter }` becomes (a quarter reference such as a plan quarter).
   * Default: the quarter of `date`.
   */
  readonly quarter?: { readonly year: number; readonly quarter: 1 | 2 | 3 | 4 };
}

interface Def {
  readonly type: string;
  readonly format?: string;
  readonly checks?: readonly { readonly _zod: { readonly def: Record<string, unknown> } }[];
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly defaultValue?: unknown;
  readonly entries?: Record<string, string | number>;
  readonly values?: readonly unknown[];
  readonly options?: readonly z.ZodType[];
  readonly element?: z.ZodType;
  readonly in?: z.ZodType;
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function check(def: Def, name: string): Record<string, unknown> | undefined {
  return def.checks?.map((c) => c._zod.def).find((c) => c['check'] === name);
}

/**
 * A small valid value for a zod schema (defaults applied, optional fields left out, the lower bound
 * for numbers and lengths): the payload the simulator and `docket simulate` prefill for a start
 * input or an event, so a person can click through a workflow without typing JSON first.
 */
export function sampleValue(schema: z.ZodType, options: SampleOptions = {}, depth = 0): unknown {
  const def = defOf(schema);
  if (depth > 12) return undefined;
  const next = (s: z.ZodType | undefined) => (s ? sampleValue(s, options, depth + 1) : undefined);
  switch (def.type) {
    case 'object': {
      const keys = Object.keys(def.shape ?? {}).sort().join(',');
      if (keys === 'quarter,year') {
        const date = options.date ?? '2026-12-31';
        return options.quarter ?? { year: Number(date.slice(0, 4)), quarter: Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1 };
      }
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(def.shape ?? {})) {
        if (defOf(child).type === 'optional') continue;
        const value = next(child);
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
    case 'default':
    case 'prefault':
      return typeof def.defaultValue === 'function' ? (def.defaultValue as () => unknown)() : structuredClone(def.defaultValue);
    case 'optional':
    case 'nullable':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return next(def.innerType);
    case 'pipe':
      return next(def.in);
    case 'intersection':
      return { ...(next(def.left) as object), ...(next(def.right) as object) };
    case 'string': {
      if (def.format === 'date') return options.date ?? '2026-12-31';
      if (def.format === 'datetime') return `${options.date ?? '2026-12-31'}T09:00:00+08:00`;
      if (def.format === 'email') return 'demo@example.com';
      const min = Number(check(def, 'min_length')?.['minimum'] ?? 1);
      const text = options.text ?? 'demo';
      const pattern = check(def, 'string_format')?.['pattern'];
      const date = options.date ?? '2026-12-31';
      const plausible = [date, `${date}T09:00:00+08:00`, `${date} 09:00`, text, date.slice(0, 7), '09:00', 'A1', '1', 'demo@example.com'];
      if (pattern instanceof RegExp) {
        // A pattern-checked string (a date, a code): the first of a few plausible values it accepts.
        const fit = plausible.find((c) => pattern.test(c));
        if (fit !== undefined) return fit;
      }
      const plain = text.length >= min ? text : text.padEnd(min, 'x');
      // A refinement (`.refine(isInstant)`) cannot be read, only asked: the first plausible value the
      // schema accepts. Without this bid-review's submission deadline was "demo" and
      // `docket simulate bid-review` (and the docs simulator) refused to start without --input.
      if (def.checks?.some((c) => c._zod.def['check'] === 'custom') && !schema.safeParse(plain).success) {
        const fit = plausible.find((c) => schema.safeParse(c).success);
        if (fit !== undefined) return fit;
      }
      return plain;
    }
    case 'number':
    case 'int':
    case 'bigint': {
      const gt = check(def, 'greater_than');
      const value = gt ? Number(gt['value']) + (gt['inclusive'] ? 0 : 1) : 1;
      const lt = check(def, 'less_than');
      return lt && value > Number(lt['value']) ? Number(lt['value']) : value;
    }
    case 'boolean':
      return false;
    case 'enum':
      return Object.values(def.entries ?? {})[0];
    case 'literal':
      return def.values?.[0];
    case 'union':
      return next(def.options?.[0]);
    case 'array': {
      const min = Number(check(def, 'min_length')?.['minimum'] ?? 0);
      return Array.from({ length: min }, () => next(def.element));
    }
    case 'record':
      return {};
    case 'date':
      return `${options.date ?? '2026-12-31'}T00:00:00+08:00`;
    case 'null':
      return null;
    default:
      return undefined;
  }
}
