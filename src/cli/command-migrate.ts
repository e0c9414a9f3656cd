import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { businessCalendar } from '../calendar/index.js';
import { virtualClock } from '../clock/index.js';
import { createEngine } from '../engine/create-engine.js';
import type { AnyWorkflow } from '../engine/define-workflow.js';
import type { Directory } from '../organisation/directory.js';
import type { MigrationReport } from '../engine/migration/migration-types.js';
import * as machines from '../../machines/index.js';
import { openWritableStore, storeSchema } from './open-store.js';
import { CliError, EXIT, flagError, flagLabel } from './cli-error.js';
import { checkFilterText } from '../store/query-rules.js';
import { repeatable } from './command-inspect.js';
import { withAdminEngine, withoutEffectClaims } from './admin-engine.js';
import { intOption, print, printJson, type CommandContext } from './cli-context.js';
import { t } from './cli-lang.js';
import { isWorkflow } from './workflow-catalog.js';
import { formatTime, timerText } from './format-text.js';
import { stateGraph, type StateGraph } from '../visualizer/state-graph.js';

interface MigrateCliOptions {
  readonly workflow?: string;
  readonly from?: string;
  readonly to?: string;
  readonly dryRun?: boolean;
  readonly reason?: string;
  readonly actor?: string;
  /** Every `--state` given, in order (the filter rule refuses a repeat). */
  readonly state?: readonly string[];
}

/** Every workflow version (not only the newest) and a `directory` export, from a module and the built-in examples. */
async function loadAll(path: string | undefined, cwd: string): Promise<{ workflows: AnyWorkflow[]; directory?: Directory }> {
  const found = new Map<string, AnyWorkflow>();
  const visit = (value: unknown, depth: number) => {
    if (isWorkflow(value)) found.set(`${value.id}@${value.version}`, value);
    else if (depth < 2 && Array.isArray(value)) for (const v of value) visit(v, depth + 1);
    else if (depth < 2 && typeof value === 'object' && value !== null) for (const v of Object.values(value)) visit(v, depth + 1);
  };
  for (const value of Object.values(machines as Record<string, unknown>)) visit(value, 2);
  let directory: Directory | undefined;
  if (path !== undefined) {
    const file = isAbsolute(path) ? path : resolve(cwd, path);
    if (!existsSync(file)) throw new CliError(`Workflows module not found: ${file}.`, EXIT.usage, 'WORKFLOWS_MISSING');
    let exports: Record<string, unknown>;
    try {
      exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (error) {
      throw new CliError(`Cannot load workflows module ${file}: ${error instanceof Error ? error.message : String(error)}`, EXIT.usage, 'WORKFLOWS_UNLOADABLE');
    }
    for (const [name, value] of Object.entries(exports)) {
      if (name === 'directory' && value && typeof value === 'object' && 'user' in value) directory = value as Directory;
      else visit(value, name === 'default' || name === 'workflows' ? 0 : 1);
    }
  }
  return { workflows: [...found.values()], ...(directory ? { directory } : {}) };
}

/**
 * A version option, read as every whole-number option of the CLI is ({@link intOption}: digits only).
 * Number() took '0x2', '2e0', ' 2' and '2.0' as 2, and '9007199254740993' as 9007199254740992, a
 * version nobody named.
 */
function version(name: string, value: string | undefined): number {
  if (value === undefined) throw new CliError(`--${name} must be a version number (1, 2, …), got "".`, EXIT.usage, 'INVALID_ARGUMENT', name);
  return intOption(`--${name}`, value, 0);
}

function printReport(ctx: CommandContext, report: MigrationReport, graph: StateGraph | undefined): void {
  const state = (s: unknown) => (typeof s === 'string' ? s : JSON.stringify(s));
  for (const m of report.moved) {
    // Each timer as people read it (`after 1h in Waiting`), not its bare name (`3600000`).
    const timers = m.timers.map((x) => `${timerText(graph, x.name, x.state, ctx.lang)} ${formatTime(x.dueAt, ctx.tz)}`).join(', ');
    print(ctx, `${report.dryRun ? '→' : '✓'} ${m.instanceId}  ${state(m.fromState)} → ${state(m.toState)}${timers ? `  (${timers})` : ''}`);
    // The move's side effects the operator must know before a real run (older reports lack the fields).
    for (const again of m.effectsAgain ?? []) {
      const sends = again.effects.join(t(ctx.lang, '、', ', '));
      print(ctx, t(ctx.lang, `  ！再次进入「${again.state}」：其进入动作会再次发送 ${sends}`, `  ! enters "${again.state}" again: its entry sends ${sends} again`));
    }
    for (const lost of m.lostVotes ?? []) {
      print(
        ctx,
        t(
          ctx.lang,
          `  ！审批步骤「${lost.step}」已记录的 ${lost.votes} 票将作废（${lost.voters.join('、')}），须重新审批`,
          `  ! approval step "${lost.step}" loses ${lost.votes} recorded vote${lost.votes === 1 ? '' : 's'} (${lost.voters.join(', ')}): it is asked again`,
        ),
      );
    }
  }
  for (const b of report.blocked) print(ctx, `✗ ${b.instanceId}  ${state(b.state)}  ${b.code}: ${b.message}`);
  const verb = report.dryRun ? t(ctx.lang, '将迁移', 'would move') : t(ctx.lang, '已迁移', 'moved');
  print(
    ctx,
    t(
      ctx.lang,
      `${report.workflow} v${report.from} → v${report.to}：${report.selected} 个进行中实例，${verb} ${report.moved.length} 个，${report.blocked.length} 个无法迁移（保留在 v${report.from}），${report.finished} 个已结束的保持原版本。`,
      `${report.workflow} v${report.from} → v${report.to}: ${report.selected} active instances, ${verb} ${report.moved.length}, ${report.blocked.length} cannot move (they stay on v${report.from}), ${report.finished} finished ones keep their version.`,
    ),
  );
}

/**
 * `docket migrate <db> --workflow id --from 1 --to 2 [--dry-run] --reason text [--workflows module]`:
 * run `engine.migrate` on a SQLite file or a PostgreSQL store. Exit 0 when every selected instance
 * moved (or would), 1 when some cannot (listed with the reason), 2 for bad arguments.
 */
export async function migrateCommand(ctx: CommandContext, db: string, opts: MigrateCliOptions & { workflows?: string }): Promise<number> {
  if (opts.workflow === undefined) throw flagError('--workflow', '--workflow <id> is required: which workflow to migrate.');
  // `--state` selects instances as a list filter does: by the one filter rule, as `where.state`, the
  // path engine.migrate and POST /admin/migrate name, checked before the database is opened. `--state ''`
  // was passed on, refused by the store's list as `state` (a field migrate does not take) and exit 1.
  const state = opts.state === undefined ? undefined : opts.state.length === 1 ? opts.state[0] : opts.state;
  checkFilterText(state, 'where.state', flagLabel({ 'where.state': '--state' }));
  const from = version('from', opts.from);
  const to = version('to', opts.to);
  if (!opts.reason || opts.reason.trim() === '') throw flagError('--reason', '--reason <text> is required, not blank: it is recorded in every migrated instance history.');
  const workflow: string = opts.workflow;
  const reason: string = opts.reason;
  const { workflows, directory } = await loadAll(opts.workflows, ctx.io.cwd ?? process.cwd());
  const store = await openWritableStore(db, storeSchema(ctx, db));
  const calendar = businessCalendar({ holidays: ['CN'], onMissingYear: ctx.onMissingYear, onWarning: () => {} });
  // A virtual clock at the real time: timers of the new states are armed from now; none fire here.
  const engine = createEngine({ store: withoutEffectClaims(store), clock: virtualClock(ctx.io.now()), workflows, calendar, ...(directory ? { directory } : {}) });
  return withAdminEngine(engine, store, async () => {
    const report = await engine.migrate({
      workflow,
      from,
      to,
      dryRun: opts.dryRun === true,
      actor: { id: opts.actor ?? 'docket-cli', roles: ['admin'] },
      reason,
      ...(state === undefined ? {} : { where: { state } }),
    });
    if (ctx.json) printJson(ctx, report);
    else {
      // The timers of the version the instances moved to, named by its states.
      const target = workflows.find((w) => w.id === workflow && w.version === to);
      printReport(ctx, report, target === undefined ? undefined : stateGraph(target));
    }
    return report.blocked.length === 0 ? EXIT.ok : EXIT.problem;
  });
}

/** Register `docket migrate` on the program. */
export function registerMigrateCommand(program: Command, context: (cmd: Command) => CommandContext | Promise<CommandContext>, setExit: (code: number) => void): void {
  program
    .command('migrate')
    .description('move running instances of a workflow to a newer version by the migration it declares (dry run first; one audited commit per instance)')
    .argument('<db>', 'SQLite database file or postgres:// URL')
    .option('--workflow <id>', 'workflow id')
    .option('--from <version>', 'the version instances are on')
    .option('--to <version>', 'the version to move them to (it declares migrations: migrateFrom(...))')
    .option('--dry-run', 'report what would move and what cannot; change nothing')
    .option('--reason <text>', 'why, recorded in each migrated instance history')
    .option('--state <path>', 'only instances in this state (dotted path)', repeatable)
    .option('--actor <id>', 'who runs it, recorded in history (default docket-cli)')
    .action(async (db: string, o: MigrateCliOptions, cmd: Command) => {
      const globals = cmd.optsWithGlobals<{ workflows?: string }>();
      setExit(await migrateCommand(await context(cmd), db, { ...o, ...(globals.workflows === undefined ? {} : { workflows: globals.workflows }) }));
    });
}
