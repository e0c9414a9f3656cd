// Observability without touching the engine: logEngine (structured logs from the engine's events)
// and docket/otel (spans through wrappers, metrics from events), checked with in-memory exporters.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { setup } from 'xstate';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, effect, logEngine, memoryStore, virtualClock, type DocketLogger } from '../src/index.js';
import { docketTelemetry, TELEMETRY_NAMES } from '../src/observe/otel.js';

const wf = defineWorkflow({
  id: 'order', version: 1,
  input: z.object({}),
  events: { GO: z.object({}) },
  permissions: { GO: ['clerk'] },
  machine: setup({ actions: { notify: effect(), flaky: effect(), doomed: effect() } }).createMachine({
    initial: 'draft',
    states: {
      draft: { on: { GO: 'waiting' } },
      waiting: { entry: ['notify', 'flaky', 'doomed'], after: { 60000: 'done' } },
      done: { type: 'final' },
    },
  }),
});
const clerk = { id: 'li', roles: ['clerk'] };
const admin = { id: 'feng', roles: ['admin'] };

class TestReader extends MetricReader {
  constructor() { super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE }); }
  protected async onShutdown() {}
  protected async onForceFlush() {}
}

/** Run one scenario with fresh effect handlers: start, a forbidden GO, GO (three effects), timer. */
async function scenario(engine: ReturnType<typeof createEngine<typeof wf>>, clock: ReturnType<typeof virtualClock>) {
  const id = await engine.start('order', {}, { actor: clerk });
  await engine.send(id, { type: 'GO' }, { actor: { id: 'x', roles: [] } }).catch(() => {});
  await engine.send(id, { type: 'NOPE' } as never, { actor: clerk }).catch(() => {});
  await engine.send(id, { type: 'GO' }, { actor: clerk });
  await clock.advanceBy({ seconds: 90 }); // retries due, then the 60 s timer fires 30 s late at most
  return id;
}

function handlers(seen: string[]) {
  let flakyCalls = 0;
  return {
    notify: () => void seen.push(trace.getActiveSpan() ? 'notify:in-span' : 'notify:no-span'),
    flaky: () => { if (++flakyCalls === 1) throw new Error('smtp down'); },
    doomed: () => { throw new Error('gone'); },
  };
}

describe('logEngine', () => {
  it('logs structured lines at the documented levels, and nothing after stop()', async () => {
    const lines: [string, string, Record<string, unknown>][] = [];
    const logger: DocketLogger = {
      debug: (m, f) => lines.push(['debug', m, f]), info: (m, f) => lines.push(['info', m, f]),
      warn: (m, f) => lines.push(['warn', m, f]), error: (m, f) => lines.push(['error', m, f]),
    };
    const clock = virtualClock(0);
    const engine = createEngine({ store: memoryStore(), clock, workflows: [wf], effects: handlers([]), retry: { maxAttempts: 2, initialDelayMs: 1000 } });
    const stop = logEngine(engine, logger);
    const id = await scenario(engine, clock);
    await engine.suspend(id, { actor: admin, reason: 'audit' }).catch(() => {}); // done by now: refused
    const byMessage = (m: string) => lines.filter((l) => l[1] === m);
    expect(byMessage('docket.started')).toEqual([['info', 'docket.started', { instanceId: id, workflow: 'order', version: 1, actor: 'li' }]]);
    expect(byMessage('docket.refused').map((l) => [l[0], l[2].code, l[2].event])).toEqual([['info', 'FORBIDDEN', 'GO'], ['info', 'UNKNOWN_EVENT', 'NOPE'], ['info', 'INSTANCE_NOT_ACTIVE', 'docket.admin.suspend']]);
    expect(byMessage('docket.transition').map((l) => [l[0], l[2].event, l[2].kind])).toEqual([['debug', 'GO', 'event'], ['debug', 'docket.timer.60000', 'timer']]);
    expect(byMessage('docket.timer.fired')).toHaveLength(1);
    expect(byMessage('docket.timer.fired')[0]![2].lateMs).toBeGreaterThanOrEqual(0);
    expect(byMessage('docket.effect.retry').map((l) => [l[0], l[2].type])).toEqual([['warn', 'flaky'], ['warn', 'doomed']]);
    expect(byMessage('docket.effect.dead').map((l) => [l[0], l[2].type, l[2].error])).toEqual([['error', 'doomed', 'gone']]);
    expect(byMessage('docket.effect.delivered').map((l) => l[2].type).sort()).toEqual(['flaky', 'notify']);
    expect(JSON.stringify(lines)).not.toContain('"input"'); // no payloads or contexts
    const count = lines.length;
    stop();
    await engine.start('order', {}, { actor: clerk });
    expect(lines).toHaveLength(count);
  });
});

describe('createEngine({ logger })', () => {
  it('logs the same structured lines from the start, without a separate logEngine call', async () => {
    const lines: [string, string][] = [];
    const logger: DocketLogger = {
      debug: (m) => lines.push(['debug', m]), info: (m) => lines.push(['info', m]),
      warn: (m) => lines.push(['warn', m]), error: (m) => lines.push(['error', m]),
    };
    const clock = virtualClock(0);
    const engine = createEngine({ store: memoryStore(), clock, workflows: [wf], effects: handlers([]), retry: { maxAttempts: 2, initialDelayMs: 1000 }, logger });
    const id = await scenario(engine, clock);
    expect(lines.filter((l) => l[1] === 'docket.started')).toEqual([['info', 'docket.started']]);
    expect(lines.filter((l) => l[1] === 'docket.refused').map((l) => l[0])).toEqual(['info', 'info']);
    expect(lines.some((l) => l[1] === 'docket.timer.fired')).toBe(true);
    expect(id).toBeTruthy();
  });
});

describe('docket/otel', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => void context.setGlobalContextManager(contextManager.enable()));
  afterAll(() => { context.disable(); });

  it('spans for start/send/commit/effects/timers, refusals with their code, metrics by outcome', async () => {
    const otel = docketTelemetry({ tracer: provider.getTracer('docket'), meter: meterProvider.getMeter('docket') });
    const clock = virtualClock(0);
    const seen: string[] = [];
    const engine = otel.instrument(createEngine({
      store: otel.store(memoryStore()), clock, workflows: [wf], effects: otel.effects(handlers(seen)), retry: { maxAttempts: 2, initialDelayMs: 1000 },
    }));
    const id = await scenario(engine, clock);
    const spans = exporter.getFinishedSpans();
    const named = (n: string) => spans.filter((s) => s.name === n);
    const N = TELEMETRY_NAMES.spans;

    expect(named(N.start)).toHaveLength(1);
    expect(named(N.start)[0]!.attributes).toMatchObject({ 'docket.workflow': 'order', 'docket.instance_id': id, 'docket.actor': 'li' });
    const sends = named(N.send);
    expect(sends.map((s) => [s.attributes['docket.event.type'], s.attributes['docket.error.code'] ?? 'ok', s.status.code])).toEqual([
      ['GO', 'FORBIDDEN', 2], ['NOPE', 'UNKNOWN_EVENT', 2], ['GO', 'ok', 0],
    ]);
    const ok = sends[2]!;
    expect(ok.attributes['docket.revision']).toBe(2);
    // The commit is a child of the send that caused it.
    const commit = named(N.commit).find((s) => s.attributes['docket.revision'] === 2)!;
    expect(commit.parentSpanContext?.spanId).toBe(ok.spanContext().spanId);
    expect(commit.spanContext().traceId).toBe(ok.spanContext().traceId);
    // Effects run inside their own span, linked to the commit that produced them.
    expect(seen).toEqual(['notify:in-span']);
    const notify = named(`${N.effect} notify`)[0]!;
    expect(notify.links.map((l) => l.context.traceId)).toEqual([ok.spanContext().traceId]);
    expect(named(`${N.effect} flaky`).map((s) => [s.attributes['docket.effect.attempt'], s.status.code])).toEqual([[1, 2], [2, 0]]);
    const timer = named(N.timerFired);
    expect(timer).toHaveLength(1);
    expect(timer[0]!.attributes).toMatchObject({ 'docket.instance_id': id, 'docket.timer.due_at': 60_000 });
    expect(timer[0]!.attributes['docket.timer.late_ms']).toBeGreaterThanOrEqual(0);

    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const points = (name: string) => all.find((m) => m.descriptor.name === name)?.dataPoints as DataPoint<number>[] | undefined ?? [];
    const byAttr = (name: string, key: string) => Object.fromEntries(points(name).map((p) => [String(p.attributes[key]), p.value]));
    const M = TELEMETRY_NAMES.metrics;
    expect(byAttr(M.started, 'docket.workflow')).toEqual({ order: 1 });
    expect(byAttr(M.refusals, 'docket.error.code')).toEqual({ FORBIDDEN: 1, UNKNOWN_EVENT: 1 });
    expect(points(M.effects).map((p) => `${p.attributes['docket.effect.type']}:${p.attributes['docket.outcome']}=${p.value}`).sort())
      .toEqual(['doomed:dead=1', 'doomed:retried=1', 'flaky:delivered=1', 'flaky:retried=1', 'notify:delivered=1']);
    expect(byAttr(M.timersFired, 'docket.timer')).toEqual({ [String(timer[0]!.attributes['docket.timer'])]: 1 });
    const late = points(M.timerLateness)[0]!.value as unknown as Histogram;
    expect(late.count).toBe(1);
    const commits = (points(M.commitDuration) as unknown as DataPoint<Histogram>[]).reduce((n, p) => n + p.value.count, 0);
    expect(commits).toBe(named(N.commit).length);
    expect(commits).toBeGreaterThanOrEqual(3); // start, GO, timer

    engine.dispose();
    await engine.start('order', {}, { actor: clerk });
    const again = (await reader.collect()).resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === M.started)!;
    expect((again.dataPoints[0] as DataPoint<number>).value).toBe(1); // no longer listening
    expect(exporter.getFinishedSpans().filter((s) => s.name === N.start)).toHaveLength(2); // the wrapper still traces calls
  });
});
