import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MissingYearPolicy } from '../calendar/index.js';
import type { AnyWorkflow } from '../engine/define-workflow.js';
import { CliError, EXIT } from './cli-error.js';
import { isWorkflow, newestById } from './workflow-catalog.js';

/** File names `docket` looks for in the working directory when `--config` is not given. */
export const CONFIG_FILES = ['docket.config.js', 'docket.config.mjs', 'docket.config.cjs'] as const;

/**
 * What a `docket.config.{js,mjs,cjs}` file's default export (or its named exports) may hold. Every
 * field is optional; a command-line option wins over the file.
 *
 * @example
 * ```js
 * // docket.config.mjs
 * import { leaveRequest } from './dist/workflows.js';
 * export default { workflows: [leaveRequest], db: './docket.db', tz: 'Asia/Shanghai' };
 * ```
 */
export interface DocketConfig {
  /** Your workflows, or the path of a module exporting them (relative to the config file). */
  readonly workflows?: readonly AnyWorkflow[] | Readonly<Record<string, unknown>> | string;
  /** The database read by list/show/history/export/verify: a SQLite path or a `postgres://` URL. */
  readonly db?: string;
  /** PostgreSQL schema of the store. Default `docket`. */
  readonly schema?: string;
  /** IANA time zone printed times are in. Default `Asia/Shanghai`. */
  readonly tz?: string;
  /** What `simulate`'s calendar does in a year without holiday data. Default `throw`. */
  readonly onMissingYear?: MissingYearPolicy;
  /** Also offer the built-in example processes. Default true. */
  readonly examples?: boolean;
}

/** The config the CLI runs with: the file's fields, with where they came from. */
export interface LoadedConfig extends Omit<DocketConfig, 'workflows'> {
  readonly workflows: readonly AnyWorkflow[];
  /** The config file read, if any. */
  readonly file?: string;
}

async function importFile(file: string, what: string): Promise<Record<string, unknown>> {
  if (!existsSync(file)) throw new CliError(`${what} not found: ${file}.`, EXIT.usage, 'WORKFLOWS_MISSING');
  if (/\.(c|m)?tsx?$/.test(file)) {
    throw new CliError(`${what} ${file} is TypeScript: build it first (tsc or tsup) and point at the .js file, e.g. --workflows ./dist/workflows.js.`, EXIT.usage, 'WORKFLOWS_UNLOADABLE');
  }
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(`Cannot load ${what} ${file}: ${error instanceof Error ? error.message : String(error)}`, EXIT.usage, 'WORKFLOWS_UNLOADABLE');
  }
}

/** Every workflow among a module's exports: named exports, the default export, and arrays or objects of them. */
export function workflowsIn(exports: Readonly<Record<string, unknown>>): AnyWorkflow[] {
  const found: unknown[] = [];
  const visit = (value: unknown, depth: number) => {
    if (isWorkflow(value)) found.push(value);
    else if (depth < 2 && Array.isArray(value)) for (const v of value) visit(v, depth + 1);
    else if (depth < 2 && typeof value === 'object' && value !== null) for (const v of Object.values(value)) visit(v, depth + 1);
  };
  for (const [name, value] of Object.entries(exports)) {
    // A config's default export is read as a config, not searched for workflows.
    if (name === 'default' && value !== null && typeof value === 'object' && !Array.isArray(value) && !isWorkflow(value) && 'workflows' in value) continue;
    visit(value, name === 'default' || name === 'workflows' ? 0 : 1);
  }
  return newestById(found);
}

/** The workflows a module exports, or a usage error when it has none. */
export async function loadWorkflowModule(path: string, cwd: string): Promise<AnyWorkflow[]> {
  const file = isAbsolute(path) ? path : resolve(cwd, path);
  const list = workflowsIn(await importFile(file, 'Workflow module'));
  if (list.length === 0) {
    throw new CliError(`${file} exports no workflow: export the values defineWorkflow() returns (named, default, or an array of them).`, EXIT.usage, 'NO_WORKFLOWS');
  }
  return list;
}

/**
 * The config to run with: `--config <file>` if given, else the first `docket.config.{js,mjs,cjs}` in
 * `cwd`, else none; then `--workflows <module>` (replacing the file's workflows when both are given).
 * Usage errors (exit 2) for a missing or unloadable file, or a module without workflows.
 */
export async function loadConfig(options: { config?: string; workflows?: string }, cwd: string): Promise<LoadedConfig> {
  const file = options.config !== undefined ? resolve(cwd, options.config) : CONFIG_FILES.map((f) => resolve(cwd, f)).find((f) => existsSync(f));
  let config: DocketConfig = {};
  let fromFile: AnyWorkflow[] = [];
  if (file !== undefined) {
    const exports = await importFile(file, 'Config file');
    const raw = (typeof exports['default'] === 'object' && exports['default'] !== null ? exports['default'] : exports) as DocketConfig;
    config = raw;
    if (typeof raw.workflows === 'string') fromFile = await loadWorkflowModule(raw.workflows, dirname(file));
    else if (raw.workflows !== undefined) fromFile = workflowsIn({ workflows: raw.workflows });
  }
  const workflows = options.workflows !== undefined ? await loadWorkflowModule(options.workflows, cwd) : fromFile;
  return { ...config, workflows, ...(file !== undefined ? { file } : {}) };
}
