// Replays of public XState v5 reports against Docket's engine (memory store and SQLite, virtual clock):
// - an `always` cycle, or an event that raises itself, never settles (statelyai/xstate#721, #3501;
//   XState 5.31 added `options.maxIterations`, off by default): the engine's step blocked the whole
//   process for ever (every instance, HTTP, the worker loop). A step is now bounded by
//   INPUT_LIMITS.microsteps and refused with MACHINE_ERROR, nothing changed.
// - `sendTo(self)` (delayed or not), `sendParent`, `invoke`, `spawn` and `emit` need an actor system
//   around the machine (and, for a delayed send, a scheduler that survives a restart:
//   statelyai/xstate#5331). A Docket instance is one durable machine and nothing runs beside it, so
//   the engine dropped each without a word: the event never arrived, the invoked promise never ran
//   (its onDone never came) and the instance waited for ever. Each is now MACHINE_ERROR saying what
//   to use instead (raise, raise with a delay, effect()), nothing changed.
// The one place: the XState runtime (src/engine/xstate-runtime.ts), which every step goes through.
import { assign, emit, fromPromise, raise, sendTo, setup, spawnChild, type AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, INPUT_LIMITS, isDocketError, memoryStore, virtualClock, type Store } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { sqliteFile } from './helpers/sqlite-harness.js';
import { assertNoDeadEnds, exploreWorkflow } from '../src/testing/index.js';

const someone = { id: 'li', roles: ['staff'] };
const T0 = Date.parse('2026-11-02T09:00:00+08:00');

interface Opened {
  readonly store: Store;
  /** The same data behind a fresh store object (SQLite reopens its file), as after a restart. */
  reopen(): Promise<Store>;
  done(): Promise<void>;
}
const STORES: { readonly name: string; open(label: string): Promise<Opened> }[] = [
  {
    name: 'memory',
    open: async () => {
      const store = memoryStore();
      return { store, reopen: async () => store, done: async () => {} };
    },
  },
  {
    name: 'SQLite',
    open: async (label) => {
      const file = sqliteFile(`machine-not-durable-${label}`);
      file.remove();
      const opened: Store[] = [sqliteStore({ filename: file.filename })];
      return {
        store: opened[0]!,
        reopen: async () => {
          await opened.at(-1)!.close();
          const next = sqliteStore({ filename: file.filename });
          opened.push(next);
          return next;
        },
        done: async () => {
          await opened.at(-1)!.close();
          file.remove();
        },
      };
    },
  },
];

function workflowOf<const I extends string>(id: I, machine: AnyStateMachine, events: readonly string[]) {
  return defineWorkflow({ id, version: 1, machine, input: z.object({}), events: Object.fromEntries(events.map((e) => [e, z.object({})])) });
}

/** `idle` → GO → `b`, which `shape` makes misbehave; LEAVE always leads from `idle` to `fine`. */
function machineWith(shape: Record<string, unknown>, extra: Record<string, unknown> = {}): AnyStateMachine {
  return setup({ actors: { work: fromPromise(async () => 1) } }).createMachine({
    id: 'm',
    context: { n: 0 },
    initial: 'idle',
    states: {
      idle: { on: { GO: 'b', LEAVE: 'fine', ...extra } },
      b: shape as never,
      c: { always: 'b' },
      fine: { on: { BACK: 'idle' } },
      done: { type: 'final' },
    },
  }) as unknown as AnyStateMachine;
}

const CASES: { readonly name: string; readonly machine: AnyStateMachine; readonly problem: string; readonly says: RegExp }[] = [
  { name: 'an always cycle without a guard (b → c → b)', machine: machineWith({ always: 'c' }), problem: 'endless-step', says: /microsteps.*guard/ },
  {
    name: 'an event that raises itself',
    machine: machineWith({ entry: raise({ type: 'AGAIN' }), on: { AGAIN: { actions: raise({ type: 'AGAIN' }) } } }),
    problem: 'endless-step',
    says: /raised event/,
  },
  {
    name: 'a guarded always loop that settles only after 30,000 microsteps',
    machine: machineWith({ always: { guard: ({ context }: { context: { n: number } }) => context.n < 15_000, target: 'c', actions: assign({ n: ({ context }: { context: { n: number } }) => context.n + 1 }) } }),
    problem: 'endless-step',
    says: /INPUT_LIMITS\.microsteps/,
  },
  { name: 'sendTo(self) of an event', machine: machineWith({ entry: sendTo(({ self }) => self, { type: 'PING' }), on: { PING: 'done' } }), problem: 'not-durable', says: /raise\(event\)/ },
  {
    name: 'sendTo(self) of a delayed event',
    machine: machineWith({ entry: sendTo(({ self }) => self, { type: 'PING' }, { delay: 1000 }), on: { PING: 'done' } }),
    problem: 'not-durable',
    says: /raise\(event, \{ delay \}\)/,
  },
  { name: 'an invoked promise', machine: machineWith({ invoke: { src: 'work', onDone: 'done' } }), problem: 'not-durable', says: /invoke.*effect\(\)/ },
  { name: 'spawnChild', machine: machineWith({ entry: spawnChild('work'), on: { PING: 'done' } }), problem: 'not-durable', says: /spawnChild/ },
  {
    name: 'spawn inside assign',
    machine: machineWith({ entry: assign({ n: ({ spawn }: { spawn: (src: string) => unknown }) => (spawn('work'), 1) }) }),
    problem: 'not-durable',
    says: /spawn in assign/,
  },
  { name: 'emit', machine: machineWith({ entry: emit({ type: 'hello' }), on: { PING: 'done' } }), problem: 'not-durable', says: /emit/ },
];

describe('a step Docket cannot take durably is refused with MACHINE_ERROR, nothing changed', () => {
  for (const kind of STORES) {
    for (const [i, c] of CASES.entries()) {
      it(`${kind.name}: ${c.name}`, async () => {
        const opened = await kind.open(`${i}`);
        const clock = virtualClock(T0);
        const workflows = [workflowOf('nd', c.machine, ['GO', 'LEAVE', 'BACK', 'PING'])];
        let engine = createEngine({ store: opened.store, clock, workflows });
        try {
          const id = await engine.start('nd', {}, { actor: someone });
          const before = await engine.get(id);
          const refusal = await engine.send(id, { type: 'GO' }, { actor: someone }).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(isDocketError(refusal, 'MACHINE_ERROR'), String(refusal)).toBe(true);
          const details = (refusal as { details: Record<string, unknown> }).details;
          expect(details).toMatchObject({ problem: c.problem, instanceId: id, workflow: 'nd', machine: 'm' });
          expect((refusal as Error).message).toMatch(c.says);
          expect((refusal as Error).message).toMatch(/Nothing was changed/);
          expect(await engine.can(id, { type: 'GO' }, someone)).toMatchObject({ ok: false, code: 'MACHINE_ERROR' });
          // Nothing changed, and after a restart the instance is the same and takes its other events.
          await engine.close();
          engine = createEngine({ store: await opened.reopen(), clock, workflows });
          const after = await engine.get(id);
          expect([after.state, after.revision, after.timers]).toEqual([before.state, before.revision, before.timers]);
          expect((await engine.history(id)).map((e) => e.kind)).toEqual(['start']);
          expect((await engine.send(id, { type: 'LEAVE' }, { actor: someone })).state).toBe('fine');
        } finally {
          await engine.close();
          await opened.done();
        }
      });
    }

    it(`${kind.name}: a machine whose initial state cannot be entered durably is refused at start, nothing stored`, async () => {
      const opened = await kind.open('initial');
      const machine = setup({ actors: { work: fromPromise(async () => 1) } }).createMachine({ id: 'm', initial: 'b', states: { b: { invoke: { src: 'work', onDone: 'c' } }, c: {} } });
      const engine = createEngine({ store: opened.store, clock: virtualClock(T0), workflows: [workflowOf('ndi', machine as unknown as AnyStateMachine, [])] });
      try {
        const refusal = await engine.start('ndi', {}, { actor: someone, id: 'nd-1' }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isDocketError(refusal, 'MACHINE_ERROR')).toBe(true);
        expect((refusal as { details: Record<string, unknown> }).details).toMatchObject({ problem: 'not-durable', action: 'xstate.spawnChild', what: 'work', instanceId: 'nd-1' });
        expect(await engine.list()).toMatchObject({ items: [] });
      } finally {
        await engine.close();
        await opened.done();
      }
    });

    it(`${kind.name}: a timer whose step never settles suspends its instance with the reason; the worker goes on to the next timer`, async () => {
      const opened = await kind.open('timer');
      const machine = setup({}).createMachine({
        id: 'm',
        initial: 'wait',
        states: { wait: { after: { 1000: 'b' } }, b: { always: 'c' }, c: { always: 'b' }, ok: {} },
      });
      const fine = setup({}).createMachine({ id: 'f', initial: 'wait', states: { wait: { after: { 2000: 'ok' } }, ok: {} } });
      const clock = virtualClock(T0);
      const engine = createEngine({ store: opened.store, clock, workflows: [workflowOf('ndt', machine as unknown as AnyStateMachine, []), workflowOf('ok', fine as unknown as AnyStateMachine, [])] });
      const errors: unknown[] = [];
      engine.on('error', (e) => errors.push(e));
      try {
        const bad = await engine.start('ndt', {}, { actor: someone });
        const good = await engine.start('ok', {}, { actor: someone });
        await clock.advanceTo(T0 + 5000);
        expect((await engine.get(good)).state).toBe('ok');
        const view = await engine.get(bad);
        expect([view.state, view.suspended]).toEqual(['wait', true]);
        expect(errors.some((e) => isDocketError(e, 'MACHINE_ERROR') && e.details.problem === 'endless-step')).toBe(true);
      } finally {
        await engine.close();
        await opened.done();
      }
    });
  }

  it('the bound is INPUT_LIMITS.microsteps: a loop of fewer microsteps settles', async () => {
    expect(INPUT_LIMITS.microsteps).toBe(10_000);
    const machine = machineWith({ always: { guard: ({ context }: { context: { n: number } }) => context.n < 1000, target: 'c', actions: assign({ n: ({ context }: { context: { n: number } }) => context.n + 1 }) } });
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(T0), workflows: [workflowOf('nd', machine, ['GO', 'LEAVE'])] });
    const id = await engine.start('nd', {}, { actor: someone });
    const view = await engine.send(id, { type: 'GO' }, { actor: someone });
    expect([view.state, (view.context as { n: number }).n]).toEqual(['b', 1000]);
  });

  // docket/testing's exploration steps the machine with a scope of its own: a cycle hung it for ever,
  // and a step the engine refuses was reported reachable (b, waiting on PING), so a check passed on a
  // workflow whose GO the engine refuses. It is now bounded and refused the same way.
  for (const [i, c] of CASES.entries()) {
    if (c.name.startsWith('a guarded')) continue;
    it(`exploreWorkflow and assertNoDeadEnds: ${c.name} is a machine error on GO, never a reachable state`, () => {
      const wf = workflowOf(`ex${i}`, c.machine, ['GO', 'LEAVE', 'BACK', 'PING']);
      const report = exploreWorkflow(wf, { input: {} });
      expect(report.paths.map((p) => p.state)).not.toContain('b');
      expect(report.errors.map((e) => [e.state, e.path.description])).toEqual([['idle', 'GO']]);
      expect(report.errors[0]!.message).toMatch(c.says);
      let refusal: unknown;
      try {
        assertNoDeadEnds(wf, { input: {} });
      } catch (error) {
        refusal = error;
      }
      expect(isDocketError(refusal, 'INVALID_WORKFLOW_GRAPH')).toBe(true);
    });
  }
});
