import { describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, memoryStore, virtualClock } from '../src/index.js';
import { assertNoDeadEnds, replayPaths } from '../src/testing/index.js';
import { obstacleSolution, type ObstacleSolutionContext } from '../machines/index.js';

const dept = { id: 'chen', roles: ['department'] };
const marketing = { id: 'wang', roles: ['marketing'] };
const provider = { id: 'zhongzhi', roles: ['provider'] };
const leader = { id: 'zhao', roles: ['leadership'] };
const actors = { start: dept, SUBMIT_APPROACH: provider, SUBMIT_SOLUTION: provider, WITHDRAW: dept };
const input = { department: '南山分局', obstacle: '校园市场份额下滑', maxRounds: 2 };
const graph = {
  input,
  actors,
  events: { MEETING_HELD: { provider: 'zhongzhi' }, EXTEND_ROUNDS: { extraRounds: 1, comment: '再给一轮' } },
  serialize: (s: { value: unknown; context: ObstacleSolutionContext }) =>
    JSON.stringify([s.value, s.context.round >= s.context.maxRounds, s.context.escalatedFrom]),
} as const;

describe('obstacle-solution machine', () => {
  it('reaches every state, and every path ends final or waiting on a person or a timer', () => {
    const report = assertNoDeadEnds(obstacleSolution, graph as never);
    expect(report.unreachable).toEqual([]);
    expect(report.deadEnds).toEqual([]);
    expect(report.paths.length).toBeGreaterThan(20);
  });

  it('replays every generated path through the engine on the virtual clock', async () => {
    const results = await replayPaths(obstacleSolution, { ...(graph as object), start: '2026-09-28T10:00:00+08:00' } as never);
    const failed = results.filter((r) => !r.ok).map((r) => `${r.path.description}: ${r.error}`);
    expect(failed).toEqual([]);
    expect(results.some((r) => r.final.state === 'distributed' && r.effects.some((e) => e.type === 'distributeSolution'))).toBe(true);
  });

  it('simulates two send-backs over National Day, escalation, and distribution', async () => {
    const calendar = businessCalendar({ holidays: ['CN'] });
    const clock = virtualClock('2026-09-28T10:00:00+08:00');
    const effects: { type: string; at: string; params: any }[] = [];
    const rec = (type: string) => (params: unknown, ctx: { now: number }) => void effects.push({ type, at: calendar.toLocalDate(ctx.now), params });
    const engine = createEngine({
      store: memoryStore(),
      clock,
      calendar,
      workflows: [obstacleSolution],
      effects: { remind: rec('remind'), escalateToLeadership: rec('escalate'), distributeSolution: rec('distribute') },
    });
    const id = await engine.start('obstacle-solution', input, { actor: dept });
    // Meeting due in 5 working days: 29, 30 Sep, 8, 9 Oct, and Saturday 10 Oct (a make-up working day, 调休).
    expect(calendar.toLocalDate((await engine.get(id)).timers[0]!.dueAt)).toBe('2026-10-10');
    await clock.advanceTo('2026-10-12T09:00:00+08:00');
    expect((await engine.get(id)).state).toEqual({ discussion: 'overdue' });
    expect(effects).toEqual([{ type: 'remind', at: '2026-10-10', params: { step: 'discussion', to: 'marketing' } }]);
    await engine.send(id, { type: 'MEETING_HELD', provider: 'zhongzhi' }, { actor: marketing });
    await engine.send(id, { type: 'SUBMIT_APPROACH', approach: '校园套餐 + 社团合作' }, { actor: provider });
    await engine.send(id, { type: 'REVISE_APPROACH', comment: '成本太高' }, { actor: marketing });
    expect((await engine.get(id)).context).toMatchObject({ round: 2 });
    await engine.send(id, { type: 'SUBMIT_APPROACH', approach: '社团合作' }, { actor: provider });
    const escalated = await engine.send(id, { type: 'REVISE_APPROACH', comment: '仍不可行' }, { actor: marketing });
    expect(escalated.state).toEqual({ escalated: 'onTime' });
    expect(effects.at(-1)).toMatchObject({ type: 'escalate', params: { rounds: 2, stage: 'approach' } });
    await engine.send(id, { type: 'EXTEND_ROUNDS', extraRounds: 1, comment: '再调整一次' }, { actor: leader });
    await engine.send(id, { type: 'SUBMIT_APPROACH', approach: '社团合作（精简）' }, { actor: provider });
    await engine.send(id, { type: 'ACCEPT_APPROACH' }, { actor: marketing });
    await expect(engine.send(id, { type: 'SUBMIT_SOLUTION', solution: 'x' }, { actor: { id: 'tiandao', roles: ['provider'] } })).rejects.toThrow(/Only zhongzhi/);
    await engine.send(id, { type: 'SUBMIT_SOLUTION', solution: '完整方案' }, { actor: provider });
    const done = await engine.send(id, { type: 'APPROVE_SOLUTION' }, { actor: marketing });
    expect(done.status).toBe('done');
    const ctx = done.context as ObstacleSolutionContext;
    expect(ctx.comments.map((c) => c.stage)).toEqual(['approach', 'approach', 'leadership']);
    expect(ctx.overdue).toEqual([{ step: 'discussion', round: 1, at: Date.parse('2026-10-10T10:00:00+08:00') }]);
    expect(effects.at(-1)).toMatchObject({ type: 'distribute', params: { department: '南山分局', solution: '完整方案', rounds: 3 } });
  });
});
