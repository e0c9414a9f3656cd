// Property of the kind "a timer is shown by its raw XState delay key or bare delay instead of by what
// it is": for random machines with nested `after` delays (numeric and named), run on the engine until
// every timer has fired, no output a person or an operator reads — the instance views, 'timer.fired',
// the history entries, the logger's lines, the OpenTelemetry span, the CLI's text in both languages,
// the visualizer's wording, the instance export — names a timer by `xstate.after.…` or by its bare
// delay in ms, and each names the state whose `after` armed it (known here from how the machine was built).
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { setup, type AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, deadline, defineWorkflow, duration, memoryStore, virtualClock, type DocketLogger, type HistoryEntry } from '../src/index.js';
import { docketTelemetry } from '../src/observe/otel.js';
import { eventLabelOf, timerText as cliTimerText } from '../src/cli/format-text.js';
import { exportInstance } from '../src/cli/export-instance.js';
import { stateGraph, timerText } from '../src/visualizer/index.js';

/** A state of the generated machine: its own delay (numeric, or named with a duration rule) and its children. */
interface GenNode {
  readonly delay: number | undefined;
  readonly named: boolean;
  readonly children: readonly GenNode[];
}

// Letters only: a state key must not itself contain a delay's digits.
const KEYS = ['alpha', 'beta', 'gamma'];
const delayArb = fc.option(fc.integer({ min: 1000, max: 10 * 86_400_000 }), { nil: undefined });
// A leaf always waits on a timer of its own, so every run ends.
const leaf = fc.record({ delay: fc.integer({ min: 1000, max: 10 * 86_400_000 }), named: fc.boolean(), children: fc.constant([] as GenNode[]) });
const mid = fc.oneof(leaf, fc.record({ delay: delayArb, named: fc.boolean(), children: fc.array(leaf, { minLength: 1, maxLength: 2 }) }));
const top = fc.oneof(leaf, fc.record({ delay: delayArb, named: fc.boolean(), children: fc.array(mid, { minLength: 1, maxLength: 2 }) }));
const treeArb = fc.array(top, { minLength: 1, maxLength: 3 });

interface Built {
  readonly workflow: ReturnType<typeof defineWorkflow>;
  /** XState's delay event of each `after` → the dotted path of the state that arms it. */
  readonly owners: ReadonlyMap<string, string>;
  /** Each delay's name → the paths whose `after` uses it. */
  readonly pathsByName: ReadonlyMap<string, readonly string[]>;
  readonly delays: readonly number[];
}

/** A machine whose every `after` leads forward (to the next state in document order, or `end`): it always finishes. */
function build(tree: readonly GenNode[], run: number): Built {
  const order: { path: string; node: GenNode; last: number }[] = [];
  const walk = (nodes: readonly GenNode[], prefix: string[]) =>
    nodes.forEach((node, i) => {
      const path = [...prefix, KEYS[i]!];
      const entry = { path: path.join('.'), node, last: 0 };
      order.push(entry);
      walk(node.children, path);
      entry.last = order.length - 1;
    });
  walk(tree, []);
  const owners = new Map<string, string>();
  const pathsByName = new Map<string, string[]>();
  const deadlines: Record<string, ReturnType<typeof duration>> = {};
  const delays: Record<string, ReturnType<typeof deadline>> = {};
  const config = (nodes: readonly GenNode[], prefix: string[]): Record<string, unknown> =>
    Object.fromEntries(
      nodes.map((node, i) => {
        const path = [...prefix, KEYS[i]!];
        const at = order.findIndex((o) => o.path === path.join('.'));
        const next = order[order[at]!.last + 1];
        const target = next ? `#m.${next.path}` : '#m.end';
        const state: Record<string, unknown> = {};
        if (node.children.length > 0) Object.assign(state, { initial: KEYS[0], states: config(node.children, path) });
        if (node.delay !== undefined) {
          const name = node.named ? `due${path.map((k) => k[0]!.toUpperCase() + k.slice(1)).join('')}` : String(node.delay);
          if (node.named) {
            deadlines[name] = duration(node.delay);
            delays[name] = deadline(name);
          }
          state['after'] = { [name]: target };
          owners.set(`xstate.after.${name}.m.${path.join('.')}`, path.join('.'));
          pathsByName.set(name, [...(pathsByName.get(name) ?? []), path.join('.')]);
        }
        return [KEYS[i]!, state];
      }),
    );
  const machine = setup({ delays }).createMachine({ id: 'm', initial: KEYS[0], states: { ...config(tree, []), end: { type: 'final' } } } as never) as unknown as AnyStateMachine;
  const workflow = defineWorkflow({ id: `gen${run}`, version: 1, machine, input: z.object({}), events: {}, deadlines });
  return { workflow, owners, pathsByName, delays: order.flatMap((o) => (o.node.delay === undefined ? [] : [o.node.delay])) };
}

/** The faults of one text: XState's key, or a delay's bare ms standing for a timer. */
function faults(text: string, delays: readonly number[]): string[] {
  const out: string[] = [];
  if (text.includes('xstate.after.')) out.push(`XState key in ${JSON.stringify(text)}`);
  for (const ms of delays) if (new RegExp(`(?<![0-9])${ms}(?![0-9])`).test(text)) out.push(`bare ${ms} in ${JSON.stringify(text)}`);
  return out;
}

describe('property: no output names a timer by its XState key or bare delay, and each names its state', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it('random machines with nested after delays, run to the end on the engine (200 runs)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(treeArb, async (tree) => {
        const built = build(tree, run++);
        const { workflow, owners, pathsByName, delays } = built;
        const texts: string[] = [];
        /** Text for zh-CN readers: it must read in Chinese (it read `after 1h in 等待`). */
        const zh: string[] = [];
        /** A timer's state must be the one that armed it: by its key where known, else among those using its name. */
        const stateIs = (state: string | null | undefined, name: string, key?: string) => {
          if (key !== undefined) expect(state).toBe(owners.get(key));
          else expect(pathsByName.get(name) ?? []).toContain(state);
        };
        const lines: Record<string, unknown>[] = [];
        const logger: DocketLogger = { debug: (_m, f) => void lines.push(f), info: (_m, f) => void lines.push(f), warn: () => {}, error: () => {} };
        exporter.reset();
        const otel = docketTelemetry({ tracer: provider.getTracer('p') });
        const clock = virtualClock('2026-11-02T09:00:00+08:00');
        const store = memoryStore();
        const engine = otel.instrument(createEngine({ store, clock, workflows: [workflow], logger }));
        const graph = stateGraph(workflow);
        engine.on('transition', (view) => {
          for (const t of view.timers) {
            stateIs(t.state, t.name);
            texts.push(t.label);
            for (const lang of ['zh-CN', 'en'] as const) texts.push(cliTimerText(graph, t.name, t.state, lang), cliTimerText(undefined, t.name, t.state, lang));
            const words = timerText(graph, t);
            texts.push(words.en);
            zh.push(words['zh-CN'], cliTimerText(undefined, t.name, t.state, 'zh-CN'));
          }
        });
        const fired: { key: string; state: string | null; label: string }[] = [];
        engine.on('timer.fired', (t) => fired.push({ key: t.timerId.split(':').slice(2).join(':'), state: t.state, label: t.label }));
        const id = await engine.start(workflow.id, {}, { actor: { id: 'li', roles: [] } });
        const exported = await exportInstance(store, id, [workflow], clock.now());
        for (const t of exported.timers) {
          stateIs(t.state, t.name, t.key);
          texts.push(t.label!);
        }
        await clock.advanceBy({ days: 400 });
        expect((await engine.get(id)).status).toBe('done');

        for (const f of fired) {
          stateIs(f.state, '', f.key);
          texts.push(f.label);
        }
        const entries = (await store.history(id)).filter((e): e is HistoryEntry & { timer: NonNullable<HistoryEntry['timer']> } => e.kind === 'timer' && e.timer !== undefined);
        expect(entries).toHaveLength(fired.length);
        for (const e of entries) {
          stateIs(e.timer.state, e.timer.name, e.event.delivered as string);
          texts.push(e.timer.label!);
          texts.push(eventLabelOf(graph, e.event, 'en', e.timer), eventLabelOf(undefined, e.event, 'en'));
          zh.push(eventLabelOf(graph, e.event, 'zh-CN', e.timer), eventLabelOf(undefined, e.event, 'zh-CN'));
        }
        for (const line of lines) for (const field of ['label', 'timerLabel'] as const) if (typeof line[field] === 'string') texts.push(line[field]);
        expect(lines.filter((l) => typeof l['label'] === 'string')).toHaveLength(fired.length);
        const spans = exporter.getFinishedSpans().filter((s) => s.name === 'docket.timer.fired');
        expect(spans).toHaveLength(fired.length);
        for (const s of spans) texts.push(String(s.attributes['docket.timer.label']));
        engine.dispose();
        await engine.close();

        expect([...texts, ...zh].flatMap((t) => faults(t, delays))).toEqual([]);
        expect(zh.filter((t) => /\bafter\b| in /.test(t))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
