import type { Engine } from './engine-types.js';

/** Structured fields of one log line: plain JSON values, keys in `docket.*`-free camelCase. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * A structured logger, the shape pino, winston's child loggers and `console` adapters fit:
 * `logger.info('docket.transition', { instanceId, event, from, to })`. Methods must not throw.
 */
export interface DocketLogger {
  debug(message: string, fields: LogFields): void;
  info(message: string, fields: LogFields): void;
  warn(message: string, fields: LogFields): void;
  error(message: string, fields: LogFields): void;
}

/** The default: logs nothing. */
export const silentLogger: DocketLogger = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} });

/**
 * Log what an engine does, as structured lines, by listening to its events (nothing is logged
 * unless you call this; the engine itself is silent). Messages and levels:
 * - `docket.started` (info): `{ instanceId, workflow, version, actor }`
 * - `docket.transition` (debug; admin acts at info): `{ instanceId, workflow, revision, kind, event, actor, from, to, reason? }`
 * - `docket.timer.fired` (debug): `{ instanceId, timer, dueAt, lateMs }` (instants in epoch ms)
 * - `docket.refused` (info: a refusal is the caller's mistake, not the server's): `{ instanceId, code, event, actor, message }`
 * - `docket.effect.delivered` (debug), `docket.effect.retry` (warn), `docket.effect.dead` (error):
 *   `{ effectId, instanceId, type, attempts, error? }`
 * - `docket.error` (error): `{ error }` — background failures (a corrupt instance while firing timers).
 *
 * Payloads and contexts are never logged (they may hold personal data); only event types.
 *
 * @returns a function that stops logging.
 * @example
 * ```ts
 * import { logEngine, type Engine } from 'docket';
 * declare const engine: Engine;
 * const stop = logEngine(engine, {
 *   debug: () => {}, info: (m, f) => console.log(JSON.stringify({ m, ...f })),
 *   warn: (m, f) => console.warn(JSON.stringify({ m, ...f })), error: (m, f) => console.error(JSON.stringify({ m, ...f })),
 * });
 * stop();
 * ```
 */
export function logEngine(engine: Pick<Engine, 'on'>, logger: DocketLogger = silentLogger): () => void {
  const offs = [
    engine.on('started', (view) => logger.info('docket.started', { instanceId: view.id, workflow: view.workflow, version: view.version, actor: view.initiator })),
    engine.on('transition', (view, entry) => {
      if (entry.kind === 'start') return;
      const fields = {
        instanceId: view.id, workflow: view.workflow, revision: entry.revision, kind: entry.kind, event: entry.event.type,
        actor: entry.actor.id, from: entry.from, to: entry.to, ...(entry.reason === undefined ? {} : { reason: entry.reason }),
      };
      if (entry.kind === 'admin') logger.info('docket.transition', fields);
      else logger.debug('docket.transition', fields);
    }),
    engine.on('timer.fired', (t) => logger.debug('docket.timer.fired', { instanceId: t.instanceId, timer: t.name, dueAt: t.dueAt, lateMs: t.lateMs })),
    engine.on('refused', (r) => logger.info('docket.refused', { instanceId: r.instanceId, code: r.code, event: r.event.type, actor: r.actor.id, message: r.message })),
    engine.on('effect.delivered', (e) => logger.debug('docket.effect.delivered', { effectId: e.id, instanceId: e.instanceId, type: e.type, attempts: e.attempts })),
    engine.on('effect.failed', (e, error) => {
      const fields = { effectId: e.id, instanceId: e.instanceId, type: e.type, attempts: e.attempts, error: e.lastError ?? String(error) };
      if (e.status === 'dead') logger.error('docket.effect.dead', fields);
      else logger.warn('docket.effect.retry', { ...fields, nextAttemptAt: e.nextAttemptAt });
    }),
    engine.on('error', (error) => logger.error('docket.error', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })),
  ];
  return () => offs.forEach((off) => off());
}
