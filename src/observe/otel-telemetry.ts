import type * as OtelApi from '@opentelemetry/api';
import type { Attributes, Link, Meter, Span, SpanContext, Tracer } from '@opentelemetry/api';
import { createRequire } from 'node:module';
import { loadOptionalDriver } from '../store/load-optional-driver.js';
import type { Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import type { AnyWorkflow } from '../engine/define-workflow.js';
import type { EffectHandler, Engine, FiredTimerView } from '../engine/engine-types.js';
import { ruleText } from '../engine/timer-identity.js';
import { isDocketError } from '../errors.js';
import type { Store } from '../store/store.js';

/** Options for {@link docketTelemetry}. Defaults: the global tracer and meter providers. */
export interface TelemetryOptions {
  readonly tracer?: Tracer;
  readonly meter?: Meter;
  /**
   * Where durations (commit time, operation time) are read: the real clock by default, since they
   * measure latency. Pass the engine's clock to measure in its time instead (a virtual clock gives 0).
   */
  readonly clock?: Pick<Clock, 'now'>;
  /** How many recent commits to remember for linking an effect's span to the span that caused it. Default 10 000. */
  readonly linkCacheSize?: number;
}

/** Span and metric names, stable for dashboards. */
export const TELEMETRY_NAMES = Object.freeze({
  spans: {
    start: 'docket.start', send: 'docket.send', sendMany: 'docket.send_many', admin: 'docket.admin',
    commit: 'docket.commit', timerFired: 'docket.timer.fired', effect: 'docket.effect',
  },
  metrics: {
    started: 'docket.instances.started', transitions: 'docket.transitions', refusals: 'docket.refusals',
    timersFired: 'docket.timers.fired', timersRetired: 'docket.timers.retired', timerLateness: 'docket.timer.lateness', effects: 'docket.effects',
    commitDuration: 'docket.commit.duration', operationDuration: 'docket.operation.duration',
  },
});

const S = TELEMETRY_NAMES.spans;
const M = TELEMETRY_NAMES.metrics;


/** What {@link docketTelemetry} returns: three wrappers that share one span-link cache. */
export interface DocketTelemetry {
  /** Wrap the store: a `docket.commit` span and the `docket.commit.duration` histogram (ms) per commit. */
  store<S extends Store>(store: S): S;
  /**
   * Wrap effect handlers: each delivery runs inside a `docket.effect` span (so the handler's own
   * outgoing calls carry the trace context), linked to the `docket.send`/`docket.start` span whose
   * commit produced the effect when that happened in this process.
   */
  effects<H extends Readonly<Record<string, EffectHandler>>>(handlers: H): H;
  /**
   * Wrap the engine: spans for start, send, sendMany and the admin operations (attributes
   * `docket.workflow`, `docket.instance_id`, `docket.event.type`, `docket.actor`, `docket.revision`,
   * `docket.error.code` on refusal), and metrics from its events: instances started, transitions,
   * refusals by code, timers fired with their lateness (ms histogram, plus a `docket.timer.fired`
   * span; see {@link timerSpanAttributes} for what names the timer), timers of inactive states
   * retired without firing (`docket.timers.retired`; an orphan row of the timer table also carries
   * `docket.timer.orphan`), effects by outcome (`delivered`, `retried`,
   * `dead`), operation durations.
   * Call `dispose()` on the result to stop listening.
   */
  instrument<E extends Engine<AnyWorkflow>>(engine: E): E & { dispose(): void };
}

/**
 * OpenTelemetry for an engine through `@opentelemetry/api` (an optional peer: install it and an SDK
 * to use `docket/otel`; without it this throws `DocketError` `MISSING_DEPENDENCY` naming the
 * package). Nothing in the engine changes: the store, the effect handlers and the engine
 * are wrapped, and the engine's events feed the metrics.
 *
 * @example
 * ```ts
 * import { createEngine, memoryStore, systemClock, type AnyWorkflow } from 'docket';
 * import { docketTelemetry } from 'docket/otel';
 * declare const workflows: AnyWorkflow[];
 * const otel = docketTelemetry();
 * const engine = otel.instrument(createEngine({
 *   store: otel.store(memoryStore()), clock: systemClock(), workflows,
 *   effects: otel.effects({ notify: async () => {} }),
 * }));
 * engine.dispose(); // stop listening (e.g. at shutdown)
 * ```
 */
export function docketTelemetry(options: TelemetryOptions = {}): DocketTelemetry {
  // Loaded on first use, not imported: without the optional peer, `docket/otel` must fail with
  // MISSING_DEPENDENCY naming the package, not a raw ERR_MODULE_NOT_FOUND at import time.
  const { metrics, SpanStatusCode, trace } = loadOptionalDriver<typeof OtelApi>(createRequire(import.meta.url), '@opentelemetry/api', 'docket/otel');
  const tracer = options.tracer ?? trace.getTracer('docket');
  const meter = options.meter ?? metrics.getMeter('docket');
  const cacheSize = options.linkCacheSize ?? 10_000;
  const clock = options.clock ?? systemClock();
  const monotonic = () => clock.now();
  /** `${instanceId}:${revision}` → the span context of the call whose commit wrote it. */
  const causes = new Map<string, SpanContext>();
  const remember = (key: string, ctx: SpanContext) => {
    causes.set(key, ctx);
    if (causes.size > cacheSize) causes.delete(causes.keys().next().value!);
  };

  const started = meter.createCounter(M.started, { description: 'Instances started' });
  const transitions = meter.createCounter(M.transitions, { description: 'Accepted transitions, by kind (start, event, timer, admin)' });
  const refusals = meter.createCounter(M.refusals, { description: 'Refused acts, by DocketError code' });
  const timersFired = meter.createCounter(M.timersFired, { description: 'Timers fired' });
  const timersRetired = meter.createCounter(M.timersRetired, { description: 'Timers of inactive states retired without firing' });
  const lateness = meter.createHistogram(M.timerLateness, { description: 'How late a timer fired after its due instant', unit: 'ms' });
  const effects = meter.createCounter(M.effects, { description: 'Effect delivery attempts, by outcome (delivered, retried, dead)' });
  const commitDuration = meter.createHistogram(M.commitDuration, { description: 'Time to commit one transition to the store', unit: 'ms' });
  const opDuration = meter.createHistogram(M.operationDuration, { description: 'Time of an engine call, by operation and outcome', unit: 'ms' });

  async function traced<T>(name: string, operation: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
    return tracer.startActiveSpan(name, { attributes: { 'docket.operation': operation, ...attributes } }, async (span) => {
      const t0 = monotonic();
      try {
        const result = await fn(span);
        opDuration.record(monotonic() - t0, { 'docket.operation': operation, 'docket.outcome': 'ok' });
        return result;
      } catch (error) {
        const code = isDocketError(error) ? error.code : 'INTERNAL';
        span.setAttribute('docket.error.code', code);
        span.recordException(error instanceof Error ? error : new Error(String(error)));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        opDuration.record(monotonic() - t0, { 'docket.operation': operation, 'docket.outcome': code });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  return {
    store<St extends Store>(store: St): St {
      return new Proxy(store, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (prop !== 'commit' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
          return (commit: Parameters<Store['commit']>[0]) =>
            tracer.startActiveSpan(S.commit, { attributes: { 'docket.instance_id': commit.history.instanceId, 'docket.revision': commit.history.revision, 'docket.store': target.kind } }, async (span) => {
              const t0 = monotonic();
              let outcome = 'ok';
              try {
                await value.call(target, commit);
                // This span is a child of the caller's (send, start, timer): effects of this revision link to it.
                remember(`${commit.history.instanceId}:${commit.history.revision}`, span.spanContext());
              } catch (error) {
                outcome = isDocketError(error) ? error.code : 'INTERNAL';
                span.setAttribute('docket.error.code', outcome);
                span.setStatus({ code: SpanStatusCode.ERROR });
                throw error;
              } finally {
                commitDuration.record(monotonic() - t0, { 'docket.store': target.kind, 'docket.outcome': outcome });
                span.end();
              }
            });
        },
      });
    },

    effects<H extends Readonly<Record<string, EffectHandler>>>(handlers: H): H {
      const out: Record<string, EffectHandler> = {};
      for (const [type, handler] of Object.entries(handlers)) {
        out[type] = (params, ctx) => {
          const [instanceId, revision] = [ctx.instanceId, ctx.effectId.split(':').at(-2)];
          const cause = causes.get(`${instanceId}:${revision}`);
          const links: Link[] = cause ? [{ context: cause }] : [];
          return tracer.startActiveSpan(`${S.effect} ${type}`, {
            links,
            attributes: { 'docket.effect.type': type, 'docket.effect.id': ctx.effectId, 'docket.instance_id': instanceId, 'docket.workflow': ctx.workflow, 'docket.effect.attempt': ctx.attempt },
          }, async (span) => {
            try {
              await handler(params, ctx);
            } catch (error) {
              span.recordException(error instanceof Error ? error : new Error(String(error)));
              span.setStatus({ code: SpanStatusCode.ERROR });
              throw error;
            } finally {
              span.end();
            }
          });
        };
      }
      return out as unknown as H;
    },

    instrument<E extends Engine<AnyWorkflow>>(engine: E): E & { dispose(): void } {
      const offs = [
        engine.on('started', (view) => started.add(1, { 'docket.workflow': view.workflow })),
        engine.on('transition', (view, entry) => transitions.add(1, { 'docket.workflow': view.workflow, 'docket.kind': entry.kind })),
        engine.on('refused', (r) => refusals.add(1, { 'docket.error.code': r.code, 'docket.event.type': r.event.type })),
        engine.on('timer.fired', (t) => {
          const metric = timerMetricAttributes(t);
          timersFired.add(1, metric);
          lateness.record(t.lateMs, metric);
          tracer.startSpan(S.timerFired, { attributes: timerSpanAttributes(t) }).end();
        }),
        engine.on('timer.retired', (t) => timersRetired.add(1, t.orphan === undefined ? { 'docket.timer': t.name } : { 'docket.timer': t.name, 'docket.timer.orphan': t.orphan })),
        engine.on('effect.delivered', (e) => effects.add(1, { 'docket.effect.type': e.type, 'docket.outcome': 'delivered' })),
        engine.on('effect.failed', (e) => effects.add(1, { 'docket.effect.type': e.type, 'docket.outcome': e.status === 'dead' ? 'dead' : 'retried' })),
      ];
      const wrapped: Partial<Engine<AnyWorkflow>> = {
        start: (workflowId, input, opts) =>
          traced(S.start, 'start', { 'docket.workflow': workflowId, 'docket.actor': opts.actor.id }, async (span) => {
            const id = await engine.start(workflowId as never, input as never, opts);
            span.setAttribute('docket.instance_id', id);
            return id;
          }),
        send: (instanceId, event, opts) =>
          traced(S.send, 'send', { 'docket.instance_id': instanceId, 'docket.event.type': event.type, 'docket.actor': opts.actor.id }, async (span) => {
            const view = await engine.send(instanceId, event as never, opts);
            span.setAttributes({ 'docket.workflow': view.workflow, 'docket.revision': view.revision });
            return view;
          }),
        sendMany: (acts, opts) =>
          traced(S.sendMany, 'sendMany', { 'docket.acts': acts.length, 'docket.actor': opts.actor.id }, async (span) => {
            const results = await engine.sendMany(acts as never, opts);
            span.setAttribute('docket.refused', results.filter((r) => !r.ok).length);
            return results;
          }),
      };
      for (const op of ['suspend', 'resume', 'terminate', 'moveTo'] as const) {
        (wrapped as Record<string, unknown>)[op] = (instanceId: string, opts: { actor: { id: string } }) =>
          traced(`${S.admin}.${op}`, op, { 'docket.instance_id': instanceId, 'docket.actor': opts.actor.id }, () => (engine[op] as (id: string, o: unknown) => Promise<unknown>)(instanceId, opts));
      }
      const dispose = () => offs.forEach((off) => off());
      return new Proxy(engine, {
        get(target, prop, receiver) {
          if (prop === 'dispose') return dispose;
          if (typeof prop === 'string' && prop in wrapped) return (wrapped as Record<string, unknown>)[prop];
          const value = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }) as E & { dispose(): void };
    },
  };
}

/**
 * The attributes of a timer's firing on its metrics: what it is, in bounded values (`docket.workflow`,
 * `docket.timer.name`, `docket.timer.state`). `docket.timer` (the delay's name, or its ms) is kept
 * for dashboards built on it; it alone told nobody which state a `3600000` belonged to.
 */
function timerMetricAttributes(t: FiredTimerView): Attributes {
  return { 'docket.timer': t.name, 'docket.workflow': t.workflow, 'docket.timer.name': t.name, ...(t.state === null ? {} : { 'docket.timer.state': t.state }) };
}

/**
 * The attributes of a `docket.timer.fired` span: the metric ones, the instance, and what the timer is
 * for people — `docket.timer.label` (`after 1h in review.waiting`), `docket.timer.rule` (its deadline
 * rule in words, where the engine knows it), `docket.timer.provisional` (true when its due instant
 * rested on estimated holiday data) — with `docket.timer.due_at` and `docket.timer.late_ms` (epoch ms, ms).
 */
function timerSpanAttributes(t: FiredTimerView): Attributes {
  const rule = ruleText(t.rule);
  return {
    ...timerMetricAttributes(t),
    'docket.instance_id': t.instanceId, 'docket.workflow.version': t.version, 'docket.timer.label': t.label,
    'docket.timer.due_at': t.dueAt, 'docket.timer.late_ms': t.lateMs,
    ...(rule === undefined ? {} : { 'docket.timer.rule': rule }), ...(t.provisional ? { 'docket.timer.provisional': true } : {}),
  };
}
