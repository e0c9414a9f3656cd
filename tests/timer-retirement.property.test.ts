import fc from 'fast-check';
import { assign, setup, type AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, isDocketError, memoryStore, virtualClock, type FiredTimer, type RetiredTimer } from '../src/index.js';
import { leaveStaleTimer } from './helpers/stale-timers.js';

// Property of the retirement of timers an older Docket left pending in states no longer active
// (tests/timer-retirement.test.ts has the cases): random machines (nested and parallel states with
// `after`, `always`, events to any state) and random histories of events and waits, with such timers
// written into the store between the acts as that Docket wrote them. After every delivery nothing
// due is left pending (a timer left pending was handed back at every lease, forever); at the end
// every pending timer belongs to an active state and the chain verifies; no timer fires twice, none
// of those left behind fires at all, each is retired at most once, and nothing else is retired.

const START = Date.parse('2026-11-02T09:00:00+08:00');
const someone = { id: 'li', roles: ['staff'] };
const admin = { id: 'feng', roles: ['admin'] };

const ROOT = ['s0', 's1', 's2', 'p'] as const;
const REGIONS = { r1: ['a', 'b'], r2: ['c', 'd'] } as const;
const ALL = ['s0', 's1', 's2', 'p', 'p.r1', 'p.r1.a', 'p.r1.b', 'p.r2', 'p.r2.c', 'p.r2.d'] as const;
const TARGETS = ['s0', 's1', 's2', 'p', 'p.r1.a', 'p.r1.b', 'p.r2.c', 'p.r2.d'] as const;
const DELAYS = [20_000, 45_000, 60_000];

interface NodeSpec {
  readonly after?: { readonly delay: number; readonly target: string | null };
  readonly always?: { readonly flag: 'f' | 'g'; readonly to: number };
  readonly e1?: string;
  readonly e2?: string;
}
const nodeSpec: fc.Arbitrary<NodeSpec> = fc.record(
  {
    // A targetless `after` (null) fires without leaving its state.
    after: fc.record({ delay: fc.constantFrom(...DELAYS), target: fc.option(fc.constantFrom(...TARGETS), { nil: null }) }),
    always: fc.record({ flag: fc.constantFrom('f' as const, 'g' as const), to: fc.nat(3) }),
    e1: fc.constantFrom(...TARGETS),
    e2: fc.constantFrom(...TARGETS),
  },
  { requiredKeys: [] },
);
const machineSpec = fc.record(Object.fromEntries(ALL.map((path) => [path, nodeSpec])) as Record<string, typeof nodeSpec>);

/** `always` only moves to a later sibling, so eventless steps always end; every firing is counted. */
function buildMachine(spec: Record<string, NodeSpec>): AnyStateMachine {
  const node = (path: string, siblings: readonly string[] | undefined, extra: Record<string, unknown> = {}) => {
    const s = spec[path] ?? {};
    const out: Record<string, unknown> = { ...extra };
    if (s.after) out.after = { [s.after.delay]: { target: s.after.target === null ? undefined : `#m.${s.after.target}`, actions: 'tick' } };
    const on: Record<string, unknown> = {};
    if (s.e1) on.E1 = { target: `#m.${s.e1}` };
    if (s.e2) on.E2 = { target: `#m.${s.e2}` };
    out.on = on;
    if (s.always && siblings) {
      const later = siblings.slice(siblings.indexOf(path.split('.').pop()!) + 1);
      if (later.length > 0) {
        const prefix = path.includes('.') ? path.slice(0, path.lastIndexOf('.') + 1) : '';
        out.always = { guard: s.always.flag, target: `#m.${prefix}${later[s.always.to % later.length]}` };
      }
    }
    return out;
  };
  const regions: Record<string, unknown> = {};
  for (const [name, kids] of Object.entries(REGIONS)) {
    regions[name] = node(`p.${name}`, undefined, { initial: kids[0], states: Object.fromEntries(kids.map((k) => [k, node(`p.${name}.${k}`, kids)])) });
  }
  const states: Record<string, unknown> = {};
  for (const name of ROOT) states[name] = name === 'p' ? node('p', ROOT, { type: 'parallel', states: regions }) : node(name, ROOT);
  return setup({
    types: {} as { context: { f: boolean; g: boolean; ticks: number }; events: { type: 'E1' | 'E2' | 'F' | 'G' } },
    guards: { f: ({ context }) => context.f, g: ({ context }) => context.g },
    actions: { tick: assign({ ticks: ({ context }) => context.ticks + 1 }) },
  }).createMachine({
    id: 'm',
    context: { f: false, g: false, ticks: 0 },
    initial: 's0',
    on: { F: { actions: assign({ f: ({ context }) => !context.f }) }, G: { actions: assign({ g: ({ context }) => !context.g }) } },
    states: states as never,
  }) as unknown as AnyStateMachine;
}

type Act =
  | { readonly type: 'E1' | 'E2' | 'F' | 'G' }
  | { readonly type: 'WAIT'; readonly ms: number }
  /** Leave a timer of state ALL[node] pending, due `offset` ms from now (past due too), if that state has one and is not active. */
  | { readonly type: 'STALE'; readonly node: number; readonly offset: number };
const actArb: fc.Arbitrary<Act> = fc.oneof(
  fc.constantFrom<Act>({ type: 'E1' }, { type: 'E2' }, { type: 'F' }, { type: 'G' }),
  fc.integer({ min: 1000, max: 65_000 }).map((ms): Act => ({ type: 'WAIT', ms })),
  fc.record({ node: fc.nat(ALL.length - 1), offset: fc.integer({ min: -30_000, max: 90_000 }) }).map((s): Act => ({ type: 'STALE', ...s })),
);

/** The state a timer key names (`xstate.after.<delay>.m.<path>`; ids here are XState's defaults). */
const ownerOf = (key: string) => /^xstate\.after\.\d+\.m\.(.+)$/.exec(key)?.[1];

const POOL = fc.sample(machineSpec, { numRuns: 60, seed: 23 });

function poolEngine(index: number) {
  const store = memoryStore();
  const machine = buildMachine(POOL[index] as Record<string, NodeSpec>);
  const wf = defineWorkflow({ id: 'm', version: 1, machine, input: z.object({}), events: { E1: z.object({}), E2: z.object({}), F: z.object({}), G: z.object({}) } });
  const clock = virtualClock(START);
  const engine = createEngine({ store, clock, workflows: [wf] });
  const fired: FiredTimer[] = [];
  const retired: RetiredTimer[] = [];
  const errors: unknown[] = [];
  engine.on('timer.fired', (t) => fired.push(t));
  engine.on('timer.retired', (t) => retired.push(t));
  engine.on('error', (e) => errors.push(e));
  return { store, spec: POOL[index] as Record<string, NodeSpec>, clock, engine, fired, retired, errors };
}

describe('property: timers left pending in states no longer active are retired, once', () => {
  it('after every delivery nothing due is pending; at the end every pending timer belongs to an active state and the chain verifies; no timer fires twice, none left behind fires, each is retired at most once and nothing else is', async () => {
    const engines = new Map<number, ReturnType<typeof poolEngine>>();
    let injected = 0;
    let retiredTotal = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(POOL.length - 1), fc.array(actArb, { minLength: 1, maxLength: 14 }), async (index, acts) => {
        let pooled = engines.get(index);
        if (!pooled) engines.set(index, (pooled = poolEngine(index)));
        const { store, spec, clock, engine, fired, retired, errors } = pooled;
        fired.length = 0;
        retired.length = 0;
        errors.length = 0;
        const id = await engine.start('m', {}, { actor: someone });
        const stale = new Map<string, number>();
        for (const act of acts) {
          if (act.type === 'STALE') {
            const path = ALL[act.node]!;
            const after = spec[path]?.after;
            const record = await engine.record(id);
            const key = after && `xstate.after.${after.delay}.m.${path}`;
            if (!key || record.statePaths.includes(path) || record.timers.some((t) => t.key === key)) continue;
            const commit = await leaveStaleTimer(store, id, { key, name: String(after.delay), dueAt: clock.now() + act.offset }, someone, clock.now());
            const timer = commit.addTimers[0]!;
            stale.set(timer.id, timer.dueAt);
            injected++;
          } else if (act.type === 'WAIT') {
            await clock.advanceBy(act.ms);
            // Delivered: nothing due is left pending, so nothing is handed back at the next lease.
            const now = clock.now();
            expect((await store.timers(id)).filter((t) => t.dueAt <= now)).toEqual([]);
            expect(await store.nextTimerDue().then((due) => due === undefined || due > now)).toBe(true);
          } else {
            await engine.send(id, { type: act.type }, { actor: someone }).catch((e) => {
              if (!isDocketError(e, 'EVENT_NOT_ACCEPTED')) throw e;
            });
          }
        }
        // Past every due instant (a timer with a delay re-arms, so pending timers remain: those are live).
        await clock.advanceBy(90_000 + Math.max(...DELAYS));
        const record = await engine.record(id);
        for (const t of await store.timers(id)) expect(record.statePaths, `${t.key} pending in ${JSON.stringify(record.state)}`).toContain(ownerOf(t.key));
        expect(record.timers.map((t) => t.id).sort()).toEqual((await store.timers(id)).map((t) => t.id).sort());
        const report = await engine.verify(id);
        expect([report.ok, report.problems]).toEqual([true, []]);

        const mine = <T extends { instanceId: string }>(list: readonly T[]) => list.filter((t) => t.instanceId === id);
        const firedIds = mine(fired).map((f) => f.timerId);
        expect(new Set(firedIds).size).toBe(firedIds.length);
        expect(firedIds.filter((f) => stale.has(f))).toEqual([]);
        const retiredIds = mine(retired).map((t) => t.timerId!);
        expect(new Set(retiredIds).size).toBe(retiredIds.length);
        expect(retiredIds.filter((r) => !stale.has(r))).toEqual([]);
        retiredTotal += retiredIds.length;
        // The history says the same: one timer entry per firing, one naming per retirement.
        const history = await engine.store.history(id);
        expect(history.filter((e) => e.kind === 'timer')).toHaveLength(firedIds.length);
        expect(history.flatMap((e) => (e.retiredTimers ?? []).map((t) => t.id)).sort()).toEqual([...retiredIds].sort());
        expect(errors).toEqual([]);
        // Its timers must not fire in the next run on this machine.
        await engine.terminate(id, { actor: admin, reason: 'run over' });
      }),
      { numRuns: 400 },
    );
    // The runs did leave timers behind, and most of them were retired (the others were replaced by
    // their state's own timer when it was entered again, or cancelled by the end of the instance).
    expect(injected).toBeGreaterThan(200);
    expect(retiredTotal).toBeGreaterThan(injected / 3);
    for (const { engine } of engines.values()) await engine.close();
  }, 300_000);
});
