import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../src/sqlite/index.js';
import { runCli } from '../src/cli/program.js';
import { demoPeople, demoRoles } from '../src/cli/auto-pilot.js';
import { contractApproval, bidReview, expenseReimbursement } from '../machines/index.js';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { approvalStep, role, withApprovals, type ApprovalContext, type ApprovalEvent } from '../src/index.js';
import { leaveCountersign } from './helpers/leave-countersign.js';

// `docket simulate` (and the docs site's simulator, which uses the same people) must not let the
// initiator decide their own request: 'demo' starts it and holds only the roles that may start it.
process.env.SQLITE_USE_URI = '1';
const work = resolve(import.meta.dirname, '..', '.tmp', `cli-simulate-people-${process.pid}`);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const DECISIONS = new Set(['APPROVE', 'REJECT', 'RETURN', 'REQUEST_CHANGES']);

/** Run `docket simulate <workflow>` from 2 November 2026 to `to` into a fresh SQLite file; its one instance and history. */
async function simulated(workflow: string, file: string, to: string) {
  mkdirSync(work, { recursive: true });
  const db = join(work, file);
  const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, now: () => Date.parse('2026-11-02T01:00:00Z'), cwd: work };
  const code = await runCli(['simulate', workflow, '--from', '2026-11-02', '--to', to, '--store', `sqlite:${db}`], io);
  const store = sqliteStore({ filename: db, readonly: true });
  try {
    const { items } = await store.list({});
    const instance = items[0]!;
    return { code, count: items.length, instance, history: await store.history(instance.id) };
  } finally {
    await store.close?.();
  }
}

describe('simulated people', () => {
  it('the initiator holds only the start roles; the others hold every role', () => {
    for (const w of [contractApproval, bidReview, expenseReimbursement]) {
      const start = (w.permissions as Record<string, readonly string[]> | undefined)?.['start'];
      if (start && start.length > 0) expect(demoRoles(w, 'demo')).toEqual([...start]);
      expect(demoPeople(w).map((p) => p.id)).toEqual(['demo', 'lead', 'director']);
    }
  });

  // Regression: a workflow without permissions.start gave demo every role, so a 会签 of the supervisor
  // and role('hr') seated the initiator, who approved their own leave request.
  it('docket simulate of a workflow without a start permission: the initiator is not seated by a role and decides nothing', async () => {
    expect(demoRoles(leaveCountersign, 'demo')).not.toContain('hr');
    mkdirSync(work, { recursive: true });
    const moduleFile = fileURLToPath(new URL('./helpers/leave-countersign-module.js', import.meta.url));
    const db = join(work, 'leave.db');
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, now: () => Date.parse('2026-09-28T01:00:00Z'), cwd: work };
    const code = await runCli(['--workflows', moduleFile, 'simulate', 'leave', '--from', '2026-09-28', '--to', '2026-12-31', '--store', `sqlite:${db}`], io);
    expect(code).toBe(0);
    const store = sqliteStore({ filename: db, readonly: true });
    try {
      const [instance] = (await store.list({})).items;
      const history = await store.history(instance!.id);
      const decisions = history.filter((e) => DECISIONS.has(e.event.type));
      expect(decisions.map((e) => e.actor.id).sort()).toEqual(['director', 'lead']);
      expect(instance!.state).toBe('approved');
    } finally {
      await store.close?.();
    }
  });

  it('property: without a start permission, the initiator holds no role an approval step names', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.constantFrom('hr', 'legal', 'finance', 'staff', 'ops'), { minLength: 1, maxLength: 3 }), fc.uniqueArray(fc.constantFrom('hr', 'legal', 'finance', 'staff', 'ops'), { maxLength: 3 }), (stepRoles, eventRoles) => {
        const approvals = withApprovals();
        const at = (i: number) => stepRoles[i] ?? stepRoles[0]!;
        const machine = setup({ types: {} as { context: ApprovalContext; events: ApprovalEvent | { type: 'NOTE' } }, actions: approvals.actions, guards: approvals.guards }).createMachine({
          context: ({ input }) => approvals.context(input),
          initial: 's0',
          on: { NOTE: {} },
          states: {
            s0: approvalStep({ id: 's0', mode: 'all', approvers: role(at(0)), onApproved: 's1', onRejected: 'done' }),
            s1: approvalStep({ id: 's1', mode: 'any', approvers: role(at(1)), onApproved: 's2', onRejected: 'done' }),
            s2: approvalStep({ id: 's2', mode: 'all', approvers: role(at(2)), onApproved: 'done', onRejected: 'done' }),
            done: { type: 'final' },
          },
        });
        const w = approvals.defineWorkflow({ id: 'p', version: 1, machine, input: z.object({}), events: { NOTE: z.object({}) }, ...(eventRoles.length > 0 ? { permissions: { NOTE: eventRoles } } : {}) });
        const held = demoRoles(w, 'demo');
        expect(held.filter((r) => (stepRoles as string[]).includes(r))).toEqual([]);
        expect(held.sort()).toEqual(eventRoles.filter((r) => !(stepRoles as string[]).includes(r)).sort());
      }),
      { numRuns: Number(process.env['FC_RUNS'] ?? 100) },
    );
  });

  it('docket simulate contract-approval: nobody decides their own contract', async () => {
    const { code, count, instance, history } = await simulated(contractApproval.id, 'contract.db', '2027-01-31');
    expect(code).toBe(0);
    expect(count).toBe(1);
    const decisions = history.filter((e) => DECISIONS.has(e.event.type));
    expect(decisions.length).toBeGreaterThan(0);
    expect(decisions.filter((e) => e.actor.id === instance.initiator)).toEqual([]);
  });

  it('docket simulate contract-approval follows the happy path to its real end: the contract administrator signs, nobody withdraws', async () => {
    const { code, instance, history } = await simulated(contractApproval.id, 'contract-end.db', '2027-06-30');
    expect(code).toBe(0);
    const types = history.map((e) => e.event.type);
    expect(types).not.toContain('WITHDRAW');
    expect(types).toEqual(expect.arrayContaining(['SIGNED', 'ARCHIVED', 'KICKOFF_HELD', 'PAYMENT_RECEIVED']));
    // Each event was sent by someone whose roles the workflow permits to send it.
    const permissions = contractApproval.permissions as Record<string, readonly string[]>;
    for (const e of history.filter((h) => h.event.type in permissions && h.kind === 'event')) {
      expect(e.actor.roles.some((r) => permissions[e.event.type]!.includes(r))).toBe(true);
    }
    expect(instance.state).toBe('closed');
  });

  it('docket simulate expense-reimbursement (no start roles named): nobody decides or pays out their own expense, and it ends paid', async () => {
    const { code, instance, history } = await simulated(expenseReimbursement.id, 'expense.db', '2027-01-31');
    expect(code).toBe(0);
    const types = history.map((e) => e.event.type);
    expect(types.filter((t) => t === 'APPROVE').length).toBe(2);
    expect(types).toContain('PAID');
    // The initiator decided neither approval (the finance check's assignees include them, holding every
    // role) nor recorded the payment (finance's event).
    const byInitiator = history.filter((e) => e.actor.id === instance.initiator).map((e) => e.event.type);
    expect(byInitiator.filter((t) => DECISIONS.has(t) || t === 'PAID')).toEqual([]);
    expect(instance.status).toBe('done');
  });
});
