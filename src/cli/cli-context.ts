import type { AnyWorkflow } from '../engine/define-workflow.js';
import type { Lang } from '../visualizer/text-metrics.js';
import { CliError, EXIT } from './cli-error.js';
import { jsonSafe, terminalSafe } from './terminal-safe.js';
import type { MissingYearPolicy } from '../calendar/index.js';

/** Where the CLI writes and what it reads from its environment (swappable in tests). */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /** The real clock: only `simulate` without `--from` reads it. */
  now(): number;
  /** The working directory (config file lookup, relative module paths). Default `process.cwd()`. */
  readonly cwd?: string;
}

/** What every command gets: the io, the output language, whether to print JSON, and the user's setup. */
export interface CommandContext {
  readonly io: CliIo;
  readonly lang: Lang;
  readonly json: boolean;
  /** Every workflow known: the user's (`--workflows`, a config file), then the built-in examples. */
  readonly workflows: readonly AnyWorkflow[];
  /** IANA zone printed times are in (`--tz`). Default `Asia/Shanghai`. */
  readonly tz: string;
  /** The calendar's policy for a year without holiday data (`--on-missing-year`, or the config file's `onMissingYear`). Default `statutory`. */
  readonly onMissingYear: MissingYearPolicy;
  /** The database from `--db` or the config file, if any: the read commands then take no db argument. */
  readonly db?: string;
  /** PostgreSQL schema of the store (`--schema`). Default `docket`. */
  readonly schema?: string;
  /** True when `schema` was given as `--schema` (not by the config file): a SQLite database refuses it. */
  readonly schemaFromFlag?: boolean;
}

/** Print a value as JSON (one document on stdout), with terminal controls escaped ({@link jsonSafe}). */
export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.stdout.write(`${jsonSafe(JSON.stringify(value, null, 2))}\n`);
}

/**
 * Print lines of text on stdout. Every text formatter of the CLI ends here, so terminal control
 * characters in stored or user-supplied text are written out visibly, never obeyed
 * ({@link terminalSafe}); single values should also pass through `terminalSafe` (as `table` does)
 * so that a newline inside one cannot forge a line.
 */
export function print(ctx: CommandContext, text: string): void {
  const safe = terminalSafe(text, { keepNewlines: true });
  ctx.io.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

/** The workflow with this id, or a usage error listing the ones that exist. */
export function findWorkflow(ctx: CommandContext, id: string): AnyWorkflow {
  const all = ctx.workflows;
  const found = all.find((w) => w.id === id);
  if (!found) throw new CliError(`Unknown workflow "${id}". Known workflows: ${all.map((w) => w.id).join(', ')} (\`docket workflows\` lists them; load your own with --workflows <module>).`, 2, 'UNKNOWN_WORKFLOW');
  return found;
}

/**
 * A whole-number option (`--limit 100`, a year `--from 2027`), read as digits only, within `range`
 * (default: a positive whole number). Anything else is refused as the library refuses a bad argument:
 * exit 2, code `INVALID_ARGUMENT`, `field` the library's name for it (`limit`, `from`, `to`, `year`:
 * the option's name without its dashes), so `docket retain --limit 1e2` is refused as
 * `POST /admin/retain` `{ limit: '1e2' }` is. Nothing is opened or written. The one reading of every
 * whole-number option of the CLI (`calendar --from/--to/--year` had a copy of its own: code `USAGE`,
 * no field).
 *
 * @throws CliError (exit 2, code INVALID_ARGUMENT) naming the option.
 */
export function intOption(name: string, value: string | undefined, fallback: number, range?: { readonly min: number; readonly max: number; readonly what: string; readonly example: number }): number {
  if (value === undefined) return fallback;
  // Digits only, as the HTTP routes read a number: Number() also took '1e2', '0x10', ' 5' and '5.0'.
  const n = /^[0-9]{1,16}$/.test(value) ? Number(value) : NaN;
  const min = range?.min ?? 1;
  const max = range?.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const what = range === undefined ? 'a positive whole number' : range.what;
    throw new CliError(`${name} must be ${what} written in digits (e.g. ${name} ${range?.example ?? 100}), got "${terminalSafe(value)}".`, EXIT.usage, 'INVALID_ARGUMENT', name.replace(/^-+/, ''));
  }
  return n;
}

/**
 * One end of a range given by two options (`--from`/`--to`): its flag, its value as shown, and, when
 * the user did not give it, why it has that value (its default, in words: `two years after this year`).
 */
export interface RangeEnd {
  readonly flag: string;
  readonly shown: string;
  /** `undefined` when the user gave the value; else what the default is, in words. */
  readonly byDefault?: string | undefined;
  /** A value to suggest for this flag when the user should give it (`2099`). */
  readonly example?: string;
}

/**
 * The refusal of a range whose ends are out of order (`to` not `relation` `from`), worded by what the
 * user gave: `docket calendar --from 2099` was refused naming `--to`, whose value (a default) the
 * user never gave, as if they had typed it. Now a refusal speaks of the option given (`field` names
 * it), says which default it met and suggests giving the other end; only when both are given is it
 * `--to` that is named. `INVALID_ARGUMENT`, exit 2 (nothing done).
 */
export function rangeOrderError(from: RangeEnd, to: RangeEnd, relation: string): CliError {
  const give = (end: RangeEnd) => `give ${end.flag} as well${end.example === undefined ? '' : ` (e.g. ${end.flag} ${end.example})`}`;
  if (from.byDefault === undefined && to.byDefault === undefined) {
    return new CliError(`${to.flag} (${to.shown}) must be ${relation} ${from.flag} (${from.shown}); give a range that ends ${relation} it starts.`, EXIT.usage, 'INVALID_ARGUMENT', to.flag.replace(/^-+/, ''));
  }
  if (from.byDefault === undefined) {
    return new CliError(`${from.flag} ${from.shown} is past the default ${to.flag}, ${to.shown} (${to.byDefault}): the range would end before it starts; ${give(to)}.`, EXIT.usage, 'INVALID_ARGUMENT', from.flag.replace(/^-+/, ''));
  }
  if (to.byDefault === undefined) {
    return new CliError(`${to.flag} ${to.shown} is not ${relation} the default ${from.flag}, ${from.shown} (${from.byDefault}); ${give(from)}.`, EXIT.usage, 'INVALID_ARGUMENT', to.flag.replace(/^-+/, ''));
  }
  return new CliError(`The default range is empty: ${from.flag} defaults to ${from.shown} (${from.byDefault}) and ${to.flag} to ${to.shown} (${to.byDefault}); give ${from.flag} and ${to.flag}.`, EXIT.usage, 'INVALID_ARGUMENT', from.flag.replace(/^-+/, ''));
}
