// The `docket` command line. The real clock is read here only (simulate's default start).
import { systemClock } from '../clock/system-clock.js';
import { runCli } from './program.js';
import { terminalSafe } from './terminal-safe.js';

// SQLite URI filenames, so the read commands can open a database as immutable (no -wal/-shm files
// created); better-sqlite3 reads this once, before it opens its first database.
process.env['SQLITE_USE_URI'] ??= '1';
const clock = systemClock();
runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, now: () => clock.now() }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`docket: ${terminalSafe(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = 1;
  },
);
