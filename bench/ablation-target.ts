// What `bench/ablation.ts` builds once per variant: the measured operations of workloads 1, 5 and 7,
// each bundled with its own copy of the engine (a variant's copy has named parts taken out), and
// their raw XState baselines. Not a bench file by itself: it exports functions and runs nothing.
import { createActor, setup } from 'xstate';
import { z } from 'zod';
import { createEngine, defineWorkflow, memoryStore, virtualClock, type Engine } from '../src/index.js';
import { noopEffects } from './effects.js';
import { calendar, directory, rawTwin, scenarios, type Act } from './real-machines.js';
import { engineSleepers, rawSleepers } from './sleeper.js';

const pingpong = setup({ types: {} as { context: { n: number }; events: { type: 'PING' } | { type: 'PONG' } } }).createMachine({
  id: 'pingpong',
  context: { n: 0 },
  initial: 'a',
  states: { a: { on: { PING: 'b' } }, b: { on: { PONG: 'a' } } },
});
const toyWorkflow = defineWorkflow({ id: 'pingpong', version: 1, machine: pingpong, input: z.object({}), events: { PING: z.object({}), PONG: z.object({}) } });
const toyActor = { id: 'bench', roles: ['user'] };

/** Workload 7: engine.send on the memory store, µs per event. */
export async function toySend(n: number): Promise<number> {
  const engine = createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [toyWorkflow] });
  const id = await engine.start('pingpong', {}, { actor: toyActor });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await engine.send(id, { type: i % 2 === 0 ? 'PING' : 'PONG' }, { actor: toyActor });
  const us = ((performance.now() - t0) * 1000) / n;
  await engine.close();
  return us;
}

/** Workload 7's baseline: raw XState actor.send, µs per event. */
export function toyRaw(n: number): number {
  const live = createActor(pingpong).start();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) live.send({ type: i % 2 === 0 ? 'PING' : 'PONG' });
  return ((performance.now() - t0) * 1000) / n;
}

async function prepare(engine: Engine, clock: ReturnType<typeof virtualClock>, ids: readonly string[], steps: readonly (Act | 'timer')[]) {
  for (const step of steps) {
    if (step === 'timer') {
      const view = await engine.get(ids[0]!);
      await clock.advanceTo(Math.min(...view.timers.map((t) => t.dueAt)));
    } else for (const id of ids) await engine.send(id, step.event as never, { actor: step.actor });
  }
}

/** Workload 1: the scenario's human act through the engine on the memory store, µs per act. */
export async function machineAct(index: number, m: number): Promise<number> {
  const sc = scenarios[index]!;
  const clock = virtualClock(sc.startAt);
  const engine = createEngine({ store: memoryStore(), clock, calendar, directory, workflows: [sc.workflow], effects: noopEffects, workerId: 'ablation' });
  const ids: string[] = [];
  for (let i = 0; i < m; i++) ids.push(await engine.start(sc.workflow.id as never, sc.input as never, { actor: sc.starter }));
  await prepare(engine, clock, ids, sc.actPrep);
  const t0 = performance.now();
  for (const id of ids) await engine.send(id, sc.act.event as never, { actor: sc.act.actor });
  const us = ((performance.now() - t0) * 1000) / m;
  await engine.close();
  return us;
}

/** Workload 1's baseline: the same act on the raw XState twin, µs per act. */
export function machineActRaw(index: number, m: number): number {
  const sc = scenarios[index]!;
  const twin = rawTwin(sc.workflow);
  const input = sc.workflow.input.parse(sc.input);
  twin.clock.now = Date.parse(sc.startAt);
  const actors = Array.from({ length: m }, () => twin.start(input, sc.starter));
  for (const step of sc.actPrep) {
    if (step === 'timer') {
      const due = actors[0]!.timers.nextDue()!;
      twin.clock.now = Math.max(twin.clock.now, due);
      for (const a of actors) a.timers.fireDue(due);
    } else for (const a of actors) twin.send(a.ref, step);
  }
  const t0 = performance.now();
  for (const a of actors) twin.send(a.ref, sc.act);
  const us = ((performance.now() - t0) * 1000) / m;
  for (const a of actors) a.ref.stop();
  return us;
}


/** Workload 5: `t` sleeper timers due across a quarter fired through the engine (memory), µs per firing. */
export async function timers(t: number): Promise<number> {
  const { fired, ms } = await engineSleepers(t, 'ablation');
  if (fired !== t) throw new Error(`fired ${fired} of ${t}`);
  return (ms * 1000) / fired;
}

/** Workload 5's baseline: the raw XState twin of the sleepers, fired in due order, µs per firing. */
export function timersRaw(t: number): number {
  const { fired, ms } = rawSleepers(t);
  return (ms * 1000) / fired;
}

/** The scenarios' names, by index (for the table). */
export const scenarioNames = scenarios.map((s) => s.name);
