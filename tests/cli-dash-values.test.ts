import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandsIn, docket } from './helpers/cli-runner.js';

// A value that starts with a dash is the value of the option before it, for every option that takes
// a value, of every command at any depth. Regression: only the top-level commands' options were
// known, so a subcommand's own option (`calendar reresolve --year`) let Commander read its value as
// the program's flag: `docket calendar reresolve db --year -V` printed the version and exited 0, and
// `--year --version` too, instead of refusing the year.

/** Each command path with its placeholder arguments and the options that take a value, read from its help. */
async function valueOptions(): Promise<{ path: string[]; args: string[]; options: string[] }[]> {
  const out: { path: string[]; args: string[]; options: string[] }[] = [];
  const walk = async (path: string[]) => {
    const help = (await docket([...path, '--help'])).stdout;
    if (path.length > 0) {
      const usage = help.split('\n')[0]!;
      const args = [...usage.matchAll(/<([a-z-]+)>/g)].map((m) => `/nonexistent/${m[1]!}`);
      const options = [...(help.split(/^Options:$/m)[1] ?? '').matchAll(/^ {2}(?:-\w, )?(--[a-z-]+) </gm)].map((m) => m[1]!);
      out.push({ path, args, options });
    }
    for (const name of commandsIn(help)) await walk([...path, name]);
  };
  await walk([]);
  return out;
}

/** What Commander prints for -V or for the help: the value was read as the program's flag. */
const readAsFlag = (r: { stdout: string }) => /^\d+\.\d+\.\d+\s*$/.test(r.stdout) || /^Usage: docket/.test(r.stdout);

describe('a value that starts with a dash, after an option that takes one', () => {
  it.each([
    [['calendar', 'reresolve', '/nonexistent/db', '--year', '-V']],
    [['calendar', 'reresolve', '/nonexistent/db', '--year', '--version']],
  ])('is the value of a subcommand\'s own option: %j is refused as a year (printed the version or help, exit 0)', async (args) => {
    const r = await docket(args);
    expect(readAsFlag(r)).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--year must be a year/);
  });

  it('property: for every option that takes a value, of every command at any depth, a dash value is never read as -V or -h', async () => {
    const commands = await valueOptions();
    expect(commands.find((c) => c.path.join(' ') === 'calendar reresolve')?.options).toContain('--year');
    const cases = commands.flatMap((c) => c.options.map((option) => ({ ...c, option })));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), fc.constantFrom('-V', '-h', '--help', '--version'), async (c, value) => {
        const r = await docket([...c.path, ...c.args, c.option, value]);
        expect({ args: [...c.path, c.option, value], flag: readAsFlag(r) }).toEqual({ args: [...c.path, c.option, value], flag: false });
      }),
      { numRuns: 300 },
    );
  });
});
