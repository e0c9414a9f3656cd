import { describe, expect, it } from 'vitest';
import {
  chosen,
  departmentHead,
  field,
  isDocketError,
  role,
  supervisor,
  supervisors,
  users,
  workingDays,
  type ApprovalMode,
  type ApproverRule,
} from '../src/index.js';
import { actor, admin, approvalFlow, harness, li, type StepSpec } from './approvals-fixture.js';

/** The top-level state key: `{ finance: 'pending' }` → `'finance'`. */
const top = (state: unknown) => (typeof state === 'string' ? state : Object.keys(state as object)[0]);

type Act = readonly [who: string, type: 'APPROVE' | 'REJECT', expectCode?: string];

async function run(h: ReturnType<typeof harness>, id: string, acts: readonly Act[]) {
  for (const [who, type, code] of acts) {
    const result = await h.engine.send(id, { type }, { actor: actor(who) }).catch((e) => e);
    if (code) expect(isDocketError(result, code as never), `${who} ${type} → ${code}, got ${result?.code ?? 'ok'}`).toBe(true);
    else expect(isDocketError(result), `${who} ${type} refused: ${result?.message}`).toBe(false);
  }
}

describe('modes (依次 / 会签 / 或签 / 票签)', () => {
  const cases: { name: string; mode: ApprovalMode; approvers: ApproverRule; acts: Act[]; state: string; open: string[] }[] = [
    { name: '依次 sequential: in order, out of turn refused', mode: 'sequential', approvers: users('sun', 'wu'), acts: [['wu', 'APPROVE', 'FORBIDDEN'], ['sun', 'APPROVE'], ['wu', 'APPROVE']], state: 'approved', open: [] },
    { name: '依次 sequential: the first rejection decides', mode: 'sequential', approvers: users('sun', 'wu'), acts: [['sun', 'REJECT']], state: 'rejected', open: [] },
    { name: '会签 all: all approve', mode: 'all', approvers: role('finance'), acts: [['sun', 'APPROVE'], ['wu', 'APPROVE'], ['zheng', 'APPROVE']], state: 'approved', open: [] },
    { name: '会签 all: one rejects after another approved', mode: 'all', approvers: role('finance'), acts: [['sun', 'APPROVE'], ['wu', 'REJECT'], ['zheng', 'APPROVE', 'INSTANCE_NOT_ACTIVE']], state: 'rejected', open: [] },
    { name: '会签 all: partial approval keeps the rest open', mode: 'all', approvers: role('finance'), acts: [['sun', 'APPROVE']], state: 'finance', open: ['finance:wu', 'finance:zheng'] },
    { name: '或签 any: the first approval decides', mode: 'any', approvers: role('finance'), acts: [['wu', 'APPROVE']], state: 'approved', open: [] },
    { name: '或签 any: the first rejection decides', mode: 'any', approvers: role('finance'), acts: [['zheng', 'REJECT']], state: 'rejected', open: [] },
    { name: '票签 2 of 3: decided early, third never asked', mode: { count: 2 }, approvers: role('finance'), acts: [['sun', 'APPROVE'], ['zheng', 'APPROVE'], ['wu', 'APPROVE', 'INSTANCE_NOT_ACTIVE']], state: 'approved', open: [] },
    { name: '票签 more than 50%: two rejections of three decide early', mode: { ratio: 0.5, strict: true }, approvers: role('finance'), acts: [['sun', 'REJECT'], ['wu', 'REJECT']], state: 'rejected', open: [] },
    { name: '票签 at least 50%: one rejection of three keeps it open', mode: { ratio: 0.5 }, approvers: role('finance'), acts: [['sun', 'REJECT'], ['wu', 'APPROVE']], state: 'finance', open: ['finance:zheng'] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const h = harness(approvalFlow([{ id: 'finance', mode: c.mode, approvers: c.approvers }]));
      const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
      await run(h, id, c.acts);
      expect(top((await h.engine.get(id)).state)).toBe(c.state);
      expect(await h.inbox(id)).toEqual(c.open);
    });
  }
});

describe('approver rules', () => {
  const cases: { name: string; rule: ApproverRule; input?: Record<string, unknown>; expected: string[] | string }[] = [
    { name: 'named users', rule: users('zhao', 'qian'), expected: ['zhao', 'qian'] },
    { name: 'a role (each member; inactive members left out)', rule: role('legal'), expected: ['zhao', 'qian'] },
    { name: 'a role as one group task (认领)', rule: role('legal', { claim: true }), expected: ['group:legal(zhao,qian)'] },
    { name: "the initiator's department head", rule: departmentHead(), expected: ['wang'] },
    { name: 'a named department head', rule: departmentHead({ department: 'finance' }), expected: ['sun'] },
    { name: "the initiator's supervisor", rule: supervisor(), expected: ['wang'] },
    { name: '连续多级主管: 3 levels with a vacant level skipped', rule: supervisors(3), expected: ['wang', 'zhou'] },
    { name: '自选: the initiator chose among legal', rule: chosen('chosen', { among: role('legal') }), input: { chosen: ['qian'] }, expected: ['qian'] },
    { name: '自选: a choice outside the allowed set is refused at start', rule: chosen('chosen', { among: role('legal') }), input: { chosen: ['sun'] }, expected: 'INVALID_PAYLOAD' },
    { name: '自选: someone who left is refused at start', rule: chosen('chosen'), input: { chosen: ['gone'] }, expected: 'INVALID_PAYLOAD' },
    { name: 'a field of the instance', rule: field('manager'), input: { manager: 'wu' }, expected: ['wu'] },
    { name: 'a rule that resolves to nobody refuses to start (NO_APPROVER)', rule: role('auditor'), expected: 'NO_APPROVER' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const h = harness(approvalFlow([{ id: 'review', mode: 'all', approvers: c.rule }]));
      const started = await h.engine.start('flow', { amount: 1, ...c.input }, { actor: li }).catch((e) => e);
      if (typeof c.expected === 'string') {
        expect(started).toMatchObject({ code: c.expected });
        expect(started.message.length).toBeGreaterThan(40);
        return;
      }
      const s = await h.step(started, 'review');
      expect(s.assignments.map((a) => (a.user ?? `group:${a.group!.role}(${a.group!.members.join(',')})`))).toEqual(c.expected);
    });
  }

  it('keeps the resolved people when the directory changes later', async () => {
    const h = harness(approvalFlow([{ id: 'review', mode: 'all', approvers: role('legal') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    (h.directory as { usersWithRole: unknown }).usersWithRole = () => [];
    expect(await h.inbox(id)).toEqual(['review:qian', 'review:zhao']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    expect(await h.inbox(id)).toEqual(['review:qian']);
  });
});

describe('approver policies', () => {
  const cases: { name: string; steps: StepSpec[]; draft?: boolean; expect: (h: ReturnType<typeof harness>, id: string | Error) => Promise<void> }[] = [
    {
      name: 'nobody resolved → pass automatically',
      steps: [{ id: 'audit', mode: 'all', approvers: role('auditor'), whenNobody: 'approve' }, { id: 'finance', mode: 'any', approvers: role('finance') }],
      expect: async (h, id) => {
        expect(top((await h.engine.get(id as string)).state)).toBe('finance');
        expect((await h.step(id as string, 'audit')).acts.map((a) => a.type)).toEqual(['AUTO']);
      },
    },
    {
      name: 'nobody resolved → a group task for the administrator role',
      steps: [{ id: 'audit', mode: 'all', approvers: role('auditor'), whenNobody: { role: 'admin' } }],
      expect: async (h, id) => expect(await h.inbox(id as string)).toEqual(['audit:feng']),
    },
    {
      name: 'nobody resolved → refuse to start the step; the submission is refused, audited and the draft kept',
      draft: true,
      steps: [{ id: 'audit', mode: 'all', approvers: role('auditor') }],
      expect: async (h, id) => {
        const error = await h.engine.send(id as string, { type: 'SUBMIT' }, { actor: li }).catch((e) => e);
        expect(error).toMatchObject({ code: 'NO_APPROVER' });
        expect((await h.engine.get(id as string)).state).toBe('draft');
        const refused = (await h.engine.history(id as string, { includeRefused: true })).filter((e) => 'code' in e);
        expect(refused.map((e) => ('code' in e ? e.code : ''))).toEqual(['NO_APPROVER']);
      },
    },
    {
      name: '去重: the same person in consecutive steps approves once',
      steps: [{ id: 'manager', mode: 'all', approvers: users('wang') }, { id: 'board', mode: 'all', approvers: users('wang', 'zhou'), dedupe: true }],
      expect: async (h, id) => {
        await h.engine.send(id as string, { type: 'APPROVE' }, { actor: actor('wang') });
        expect(await h.statuses(id as string, 'board')).toEqual(['wang:skipped', 'zhou:pending']);
        expect(await h.inbox(id as string)).toEqual(['board:zhou']);
      },
    },
    {
      name: 'initiator as approver → skipped',
      steps: [{ id: 'team', mode: 'all', approvers: users('li', 'wang'), initiatorIsApprover: 'skip' }],
      expect: async (h, id) => expect(await h.statuses(id as string, 'team')).toEqual(['li:skipped', 'wang:pending']),
    },
    {
      name: 'initiator as approver → handed to their supervisor',
      steps: [{ id: 'team', mode: 'all', approvers: users('li'), initiatorIsApprover: 'supervisor' }],
      expect: async (h, id) => expect(await h.inbox(id as string)).toEqual(['team:wang']),
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const h = harness(approvalFlow(c.steps, { draft: c.draft ?? false }));
      const id = await h.engine.start('flow', { amount: 1 }, { actor: li }).catch((e) => e);
      await c.expect(h, id);
    });
  }
});

describe('deadlines on the business calendar', () => {
  it('auto-approves on a deadline of 2 working days that lands after National Day', async () => {
    const wf = approvalFlow([{ id: 'finance', mode: 'all', approvers: users('sun'), deadline: { after: 'financeDue', then: { kind: 'approve' } } }], {
      deadlines: { financeDue: workingDays(2) },
    });
    const h = harness(wf, { start: '2026-09-30T10:00:00+08:00' });
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    const due = Date.parse('2026-10-09T10:00:00+08:00');
    expect((await h.engine.get(id)).timers).toEqual([{ name: 'financeDue', dueAt: due, state: 'finance', label: 'financeDue in finance' }]);
    expect((await h.engine.tasks({ assignee: 'sun' }))[0]).toMatchObject({ step: 'finance', dueAt: due, instanceId: id });
    expect(await h.clock.advanceTo('2026-10-09T09:59:00+08:00')).toEqual([]);
    const fired = await h.clock.advanceTo('2026-10-09T10:00:00+08:00');
    expect(fired.map((f) => f.name)).toEqual(['financeDue']);
    expect((await h.engine.get(id)).state).toBe('approved');
    expect(await h.statuses(id, 'finance')).toEqual(['sun:approved']);
    expect((await h.step(id, 'finance')).acts.at(-1)).toMatchObject({ type: 'TIMEOUT', by: 'docket:system', to: 'approve' });
  });

  it('auto-rejects on a deadline', async () => {
    const wf = approvalFlow([{ id: 'finance', mode: 'all', approvers: users('sun'), deadline: { after: 'due', then: { kind: 'reject' } } }], { deadlines: { due: workingDays(1) } });
    const h = harness(wf);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.clock.advanceBy({ days: 2 });
    expect((await h.engine.get(id)).state).toBe('rejected');
  });

  it('reminds every working day and escalates to a role at the deadline', async () => {
    const reminded: string[][] = [];
    const wf = approvalFlow([{ id: 'finance', mode: 'all', approvers: users('sun'), remind: { every: 'nudge' }, deadline: { after: 'due', then: { kind: 'escalate', role: 'vp' } } }], {
      deadlines: { nudge: workingDays(1), due: workingDays(3, { time: '18:00' }) },
    });
    const h = harness(wf, { effects: { 'approval.remind': (p) => void reminded.push([...p.to]) } });
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.clock.advanceTo('2026-11-05T09:00:00+08:00'); // Mon → Thu: 3 working days
    expect(reminded).toEqual([['sun'], ['sun'], ['sun']]);
    expect(await h.inbox(id)).toEqual(['finance:sun']);
    await h.clock.advanceTo('2026-11-05T18:00:00+08:00');
    expect(await h.inbox(id)).toEqual(['finance:zhou']);
    expect(await h.statuses(id, 'finance')).toEqual(['sun:transferred', 'vp:pending']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhou') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });

  it('a suspended instance whose deadline passes waits; on resume the deadline fires late', async () => {
    const wf = approvalFlow([{ id: 'finance', mode: 'all', approvers: users('sun'), deadline: { after: 'due', then: { kind: 'approve' } } }], { deadlines: { due: workingDays(2) } });
    const h = harness(wf);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.suspend(id, { actor: admin, reason: 'audit hold' });
    expect(await h.clock.advanceTo('2026-11-09T09:00:00+08:00')).toEqual([]);
    expect(top((await h.engine.get(id)).state)).toBe('finance');
    await expect(h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') })).rejects.toMatchObject({ code: 'INSTANCE_NOT_ACTIVE' });
    await h.engine.resume(id, { actor: admin, reason: 'cleared' });
    const fired = await h.clock.flush();
    expect(fired).toHaveLength(1);
    // Due Wed 4 Nov 09:00 (2 working days); resumed Mon 9 Nov 09:00: five days late.
    expect(fired[0]!.lateMs).toBe(5 * 86_400_000);
    expect((await h.engine.get(id)).state).toBe('approved');
  });
});
