import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, memoryStore, virtualClock } from '../src/index.js';

const at = (hhmm: string) => Date.parse(`2026-11-02T${hhmm}:00+08:00`);
const someone = { id: 'li', roles: ['staff'] };
const admin = { id: 'feng', roles: ['admin'] };

/** `waiting` times out after 1 h; nothing in it changes the context. */
const waitWorkflow = defineWorkflow({
  id: 'wait',
  version: 1,
  machine: setup({}).createMachine({
    id: 'wait',
    initial: 'waiting',
    states: { waiting: { after: { 3600000: 'timedOut' } }, timedOut: { type: 'final' } },
  }),
  input: z.object({}),
  events: {},
});

describe('timer lifecycle: moveTo the current state restarts it (its timer re-armed from now)', () => {
  it('moveTo("waiting") at 09:30 re-arms the 1 h timer for 10:30; nothing fires at 10:00', async () => {
    const clock = virtualClock(at('09:00'));
    const engine = createEngine({ store: memoryStore(), clock, workflows: [waitWorkflow] });
    const id = await engine.start('wait', {}, { actor: someone });
    await clock.advanceTo(at('09:30'));
    const moved = await engine.moveTo(id, { actor: admin, target: 'waiting', reason: 'restart the wait' });
    expect(moved.state).toBe('waiting');
    expect(moved.timers.map((t) => [t.state, t.dueAt])).toEqual([['waiting', at('10:30')]]);
    expect((await engine.store.timers(id)).map((t) => t.dueAt)).toEqual([at('10:30')]);
    expect(await clock.advanceTo(at('10:00'))).toEqual([]);
    expect((await engine.get(id)).state).toBe('waiting');
    const fired = await clock.advanceTo(at('11:00'));
    expect(fired.map((f) => f.dueAt)).toEqual([at('10:30')]);
    expect((await engine.history(id)).filter((e) => e.kind === 'admin')).toHaveLength(1);
  });

  it('a target that names no state is still INVALID_ARGUMENT and changes nothing', async () => {
    const clock = virtualClock(at('09:00'));
    const engine = createEngine({ store: memoryStore(), clock, workflows: [waitWorkflow] });
    const id = await engine.start('wait', {}, { actor: someone });
    const before = await engine.get(id);
    await expect(engine.moveTo(id, { actor: admin, target: 'nowhere', reason: 'x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await engine.get(id)).toEqual(before);
  });
});
