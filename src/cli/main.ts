// The `docket` command line. The real clock is read here only (simulate's default start).
import { systemClock } from '../clock/system-clock.js';
import { runCli } from './program.js';

const clock = systemClock();
runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, now: () => clock.now() }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`docket: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
