import { DocketError } from '../errors.js';
import type { Engine } from './engine-types.js';
import { ruleText } from './timer-identity.js';

/** Structured fields of one log line: plain JSON values, keys in `docket.*`-free camelCase. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * A structured logger, the shape pino, winston's child loggers and `console` adapters fit:
 * `logger.info('docket.transition', { instanceId, event, from, to })`. A method that throws fails
 * nothing: its error goes to the engine's `'error'` listeners (and one thrown by `error` is dropped).
 */
export interface DocketLogger {
  debug(message: string, fields: LogFields): void;
  info(message: string, fields: LogFields): void;
  warn(message: string, fields: LogFields): void;
  error(message: string, fields: LogFields): void;
}

/** The default: logs nothing. */
export const silentLogger: DocketLogger = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} });

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** Loggers {@link readLogger} made: already read and checked, so taken as they are. */
const READ = new WeakSet<DocketLogger>();

/**
 * The logger's four methods, each read once and checked to be a function (called on the logger, so a
 * pino or winston method keeps its `this`). `null`, `{}` or a method a getter fails to give was taken
 * before and failed at the first event, inside the act that emitted it.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming `logger` or `logger.<level>`.
 */
export function readLogger(logger: unknown): DocketLogger {
  // createEngine reads its `logger` option up front (refused before anything starts) and hands the
  // result to logEngine, which reads what it is given: once is enough, not a wrapper per read.
  if (READ.has(logger as DocketLogger)) return logger as DocketLogger;
  if (logger === null || (typeof logger !== 'object' && typeof logger !== 'function')) {
    throw new DocketError('INVALID_ARGUMENT', `logger must be an object with debug, info, warn and error methods (pino, a winston child, a console adapter); got ${logger === null ? 'null' : typeof logger}.`, { field: 'logger' });
  }
  const methods = {} as Record<(typeof LEVELS)[number], (message: string, fields: LogFields) => void>;
  for (const level of LEVELS) {
    let method: unknown;
    try {
      method = (logger as Record<string, unknown>)[level];
    } catch (error) {
      throw new DocketError('INVALID_ARGUMENT', `logger.${level} could not be read (${error instanceof Error ? error.message : 'its getter threw'}); pass a logger whose ${level} is a method.`, { field: `logger.${level}`, cause: error });
    }
    if (typeof method !== 'function') {
      throw new DocketError('INVALID_ARGUMENT', `logger.${level} must be a function (message, fields) => void; got ${method === null ? 'null' : typeof method}. Pass a logger with debug, info, warn and error (a no-op for the levels you drop).`, { field: `logger.${level}` });
    }
    // Its return is handed back: a promise it rejects reaches 'error' through engine.on, not nowhere.
    methods[level] = (message, fields) => (method as (m: string, f: LogFields) => void).call(logger, message, fields);
  }
  READ.add(methods);
  return methods;
}

/**
 * Log what an engine does, as structured lines, by listening to its events (nothing is logged
 * unless you call this; the engine itself is silent). Messages and levels:
 * - `docket.started` (info): `{ instanceId, workflow, version, actor }`
 * - `docket.transition` (debug; admin acts at info): `{ instanceId, workflow, revision, kind, event, actor, from, to, reason? }`,
 *   and for a timer's firing `timerState` and `timerLabel` (what fired: `after 1h in review.waiting`)
 * - `docket.timer.fired` (debug): `{ instanceId, workflow, timer, state, label, dueAt, lateMs, rule?, provisional? }`:
 *   `timer` is the delay's name or its ms as before; `state` the dotted path of the state that armed it
 *   (null for none), `label` the timer for people, `rule` its deadline rule in words (`3 working days`,
 *   where the engine knows it), `provisional: true` when its due instant rested on estimated holiday
 *   data (instants in epoch ms)
 * - `docket.timer.retired` (info: a timer an older Docket left pending in a state no longer active,
 *   taken out without firing): `{ instanceId, timer, state, dueAt, revision }`; warn, with `orphan`
 *   (`instance-missing` or `not-held`), for a row of the timer table no instance holds (an edit
 *   outside Docket), retired when it fell due
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
export function logEngine(engine: Pick<Engine, 'on'>, given: DocketLogger = silentLogger): () => void {
  const logger = readLogger(given);
  const offs = [
    engine.on('started', (view) => logger.info('docket.started', { instanceId: view.id, workflow: view.workflow, version: view.version, actor: view.initiator })),
    engine.on('transition', (view, entry) => {
      if (entry.kind === 'start') return;
      const fields = {
        instanceId: view.id, workflow: view.workflow, revision: entry.revision, kind: entry.kind, event: entry.event.type,
        actor: entry.actor.id, from: entry.from, to: entry.to, ...(entry.reason === undefined ? {} : { reason: entry.reason }),
        // `event` of a firing is `docket.timer.3600000`: the entry's timer says what that was.
        ...(entry.timer?.label === undefined ? {} : { timerState: entry.timer.state ?? null, timerLabel: entry.timer.label }),
      };
      return entry.kind === 'admin' ? logger.info('docket.transition', fields) : logger.debug('docket.transition', fields);
    }),
    engine.on('timer.fired', (t) => {
      const rule = ruleText(t.rule);
      // Returned, as every line's call is: a promise the logger rejects reaches 'error'.
      return logger.debug('docket.timer.fired', {
        instanceId: t.instanceId, workflow: t.workflow, timer: t.name, state: t.state, label: t.label, dueAt: t.dueAt, lateMs: t.lateMs,
        ...(rule === undefined ? {} : { rule }), ...(t.provisional ? { provisional: true } : {}),
      });
    }),
    engine.on('timer.retired', (t) =>
      t.orphan === undefined
        ? logger.info('docket.timer.retired', { instanceId: t.instanceId, timer: t.name, state: t.state, dueAt: t.dueAt, revision: t.revision })
        : logger.warn('docket.timer.retired', { instanceId: t.instanceId, timer: t.name, state: t.state, dueAt: t.dueAt, revision: t.revision, orphan: t.orphan }),
    ),
    engine.on('refused', (r) => logger.info('docket.refused', { instanceId: r.instanceId, code: r.code, event: r.event.type, actor: r.actor.id, message: r.message })),
    engine.on('effect.delivered', (e) => logger.debug('docket.effect.delivered', { effectId: e.id, instanceId: e.instanceId, type: e.type, attempts: e.attempts })),
    engine.on('effect.failed', (e, error) => {
      const fields = { effectId: e.id, instanceId: e.instanceId, type: e.type, attempts: e.attempts, error: e.lastError ?? String(error) };
      return e.status === 'dead' ? logger.error('docket.effect.dead', fields) : logger.warn('docket.effect.retry', { ...fields, nextAttemptAt: e.nextAttemptAt });
    }),
    engine.on('error', (error) => logger.error('docket.error', { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })),
  ];
  return () => offs.forEach((off) => off());
}
