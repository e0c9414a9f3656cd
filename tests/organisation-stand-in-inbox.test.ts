// A stand-in's (代理) inbox listed the principal's tasks that send then refused: a group task the
// principal could claim (the deputy is no member), and a task someone delegated to the principal.
// The inbox now asks the rule the authorization asks (standInFor over the task's holders).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { role, users } from '../src/index.js';
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
