// Path generation offered a state's `after` timer whenever the state node had one, pending or not. A
// targetless `after` (an approval deadline's 超时升级 stays in its step; a reminder that only counts)
// fires once per entry on the engine, but the explorer fired it again and again: a 超时升级 step checked
// with { input, directory } ran into EXPLORATION_LIMIT, paths fired a timer the engine never armed again
// (replayPaths: "timer … was not armed"), and a state stuck after its last timer fired was listed as
// waiting on it instead of as a dead end. The explorer now keeps each state's pending timers by the
// engine's rule (timersAfterStep: raises and cancels in order, a fired timer gone, live states only).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { approvalStep, defineWorkflow, staticDirectory, users, withApprovals, workingDays, type ApprovalContext, type ApprovalEvent } from '../src/index.js';
import { assertNoDeadEnds, exploreWorkflow, replayPaths } from '../src/testing/index.js';

const capped = (s: { value: unknown; context: unknown }) => JSON.stringify([s.value, Math.min((s.context as { n: number }).n, 3)]);

function counter(after: Record<string, unknown>, on: Record<string, unknown> = {}) {
  return defineWorkflow({
    id: 'timers',
    version: 1,
    input: z.object({}),
    events: { GO: z.object({}) },
    machine: setup({ types: {} as { context: { n: number } }, actions: { count: assign({ n: ({ context }) => context.n + 1 }) } }).createMachine({
      context: { n: 0 },
      initial: 'wait',
      states: { wait: { after: after as never, on: on as never }, end: { type: 'final' } },
    }) as never,
  });
}

describe('a timer is offered only while it is pending', () => {
  it('a targetless after fires once: the state after it is a dead end, not a state waiting on the timer', async () => {
    const wf = counter({ 1000: { actions: 'count' } });
    const report = exploreWorkflow(wf, { input: {}, serialize: capped });
    expect(report.paths.map((p) => p.description)).toEqual(['(initial state)', 'after 1s in wait']);
    expect(report.deadEnds.map((d) => [d.state, d.path.description])).toEqual([['wait', 'after 1s in wait']]);
    const replayed = await replayPaths(wf, { input: {}, serialize: capped });
    expect(replayed.filter((r) => !r.ok).map((r) => r.error)).toEqual([]);
  });

  it('a timer re-armed by re-entering its state is offered again', async () => {
    const wf = counter({ 1000: { target: 'wait', reenter: true, actions: 'count' } }, { GO: 'end' });
    const report = assertNoDeadEnds(wf, { input: {}, serialize: capped });
    expect(report.paths.map((p) => p.description)).toContain('after 1s in wait → after 1s in wait → after 1s in wait');
    expect((await replayPaths(wf, { input: {}, serialize: capped })).filter((r) => !r.ok)).toEqual([]);
  });

  it('超时升级: a step whose deadline escalates is checked with { input, directory } alone (it ran into EXPLORATION_LIMIT)', async () => {
    const directory = staticDirectory({ users: [{ id: 'li', roles: [] }, { id: 'zhao', roles: [] }, { id: 'sun', roles: ['finance'] }, { id: 'wu', roles: ['finance'] }] });
    const approvals = withApprovals({ deadlines: { due: workingDays(2) } });
    const machine = setup({ types: {} as { context: ApprovalContext; events: ApprovalEvent }, actions: approvals.actions, guards: approvals.guards, delays: approvals.delays }).createMachine({
      context: ({ input }) => approvals.context(input),
      initial: 'legal',
      states: {
        legal: approvalStep({ id: 'legal', mode: 'all', approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'escalate', role: 'finance' } }, onApproved: 'approved', onRejected: 'rejected' }),
        approved: { type: 'final' },
        rejected: { type: 'final' },
      },
    });
    const wf = approvals.defineWorkflow({ id: 'escalate', version: 1, machine, input: z.object({}) });
    const report = assertNoDeadEnds(wf, { input: {}, directory, limit: 2000 });
    // The deadline fires once per entry: no path takes it twice.
    expect(report.paths.filter((p) => p.steps.filter((s) => s.event.type.startsWith('xstate.after.')).length > 1)).toEqual([]);
    expect(report.paths.some((p) => p.description === 'due in legal → APPROVE' && p.state === 'approved')).toBe(true);
    expect((await replayPaths(wf, { input: {}, directory })).filter((r) => !r.ok).map((r) => r.error)).toEqual([]);
  });
});

describe('property: the explorer\'s timers are the engine\'s', () => {
  type Kind = 'none' | 'targetless' | 'next' | 'reenter';
  const stateArb = fc.record({ after: fc.constantFrom<Kind>('none', 'targetless', 'next', 'reenter'), go: fc.boolean() });

  it('every generated path replays on the engine, and a dead end has no timer pending there', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stateArb, { minLength: 1, maxLength: 3 }), async (specs) => {
        const states: Record<string, object> = { end: { type: 'final' } };
        specs.forEach((spec, i) => {
          const next = i + 1 < specs.length ? `s${i + 1}` : 'end';
          const after = spec.after === 'none' ? {} : { after: { [1000 * (i + 1)]: spec.after === 'targetless' ? { actions: 'count' } : spec.after === 'next' ? { target: next } : { target: `s${i}`, reenter: true, actions: 'count' } } };
          states[`s${i}`] = { ...after, ...(spec.go ? { on: { GO: next } } : {}) };
        });
        const wf = defineWorkflow({
          id: 'random-timers',
          version: 1,
          input: z.object({}),
          events: { GO: z.object({}) },
          machine: setup({ types: {} as { context: { n: number } }, actions: { count: assign({ n: ({ context }) => context.n + 1 }) } }).createMachine({ context: { n: 0 }, initial: 's0', states } as never) as never,
        });
        const report = exploreWorkflow(wf, { input: {}, serialize: capped });
        const replayed = await replayPaths(wf, { input: {}, serialize: capped });
        expect(replayed.filter((r) => !r.ok).map((r) => `${r.path.description}: ${r.error}`)).toEqual([]);
        for (const dead of report.deadEnds) {
          const replay = replayed.find((r) => r.path.description === dead.path.description)!;
          expect([dead.path.description, replay.final.timers]).toEqual([dead.path.description, []]);
        }
        // Any other unfinished path ends where the engine can still move: a timer pending, or GO taken.
        for (const r of replayed) {
          // (A dead end is listed once per state value, by its shortest path.)
          if (r.final.status !== 'active' || report.deadEnds.some((d) => JSON.stringify(d.state) === JSON.stringify(r.final.state))) continue;
          const spec = specs[Number(String(r.final.state).slice(1))]!;
          expect([r.path.description, r.final.timers.length > 0 || spec.go]).toEqual([r.path.description, true]);
        }
      }),
      { numRuns: 40 },
    );
  });
});
