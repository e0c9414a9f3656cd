import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { deadline, defineWorkflow, workingDays } from '../src/index.js';
import { assertNoDeadEnds, exploreWorkflow, replayPaths, sampleEventsFor } from '../src/testing/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';

describe('docket/testing', () => {
  it('derives sample payloads from zod schemas', () => {
    const events = sampleEventsFor(reviewWorkflow);
    expect(events.map((e) => e.type)).toEqual(['SUBMIT', 'APPROVE', 'REJECT', 'WITHDRAW']);
    expect(events.find((e) => e.type === 'REJECT')).toMatchObject({ comment: expect.any(String) });
  });

  it('reaches every state of the review fixture and finds no dead end', () => {
    const report = assertNoDeadEnds(reviewWorkflow, {
      input: { title: 'x' },
      serialize: (s) => JSON.stringify(s.value),
    });
    expect(report.unreachable).toEqual([]);
    expect(report.paths.map((p) => p.state)).toEqual(expect.arrayContaining(['approved', 'withdrawn', 'escalated']));
  });

  it('reports a dead end and an unreachable state', () => {
    const broken = defineWorkflow({
      id: 'broken',
      version: 1,
      machine: setup({}).createMachine({
        initial: 'a',
        states: { a: { on: { GO: 'stuck' } }, stuck: {}, orphan: { type: 'final' } },
      }),
      input: z.object({}),
      events: { GO: z.object({}) },
    });
    const report = exploreWorkflow(broken, { input: {} });
    expect(report.unreachable).toEqual(['orphan']);
    expect(report.deadEnds.map((d) => d.state)).toEqual(['stuck']);
    expect(() => assertNoDeadEnds(broken, { input: {} })).toThrow(/orphan[\s\S]*dead end "stuck"/);
  });

  it('replays every path on the engine with real dates: a working-day deadline over National Day', async () => {
    const wf = defineWorkflow({
      id: 'ack',
      version: 1,
      machine: setup({ types: {} as { context: { n: number } }, delays: { ackDue: deadline('ackDue') } }).createMachine({
        context: { n: 0 },
        initial: 'waiting',
        states: {
          waiting: { on: { ACK: 'done' }, after: { ackDue: { target: 'late', actions: assign({ n: 1 }) } } },
          late: { on: { ACK: 'done' } },
          done: { type: 'final' },
        },
      }),
      input: z.object({}),
      events: { ACK: z.object({}) },
      deadlines: { ackDue: workingDays(2, { time: '18:00' }) },
    });
    const results = await replayPaths(wf, { input: {}, start: '2026-09-30T10:00:00+08:00', actors: { start: staff } });
    expect(results.every((r) => r.ok)).toBe(true);
    const late = results.find((r) => r.path.state === 'late')!;
    // Two working days after Wed 30 Sep: the holiday runs 1–7 Oct, Sat 10 Oct is a make-up working day.
    expect(new Date(late.steps[0]!.at).toISOString()).toBe('2026-10-09T10:00:00.000Z');
    // A timer step named by what it is, not XState's key `xstate.after.ackDue.(machine).waiting`.
    const viaLate = results.find((r) => r.path.description === 'ackDue in waiting → ACK');
    expect(viaLate?.final.status).toBe('done');
  });
});
