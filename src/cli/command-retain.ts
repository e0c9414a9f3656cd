import type { Command } from 'commander';
import { virtualClock } from '../clock/index.js';
import { createEngine } from '../engine/create-engine.js';
import type { RetainReport } from '../engine/retention.js';
import { openWritableStore, storeSchema } from './open-store.js';
import { EXIT, flagError } from './cli-error.js';
import { withAdminEngine, withoutEffectClaims } from './admin-engine.js';
import { intOption, print, printJson, type CommandContext } from './cli-context.js';
import { t } from './cli-lang.js';

/** Options of `docket retain`. */
export interface RetainCommandOptions {
  readonly olderThan?: string;
  readonly mode?: string;
  readonly dryRun?: boolean;
  readonly limit?: string;
}

/** `90d` → 90. A usage error for anything else. */
export function parseDays(value: string | undefined): number {
  const m = /^(\d{1,6})d$/.exec(value ?? '');
  if (!m) throw flagError('--older-than', `--older-than must be a number of days such as 90d, got ${JSON.stringify(value ?? '')}.`);
  return Number(m[1]);
}


/**
 * `docket retain <db> --older-than 90d --mode archive|purge [--dry-run] [--limit n]`: archive or
 * purge finished instances that finished more than the given days ago, in batches of at most 500,
 * up to `--limit` instances (default all). Exit 1 when some were skipped (e.g. a chain that does not
 * verify is never purged).
 */
export async function retainCommand(ctx: CommandContext, db: string, opts: RetainCommandOptions): Promise<number> {
  const days = parseDays(opts.olderThan);
  const mode = opts.mode ?? 'archive';
  if (mode !== 'archive' && mode !== 'purge') throw flagError('--mode', `--mode must be archive or purge, got ${JSON.stringify(mode)}.`);
  const total = intOption('--limit', opts.limit, Number.MAX_SAFE_INTEGER);
  const store = await openWritableStore(db, storeSchema(ctx, db));
  // A virtual clock at the real time: the cut-off is measured from now; no timer fires here.
  const engine = createEngine({ store: withoutEffectClaims(store), clock: virtualClock(ctx.io.now()), workflows: [] });
  const reports: RetainReport[] = [];
  await withAdminEngine(engine, store, async () => {
    let taken = 0;
    for (;;) {
      const limit = Math.min(500, total - taken);
      const report = await engine.retain({ policy: { olderThan: { days } }, mode, limit, dryRun: opts.dryRun === true });
      reports.push(report);
      taken += report.ids.length;
      // A dry run sees the same first batch again: one batch is its answer.
      if (opts.dryRun || !report.more || taken >= total || report.ids.length === 0) break;
    }
  });
  const ids = reports.flatMap((r) => r.ids);
  const skipped = reports.flatMap((r) => r.skipped);
  if (ctx.json) printJson(ctx, { mode, dryRun: opts.dryRun === true, finishedBefore: reports[0]!.finishedBefore, ids, skipped, more: reports.at(-1)!.more });
  else {
    for (const id of ids) print(ctx, `${opts.dryRun ? '·' : '✓'} ${id}`);
    for (const s of skipped) print(ctx, `✗ ${s.id}: ${s.reason}`);
    const verb = mode === 'archive' ? t(ctx.lang, '归档', 'archived') : t(ctx.lang, '清除', 'purged');
    print(ctx, opts.dryRun ? t(ctx.lang, `将${verb} ${ids.length} 个已结束超过 ${days} 天的实例（演练，未改动）。`, `${ids.length} instance(s) finished over ${days} days ago would be ${verb} (dry run, nothing changed).`) : t(ctx.lang, `已${verb} ${ids.length} 个实例。`, `${ids.length} instance(s) ${verb}.`));
  }
  return skipped.length === 0 ? EXIT.ok : EXIT.problem;
}

/** Register `docket retain` on the program. */
export function registerRetainCommand(program: Command, context: (cmd: Command) => Promise<CommandContext>, setExit: (code: number) => void): void {
  program
    .command('retain')
    .description('archive or purge finished instances older than a number of days (a purge keeps a verifiable tombstone)')
    .argument('<db>', 'SQLite database file or postgres:// URL')
    .requiredOption('--older-than <days>', 'finished more than this long ago, e.g. 90d')
    .option('--mode <mode>', 'archive (default) or purge')
    .option('--dry-run', 'list what would be taken, change nothing')
    .option('--limit <n>', 'at most this many instances')
    .action(async (db: string, o: RetainCommandOptions, cmd: Command) => {
      setExit(await retainCommand(await context(cmd), db, o));
    });
}
