// engine.on('error', fn) was registered raw: an 'error' listener that threw made the call that
// emitted the error throw it (start/send rejected for a committed write when another listener had
// failed; the outbox's and run loop's reports threw), stopped the later 'error' listeners, and one
// that rejected was an unhandled rejection. A logger whose methods threw did the same through
// logEngine, and `logger: null` or `{}` was taken and failed at the first event.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, isDocketError, logEngine, memoryStore, virtualClock, type Engine } from '../src/index.js';
import { admin, manager, reviewWorkflow, staff } from './fixtures/review-workflow.js';

const START = '2026-11-02T09:00:00+08:00';
const EVENTS = ['started', 'transition', 'timer.fired', 'refused', 'effect.delivered', 'effect.failed', 'warning', 'error'] as const;
type Behaviour = 'returns' | 'throws' | 'rejects' | 'thenable-throws' | 'then-getter-throws';

function behave(b: Behaviour, label: string): () => unknown {
  return () => {
    if (b === 'throws') throw new Error(label);
    if (b === 'rejects') return Promise.reject(new Error(label));
    if (b === 'thenable-throws') return { then: () => { throw new Error(label); } };
    if (b === 'then-getter-throws') return { get then(): never { throw new Error(label); } };
    return undefined;
  };
}

/** A fixed script of acts; each call's outcome (a view's state and revision, or a refusal's code). */
async function script(engine: Engine<typeof reviewWorkflow>, clock: ReturnType<typeof virtualClock>): Promise<unknown[]> {
  const out: unknown[] = [];
  const note = async (f: () => Promise<unknown>) => {
    try {
      const r = await f();
      out.push(typeof r === 'object' && r !== null && 'state' in r ? [(r as { state: unknown }).state, (r as unknown as { revision: unknown }).revision] : typeof r === 'string' ? 'id' : r);
    } catch (error) {
      out.push(isDocketError(error) ? error.code : `raw ${String(error)}`);
    }
  };
  const id = await engine.start('review', { title: 'x' }, { actor: staff });
  await note(() => engine.send(id, { type: 'SUBMIT' }, { actor: staff }));
  await note(() => engine.send(id, { type: 'APPROVE' }, { actor: staff }));
  await note(() => engine.suspend(id, { actor: admin, reason: 'hold' }));
  await note(() => engine.resume(id, { actor: admin, reason: 'go' }));
  await note(async () => (await clock.advanceBy({ days: 4 })).length);
  await note(() => engine.send(id, { type: 'APPROVE' }, { actor: manager }));
  await engine.settled();
  await note(async () => (await engine.effects(id)).map((e) => [e.type, e.status, e.attempts]));
  return out;
}

async function withUnhandled<T>(f: () => Promise<T>): Promise<{ value: T; unhandled: unknown[] }> {
  const unhandled: unknown[] = [];
  const on = (e: unknown) => void unhandled.push(e);
  process.on('unhandledRejection', on);
  try {
    const value = await f();
    await new Promise((r) => setImmediate(r));
    return { value, unhandled };
  } finally {
    process.off('unhandledRejection', on);
  }
}

const make = (extra: object = {}) => {
  const clock = virtualClock(START);
  let failNotify = true;
  const engine = createEngine({
    store: memoryStore(),
    clock,
    workflows: [reviewWorkflow],
    retry: { maxAttempts: 2, initialDelayMs: 1000 },
    effects: {
      notify: () => {
        if (failNotify) {
          failNotify = false;
          throw new Error('first try fails');
        }
      },
      archive: () => {},
    },
    ...extra,
  });
  return { engine, clock };
};

describe("an 'error' listener that fails fails nothing else", () => {
  it.each(['throws', 'rejects', 'thenable-throws', 'then-getter-throws'] as const)("an 'error' listener that %s: every call's outcome is as without it, later 'error' listeners still hear every error, nothing unhandled", async (b) => {
    const plain = make();
    const expected = await script(plain.engine, plain.clock);
    const { value, unhandled } = await withUnhandled(async () => {
      const { engine, clock } = make();
      const heard: string[] = [];
      engine.on('started', () => { throw new Error('started listener'); });
      engine.on('error', behave(b, 'error listener'));
      engine.on('error', (e) => heard.push((e as Error).message));
      const outcome = await script(engine, clock);
      await engine.close();
      return { outcome, heard };
    });
    expect(value.outcome).toEqual(expected);
    expect(value.heard).toEqual(['started listener']);
    expect(unhandled).toEqual([]);
  });
});

describe('a logger is checked when it is given, and one that throws fails nothing', () => {
  const LOGGERS: Record<string, [() => unknown, string]> = {
    null: [() => null, 'logger'],
    '{}': [() => ({}), 'logger.debug'],
    "'console'": [() => 'console', 'logger'],
    'error: "x"': [() => ({ debug() {}, info() {}, warn() {}, error: 'x' }), 'logger.error'],
    'a throwing info getter': [() => ({ debug() {}, get info(): never { throw new Error('gone'); }, warn() {}, error() {} }), 'logger.info'],
  };
  it.each(Object.keys(LOGGERS))('logger %s is INVALID_ARGUMENT naming its field, from createEngine and from logEngine, before anything starts', (name) => {
    const [build, field] = LOGGERS[name]!;
    const logger = build();
    let subscribed = 0;
    const clock = virtualClock(START);
    const counted = { kind: clock.kind, now: () => clock.now(), sleepUntil: clock.sleepUntil.bind(clock), subscribe: (s: never) => (subscribed++, clock.subscribe(s)) };
    let caught: unknown;
    try {
      createEngine({ store: memoryStore(), clock: counted as never, workflows: [reviewWorkflow], logger: logger as never });
    } catch (error) {
      caught = error;
    }
    expect(isDocketError(caught, 'INVALID_ARGUMENT')).toBe(true);
    expect((caught as { details: { field: unknown } }).details.field).toBe(field);
    expect(subscribed).toBe(0);
    const { engine } = make();
    expect(() => logEngine(engine, logger as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ field }) }));
  });

  it("a logger whose methods throw (or reject) leaves every call's outcome as it was; a pino-like logger keeps its `this`", async () => {
    const plain = make();
    const expected = await script(plain.engine, plain.clock);
    for (const b of ['throws', 'rejects'] as const) {
      const { value, unhandled } = await withUnhandled(async () => {
        const fail = behave(b, 'log down');
        const { engine, clock } = make({ logger: { debug: fail, info: fail, warn: fail, error: fail } });
        const outcome = await script(engine, clock);
        await engine.close();
        return outcome;
      });
      expect(value).toEqual(expected);
      expect(unhandled).toEqual([]);
    }
    class Pinoish {
      lines: string[] = [];
      debug(m: string): void { this.lines.push(m); }
      info(m: string): void { this.lines.push(m); }
      warn(m: string): void { this.lines.push(m); }
      error(m: string): void { this.lines.push(m); }
    }
    const pino = new Pinoish();
    const { engine, clock } = make({ logger: pino });
    await script(engine, clock);
    expect(pino.lines).toContain('docket.started');
    expect(pino.lines).toContain('docket.effect.retry');
  });
});

describe('property: listeners and loggers of any behaviour leave every outcome as without them', () => {
  it('random listeners on random events (returning, throwing, rejecting, odd thenables) and a random logger', async () => {
    const plain = make();
    const expected = await script(plain.engine, plain.clock);
    const behaviour = fc.constantFrom<Behaviour>('returns', 'throws', 'rejects', 'thenable-throws', 'then-getter-throws');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...EVENTS), behaviour), { maxLength: 12 }),
        fc.option(fc.record({ debug: behaviour, info: behaviour, warn: behaviour, error: behaviour }), { nil: undefined }),
        async (listeners, logged) => {
          const { value, unhandled } = await withUnhandled(async () => {
            const logger = logged && { debug: behave(logged.debug, 'debug'), info: behave(logged.info, 'info'), warn: behave(logged.warn, 'warn'), error: behave(logged.error, 'error') };
            const { engine, clock } = make(logger ? { logger } : {});
            for (const [event, b] of listeners) engine.on(event, behave(b, event));
            const outcome = await script(engine, clock);
            await engine.close();
            return outcome;
          });
          expect(value).toEqual(expected);
          expect(unhandled).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
