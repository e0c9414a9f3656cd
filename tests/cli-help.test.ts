import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandsIn, docket } from './helpers/cli-runner.js';

// `docket help <command>` must print that command's own help for every command the CLI has, at any
// depth. Regression: commander's help command looked up one top-level name, so `docket help reresolve`
// (calendar's subcommand) printed the global help with exit 0, `docket help calendar reresolve` printed
// calendar's help, and `docket help nosuch` printed the global help with exit 0 as if it answered.

/** Every command path the CLI offers, read from its own help screens. */
async function commandPaths(): Promise<string[][]> {
  const paths: string[][] = [];
  const walk = async (path: string[]) => {
    for (const name of commandsIn((await docket([...path, '--help'])).stdout)) {
      paths.push([...path, name]);
      await walk([...path, name]);
    }
  };
  await walk([]);
  return paths;
}

describe('docket help <command>', () => {
  it('prints the same help as `<command> --help`, exit 0, for every command and subcommand', async () => {
    const paths = await commandPaths();
    expect(paths).toContainEqual(['calendar', 'reresolve']);
    for (const path of paths) {
      const own = await docket([...path, '--help']);
      expect(own.stdout).toMatch(new RegExp(`^Usage: docket ${path.join(' ')} `));
      const viaHelp = await docket(['help', ...path]);
      expect({ path, ...viaHelp }).toEqual({ path, code: 0, stdout: own.stdout, stderr: '' });
    }
  });

  it('finds a subcommand named on its own (`docket help reresolve`) when one command has it', async () => {
    const r = await docket(['help', 'reresolve']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe((await docket(['calendar', 'reresolve', '--help'])).stdout);
    expect(r.stdout).toMatch(/^Usage: docket calendar reresolve \[options\] <db>/);
  });

  it('with no name prints the global help, exit 0, and lists help with its argument', async () => {
    const r = await docket(['help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe((await docket(['--help'])).stdout);
    expect(r.stdout).toMatch(/^ {2}help \[command\.\.\.\]/m);
  });

  it('an unknown command or subcommand is a usage error (exit 2) naming the known ones, not the global help', async () => {
    const top = await docket(['help', 'nosuch']);
    expect(top.code).toBe(2);
    expect(top.stdout).toBe('');
    expect(top.stderr).toMatch(/Unknown command "nosuch" for docket: its commands are workflows, diagram, simulate/);
    const sub = await docket(['help', 'calendar', 'nosuch']);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(/Unknown command "nosuch" for docket calendar: its commands are reresolve\./);
    const leaf = await docket(['help', 'diagram', 'svg']);
    expect(leaf.code).toBe(2);
    expect(leaf.stderr).toMatch(/docket diagram has no subcommands/);
    const json = await docket(['--json', 'help', 'nosuch']);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'USAGE' } });
  });

  it('property: help for any name that is not a command is exit 2 with nothing on stdout', async () => {
    const known = new Set((await commandPaths()).map((p) => p.at(-1)!).concat('help'));
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z][a-z-]{0,12}$/).filter((n) => !known.has(n)),
        async (name) => {
          const r = await docket(['help', name]);
          expect(r.code).toBe(2);
          expect(r.stdout).toBe('');
          expect(r.stderr).toContain(`"${name}"`);
        },
      ),
      { numRuns: 50 },
    );
  });
});
