import type { AnyWorkflow } from '../engine/define-workflow.js';
import type { Lang } from '../visualizer/text-metrics.js';
import { CliError } from './cli-error.js';
import { workflowCatalog } from './workflow-catalog.js';

/** Where the CLI writes and what it reads from its environment (swappable in tests). */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  /** The real clock: only `simulate` without `--from` reads it. */
  now(): number;
}

/** What every command gets: the io, the output language and whether to print JSON. */
export interface CommandContext {
  readonly io: CliIo;
  readonly lang: Lang;
  readonly json: boolean;
}

/** Print a value as JSON (one document on stdout). */
export function printJson(ctx: CommandContext, value: unknown): void {
  ctx.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Print lines of text on stdout. */
export function print(ctx: CommandContext, text: string): void {
  ctx.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** The workflow with this id, or a usage error listing the ones that exist. */
export function findWorkflow(id: string): AnyWorkflow {
  const all = workflowCatalog();
  const found = all.find((w) => w.id === id);
  if (!found) throw new CliError(`Unknown workflow "${id}". Known workflows: ${all.map((w) => w.id).join(', ')} (\`docket workflows\` lists them).`, 2, 'UNKNOWN_WORKFLOW');
  return found;
}

/** A positive integer option, or a usage error naming the option. */
export function intOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} must be a positive whole number, got "${value}".`);
  return n;
}
