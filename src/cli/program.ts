import { Command, CommanderError, Option } from 'commander';
import { isDocketError } from '../errors.js';
import { CliError, EXIT, flagError, usageOf } from './cli-error.js';
import type { CliIo, CommandContext } from './cli-context.js';
import { argvLang, resolveLang } from './cli-lang.js';
import { errorTextZh } from './error-text-zh.js';
import type { Lang } from '../visualizer/text-metrics.js';
import { diagramCommand, workflowsCommand } from './command-diagram.js';
import { dbAndId, exportCommand, historyCommand, listCommand, repeatable, showCommand, verifyCommand, type ListOptions } from './command-inspect.js';
import { simulateCommand } from './command-simulate.js';
import { registerCalendarCommands } from './command-calendar.js';
import { registerMigrateCommand } from './command-migrate.js';
import { registerRetainCommand } from './command-retain.js';
import { loadConfig, type LoadedConfig } from './load-workflows.js';
import { workflowCatalog } from './workflow-catalog.js';
import { IANAZone } from 'luxon';
import packageJson from '../../package.json' with { type: 'json' };
import type { MissingYearPolicy } from '../calendar/index.js';
import { jsonSafe, terminalSafe } from './terminal-safe.js';

/**
 * The command `docket help <names…>` describes: a path from the top (`calendar reresolve`), or one
 * subcommand's name when exactly one command has it (`reresolve`). An unknown name is a usage error.
 */
function helpTarget(program: Command, names: readonly string[]): Command {
  const find = (parent: Command, name: string): Command | undefined => parent.commands.find((c) => c.name() === name || c.aliases().includes(name));
  const all = (parent: Command, path: readonly string[]): { path: string[]; cmd: Command }[] =>
    parent.commands.flatMap((c) => [{ path: [...path, c.name()], cmd: c }, ...all(c, [...path, c.name()])]);
  let target = program;
  for (const [i, name] of names.entries()) {
    const next = find(target, name);
    if (next !== undefined) {
      target = next;
      continue;
    }
    // A subcommand named on its own, as `docket help reresolve`: its place must be unambiguous.
    const matches = i === 0 ? all(program, []).filter((m) => m.path.length > 1 && m.path.at(-1) === name) : [];
    if (matches.length === 1) {
      target = matches[0]!.cmd;
      continue;
    }
    const where = target === program ? 'docket' : `docket ${names.slice(0, i).join(' ')}`;
    const known = target.commands.map((c) => c.name()).filter((n) => n !== 'help');
    const hint = matches.length > 1 ? ` It is a subcommand of several commands: name one, as in docket help ${matches.map((m) => m.path.join(' ')).join(' or docket help ')}.` : '';
    throw new CliError(
      known.length > 0
        ? `Unknown command "${name}" for ${where}: its commands are ${known.join(', ')}.${hint} Run ${where} --help for usage.`
        : `${where} has no subcommands, so "${name}" names none. Run ${where} --help for usage.`,
    );
  }
  return target;
}

/**
 * A commander `Command` that calls `beforeError` with the refusal's code before commander prints its
 * English line, in every subcommand it creates: so `--lang zh-CN` puts the zh-CN line first for an
 * unknown option or a missing argument too, as for every other error.
 */
class DocketCommand extends Command {
  beforeError: ((code: string) => void) | undefined;
  override createCommand(name?: string): DocketCommand {
    const cmd = new DocketCommand(name);
    cmd.beforeError = this.beforeError;
    return cmd;
  }
  override error(message: string, options?: { readonly code?: string; readonly exitCode?: number }): never {
    this.beforeError?.(options?.code ?? 'commander.error');
    return super.error(message, options);
  }
}

/**
 * Run `docket` with `argv` (the arguments after the program name) and resolve with the exit code:
 * 0 done, 1 the command found a problem (a broken history chain, a failed simulation), 2 bad
 * arguments or an unusable database file (nothing written). Never calls `process.exit`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const wantsJson = argv.includes('--json');
  // The language errors are printed in: the one the command resolved, else read from argv as it would be.
  let resolvedLang: Lang | undefined;
  const errorLang = (): Lang => resolvedLang ?? argvLang(argv, io.env);
  // zh-CN: a line saying what went wrong and what to do comes first, then the English detail.
  const zhLine = (code: string, field?: string): Record<string, string> => {
    if (errorLang() !== 'zh-CN') return {};
    const messageZh = errorTextZh(code, field);
    io.stderr.write(`docket: ${terminalSafe(messageZh)}\n`);
    return { messageZh };
  };
  let commanderZh: Record<string, string> = {};
  const program = new DocketCommand('docket');
  program.beforeError = (code) => {
    commanderZh = zhLine(code);
  };
  program
    .description('Docket: diagrams, simulations and instance inspection for durable approval workflows.')
    .version(packageJson.version, '-V, --version', 'print the version of docket')
    .option('--json', 'print machine-readable JSON on stdout')
    .addOption(new Option('--lang <lang>', 'output language: zh-CN or en (default: from the locale)'))
    .option('--workflows <module>', 'load your workflows from a built JS module (e.g. ./dist/workflows.js); the built-in examples stay available')
    .option('--config <file>', 'config file (default: docket.config.js, .mjs or .cjs in the working directory)')
    .option('--db <file|url>', 'database of list/show/history/export/verify: a SQLite file or postgres://… (then omit it from the arguments)')
    .option('--schema <name>', 'PostgreSQL schema of the store (default docket)')
    .option('--tz <zone>', 'IANA time zone for printed times (default Asia/Shanghai)')
    .addOption(new Option('--on-missing-year <policy>', "simulate, migrate, calendar: a year without published holiday data is estimated from the law ('statutory', default, as the library does for 'CN'), 'throw's, or counts weekdays ('weekdays-with-warning')"))
    .showHelpAfterError('(run docket --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(terminalSafe(s, { keepNewlines: true })), writeErr: (s) => io.stderr.write(terminalSafe(s, { keepNewlines: true })) })
    .allowExcessArguments(false);

  let loaded: Promise<LoadedConfig> | undefined;
  const context = async (cmd: Command): Promise<CommandContext> => {
    const opts = cmd.optsWithGlobals<{ json?: boolean; lang?: string; workflows?: string; config?: string; db?: string; schema?: string; tz?: string; onMissingYear?: string }>();
    const lang = resolveLang(opts.lang, io.env);
    resolvedLang = lang;
    const config = await (loaded ??= loadConfig({ ...(opts.config !== undefined ? { config: opts.config } : {}), ...(opts.workflows !== undefined ? { workflows: opts.workflows } : {}) }, io.cwd ?? process.cwd()));
    const tz = opts.tz ?? config.tz ?? 'Asia/Shanghai';
    // An IANA zone only. luxon's setZone also took 'local', 'system' and 'default' (the machine's own
    // zone: the same command printed other times on another machine) and fixed offsets ('utc+8', a
    // number in the config file); and it asked the real clock to check a name.
    if (typeof tz !== 'string' || !IANAZone.isValidZone(tz)) {
      throw new CliError(
        `Unknown time zone ${typeof tz === 'string' ? `"${tz}"` : String(tz)}: use an IANA zone such as Asia/Shanghai, Europe/Berlin or UTC (printed times are in the zone named, never the machine's own zone).`,
        EXIT.usage,
        'INVALID_ARGUMENT',
        'tz',
      );
    }
    // The library's default for China's calendar: a year whose schedule is not yet published (2027,
    // this December) is estimated from the law and its deadlines marked provisional, not a dead end.
    const onMissingYear = opts.onMissingYear ?? config.onMissingYear ?? 'statutory';
    if (onMissingYear !== 'statutory' && onMissingYear !== 'throw' && onMissingYear !== 'weekdays-with-warning') {
      throw flagError('--on-missing-year', `--on-missing-year must be "statutory", "throw" or "weekdays-with-warning", got ${JSON.stringify(onMissingYear)}.`);
    }
    const db = opts.db ?? config.db;
    // Checked here, before any database is opened (it was checked only when a postgres:// URL was
    // opened, and then without a field).
    if (opts.schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(opts.schema)) {
      throw flagError('--schema', `--schema must be a plain identifier (letters, digits, underscore; at most 63), got ${JSON.stringify(opts.schema)}.`);
    }
    const schema = opts.schema ?? config.schema;
    const examples = config.examples !== false;
    return {
      io,
      lang,
      json: opts.json === true,
      workflows: examples ? workflowCatalog(config.workflows) : [...config.workflows],
      tz,
      onMissingYear: onMissingYear as MissingYearPolicy,
      ...(db !== undefined ? { db } : {}),
      ...(schema !== undefined ? { schema } : {}),
      ...(opts.schema !== undefined ? { schemaFromFlag: true } : {}),
    };
  };

  program
    .command('workflows')
    .description('list the workflows diagram and simulate know: yours (--workflows, docket.config.*) and the built-in examples')
    .action(async (_o, cmd: Command) => workflowsCommand(await context(cmd)));
  program
    .command('diagram')
    .description('draw a workflow as SVG, mermaid or JSON, from its machine')
    .argument('<workflow>', 'workflow id (see docket workflows)')
    .addOption(new Option('--format <format>', 'svg, mermaid or json').default('svg'))
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (id: string, o: { format?: string; out?: string }, cmd: Command) => diagramCommand(await context(cmd), id, o));
  program
    .command('simulate')
    .description('run a workflow on a virtual clock with the business calendar; people act each working day')
    .argument('<workflow>', 'workflow id')
    .option('--from <when>', 'start: a date (09:00 Shanghai) or ISO date-time; default now')
    .option('--to <when>', 'end: a date or ISO date-time; default 90 days after --from')
    .option('--store <store>', 'memory (default) or sqlite:<path> to keep the instance')
    .option('--input <json>', 'start input as JSON (default: a sample built from the schema)')
    .option('--path <mode>', 'auto (act every working day, default) or idle (only deadlines fire)')
    .action(async (id: string, o: Record<string, string>, cmd: Command) => {
      exitCode = await simulateCommand(await context(cmd), id, o);
    });
  program
    .command('list')
    .description('list instances in a store (SQLite file or postgres:// URL, opened read-only)')
    .argument('[db]', 'SQLite database file or postgres:// URL (omit with --db)')
    // Each filter collected as given, repeats included: the one filter rule refuses a repeat (the last
    // one won) and a blank value (it was dropped, and every instance listed).
    .option('--workflow <id>', 'only this workflow', repeatable)
    .option('--state <path>', 'only instances in this state (dotted path)', repeatable)
    .option('--status <status>', 'active, done, failed or cancelled', repeatable)
    .option('--limit <n>', 'at most n instances, 1 to 1000 (default 100)', repeatable)
    .action(async (db: string | undefined, o: ListOptions, cmd: Command) => {
      const ctx = await context(cmd);
      if (ctx.db !== undefined && db !== undefined) throw new CliError(`With --db ${ctx.db} give no database argument, got "${db}".`);
      const target = db ?? ctx.db;
      if (target === undefined) throw new CliError("missing required argument 'db' (a SQLite file or postgres:// URL, or --db).");
      await listCommand(ctx, target, o);
    });
  program
    .command('show')
    .description('show one instance: state, timers, tasks')
    .argument('<db>', 'SQLite database file or postgres:// URL (omit with --db)')
    .argument('[id]', 'instance id')
    .action(async (a: string, b: string | undefined, _o, cmd: Command) => {
      const ctx = await context(cmd);
      const { db, id } = dbAndId(ctx, a, b, true);
      await showCommand(ctx, db, id!);
    });
  program
    .command('history')
    .description("one instance's history: who, when, from which state")
    .argument('<db>', 'SQLite database file or postgres:// URL (omit with --db)')
    .argument('[id]', 'instance id')
    .action(async (a: string, b: string | undefined, _o, cmd: Command) => {
      const ctx = await context(cmd);
      const { db, id } = dbAndId(ctx, a, b, true);
      await historyCommand(ctx, db, id!);
    });
  program
    .command('export')
    .description('export one instance as JSON (for the docs site instance view)')
    .argument('<db>', 'SQLite database file or postgres:// URL (omit with --db)')
    .argument('[id]', 'instance id')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (a: string, b: string | undefined, o: { out?: string }, cmd: Command) => {
      const ctx = await context(cmd);
      const { db, id } = dbAndId(ctx, a, b, true);
      await exportCommand(ctx, db, id!, o);
    });
  program
    .command('verify')
    .description('check the history hash chain of one instance, or of all')
    .argument('[db]', 'SQLite database file or postgres:// URL (omit with --db)')
    .argument('[id]', 'instance id (default: every instance)')
    .option('--history-key-file <file>', 'JSON history key (or keyring) of a keyed chain; default: $DOCKET_HISTORY_KEY')
    .action(async (a: string | undefined, b: string | undefined, o: { historyKeyFile?: string }, cmd: Command) => {
      const ctx = await context(cmd);
      const { db, id } = dbAndId(ctx, a, b, false);
      exitCode = await verifyCommand(ctx, db, id, o.historyKeyFile === undefined ? {} : { historyKeyFile: o.historyKeyFile });
    });

  registerCalendarCommands(program, context, (code) => {
    exitCode = code;
  });
  registerMigrateCommand(program, context, (code) => (exitCode = code));
  registerRetainCommand(program, context, (code) => (exitCode = code));

  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError(`(run docket ${cmd.name()} --help for usage)`).allowExcessArguments(false);

  // `docket help <command…>` prints that command's own help, at any depth. Commander's built-in help
  // command looks at one name on the top level only, so `docket help reresolve` (a subcommand of
  // calendar) printed the global help with exit 0 and `docket help calendar reresolve` printed
  // calendar's; an unknown name printed the global help as if it were an answer.
  program.helpCommand(false);
  program
    .command('help')
    .description('display help for a command (e.g. docket help calendar reresolve)')
    .argument('[command...]', 'a command, or a command and its subcommand')
    .action((names: string[]) => {
      helpTarget(program, names).outputHelp();
    })
    .exitOverride()
    .showHelpAfterError('(run docket --help for usage)');

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync(joinDashValues(program, argv), { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return EXIT.ok;
      // Commander already printed "error: …" on stderr.
      if (wantsJson) io.stdout.write(`${jsonSafe(JSON.stringify({ error: { code: error.code, message: error.message, ...commanderZh } }))}\n`);
      return EXIT.usage;
    }
    // A missing optional package (elkjs for diagram) is the setup's problem, like a missing driver: exit 2.
    // INVALID_ARGUMENT is a bad argument, whichever check found it: exit 2 with its code and field (usageOf).
    const usage = usageOf(error);
    const field = isDocketError(error) && typeof error.details.field === 'string' ? error.details.field : undefined;
    const known = usage instanceof CliError ? usage : isDocketError(error) ? new CliError(error.message, error.code === 'MISSING_DEPENDENCY' ? EXIT.usage : EXIT.problem, error.code, field) : undefined;
    if (known) {
      const zh = zhLine(known.code, known.field);
      io.stderr.write(`docket: ${terminalSafe(known.message)}\n`);
      if (wantsJson) io.stdout.write(`${jsonSafe(JSON.stringify({ error: { code: known.code, message: known.message, ...(known.field === undefined ? {} : { field: known.field }), ...zh } }))}\n`);
      return known.exitCode;
    }
    const zh = zhLine('INTERNAL');
    io.stderr.write(`docket: unexpected error: ${terminalSafe(error instanceof Error ? (error.stack ?? error.message) : String(error), { keepNewlines: true })}\n`);
    if (wantsJson) io.stdout.write(`${jsonSafe(JSON.stringify({ error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error), ...zh } }))}\n`);
    return EXIT.problem;
  }
}

/**
 * The arguments with every value that starts with `-` joined to the option it follows
 * (`--state -V` → `--state=-V`), for the options that take a value. Commander reads the program's own
 * flags anywhere in the line, so `docket list db --state -V` printed the version and exited 0 (and
 * `--workflow -h` printed help) instead of filtering by that value: a value was read as a flag.
 */
function joinDashValues(program: Command, argv: readonly string[]): string[] {
  const takesValue = new Set<string>();
  // Every command at every depth: a subcommand's own options (`calendar reresolve --year`) were left
  // out, so `docket calendar reresolve db --year -V` printed the version and exited 0.
  const visit = (command: Command): void => {
    for (const option of command.options) if (option.required && option.long) takesValue.add(option.long);
    for (const sub of command.commands) visit(sub);
  };
  visit(program);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (takesValue.has(arg) && next !== undefined && next.startsWith('-')) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}
