import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expenseReimbursement } from '../machines/index.js';
import { businessCalendar, createEngine, virtualClock } from '../src/index.js';
import { runCli } from '../src/cli/program.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { expenseDirectory, expenseV2, person } from './helpers/expense-v2.js';
import { stateGraph, timerText } from '../src/visualizer/index.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const moduleFile = fileURLToPath(new URL('./helpers/expense-v2-module.js', import.meta.url));
const NOW = Date.parse('2026-09-29T09:00:00+08:00');

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env: { LANG: 'en_US.UTF-8' }, now: () => NOW });
  return { code, stdout, stderr };
}

describe('docket migrate', () => {
  it('dry-runs, then migrates a SQLite database; blocked instances make exit 1 and stay', async (ctx) => {
    const file = sqliteFile(ctx.task.name);
    file.remove();
    const store = sqliteStore({ filename: file.filename });
    const engine = createEngine({ store, clock: virtualClock('2026-09-28T09:00:00+08:00'), calendar: businessCalendar(), directory: expenseDirectory, workflows: [expenseReimbursement] });
    const start = (id: string, amount: number) => engine.start('expense-reimbursement', { title: id, department: 'sales', items: [{ description: 'x', amount }] } as never, { actor: person('li'), id });
    await start('a', 100);
    await start('b', 30_000);
    for (const [event, who] of [[{ type: 'SUBMIT' }, 'li'], [{ type: 'APPROVE', step: 'manager' }, 'wang'], [{ type: 'APPROVE', step: 'director' }, 'chen']] as const) {
      await engine.send('b', event as never, { actor: person(who) });
    }
    await engine.close();
    await store.close();
    try {
      const base = ['migrate', file.filename, '--workflow', 'expense-reimbursement', '--from', '1', '--to', '2', '--reason', 'payment renamed', '--workflows', moduleFile, '--json'];
      const dry = await cli([...base, '--dry-run']);
      expect(dry.code, dry.stderr).toBe(1);
      const dryReport = JSON.parse(dry.stdout);
      expect(dryReport.moved.map((m: { instanceId: string }) => m.instanceId)).toEqual(['a']);
      expect(dryReport.blocked.map((b: { instanceId: string; code: string }) => [b.instanceId, b.code])).toEqual([['b', 'STATE_NOT_MAPPED']]);
      const real = await cli(base);
      expect(real.code).toBe(1);
      expect(JSON.parse(real.stdout).moved).toEqual(dryReport.moved);
      const after = sqliteStore({ filename: file.filename });
      expect([(await after.load('a'))!.version, (await after.load('b'))!.version]).toEqual([2, 1]);
      expect((await after.history('a')).at(-1)).toMatchObject({ kind: 'admin', event: { type: 'docket.admin.migrate' }, actor: { id: 'docket-cli' }, reason: 'payment renamed' });
      await after.close();
      // Missing reason: a usage error, nothing written.
      const noReason = await cli(['migrate', file.filename, '--workflow', 'expense-reimbursement', '--from', '1', '--to', '2']);
      expect(noReason.code).toBe(2);
      expect(noReason.stderr).toMatch(/--reason/);
    } finally {
      file.remove();
    }
  });

  it("prints each moved timer by what it is (its label in the state that armed it), not its bare name", async (ctx) => {
    const file = sqliteFile(ctx.task.name);
    file.remove();
    const store = sqliteStore({ filename: file.filename });
    const engine = createEngine({ store, clock: virtualClock('2026-09-28T09:00:00+08:00'), calendar: businessCalendar(), directory: expenseDirectory, workflows: [expenseReimbursement] });
    await engine.start('expense-reimbursement', { title: 'pay', department: 'sales', items: [{ description: 'x', amount: 1_800 }] } as never, { actor: person('li'), id: 'pay' });
    for (const [event, who] of [[{ type: 'SUBMIT' }, 'li'], [{ type: 'APPROVE', step: 'manager' }, 'wang'], [{ type: 'APPROVE', step: 'financeCheck' }, 'sun']] as const) {
      await engine.send('pay', event as never, { actor: person(who) });
    }
    await engine.close();
    await store.close();
    try {
      const run = await cli(['migrate', file.filename, '--workflow', 'expense-reimbursement', '--from', '1', '--to', '2', '--reason', 'payment renamed', '--workflows', moduleFile, '--dry-run']);
      expect(run.code, run.stderr).toBe(0);
      // v2's payout state arms paymentRemind: named by v2's graph, as `docket show` would name it.
      const graph = stateGraph(expenseV2);
      const named = timerText(graph, { name: 'paymentRemind', state: 'payout' }).en;
      expect(named).toBe(`${graph.deadlines['paymentRemind']!.en} in ${graph.nodes.find((n) => n.id === 'payout')!.label.en}`);
      expect(run.stdout).toContain(`(${named} 2026-`);
      expect(run.stdout).not.toContain('(paymentRemind ');
    } finally {
      file.remove();
    }
  });
});
