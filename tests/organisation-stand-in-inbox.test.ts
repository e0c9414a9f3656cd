// A stand-in's (代理) inbox listed the principal's tasks that send then refused: a group task the
// principal could claim (the deputy is no member), and a task someone delegated to the principal.
// The inbox now asks the rule the authorization asks (standInFor over the task's holders).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, role, users } from '../src/index.js';
import { actor, approvalFlow, harness, li } from './approvals-fixture.js';

const FROM = Date.parse('2026-01-01T00:00:00+08:00');
const TO = Date.parse('2027-12-01T00:00:00+08:00');
const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code ?? String(e));

describe("a stand-in's inbox lists exactly what send accepts from the stand-in", () => {
  it('does not list a group task the principal could claim, nor a task delegated to the principal; lists a seat the principal holds', async () => {
    const group = harness(approvalFlow([{ id: 'legal', mode: 'any', approvers: role('legal', { claim: true }) }]), { standIns: [{ principal: 'zhao', deputy: 'sun', from: FROM, to: TO }] });
    const g = await group.engine.start('flow', { amount: 1 }, { actor: li });
    expect(await group.engine.tasks({ assignee: 'sun' })).toEqual([]);
    expect(await code(group.engine.send(g, { type: 'APPROVE' } as never, { actor: actor('sun') }))).toBe('FORBIDDEN');

    const delegated = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao') }]), { standIns: [{ principal: 'qian', deputy: 'sun', from: FROM, to: TO }] });
    const d = await delegated.engine.start('flow', { amount: 1 }, { actor: li });
    await delegated.engine.send(d, { type: 'DELEGATE', to: 'qian' } as never, { actor: actor('zhao') });
    expect(await delegated.engine.tasks({ assignee: 'sun' })).toEqual([]);
    expect(await code(delegated.engine.send(d, { type: 'APPROVE' } as never, { actor: actor('sun') }))).toBe('FORBIDDEN');

    const seat = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao') }]), { standIns: [{ principal: 'zhao', deputy: 'sun', from: FROM, to: TO }] });
    const s = await seat.engine.start('flow', { amount: 1 }, { actor: li });
    expect((await seat.engine.tasks({ assignee: 'sun' })).map((t) => t.instanceId)).toEqual([s]);
    expect(await code(seat.engine.send(s, { type: 'APPROVE' } as never, { actor: actor('sun') }))).toBe('ok');
  });

  it('property: for any kind of task, stand-in scope and window, the deputy sees the task exactly when send accepts their APPROVE', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('seat', 'group', 'delegated'),
        fc.constantFrom<readonly string[] | undefined>(undefined, ['flow'], ['other']),
        fc.boolean(),
        async (kind, workflows, open) => {
          const principal = kind === 'delegated' ? 'qian' : 'zhao';
          const window = open ? { from: FROM, to: TO } : { from: TO, to: TO + 1 };
          const flow = kind === 'group' ? approvalFlow([{ id: 'legal', mode: 'any', approvers: role('legal', { claim: true }) }]) : approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao') }]);
          const h = harness(flow, { standIns: [{ principal, deputy: 'sun', ...window, ...(workflows === undefined ? {} : { workflows }) }] });
          const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
          if (kind === 'delegated') await h.engine.send(id, { type: 'DELEGATE', to: 'qian' } as never, { actor: actor('zhao') });
          const listed = (await h.engine.tasks({ assignee: 'sun' })).length > 0;
          const can = (await h.engine.can(id, { type: 'APPROVE' } as never, actor('sun'))).ok;
          expect([kind, workflows, open, listed]).toEqual([kind, workflows, open, can]);
          expect([kind, workflows, open, await code(h.engine.send(id, { type: 'APPROVE' } as never, { actor: actor('sun') }))]).toEqual([kind, workflows, open, can ? 'ok' : 'FORBIDDEN']);
        },
      ),
      { numRuns: 60 },
    );
  });
});

// The stand-in's inbox ignored the workflow's permissions: it listed every task the principal held,
// with every action, although the workflow version's roles did not let the principal do them (the
// task named no version to look its permissions up by). Tasks now carry their instance's version.
// The deputy (sun, finance) acts for the principal (zhao, legal): an action is offered when the
// principal's roles and the deputy's both permit it (standInPermits), as send checks it
// (tests/approvals-one-directory-rule.test.ts); the principal's roles alone offered acts send refused.
describe("a stand-in's inbox follows the permissions of the task's workflow version", () => {
  const standIns = [{ principal: 'zhao', deputy: 'sun', from: FROM, to: TO }];
  const seatOf = (permissions?: Record<string, readonly string[]>, version = 1) =>
    approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao') }], { version, ...(permissions ? { permissions } : {}) });

  it('lists the task with only the actions the principal\'s (and deputy\'s) roles allow; not at all when none are left', async () => {
    const narrowed = harness(seatOf({ APPROVE: ['legal', 'finance'], REJECT: ['manager'] }), { standIns });
    const n = await narrowed.engine.start('flow', { amount: 1 }, { actor: li });
    const [own] = await narrowed.engine.tasks({ assignee: 'zhao' });
    expect(own!.version).toBe(1);
    expect(own!.actions).toEqual(expect.arrayContaining(['APPROVE', 'REJECT']));
    const [listed] = await narrowed.engine.tasks({ assignee: 'sun' });
    expect(listed!.instanceId).toBe(n);
    // Of the acts a deputy may do for the holder at all (standInActions: not CC or REMOVE_SIGNER).
    expect(listed!.actions).toEqual(own!.actions.filter((a) => a !== 'REJECT' && seatOf().standInActions!.includes(a)));

    const closed = harness(seatOf(Object.fromEntries(own!.actions.map((a) => [a, ['finance']]))), { standIns });
    await closed.engine.start('flow', { amount: 1 }, { actor: li });
    expect((await closed.engine.tasks({ assignee: 'zhao' })).length).toBe(1);
    expect(await closed.engine.tasks({ assignee: 'sun' })).toEqual([]);
  });

  it("reads the permissions of the instance's own version, not the newest one", async () => {
    const v1 = seatOf({ APPROVE: ['legal'] }, 1);
    const h = harness(v1, { standIns });
    const old = await h.engine.start('flow', { amount: 1 }, { actor: li });
    const [task] = await h.engine.tasks({ assignee: 'zhao' });
    // v2 takes APPROVE (and everything else) from legal; the v1 instance keeps v1's rules.
    const v2 = seatOf(Object.fromEntries(task!.actions.map((a) => [a, ['finance']])), 2);
    const both = createEngine({ store: h.engine.store, clock: h.clock, directory: h.directory, workflows: [v1, v2], effects: { 'approval.assigned': () => {}, 'approval.cc': () => {}, 'approval.remind': () => {}, notify: () => {} } });
    const fresh = await both.start('flow', { amount: 1 }, { actor: li });
    expect((await both.tasks({ assignee: 'zhao' })).map((t) => [t.instanceId, t.version])).toEqual([[old, 1], [fresh, 2]]);
    expect((await both.tasks({ assignee: 'sun' })).map((t) => t.instanceId)).toEqual([old]);
    await both.close();
  });

  it('property: the deputy is offered an action exactly when the version\'s permissions let both the principal and the deputy do it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<readonly string[] | undefined>(undefined, ['legal'], ['finance'], ['legal', 'finance'], []), fc.constantFrom<readonly string[] | undefined>(undefined, ['legal'], ['finance']), async (approve, reject) => {
        const permissions: Record<string, readonly string[]> = {};
        if (approve) permissions.APPROVE = approve;
        if (reject) permissions.REJECT = reject;
        const h = harness(seatOf(permissions), { standIns });
        await h.engine.start('flow', { amount: 1 }, { actor: li });
        const [own] = await h.engine.tasks({ assignee: 'zhao' });
        const allowed = (type: string) => permissions[type] === undefined || (permissions[type]!.includes('legal') && permissions[type]!.includes('finance'));
        const expected = own!.actions.filter((type) => allowed(type) && seatOf().standInActions!.includes(type));
        const listed = await h.engine.tasks({ assignee: 'sun' });
        expect(listed.map((t) => t.actions)).toEqual(expected.length === 0 ? [] : [expected]);
      }),
      { numRuns: 30 },
    );
  });
});
