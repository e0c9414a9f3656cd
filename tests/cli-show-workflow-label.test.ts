import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { workflowLine } from '../src/cli/command-inspect.js';
import { runCli } from '../src/cli/program.js';

// `docket show` of a workflow without a title (one the CLI does not know, or one of yours without
// labels.title) printed `Workflow   leave (leave v1)`, the id twice. Now: `leave v1`; a titled
// workflow keeps `Contract approval (contract-approval v1)`.
process.env.SQLITE_USE_URI = '1'; // as the docket bin sets it, to open a database read-only untouched
const work = resolve(import.meta.dirname, '..', '.tmp', `cli-show-workflow-label-${process.pid}`);
afterAll(() => rmSync(work, { recursive: true, force: true }));
const leaveModule = fileURLToPath(new URL('./helpers/leave-countersign-module.js', import.meta.url));

async function docket(args: readonly string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const io = { stdout: { write: (s: string) => ((stdout += s), true) }, stderr: { write: () => true }, env: { LANG: 'en_US.UTF-8' }, now: () => Date.parse('2026-11-02T01:00:00Z'), cwd: work };
  return { code: await runCli(args, io), stdout };
}

async function idIn(db: string): Promise<string> {
  const { stdout } = await docket(['list', db, '--json']);
  return (JSON.parse(stdout) as { items: { id: string }[] }).items[0]!.id;
}

describe('docket show: the workflow line', () => {
  it.each<[string, string[], string, string]>([
    ['an untitled workflow of yours', ['--workflows', leaveModule], 'leave', 'leave v1'],
    ['a workflow the CLI does not know', [], 'leave', 'leave v1'],
    ['a titled example', [], 'contract-approval', 'Contract approval (contract-approval v1)'],
  ])('%s', async (_, showArgs, workflow, expected) => {
    mkdirSync(work, { recursive: true });
    const db = join(work, `${workflow}-${showArgs.length}.db`);
    const sim = await docket(['--workflows', leaveModule, 'simulate', workflow, '--from', '2026-11-02', '--to', '2026-11-03', '--store', `sqlite:${db}`]);
    expect(sim.code).toBe(0);
    const { code, stdout } = await docket([...showArgs, 'show', db, await idIn(db)]);
    expect(code).toBe(0);
    expect(stdout.split('\n').find((l) => l.startsWith('Workflow'))).toBe(`Workflow   ${expected}`);
  });
});

it('property: the line names id and version once, and the title only when it is not the id', () => {
  fc.assert(
    fc.property(fc.option(fc.string(), { nil: undefined }), fc.string({ minLength: 1 }), fc.nat(), (title, id, version) => {
      const line = workflowLine(title, id, version);
      expect(line.endsWith(`${id} v${version}`) || line.endsWith(`(${id} v${version})`)).toBe(true);
      if (title === undefined || title === id) expect(line).toBe(`${id} v${version}`);
      else expect(line).toBe(`${title} (${id} v${version})`);
    }),
    { numRuns: Number(process.env['FC_RUNS'] ?? 200) },
  );
});
