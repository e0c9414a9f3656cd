import { runCli } from '../../src/cli/program.js';

/**
 * `docket …` run in this process with English output and the clock at `now` (ms, default 0): its exit code and what it
 * wrote. Shared by the CLI tests that walk the command tree (help at any depth, dash values, the calendar's advice).
 */
export async function docket(args: readonly string[], now = 0): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
    env: { LANG: 'en_US.UTF-8' },
    now: () => now,
    cwd: process.cwd(),
  });
  return { code, stdout, stderr };
}

/** The subcommand names a help screen lists under "Commands:" (help itself left out). */
export const commandsIn = (text: string): string[] =>
  [...(text.split(/^Commands:$/m)[1] ?? '').matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
