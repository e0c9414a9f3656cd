// Tenant isolation, on the engine API: src/http is not on main yet, so this is the contract the HTTP
// layer must keep (each request goes through engine.forTenant(tenantOfTheCaller)).
import { describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, isDocketError, memoryStore, virtualClock, workingDays } from '../src/index.js';
import { manager, reviewWorkflow, staff } from './fixtures/review-workflow.js';

const START = '2026-11-02T09:00:00+08:00'; // a Monday
const DAY = 86_400_000;

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (error) {
    if (isDocketError(error)) return error.code;
    throw error;
  }
}

function setup() {
  const clock = virtualClock(START);
  // Tenant acme works Monday to Friday; tenant globex takes Tuesday 2026-11-03 off as a company holiday.
  const workflow = { ...reviewWorkflow, deadlines: { reviewDeadline: workingDays(1) } } as unknown as typeof reviewWorkflow;
  const engine = createEngine({
    store: memoryStore(),
    clock,
    workflows: [workflow],
    calendar: businessCalendar({ holidays: [{ years: [2026], holidays: [] }], zone: 'Asia/Shanghai' }),
    tenants: { globex: { calendar: businessCalendar({ holidays: [{ years: [2026], holidays: [{ date: '2026-11-03', name: 'Founders day' }] }], zone: 'Asia/Shanghai' }) } },
  });
  return { clock, engine };
}

describe('tenants', () => {
  it('one tenant can never read or act on another tenant’s instance: INSTANCE_NOT_FOUND, as for an unknown id', async () => {
    const { engine } = setup();
    const acme = engine.forTenant('acme');
    const globex = engine.forTenant('globex');
    const a = await acme.start('review', { title: 'acme plan' }, { actor: staff });
    const g = await globex.start('review', { title: 'globex plan' }, { actor: staff });
    await globex.send(g, { type: 'SUBMIT' }, { actor: staff });

    expect((await acme.get(a)).tenant).toBe('acme');
    expect(await code(acme.get(g))).toBe('INSTANCE_NOT_FOUND');
    expect(await code(acme.history(g))).toBe('INSTANCE_NOT_FOUND');
    expect(await code(acme.verify(g))).toBe('INSTANCE_NOT_FOUND');
    expect(await code(acme.effects(g))).toBe('INSTANCE_NOT_FOUND');
    expect(await code(acme.record(g))).toBe('INSTANCE_NOT_FOUND');
    expect(await code(acme.send(g, { type: 'APPROVE' }, { actor: manager }))).toBe('INSTANCE_NOT_FOUND');
    expect(await code(acme.can(g, { type: 'APPROVE' }, manager))).toBe('INSTANCE_NOT_FOUND');
    expect(await code(acme.terminate(g, { actor: { id: 'root', roles: ['admin'] }, reason: 'x' }))).toBe('INSTANCE_NOT_FOUND');
    // The same code and shape as an id that exists nowhere: nothing tells the ids apart.
    expect(await code(acme.get('no-such-id'))).toBe('INSTANCE_NOT_FOUND');
    const [batch] = await acme.sendMany([{ instanceId: g, event: { type: 'APPROVE' } }], { actor: manager });
    expect(batch).toMatchObject({ ok: false, instanceId: g });
    expect(batch!.ok ? '' : batch!.error.code).toBe('INSTANCE_NOT_FOUND');

    expect((await acme.list()).items.map((i) => i.id)).toEqual([a]);
    expect((await globex.list()).items.map((i) => i.id)).toEqual([g]);
    expect((await acme.tasks()).map((t) => t.instanceId)).not.toContain(g);
    expect((await globex.tasks()).map((t) => t.instanceId)).not.toContain(a);
    // An actor carrying its tenant is scoped on the plain engine too.
    expect(await code(engine.send(g, { type: 'APPROVE' }, { actor: { ...manager, tenant: 'acme' } }))).toBe('INSTANCE_NOT_FOUND');
    expect(await code(engine.can(g, { type: 'APPROVE' }, { ...manager, tenant: 'acme' }))).toBe('INSTANCE_NOT_FOUND');
    // Nothing was changed by the refused acts: g is still where globex left it.
    expect((await globex.get(g)).state).toBe('reviewing');
    expect((await globex.send(g, { type: 'APPROVE' }, { actor: { ...manager, tenant: 'globex' } })).status).toBe('done');
  });

  it('records the tenant in the start entry of the hash chain', async () => {
    const { engine } = setup();
    const id = await engine.forTenant('acme').start('review', { title: 'x' }, { actor: staff });
    const [start] = await engine.history(id);
    expect(start!.event).toMatchObject({ type: 'docket.start', tenant: 'acme' });
    expect((await engine.verify(id)).ok).toBe(true);
  });

  it('a tenant’s own calendar changes its deadline', async () => {
    const { engine } = setup();
    const a = await engine.forTenant('acme').start('review', { title: 'a' }, { actor: staff });
    const g = await engine.forTenant('globex').start('review', { title: 'g' }, { actor: staff });
    const due = async (id: string) => (await engine.send(id, { type: 'SUBMIT' }, { actor: staff })).timers[0]!.dueAt;
    // One working day from Monday: Tuesday for acme; Wednesday for globex, whose Tuesday is a holiday.
    expect(await due(a)).toBe(Date.parse(START) + DAY);
    expect(await due(g)).toBe(Date.parse(START) + 2 * DAY);
  });

  it('each act computes its step with its own instance’s tenant calendar, whatever acts run beside it', async () => {
    const { engine } = setup();
    const admin = { id: 'root', roles: ['admin'] };
    const a = await engine.forTenant('acme').start('review', { title: 'a' }, { actor: staff });
    const g = await engine.forTenant('globex').start('review', { title: 'g' }, { actor: staff });
    // Interleaved acts of both tenants: no tenant is "current" for the engine, each step takes its record's.
    const [va, vg] = await Promise.all([engine.send(a, { type: 'SUBMIT' }, { actor: staff }), engine.send(g, { type: 'SUBMIT' }, { actor: staff })]);
    expect(va.timers[0]!.dueAt).toBe(Date.parse(START) + DAY);
    expect(vg.timers[0]!.dueAt).toBe(Date.parse(START) + 2 * DAY);
    // moveTo re-enters the state and re-arms its deadline with the moved instance's tenant calendar,
    // right after an act on the other tenant's instance.
    const [ma, mg] = await Promise.all([
      engine.moveTo(a, { actor: admin, target: 'reviewing', reason: 'restart' }),
      engine.moveTo(g, { actor: admin, target: 'reviewing', reason: 'restart' }),
    ]);
    expect(ma.timers.map((t) => t.dueAt)).toEqual([Date.parse(START) + DAY]);
    expect(mg.timers.map((t) => t.dueAt)).toEqual([Date.parse(START) + 2 * DAY]);
  });

  it('refuses a malformed tenant with INVALID_ARGUMENT', async () => {
    const { engine } = setup();
    expect(() => engine.forTenant('' as string)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(await code(engine.start('review', { title: 'x' }, { actor: staff, tenant: 42 as unknown as string }))).toBe('INVALID_ARGUMENT');
  });
});
