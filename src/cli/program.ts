import { Command, CommanderError, Option } from 'commander';
import { isDocketError } from '../errors.js';
import { CliError, EXIT } from './cli-error.js';
import type { CliIo, CommandContext } from './cli-context.js';
import { resolveLang } from './cli-lang.js';
import { diagramCommand, workflowsCommand } from './command-diagram.js';
import { exportCommand, historyCommand, listCommand, showCommand, verifyCommand } from './command-inspect.js';
import { simulateCommand } from './command-simulate.js';
import { registerCalendarCommands } from './command-calendar.js';

/**
 * Run `docket` with `argv` (the arguments after the program name) and resolve with the exit code:
 * 0 done, 1 the command found a problem (a broken history chain, a failed simulation), 2 bad
 * arguments or an unusable database file (nothing written). Never calls `process.exit`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const wantsJson = argv.includes('--json');
  const program = new Command('docket');
  program
    .description('Docket: diagrams, simulations and instance inspection for durable approval workflows.')
    .option('--json', 'print machine-readable JSON on stdout')
    .addOption(new Option('--lang <lang>', 'output language: zh-CN or en (default: from the locale)'))
    .showHelpAfterError('(run docket --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .allowExcessArguments(false);

  const context = (cmd: Command): CommandContext => {
    const opts = cmd.optsWithGlobals<{ json?: boolean; lang?: string }>();
    return { io, lang: resolveLang(opts.lang, io.env), json: opts.json === true };
  };

  program
    .command('workflows')
    .description('list the workflows diagram and simulate know')
    .action((_o, cmd: Command) => workflowsCommand(context(cmd)));
  program
    .command('diagram')
    .description('draw a workflow as SVG, mermaid or JSON, from its machine')
    .argument('<workflow>', 'workflow id (see docket workflows)')
    .addOption(new Option('--format <format>', 'svg, mermaid or json').default('svg'))
    .option('--out <file>', 'write to a file instead of stdout')
    .action((id: string, o: { format?: string; out?: string }, cmd: Command) => diagramCommand(context(cmd), id, o));
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
      exitCode = await simulateCommand(context(cmd), id, o);
    });
  program
    .command('list')
    .description('list instances in a SQLite database (opened read-only)')
    .argument('<db>', 'SQLite database file')
    .option('--workflow <id>', 'only this workflow')
    .option('--status <status>', 'active, done, failed or cancelled')
    .option('--limit <n>', 'at most n instances (default 100)')
    .action((db: string, o: Record<string, string>, cmd: Command) => listCommand(context(cmd), db, o));
  program
    .command('show')
    .description('show one instance: state, timers, tasks')
    .argument('<db>', 'SQLite database file')
    .argument('<id>', 'instance id')
    .action((db: string, id: string, _o, cmd: Command) => showCommand(context(cmd), db, id));
  program
    .command('history')
    .description("one instance's history: who, when, from which state")
    .argument('<db>', 'SQLite database file')
    .argument('<id>', 'instance id')
    .action((db: string, id: string, _o, cmd: Command) => historyCommand(context(cmd), db, id));
  program
    .command('export')
    .description('export one instance as JSON (for the docs site instance view)')
    .argument('<db>', 'SQLite database file')
    .argument('<id>', 'instance id')
    .option('--out <file>', 'write to a file instead of stdout')
    .action((db: string, id: string, o: { out?: string }, cmd: Command) => exportCommand(context(cmd), db, id, o));
  program
    .command('verify')
    .description('check the history hash chain of one instance, or of all')
    .argument('<db>', 'SQLite database file')
    .argument('[id]', 'instance id (default: every instance)')
    .action(async (db: string, id: string | undefined, _o, cmd: Command) => {
      exitCode = await verifyCommand(context(cmd), db, id);
    });

  registerCalendarCommands(program, context, (code) => {
    exitCode = code;
  });

  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError(`(run docket ${cmd.name()} --help for usage)`).allowExcessArguments(false);

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return EXIT.ok;
      // Commander already printed "error: …" on stderr.
      if (wantsJson) io.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
      return EXIT.usage;
    }
    const known = error instanceof CliError ? error : isDocketError(error) ? new CliError(error.message, EXIT.problem, error.code) : undefined;
    if (known) {
      io.stderr.write(`docket: ${known.message}\n`);
      if (wantsJson) io.stdout.write(`${JSON.stringify({ error: { code: known.code, message: known.message } })}\n`);
      return known.exitCode;
    }
    io.stderr.write(`docket: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    if (wantsJson) io.stdout.write(`${JSON.stringify({ error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) } })}\n`);
    return EXIT.problem;
  }
}
