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
    readonly code: string = 'USAGE',
  ) {
    super(message);
  }
}
