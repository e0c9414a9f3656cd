import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, isDocketError, memoryStore, virtualClock, type Actor } from '../src/index.js';
import { createHttpHandler } from '../src/http/index.js';

// Found by a fresh reviewer: input at the boundaries that skipped the engine's one validator — the HTTP
// handler's host identity, a batch act's idempotency key, history() and query options, and a workflow
// defined without an input schema. Each is refused with a typed error and changes nothing.
const wf = defineWorkflow({
  id: 'note',
  version: 1,
  machine: setup({}).createMachine({ initial: 'open', states: { open: { on: { NOTE: 'open' } } } }),
  input: z.object({}),
  events: { NOTE: z.object({}) },
});
const staff: Actor = { id: 'li', roles: ['staff'] };

async function setupEngine() {
  const store = memoryStore();
  const engine = createEngine({ store, clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [wf] });
  const id = await engine.start('note', {}, { actor: staff });
  return { engine, store, id };
}

const post = (path: string, body: unknown) => new Request(`http://docket.test${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('boundary input the engine validator did not see', () => {
  it("HTTP: a host identity with roles as a string is refused (500, the host's bug), never passes an admin check", async () => {
    const { engine, id } = await setupEngine();
    await engine.terminate(id, { actor: { id: 'root', roles: ['admin'] }, reason: 'finished' });
    const handler = createHttpHandler({ engine, workflows: [wf], identify: () => ({ id: 'eve', roles: 'not-an-admin' }) as unknown as Actor });
    const retain = await handler(post('/admin/retain', { policy: { olderThan: { days: 0 } }, mode: 'purge' }));
    expect(retain.status).toBe(500);
    expect(((await retain.json()) as { code: string }).code).toBe('INVALID_ARGUMENT');
    expect((await engine.get(id)).status).toBe('cancelled'); // not purged
    expect((await handler(new Request('http://docket.test/tasks?assignee=someone'))).status).toBe(500);
  });

  it('HTTP /batch: a non-string idempotencyKey is refused (400), not dropped so that a retry applies the act twice', async () => {
    const { engine, id } = await setupEngine();
    const handler = createHttpHandler({ engine, workflows: [wf], identify: () => staff });
    const res = await handler(post('/batch', { acts: [{ instanceId: id, event: { type: 'NOTE' }, idempotencyKey: 5 }] }));
    expect(res.status).toBe(400);
    expect((await engine.get(id)).revision).toBe(1);
  });

  it('history() options and list/tasks filters are checked: null, a non-boolean includeRefused, empty or over-long ids', async () => {
    const { engine, id } = await setupEngine();
    for (const opts of [null, 'x', { includeRefused: 'yes' }]) {
      const error = await engine.history(id, opts as never).catch((e: unknown) => e);
      expect(isDocketError(error, 'INVALID_ARGUMENT'), JSON.stringify(opts)).toBe(true);
    }
    for (const q of [{ assignee: '' }, { instanceId: 'x'.repeat(300) }]) expect(isDocketError(await engine.tasks(q).catch((e: unknown) => e), 'INVALID_ARGUMENT')).toBe(true);
    expect(isDocketError(await engine.list({ workflow: 'w'.repeat(300) }).catch((e: unknown) => e), 'INVALID_ARGUMENT')).toBe(true);
    expect((await engine.history(id)).length).toBe(1);
  });

  it('defineWorkflow without an input schema (or machine, or events) is refused when defined, naming the field', () => {
    const machine = setup({}).createMachine({ initial: 'a', states: { a: {} } });
    expect(() => defineWorkflow({ id: 'x', version: 1, machine, events: {} } as never)).toThrow(/`input` is missing or not a zod schema/);
    expect(() => defineWorkflow({ id: 'x', version: 1, input: z.object({}), events: {} } as never)).toThrow(/`machine` is missing/);
    expect(() => defineWorkflow({ id: 'x', version: 1, machine, input: z.object({}) } as never)).toThrow(/`events` is missing/);
  });

  it('defineWorkflow refuses permissions that are not lists of role names (a string was a raw TypeError at every send, and its letters the simulated roles)', () => {
    const machine = setup({}).createMachine({ initial: 'a', states: { a: {} } });
    const base = { id: 'x', version: 1, machine, input: z.object({}), events: { GO: z.object({}) } };
    for (const permissions of [{ GO: 'manager' }, { start: 'staff' }, { GO: 7 }, { GO: null }, { GO: ['manager', 5] }, { GO: [''] }, 'manager', null, [['GO', ['m']]]]) {
      expect(() => defineWorkflow({ ...base, permissions } as never), JSON.stringify(permissions)).toThrow(/permissions/);
    }
    // Lists (even empty: nobody may send it), an absent entry and no permissions at all are accepted.
    for (const permissions of [{ GO: ['manager'], start: ['staff'] }, { GO: [] }, { start: undefined }, undefined]) {
      expect(defineWorkflow({ ...base, permissions } as never).id, JSON.stringify(permissions)).toBe('x');
    }
  });

  // A deadline rule given as data with a misremembered field ({ kind: 'duration', ms: 5 }) was
  // accepted and failed every start with a duration message naming neither the deadline nor the workflow.
  it('defineWorkflow checks deadline rules given as data, naming the deadline; rules given as functions are left to their resolution', () => {
    const machine = setup({}).createMachine({ initial: 'a', states: { a: {} } });
    const base = { id: 'x', version: 1, machine, input: z.object({}), events: {} };
    for (const late of [{ kind: 'duration', ms: 5 }, { kind: 'workingDays' }, { kind: 'weeks', n: 1 }, 'P3D', 5, null]) {
      expect(() => defineWorkflow({ ...base, deadlines: { late } } as never), JSON.stringify(late)).toThrow(/deadlines\.late is not a deadline rule/);
    }
    expect(() => defineWorkflow({ ...base, deadlines: [] } as never)).toThrow(/`deadlines` must be an object/);
    expect(defineWorkflow({ ...base, deadlines: { late: { kind: 'duration', duration: { days: 2 } }, dynamic: () => ({ kind: 'duration', duration: 1 }) } } as never).id).toBe('x');
  });

  // An event without a permissions entry may be sent by every role, so a misspelt key left the event
  // it meant open to everyone: permissions: { APROVE: ['manager'] } let a clerk APPROVE.
  it('defineWorkflow refuses a permissions key that names no event of the workflow (a typo opened the event it meant to everyone)', async () => {
    const machine = setup({}).createMachine({ initial: 'a', states: { a: { on: { APPROVE: 'b' } }, b: { type: 'final' } } });
    const base = { id: 'x', version: 1, machine, input: z.object({}), events: { APPROVE: z.object({}) } };
    for (const key of ['APROVE', 'approve', 'APPROVE ', 'START', 'toString', '__proto__x']) {
      expect(() => defineWorkflow({ ...base, permissions: { [key]: ['manager'] } } as never), key).toThrow(/names no event of the workflow.*APPROVE/);
    }
    const guarded = defineWorkflow({ ...base, permissions: { APPROVE: ['manager'], start: ['clerk'] } });
    const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [guarded] });
    const clerk = { id: 'zhang', roles: ['clerk'] };
    const id = await engine.start('x' as never, {} as never, { actor: clerk });
    expect(isDocketError(await engine.send(id, { type: 'APPROVE' }, { actor: clerk }).catch((e: unknown) => e), 'FORBIDDEN')).toBe(true);
    expect((await engine.get(id)).state).toBe('a');
  });
});
