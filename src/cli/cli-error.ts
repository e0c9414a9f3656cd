import { isDocketError } from '../errors.js';
import type { CliErrorCode } from './error-text-zh.js';

/** Exit codes of `docket`: documented in docs/cli.md. */
export const EXIT = {
  ok: 0,
  /** The command ran and found a problem (a broken history chain, a simulation that failed). */
  problem: 1,
  /**
   * Bad arguments, an input file that is missing, corrupt or not a Docket database, or a missing
   * optional package (better-sqlite3, pg, elkjs: code MISSING_DEPENDENCY). Nothing was written.
   */
  usage: 2,
} as const;

/** The refusal of a read command for an id the database holds no instance (nor archive, nor tombstone) of. */
export function instanceNotFound(id: string): CliError {
  return new CliError(`No instance "${id}" in this database. \`docket list <db>\` shows the ids.`, EXIT.usage, 'INSTANCE_NOT_FOUND');
}

/** An error the CLI reports as one clear sentence (no stack trace) with a chosen exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    /** The library's code when it refused, else the CLI's own; each has a zh-CN line (error-text-zh.ts). */
    readonly code: CliErrorCode = 'USAGE',
    /** The field a refused argument stands for, as the library names it (`workflow`, `where.state`): in `--json` errors. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * The refusal of an option's value (`--lang fr`, `--mode delete`, `--schema a-b`): exit 2, code
 * `INVALID_ARGUMENT`, `field` the option's name without its dashes (`lang`, `older-than`), as
 * {@link intOption} and `--tz` name theirs, so `--json` says which option to fix and `--lang zh-CN`
 * names it in its Chinese line. The one way the CLI refuses an option: each of these was a `USAGE`
 * error without a field, so a script reading `--json` could not tell which option was wrong.
 *
 * @example
 * ```ts
 * import { flagError } from './cli-error.js';
 * throw flagError('--mode', '--mode must be archive or purge, got "delete".');
 * ```
 */
export function flagError(flag: string, message: string): CliError {
  return new CliError(message, EXIT.usage, 'INVALID_ARGUMENT', flag.replace(/^-+/, ''));
}

/**
 * The option a library field is given by on the command line, by command: `list`'s filters and
 * `migrate`'s `where.state` (`--state`). Used to word a refusal of the one filter rule.
 */
export function flagLabel(flags: Readonly<Record<string, string>>): (field: string) => string {
  return (field) => flags[field] ?? `--${field}`;
}

/**
 * A library refusal of an argument (`INVALID_ARGUMENT`, from the one filter rule or any other check
 * of what the user passed) as the CLI reports it: exit 2 (bad arguments, nothing written), the code
 * and `details.field` kept, so `docket list --workflow ''` is refused as `GET /instances?workflow=`
 * and `engine.list({ workflow: '' })` are. Any other value is returned as it is.
 */
export function usageOf(error: unknown): unknown {
  if (!isDocketError(error, 'INVALID_ARGUMENT')) return error;
  const field = error.details.field;
  return new CliError(error.message, EXIT.usage, 'INVALID_ARGUMENT', typeof field === 'string' ? field : undefined);
}
