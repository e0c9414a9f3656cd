// `docket simulate` of a workflow the engine suspends. Regression: a step entered by a deadline whose
// approvers resolve nobody made the engine suspend the instance (it cannot refuse a timer); the
// simulation then printed `Result: … (active)`, exited 0, and the reason, which says what to fix, was
// only in the stored history. A newcomer's own 会签-with-deadline workflow stopped without a word.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { approvalStep, field, role, withApprovals, workingDays, type ApprovalContext, type ApprovalEvent } from '../src/index.js';
import { simulateCommand } from '../src/cli/command-simulate.js';
import { suspensionOf, suspensionText } from '../src/cli/format-text.js';

const approvals = withApprovals({ deadlines: { reviewDue: workingDays(1) } });
/** Review (或签 by role) times out into an approval; the signer step then asks the person `input.signer` names. */
const signing = approvals.defineWorkflow({
  id: 'signing', version: 1,
  machine: setup({
    types: {} as { context: ApprovalContext & { signer: string }; events: ApprovalEvent; input: { signer: string } },
    actions: approvals.actions, guards: approvals.guards, delays: approvals.delays,
  }).createMachine({
    context: ({ input }) => ({ ...approvals.context(input), signer: input.signer }),
    initial: 'review',
    states: {
      review: approvalStep({ id: 'review', mode: 'any', approvers: role('reviewer'), onApproved: 'sign', onRejected: 'rejected', deadline: { after: 'reviewDue', then: { kind: 'approve' } } }),
      sign: approvalStep({ id: 'sign', mode: 'any', approvers: field('signer'), onApproved: 'approved', onRejected: 'rejected' }),
      approved: { type: 'final' },
      rejected: { type: 'final' },
    },
  }),
  input: z.object({ signer: z.string() }),
});

async function simulate(signer: string, lang: 'en' | 'zh-CN', json: boolean) {
  let out = '';
  const io = { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true }, env: {}, now: () => Date.parse('2026-11-02T01:00:00Z') };
  const code = await simulateCommand({ io, lang, json, workflows: [signing], tz: 'Asia/Shanghai', onMissingYear: 'statutory' }, 'signing', { from: '2026-11-02', to: '2026-11-30', path: 'idle', input: JSON.stringify({ signer }) });
  return { code, out };
}

describe('docket simulate: an instance the engine suspends', () => {
  it('--json: exit 1, suspended, with the engine\'s reason', async () => {
    const { code, out } = await simulate('ghost', 'en', true);
    const result = JSON.parse(out) as { status: string; suspended: boolean; suspension?: { reason: string; by: string; atLocal: string } };
    expect(code).toBe(1);
    expect([result.status, result.suspended]).toEqual(['active', true]);
    expect(result.suspension?.reason).toMatch(/^Suspended by the engine: .*resolved no approver.*Fix the cause, then resume\.$/);
    expect(result.suspension?.atLocal).toBe('2026-11-03 09:00'); // one working day after Monday 09:00
  });

  it('text, en: the result says suspended, and the next line says why', async () => {
    const { code, out } = await simulate('ghost', 'en', false);
    expect(code).toBe(1);
    expect(out).toContain('(active, suspended)');
    expect(out).toMatch(/^Suspended 2026-11-03 09:00 by docket:system: Suspended by the engine: .*"sign" resolved no approver/m);
  });

  it('text, zh-CN: 已挂起, with the reason', async () => {
    const { out } = await simulate('ghost', 'zh-CN', false);
    expect(out).toContain('(进行中，已挂起)');
    expect(out).toMatch(/^已挂起（2026-11-03 09:00，docket:system）：Suspended by the engine: /m);
  });

  it('an instance that is not suspended is reported as before (exit 0, no suspension)', async () => {
    const { code, out } = await simulate('lead', 'en', true);
    const result = JSON.parse(out) as { suspended: boolean; suspension?: unknown };
    expect(code).toBe(0);
    expect([result.suspended, result.suspension]).toEqual([false, undefined]);
  });

  // The kind: any reason (an administrator's free text included) is printed on one line, escaped,
  // and the suspension in force is the last suspend entry's, whatever came before.
  it('property: the suspension line is one terminal-safe line, naming the last suspension', () => {
    const entry = fc.record({
      type: fc.constantFrom('docket.admin.suspend', 'docket.admin.resume', 'APPROVE'),
      reason: fc.option(fc.string({ unit: 'binary', minLength: 1 }), { nil: undefined }),
      by: fc.string({ minLength: 1 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), fc.boolean(), fc.constantFrom('en', 'zh-CN' as const), (given, suspended, lang) => {
        const history = given.map((g, i) => ({ revision: i + 1, at: Date.UTC(2026, 10, 2) + i * 60_000, event: { type: g.type }, actor: { id: g.by, roles: [] as string[] }, ...(g.reason === undefined ? {} : { reason: g.reason }) }));
        const found = suspensionOf(suspended, history);
        const last = history.findLast((h) => h.event.type === 'docket.admin.suspend');
        expect(found === null).toBe(!suspended || last === undefined);
        const lines = found === null ? [] : [suspensionText(found, lang as 'en' | 'zh-CN')];
        // eslint-disable-next-line no-control-regex
        for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
        if (found !== null) expect(found.reason).toBe(last!.reason ?? '');
      }),
      { numRuns: 200 },
    );
  });
});
