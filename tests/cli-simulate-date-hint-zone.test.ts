// Regression: `docket simulate`'s auto-pilot fills a date field of an event with the simulated day
// plus 30 days, computed as `DateTime.fromISO(localDate).plus({ days: 30 })`: in the process's own
// zone (or luxon's Settings.defaultZone). The simulated day is a Shanghai date, so the zone has no
// say, but where the machine's zone skipped the day (TZ=Pacific/Apia skipped 2011-12-30) luxon moved
// it to the next one: from 2011-12-30 the hint was 2012-01-30, on any other machine 2012-01-29, and a
// workflow whose path depends on the date ran another way. The hint is day arithmetic now.
import { setup } from 'xstate';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { defineWorkflow, type AnyWorkflow } from '../src/index.js';
import { simulateCommand } from '../src/cli/command-simulate.js';

const savedTz = process.env.TZ;
afterEach(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

/** A workflow whose one event carries a date: it ends in `onTime` for 2012-01-29 and in `other` for any other date. */
const dated = defineWorkflow({
  id: 'dated',
  version: 1,
  machine: setup({}).createMachine({
    id: 'dated',
    initial: 'open',
    states: {
      open: {
        on: {
          PLAN: [{ guard: ({ event }: { event: unknown }) => (event as { due: string }).due === '2012-01-29', target: 'onTime' }, { target: 'other' }],
        },
      },
      onTime: { type: 'final' },
      other: { type: 'final' },
    },
  } as never),
  input: z.object({}),
  events: { PLAN: z.object({ due: z.iso.date() }) },
  permissions: { start: ['planner'], PLAN: ['planner'] },
  roles: { planner: { 'zh-CN': '计划员', en: 'Planner' } },
} as never) as AnyWorkflow;

async function simulateFrom(from: string): Promise<{ status: string; state: unknown }> {
  let out = '';
  const io = { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true }, env: {}, now: () => Date.parse('2026-11-02T01:00:00Z') };
  const code = await simulateCommand({ io, lang: 'en', json: true, workflows: [dated], tz: 'Asia/Shanghai', onMissingYear: 'statutory' }, 'dated', { from, to: '2012-01-10' });
  expect(code, out).toBe(0);
  return JSON.parse(out) as { status: string; state: unknown };
}

describe("simulate's sample dates do not depend on the machine's zone", () => {
  it('from 2011-12-30 the hint is 2012-01-29 on every machine, Pacific/Apia (which skipped that day) too', async () => {
    const seen: Record<string, unknown> = {};
    for (const machine of ['UTC', 'Asia/Shanghai', 'America/New_York', 'Pacific/Apia']) {
      process.env.TZ = machine;
      const r = await simulateFrom('2011-12-30');
      seen[machine] = [r.status, r.state];
    }
    expect(seen).toEqual({ UTC: ['done', 'onTime'], 'Asia/Shanghai': ['done', 'onTime'], 'America/New_York': ['done', 'onTime'], 'Pacific/Apia': ['done', 'onTime'] });
  });
});
