// `docket simulate <process>` drives every documented process to its real end. Regressions: the
// auto-pilot never offered events the machine's root handles without a target (promotion-phases'
// REPORT_METRICS), so SIGN_OFF's gate never passed and nothing happened after the start; it filled
// the provider chosen at obstacle-solution's meeting with sample text, so SUBMIT_APPROACH was
// FORBIDDEN for everyone; strategy-cycle's surveys were submitted for no known provider and the
// integrator (yamei) was never a simulated person, so it ended escalated; bid-review's sample input
// failed its own refinement, and once started, ABANDON (an arrow from `open`) was ranked as an event
// that keeps the bid open, first of all.
import fc from 'fast-check';
import { setup, assign } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineWorkflow, type AnyWorkflow } from '../src/index.js';
import { simulateCommand } from '../src/cli/command-simulate.js';
import { demoPeople, namedPeople, payloadCandidates, personRoleOf, rankedEvents, situationKey } from '../src/cli/auto-pilot.js';
import { stateGraph } from '../src/visualizer/state-graph.js';
import { sampleValue } from '../src/visualizer/sample-value.js';
import { bidReview, contractApproval, expenseReimbursement, obstacleSolution, promotionPhases, strategyCycle } from '../machines/index.js';

type Entry = { kind: string; actor: string; event: string };
type Result = { status: string; state: unknown; history: Entry[] };

/** `docket simulate <workflow> --from 2026-11-02 --to <to> --json`, in-process: its parsed result. */
async function simulate(workflow: AnyWorkflow, to = '2027-06-30', extra: AnyWorkflow[] = []): Promise<Result> {
  let out = '';
  const io = { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true }, env: {}, now: () => Date.parse('2026-11-02T01:00:00Z') };
  const code = await simulateCommand({ io, lang: 'en', json: true, workflows: [workflow, ...extra], tz: 'Asia/Shanghai', onMissingYear: 'statutory' }, workflow.id, { from: '2026-11-02', to });
  expect(code).toBe(0);
  return JSON.parse(out) as Result;
}

const sent = (r: Result) => r.history.filter((e) => e.kind === 'event');

describe('docket simulate reaches each documented process\'s real end', () => {
  const ends: [AnyWorkflow, unknown][] = [
    [bidReview, 'won'],
    [contractApproval, 'closed'],
    [expenseReimbursement, 'paid'],
    [obstacleSolution, 'distributed'],
    [strategyCycle, 'released'],
    [promotionPhases, { phase: 'steady', offices: 'complete', website: 'steady' }],
  ];
  // By id: vitest would format the workflow object itself into the test name.
  it.each(ends.map(([w, end]) => [w.id, end] as const))('%s', async (id, end) => {
    const workflow = ends.find(([w]) => w.id === id)![0];
    const result = await simulate(workflow as AnyWorkflow);
    expect([result.status, result.state]).toEqual(['done', end]);
    // Each event was sent by a person the workflow permits (roles of the simulated or named people).
    const permissions = (workflow as AnyWorkflow).permissions as Record<string, readonly string[] | undefined>;
    const people = [...demoPeople(workflow as AnyWorkflow)];
    for (const e of sent(result)) {
      const allowed = permissions[e.event];
      if (!allowed || people.every((p) => p.id !== e.actor)) continue;
      expect(people.find((p) => p.id === e.actor)!.roles.some((r) => allowed.includes(r)), `${e.event} by ${e.actor}`).toBe(true);
    }
    expect(sent(result).map((e) => e.event)).not.toContain('WITHDRAW');
  });

  it('obstacle-solution: the provider chosen at the meeting is a simulated person, and that person submits', async () => {
    const result = await simulate(obstacleSolution);
    const submitters = new Set(sent(result).filter((e) => e.event === 'SUBMIT_APPROACH' || e.event === 'SUBMIT_SOLUTION').map((e) => e.actor));
    expect([...submitters]).toEqual(['lead']);
    expect(sent(result).map((e) => e.event)).toEqual(['MEETING_HELD', 'SUBMIT_APPROACH', 'ACCEPT_APPROACH', 'SUBMIT_SOLUTION', 'APPROVE_SOLUTION']);
  });

  it('strategy-cycle: every provider\'s survey and segment, then the integrator submits the draft; no escalation', async () => {
    const result = await simulate(strategyCycle);
    const events = sent(result);
    expect(events.filter((e) => e.event === 'SUBMIT_SURVEY')).toHaveLength(4);
    expect(events.filter((e) => e.event === 'SUBMIT_SEGMENT')).toHaveLength(4);
    expect(events.find((e) => e.event === 'SUBMIT_DRAFT')?.actor).toBe('yamei');
    expect(JSON.stringify(result.history)).not.toMatch(/escalat/i);
  });

  it('promotion-phases within the default 90 days: offices and website done, the game phase waiting for its steady-operation date', async () => {
    const result = await simulate(promotionPhases, '2027-01-31');
    expect(result).toMatchObject({ status: 'active', state: { phase: { openBeta: 'settling' }, offices: 'complete', website: 'steady' } });
    // A report that changes nothing is not sent again day after day.
    const reports = sent(result).filter((e) => e.event === 'REPORT_METRICS');
    expect(reports.length).toBeLessThanOrEqual(4);
  });
});

describe('what the auto-pilot reads from a workflow', () => {
  it('offers the events the root handles without a target, last', () => {
    const graph = stateGraph(promotionPhases);
    expect(rankedEvents(promotionPhases, graph, { phase: 'closedBeta', offices: 'coreProvinces', website: 'planning' })).toEqual(['SIGN_OFF', 'REPORT_METRICS']);
  });

  it('ranks an arrow out of a parent by where it leads, not as an event that stays (bid-review ABANDON)', () => {
    const ranked = rankedEvents(bidReview, stateGraph(bidReview), { open: { preparing: { technical: 'drafting', commercial: 'drafting' } } });
    expect(ranked.indexOf('TECHNICAL_READY')).toBeLessThan(ranked.indexOf('ABANDON'));
  });

  it('property: ranking with one graph asked at every step is the ranking a fresh graph gives (its distances are computed once per graph)', () => {
    const machines: AnyWorkflow[] = [bidReview, contractApproval, expenseReimbursement, obstacleSolution, promotionPhases, strategyCycle];
    const shared = machines.map((w) => stateGraph(w));
    // A state value with the given states active (a dotted id `a.b.c` is { a: { b: 'c' } }).
    const valueOf = (ids: readonly string[]): unknown => {
      const root: Record<string, unknown> = {};
      for (const id of ids) {
        const parts = id.split('.');
        let at = root;
        parts.forEach((part, i) => {
          if (i === parts.length - 1) {
            if (!(part in at)) at[part] = {};
          } else {
            if (typeof at[part] !== 'object' || at[part] === null) at[part] = {};
            at = at[part] as Record<string, unknown>;
          }
        });
      }
      return root;
    };
    const step = fc.integer({ min: 0, max: machines.length - 1 }).chain((m) =>
      fc.subarray(shared[m]!.nodes.map((n) => n.id), { minLength: 1, maxLength: 3 }).map((ids) => ({ m, state: valueOf(ids) })),
    );
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        for (const { m, state } of steps) {
          const w = machines[m]!;
          expect(rankedEvents(w, shared[m]!, state)).toEqual(rankedEvents(w, stateGraph(w), state));
        }
      }),
      { numRuns: 60 },
    );
    // The shared graph, after all those rankings, still ranks bid-review's way on before abandoning it.
    const ranked = rankedEvents(bidReview, shared[0]!, { open: { preparing: { technical: 'drafting', commercial: 'drafting' } } });
    expect(ranked.indexOf('TECHNICAL_READY')).toBeLessThan(ranked.indexOf('ABANDON'));
  });

  it('one situation key for an attempt and for the check after it: the state and who holds which task, in any order', () => {
    const tasks = [{ id: 't2', assignees: ['lead'] }, { id: 't1', assignees: ['director', 'lead'] }];
    expect(situationKey({ review: 'legal' }, tasks)).toBe(JSON.stringify([{ review: 'legal' }, ['t1:director+lead', 't2:lead']]));
    const task = fc.record({ id: fc.constantFrom('t1', 't2', 't3', 't4'), assignees: fc.uniqueArray(fc.constantFrom('demo', 'lead', 'director'), { minLength: 1 }) });
    const state = fc.constantFrom<unknown>('draft', 'closed', { review: 'legal' }, { review: 'finance' });
    fc.assert(
      fc.property(state, fc.uniqueArray(task, { selector: (t) => t.id, maxLength: 4 }), fc.nat(), (value, list, seed) => {
        const shuffled = [...list].sort((a, b) => ((a.id.charCodeAt(1) * (seed + 1)) % 7) - ((b.id.charCodeAt(1) * (seed + 1)) % 7));
        expect(situationKey(value, shuffled)).toBe(situationKey(value, list));
        if (list.length > 0) {
          // A task handed to someone else is a new situation (its approval may now go through).
          const moved = list.map((t, i) => (i === 0 ? { ...t, assignees: [...t.assignees, 'yamei'] } : t));
          expect(situationKey(value, moved)).not.toBe(situationKey(value, list));
        }
        expect(situationKey('elsewhere', list)).not.toBe(situationKey(value, list));
      }),
    );
  });

  it('reads person fields (`.meta({ person: role })`) through optional, default and array wrappers', () => {
    expect(personRoleOf(z.string().meta({ person: 'provider' }))).toBe('provider');
    expect(personRoleOf(z.string().meta({ person: 'provider' }).default('yamei'))).toBe('provider');
    expect(personRoleOf(z.array(z.string().meta({ person: 'provider' })).min(1))).toBe('provider');
    expect(personRoleOf(z.string())).toBeUndefined();
    expect(namedPeople(strategyCycle, strategyCycle.input.parse({ planQuarter: { year: 2027, quarter: 1 } })).map((p) => [p.id, p.roles])).toEqual([
      ['zhongzhi', ['provider']], ['tiandao', ['provider']], ['bozhida', ['provider']], ['yamei', ['provider']],
    ]);
  });

  it('fills a person field with simulated holders of its role, others before the initiator, never sample text', () => {
    const candidates = payloadCandidates(obstacleSolution, 'MEETING_HELD', '2026-12-01', demoPeople(obstacleSolution));
    expect(candidates.map((c) => c['provider'])).toEqual(['lead', 'director']);
  });

  it('a refined string gets a value its refinement accepts (bid-review submission deadline)', () => {
    const input = sampleValue(bidReview.input, { date: '2026-12-02' }) as Record<string, unknown>;
    expect(bidReview.input.safeParse(input).success).toBe(true);
    expect(input['submissionDeadline']).toBe('2026-12-02T09:00:00+08:00');
  });

  it('property: a chain of steps under a parent with a side exit, a data gate fed by a root event, and a person who must act ends at its real end', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 4 }), fc.boolean(), async (steps, gateAt, person) => {
        const gate = gateAt < steps ? gateAt : -1;
        const states: Record<string, unknown> = {};
        for (let i = 0; i < steps; i++) {
          const next = i + 1 < steps ? `s${i + 1}` : '#chain.done';
          states[`s${i}`] = { on: { [`STEP${i}`]: i === gate ? { guard: 'reported', target: next } : next } };
        }
        const machine = setup({ guards: { reported: ({ context }) => (context as { reported: boolean }).reported } }).createMachine({
          id: 'chain',
          context: { reported: false, owner: '' },
          initial: 'open',
          on: { REPORT: { actions: assign({ reported: true }) } },
          states: {
            open: {
              initial: 'pick',
              on: { GIVE_UP: '#chain.abandoned' },
              states: { pick: { on: { PICK: { target: 's0', actions: assign({ owner: ({ event }) => (event as unknown as { owner: string }).owner }) } } }, ...states },
            },
            done: { type: 'final' },
            abandoned: { type: 'final' },
          },
        } as never);
        const events: Record<string, z.ZodType> = {
          REPORT: z.object({ done: z.boolean() }).meta({ examples: [{ done: true }] }),
          PICK: z.object({ owner: person ? z.string().meta({ person: 'worker' }) : z.string() }),
          GIVE_UP: z.object({}),
        };
        for (let i = 0; i < steps; i++) events[`STEP${i}`] = z.object({});
        const chain = defineWorkflow({
          id: 'chain', version: 1, machine, input: z.object({}), events,
          permissions: { start: ['requester'], GIVE_UP: ['requester'], ...Object.fromEntries(Array.from({ length: steps }, (_, i) => [`STEP${i}`, ['worker']])) },
          roles: { requester: { 'zh-CN': '申请人', en: 'Requester' }, worker: { 'zh-CN': '经办', en: 'Worker' } },
          ...(person ? { authorize: ({ actor, event, snapshot }: { actor: { id: string }; event: { type: string }; snapshot: { context: unknown } }) => !/^STEP/.test(event.type) || (snapshot.context as { owner: string }).owner === actor.id || `only the owner acts` } : {}),
        } as never) as AnyWorkflow;
        const result = await simulate(chain, '2026-12-31');
        expect([result.status, result.state]).toEqual(['done', 'done']);
      }),
      { numRuns: 25 },
    );
  });
});
