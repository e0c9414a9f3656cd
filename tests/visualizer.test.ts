// The visualizer's pure functions: the graph read from the machine, the elk layout, SVG, mermaid,
// the quarter timeline and sample payloads.
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { businessCalendar, defineWorkflow, workingDays } from '../src/index.js';
import { workflowCatalog } from '../src/cli/workflow-catalog.js';
import { layoutStateGraph, parseInstanceExport, quarterTimeline, renderSvg, sampleValue, stateGraph, toMermaid } from '../src/visualizer/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

const nested = defineWorkflow({
  id: 'nested',
  version: 1,
  machine: setup({ guards: { big: () => true }, delays: { legalDue: 0 } }).createMachine({
    id: 'nested',
    initial: 'draft',
    on: { CANCEL: '.cancelled' },
    states: {
      draft: { meta: { label: { 'zh-CN': '草稿', en: 'Draft' } }, on: { SUBMIT: [{ guard: { type: 'big', params: { over: 500000 } }, target: 'review' }, { target: 'done' }] } },
      review: {
        type: 'parallel',
        meta: { label: { 'zh-CN': '会审', en: 'Review' }, approval: { mode: 'all', approvers: [{ kind: 'role', role: 'legal' }] } },
        states: {
          legal: { initial: 'open', states: { open: { after: { legalDue: 'late' }, on: { OK: 'ok' } }, late: {}, ok: { type: 'final' } } },
          finance: { initial: 'open', states: { open: { on: { OK: 'ok' } }, ok: { type: 'final' } } },
        },
        onDone: 'done',
      },
      done: { type: 'final', entry: assign({}) },
      cancelled: { type: 'final' },
    },
  }),
  input: z.object({}),
  events: { SUBMIT: z.object({}), OK: z.object({}), CANCEL: z.object({}) },
  permissions: { OK: ['legal'] },
  deadlines: { legalDue: workingDays(3) },
  roles: { legal: { 'zh-CN': '法务', en: 'Legal' } },
  labels: { title: { 'zh-CN': '嵌套', en: 'Nested' } },
});

describe('stateGraph', () => {
  it('reads every state, kind, initial, deadline, role and guard from the machine', () => {
    const g = stateGraph(nested as never);
    expect(g.nodes.map((n) => n.id)).toEqual(['draft', 'review', 'review.legal', 'review.legal.open', 'review.legal.late', 'review.legal.ok', 'review.finance', 'review.finance.open', 'review.finance.ok', 'done', 'cancelled']);
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    expect(byId.get('review')?.kind).toBe('parallel');
    expect(byId.get('review.legal')?.region).toBe(true);
    expect(byId.get('draft')?.initial).toBe(true);
    expect(byId.get('review.legal.open')?.deadlines[0]?.text).toEqual({ 'zh-CN': '3个工作日', en: '3 working days' });
    expect(byId.get('review.legal.open')?.roles.map((r) => r.label.en)).toEqual(['Legal']);
    expect(byId.get('review')?.approval?.modeLabel['zh-CN']).toBe('会签');
    expect(byId.get('review')?.approval?.approvers?.en).toBe('role: Legal');
    expect(byId.get('cancelled')?.fromAnyState.map((f) => f.event)).toEqual(['CANCEL']);
    const submit = g.edges.filter((e) => e.event === 'SUBMIT');
    expect(submit.map((e) => [e.target, e.guard?.label.en ?? null])).toEqual([['review', 'big (over: 500000)'], ['done', null]]);
    expect(g.edges.find((e) => e.kind === 'after')).toMatchObject({ source: 'review.legal.open', target: 'review.legal.late', delay: 'legalDue' });
  });

  it('renders one node per state in SVG and mermaid, in one language when asked', async () => {
    const g = stateGraph(reviewWorkflow as never);
    const svg = renderSvg(await layoutStateGraph(g), { lang: 'en' });
    expect(svg.match(/class="state-node/g)).toHaveLength(g.nodes.length);
    expect(svg).not.toMatch(/class="[a-z -]*l-zh"/);
    expect(toMermaid(stateGraph(nested as never), 'en')).toMatch(/state review \{[\s\S]*--[\s\S]*\}/);
  });

  it.each(workflowCatalog().map((w) => [w.id, w] as const))('lays out %s with children inside parents and no overlapping siblings', async (_id, workflow) => {
    const g = stateGraph(workflow);
    const layout = await layoutStateGraph(g);
    for (const n of g.nodes) {
      const box = layout.nodes[n.id]!;
      expect(box, n.id).toBeDefined();
      if (n.parent) {
        const p = layout.nodes[n.parent]!;
        expect(box.x >= p.x && box.y >= p.y && box.x + box.width <= p.x + p.width + 0.5 && box.y + box.height <= p.y + p.height + 0.5, `${n.id} inside ${n.parent}`).toBe(true);
      }
    }
    const siblings = new Map<string | null, string[]>();
    for (const n of g.nodes) siblings.set(n.parent, [...(siblings.get(n.parent) ?? []), n.id]);
    for (const ids of siblings.values()) {
      for (const a of ids) for (const b of ids) {
        if (a >= b) continue;
        const p = layout.nodes[a]!;
        const q = layout.nodes[b]!;
        expect(p.x < q.x + q.width && q.x < p.x + p.width && p.y < q.y + q.height && q.y < p.y + p.height, `${a} overlaps ${b}`).toBe(false);
      }
    }
  });
});

describe('edges XState raises itself (onDone)', () => {
  // Regression: a parallel or compound state's onDone arrow was labelled with XState's own event id,
  // so bid-review's diagram on the docs site and `docket diagram --format mermaid` printed
  // "xstate.done.state.bid.open.preparing", and a user's trip workflow "xstate.done.state.trip.planning".
  const trip = defineWorkflow({
    id: 'trip',
    version: 1,
    machine: setup({}).createMachine({
      id: 'trip',
      initial: 'planning',
      states: {
        planning: {
          type: 'parallel',
          states: {
            hotel: { initial: 'searching', states: { searching: { on: { HOTEL: 'booked' } }, booked: { type: 'final' } } },
            flight: { initial: 'searching', states: { searching: { on: { FLIGHT: 'booked' } }, booked: { type: 'final' } } },
          },
          onDone: 'travelling',
        },
        travelling: { initial: 'away', states: { away: { on: { BACK: 'home' } }, home: { type: 'final' } }, onDone: 'done' },
        done: { type: 'final' },
      },
    }),
    input: z.object({}),
    events: { HOTEL: z.object({}), FLIGHT: z.object({}), BACK: z.object({}) },
  });

  it('labels a parallel and a compound onDone in words, in both languages, in the graph and in mermaid', () => {
    const graph = stateGraph(trip);
    const label = (source: string) => graph.edges.find((e) => e.source === source && e.event?.startsWith('xstate.done.state.'))?.label;
    expect(label('planning')).toEqual({ 'zh-CN': '各部分完成后', en: 'when every part is done' });
    expect(label('travelling')).toEqual({ 'zh-CN': '完成后', en: 'when done' });
    for (const lang of ['zh-CN', 'en'] as const) expect(toMermaid(graph, lang)).not.toMatch(/xstate\./);
  });

  it('no edge label of any built-in process or fixture names an XState event id', () => {
    for (const workflow of [...workflowCatalog(), nested, trip, reviewWorkflow]) {
      for (const edge of stateGraph(workflow).edges) {
        for (const lang of ['zh-CN', 'en'] as const) expect(edge.label[lang], `${workflow.id} ${edge.source} → ${edge.target}`).not.toMatch(/^xstate\.|docket\.timer/);
      }
    }
  });
});

describe('an inline guard', () => {
  // Regression: `guard: ({ context }) => …` is a function JavaScript names "guard" after its
  // property, so the arrow's condition read "guard" in the zh-CN and English diagrams alike.
  it('is labelled as a condition, in both languages, unless the workflow labels it', () => {
    const order = defineWorkflow({
      id: 'order',
      version: 1,
      machine: setup({}).createMachine({
        id: 'order',
        initial: 'open',
        context: { amount: 0 },
        states: { open: { on: { PLACE: [{ guard: ({ context }) => context.amount < 0, target: 'refused' }, { target: 'placed' }] } }, placed: { type: 'final' }, refused: { type: 'final' } },
      }),
      input: z.object({}),
      events: { PLACE: z.object({}) },
    });
    const guarded = stateGraph(order).edges.find((e) => e.target === 'refused')!;
    expect(guarded.guard?.label).toEqual({ 'zh-CN': '条件', en: 'condition' });
    expect(toMermaid(stateGraph(order), 'zh-CN')).toMatch(/open --> refused : PLACE \[条件\]/);
  });
});

describe('quarterTimeline', () => {
  it('marks 2026 Q4 holidays and the make-up day, and resolves the strategy cycle milestones', () => {
    const t = quarterTimeline(businessCalendar(), { year: 2026, quarter: 4 }, workflowCatalog());
    const days = new Map(t.months.flatMap((m) => m.days).map((d) => [d.date, d]));
    expect(days.get('2026-10-10')).toMatchObject({ working: true, kind: 'makeup-workday' });
    for (let d = 1; d <= 7; d++) expect(days.get(`2026-10-0${d}`)?.kind).toBe('holiday');
    const kickoff = t.milestones.find((m) => m.workflow === 'strategy-cycle' && m.deadline === 'kickoff');
    if (kickoff) expect(kickoff).toMatchObject({ date: '2026-10-08', nominalDate: '2026-10-01', rolled: true });
  });
});

describe('sampleValue and parseInstanceExport', () => {
  it('builds valid samples from schemas', () => {
    const schema = z.object({ title: z.string().min(1), n: z.number().int().min(3), on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), q: z.object({ year: z.number(), quarter: z.number() }), note: z.string().optional(), kind: z.enum(['a', 'b']) });
    const value = sampleValue(schema, { date: '2026-11-02' });
    expect(schema.safeParse(value).success).toBe(true);
    expect(value).toEqual({ title: 'demo', n: 3, on: '2026-11-02', q: { year: 2026, quarter: 4 }, kind: 'a' });
  });

  it('refuses a file that is not an export, saying how to make one', () => {
    expect(() => parseInstanceExport({ hello: 1 })).toThrow(/docket export <db> <id>/);
  });
});
