// `docket simulate` of a workflow whose step names its approvers by id. Regression: the simulated
// directory held only demo, lead and director, so a step written as the docs write it
// (`approvers: users('sun')`) resolved nobody: entered by an act it was refused with NO_APPROVER, and
// entered by a deadline (a 会签 that timed out into it) the engine suspended the instance. A
// newcomer's first simulation of their own workflow stopped there.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { approvalStep, isActiveUser, role, users, withApprovals, workingDays, type ApprovalContext, type ApprovalEvent } from '../src/index.js';
import { simulateCommand } from '../src/cli/command-simulate.js';
import { demoDirectory, namedApprovers } from '../src/cli/auto-pilot.js';

const approvals = withApprovals({ deadlines: { procurementDue: workingDays(3) } });

/** 会签 by role with a deadline that approves, then a step that names its approvers by id. */
function purchase(finance: readonly string[]) {
  return approvals.defineWorkflow({
    id: 'purchase', version: 1,
    machine: setup({
      types: {} as { context: ApprovalContext; events: ApprovalEvent | { type: 'SUBMIT' } },
      actions: approvals.actions, guards: approvals.guards, delays: approvals.delays,
    }).createMachine({
      context: ({ input }) => approvals.context(input),
      initial: 'draft',
      states: {
        draft: { on: { SUBMIT: 'procurement' } },
        procurement: approvalStep({ id: 'procurement', mode: 'all', approvers: role('procurement'), onApproved: 'finance', onRejected: 'rejected', deadline: { after: 'procurementDue', then: { kind: 'approve' } } }),
        finance: approvalStep({ id: 'finance', mode: 'all', approvers: users(...finance), onApproved: 'approved', onRejected: 'rejected' }),
        approved: { type: 'final' },
        rejected: { type: 'final' },
      },
    }),
    input: z.object({}),
    events: { SUBMIT: z.object({}) },
  });
}

type Result = { status: string; state: unknown; suspended: boolean; history: { kind: string; actor: string; event: string }[] };

async function simulate(finance: readonly string[], from: string, path: 'auto' | 'idle' = 'auto') {
  let out = '';
  const workflow = purchase(finance);
  const io = { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true }, env: {}, now: () => Date.parse('2026-09-01T01:00:00Z') };
  const code = await simulateCommand({ io, lang: 'en', json: true, workflows: [workflow], tz: 'Asia/Shanghai', onMissingYear: 'statutory' }, workflow.id, { from, to: '2026-12-31', path });
  return { code, result: JSON.parse(out) as Result };
}

describe('docket simulate: a step that names its approvers by id', () => {
  it('the 会签 times out across National Day into users(\'sun\'): sun approves and the purchase ends approved', async () => {
    const { code, result } = await simulate(['sun'], '2026-09-28');
    expect(code).toBe(0);
    expect([result.state, result.status, result.suspended]).toEqual(['approved', 'done', false]);
    expect(result.history.some((e) => e.kind === 'timer')).toBe(true);
    expect(result.history.filter((e) => e.event === 'APPROVE').at(-1)?.actor).toBe('sun');
  });

  it('entered by an act (every procurement member approves in time): users(\'sun\', \'wu\') both approve', async () => {
    const { code, result } = await simulate(['sun', 'wu'], '2026-11-02');
    expect(code).toBe(0);
    expect(result.state).toBe('approved');
    const finance = result.history.filter((e) => e.event === 'APPROVE').map((e) => e.actor).slice(-2).sort();
    expect(finance).toEqual(['sun', 'wu']);
  });

  it('a simulated person named by id (users(\'lead\')) is not added twice', () => {
    expect(namedApprovers(purchase(['lead', 'sun']))).toEqual(['sun']);
  });

  // The kind: whoever a step names by id is an active user of the simulation's directory.
  it('property: every id a users() rule names is an active user of the simulated directory', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_-]{0,11}$/), { minLength: 1, maxLength: 4 }), (ids) => {
        const workflow = purchase(ids);
        const directory = demoDirectory(workflow);
        for (const id of ids) expect(isActiveUser(directory, id), id).toBe(true);
        for (const id of ['demo', 'lead', 'director']) expect(isActiveUser(directory, id)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
