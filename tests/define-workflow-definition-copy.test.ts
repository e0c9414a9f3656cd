// A workflow definition was read live: defineWorkflow kept the caller's nested objects (a shallow
// spread), and the engine read permissions, deadline rules and labels from them at every start and
// send, so a caller changing its object after defining (config.permissions.APPROVE.push('clerk'),
// config.deadlines.review.days = 10) changed a registered workflow. Fields inherited from a prototype,
// getters and Maps were silently lost or read again later. defineWorkflow (and the approval plugin's
// withApprovals / approvals.defineWorkflow) now read the definition once into a deep-frozen copy of
// its own data properties, and refuse the rest with INVALID_ARGUMENT naming the path.
import fc from 'fast-check';
import { setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { approvalStep, businessCalendar, createEngine, defineWorkflow, memoryStore, users, virtualClock, withApprovals, type AnyWorkflow } from '../src/index.js';
import { approvalFlow, harness, li } from './approvals-fixture.js';

/** A working Monday (2 November 2026, no holiday near). */
const MONDAY = '2026-11-02T09:00:00+08:00';
const staff = { id: 'li', roles: ['staff'] };
const manager = { id: 'wang', roles: ['manager'] };
const clerk = { id: 'xu', roles: ['clerk'] };

const machine = setup({ types: {} as { events: { type: 'APPROVE' } | { type: 'REJECT' } } }).createMachine({
  id: 'leave',
  initial: 'review',
  states: {
    review: { after: { review: 'late', remind: 'review' }, on: { APPROVE: 'approved', REJECT: 'rejected' } },
    late: { on: { APPROVE: 'approved' } },
    approved: { type: 'final' },
    rejected: { type: 'final' },
  },
});

/** A fresh definition with plain data at every level a caller could change afterwards. */
function definition() {
  return {
    id: 'leave' as const,
    version: 1,
    machine,
    input: z.object({}),
    events: { APPROVE: z.object({}), REJECT: z.object({}) },
    permissions: { APPROVE: ['manager'], REJECT: ['manager'], start: ['staff'] } as Record<string, string[]>,
    deadlines: {
      review: { kind: 'workingDays', days: 3, time: '17:00' },
      remind: { kind: 'duration', duration: 4 * 3_600_000 },
    } as Record<string, Record<string, unknown>>,
    labels: {
      title: { 'zh-CN': '请假', en: 'Leave' },
      states: { review: { 'zh-CN': '审批', en: 'Review' } },
      deadlines: { review: { 'zh-CN': '审批期限', en: 'Review due' } },
    } as Record<string, any>,
    roles: { manager: { 'zh-CN': '经理', en: 'Manager' } } as Record<string, any>,
    description: { 'zh-CN': '请假流程', en: 'Leave request' } as Record<string, any>,
  };
}

const define = (def: unknown) => defineWorkflow(def as never) as unknown as AnyWorkflow;

/** What a registered workflow does, as a caller sees it: timers armed, who may act, where it goes. */
async function behaviour(workflow: AnyWorkflow) {
  const clock = virtualClock(MONDAY);
  const engine = createEngine({ store: memoryStore(), clock, calendar: businessCalendar({ holidays: ['CN'] }), workflows: [workflow] });
  const outcome = async <T>(run: () => Promise<T>) => run().then((v) => ({ ok: v as unknown }), (e: { code?: string }) => ({ refused: e.code }));
  const startedByClerk = await outcome(() => engine.start('leave', {} as never, { actor: clerk }));
  const id = await engine.start('leave', {} as never, { actor: staff });
  const timers = (await engine.get(id)).timers.map((t) => [t.name, t.dueAt]);
  const clerkApproves = await outcome(() => engine.send(id, { type: 'APPROVE' } as never, { actor: clerk }).then((v) => v.state));
  const managerApproves = await outcome(() => engine.send(id, { type: 'APPROVE' } as never, { actor: manager }).then((v) => v.state));
  await engine.close();
  const data = JSON.stringify([workflow.id, workflow.version, workflow.permissions, workflow.deadlines, workflow.labels, workflow.roles, workflow.description]);
  return { startedByClerk: 'refused' in startedByClerk ? startedByClerk : 'started', timers, clerkApproves, managerApproves, data };
}

function expectInvalid(run: () => unknown, field: string, message: RegExp): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toMatchObject({ code: 'INVALID_ARGUMENT', details: { field } });
  expect((thrown as Error).message).toMatch(message);
  expect((thrown as Error).message).toContain(field);
}

describe('defineWorkflow reads its definition once, into a frozen copy', () => {
  it('a change to the definition object after defining changes neither the registered workflow nor a running instance', async () => {
    const def = definition();
    const workflow = define(def);
    const expected = await behaviour(define(definition()));
    expect(expected).toMatchObject({
      startedByClerk: { refused: 'FORBIDDEN' },
      timers: [['remind', Date.parse('2026-11-02T13:00:00+08:00')], ['review', Date.parse('2026-11-05T17:00:00+08:00')]],
      clerkApproves: { refused: 'FORBIDDEN' },
      managerApproves: { ok: 'approved' },
    });
    const clock = virtualClock(MONDAY);
    const engine = createEngine({ store: memoryStore(), clock, calendar: businessCalendar({ holidays: ['CN'] }), workflows: [workflow] });
    const first = await engine.start('leave', {} as never, { actor: staff });
    // Changed after defining and after the engine took the workflow, before and after an instance started.
    def.permissions['APPROVE']!.push('clerk');
    def.permissions['start']!.push('clerk');
    def.deadlines['review']!['days'] = 10;
    def.deadlines['remind']!['duration'] = 60_000;
    def.labels['title'].en = 'Changed';
    def.roles['manager'].en = 'Boss';
    const second = await engine.start('leave', {} as never, { actor: staff });
    expect((await engine.get(second)).timers.map((t) => [t.name, t.dueAt])).toEqual(expected.timers);
    expect((await engine.get(first)).timers.map((t) => [t.name, t.dueAt])).toEqual(expected.timers);
    await expect(engine.send(first, { type: 'APPROVE' } as never, { actor: clerk })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(engine.start('leave', {} as never, { actor: clerk })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await engine.close();
    expect(workflow.labels?.title).toEqual({ 'zh-CN': '请假', en: 'Leave' });
    expect(workflow.roles?.['manager']?.en).toBe('Manager');
    expect(await behaviour(workflow)).toEqual(expected);
    // The workflow handed back is frozen all the way down: nobody changes a registered workflow through it.
    expect(Object.isFrozen(workflow.permissions?.['APPROVE'])).toBe(true);
    expect(Object.isFrozen(workflow.deadlines?.['review'])).toBe(true);
    expect(Object.isFrozen(workflow.labels?.title)).toBe(true);
    // The machine and schemas are the caller's own objects, taken by reference.
    expect(workflow.machine).toBe(def.machine);
    expect(workflow.events['APPROVE']).toBe(def.events.APPROVE);
  });

  it('refuses a field inherited from a prototype, naming its path, and defines nothing', () => {
    const deadlines = Object.create({ review: { kind: 'workingDays', days: 3 } }) as Record<string, unknown>;
    deadlines['remind'] = { kind: 'duration', duration: 60_000 };
    expectInvalid(() => define({ ...definition(), deadlines }), 'definition.deadlines.review', /inherited from a prototype.*pass it as an own property/);
    const labels = Object.create({ title: { 'zh-CN': '请假', en: 'Leave' } });
    expectInvalid(() => define({ ...definition(), labels }), 'definition.labels.title', /inherited/);
  });

  it('refuses a getter, which could answer differently on each read, naming its path', () => {
    let reads = 0;
    const deadlines = {
      get review() {
        reads++;
        return reads === 1 ? { kind: 'workingDays', days: 3 } : { kind: 'workingDays', days: 30 };
      },
      remind: { kind: 'duration', duration: 60_000 },
    };
    expectInvalid(() => define({ ...definition(), deadlines }), 'definition.deadlines.review', /getter.*pass its value as a plain data property/);
    expect(reads).toBe(0);
    const permissions = { get APPROVE() { return ['manager']; } };
    expectInvalid(() => define({ ...definition(), permissions }), 'definition.permissions.APPROVE', /getter/);
  });

  it('refuses a Map where plain data is expected (its entries are not its keys), naming its path', () => {
    const deadlines = new Map([['review', { kind: 'workingDays', days: 3 }]]);
    expectInvalid(() => define({ ...definition(), deadlines }), 'definition.deadlines', /is a Map.*pass plain data/);
    const roles = { manager: new Set(['经理']) };
    expectInvalid(() => define({ ...definition(), roles }), 'definition.roles.manager', /is a Set/);
  });

  it('refuses a class instance, whose prototype getters would be silently missing, naming its path', () => {
    class Rules {
      get review() {
        return { kind: 'workingDays', days: 3 };
      }
    }
    expectInvalid(() => define({ ...definition(), deadlines: new Rules() }), 'definition.deadlines', /prototype other than Object\.prototype.*plain object literal/);
  });

  it('withApprovals: a change to its deadlines after the call changes neither the delays, the timers nor the inbox due dates', async () => {
    const expectedFlow = approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'approve' } } }], {
      deadlines: { due: { kind: 'workingDays', days: 2 } },
    });
    const deadlines: Record<string, Record<string, unknown>> = { due: { kind: 'workingDays', days: 2 } };
    const flow = approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'approve' } } }], { deadlines: deadlines as never });
    deadlines['due']!['days'] = 9;
    deadlines['late'] = { kind: 'duration', duration: 1 };
    const seen = async (wf: typeof flow) => {
      const { engine } = harness(wf);
      const id = await engine.start('flow', { amount: 1 }, { actor: li });
      const timers = (await engine.get(id)).timers.map((t) => [t.name, t.dueAt]);
      const due = (await engine.tasks({ instanceId: id })).map((t) => t.dueAt);
      await engine.close();
      return { timers, due, deadlines: JSON.stringify(wf.deadlines) };
    };
    const expected = await seen(expectedFlow);
    expect(expected.timers).toHaveLength(1);
    expect(await seen(flow)).toEqual(expected);
  });

  it('withApprovals and approvals.defineWorkflow refuse a getter, an inherited field or a Map, naming the path', () => {
    expectInvalid(() => withApprovals({ deadlines: new Map() as never }), 'options.deadlines', /is a Map/);
    expectInvalid(() => withApprovals({ deadlines: Object.create({ due: { kind: 'workingDays', days: 2 } }) }), 'options.deadlines.due', /inherited/);
    const approvals = withApprovals();
    const bare = setup({}).createMachine({ initial: 'a', states: { a: {} } });
    const config = { id: 'x', version: 1, machine: bare, input: z.object({}), get labels() { return { title: { 'zh-CN': '甲', en: 'A' } }; } };
    expectInvalid(() => approvals.defineWorkflow(config as never), 'definition.labels', /getter/);
  });

  it('property: whatever the caller changes in its definition after defining, the workflow behaves as a fresh define of the original', async () => {
    const expected = await behaviour(define(definition()));
    // Every place of the definition's plain data, as a path, and what is done there.
    const paths = (() => {
      const out: (string | number)[][] = [];
      const walk = (value: unknown, path: (string | number)[]) => {
        out.push(path);
        if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
        else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
      };
      const def = definition() as Record<string, unknown>;
      for (const key of ['id', 'version', 'permissions', 'deadlines', 'labels', 'roles', 'description']) walk(def[key], [key]);
      return out;
    })();
    const replacement = fc.oneof(
      fc.integer({ min: 0, max: 40 }),
      fc.constantFrom('clerk', 'Changed', '', 'review', 'workingDays', 'duration'),
      fc.constant(null),
      fc.constant(['clerk']),
      fc.constant({ kind: 'duration', duration: 1 }),
      fc.constant({ 'zh-CN': '改', en: 'changed' }),
    );
    const mutation = fc.record({
      path: fc.constantFrom(...paths),
      op: fc.constantFrom('set', 'delete', 'add', 'push', 'clear'),
      value: replacement,
      key: fc.constantFrom('extra', 'APPROVE', 'start', 'days', 'en', 'review'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (mutations) => {
        const def = definition() as Record<string, unknown>;
        const workflow = define(def);
        for (const { path, op, value, key } of mutations) {
          let parent: any = def;
          for (const step of path.slice(0, -1)) parent = parent?.[step];
          const last = path[path.length - 1]!;
          const target = parent?.[last];
          if (parent === null || typeof parent !== 'object') continue;
          if (op === 'set') parent[last] = value;
          else if (op === 'delete') delete parent[last];
          else if (op === 'add' && target && typeof target === 'object') target[key] = value;
          else if (op === 'push' && Array.isArray(target)) target.push(typeof value === 'string' ? value : 'clerk');
          else if (op === 'clear' && target && typeof target === 'object') for (const k of Object.keys(target)) delete target[k];
        }
        expect(await behaviour(workflow)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});

// An approval step's configuration sits in the machine, which a definition keeps by reference, and
// approvalStep kept it by a shallow spread: a caller's approver rule, `operations` or `cc` changed
// after approvalStep() (and after defineWorkflow and createEngine) changed who every later entry of
// the step asked and what they might do, after approvalStep's checks had passed on the old values.
describe('approvalStep reads its configuration once, into a frozen copy', () => {
  /** What a step does, as its people see it: who is asked, what the step's spec says, whether 加签 is allowed. */
  async function stepBehaviour(flow: ReturnType<typeof approvalFlow<'flow'>>) {
    const { engine, statuses, step } = harness(flow);
    const id = await engine.start('flow', { amount: 1 }, { actor: li });
    const asked = await statuses(id, 'legal');
    const spec = JSON.stringify((await step(id, 'legal')).spec);
    const addSign = await engine
      .send(id, { type: 'ADD_SIGNER', step: 'legal', users: ['qian'], position: 'after' } as never, { actor: { id: 'zhao', roles: ['legal'] } })
      .then(() => 'allowed', (e: { code?: string }) => e.code);
    await engine.close();
    return { asked, spec, addSign };
  }
  const stepConfig = () => ({ id: 'legal', mode: 'all' as const, approvers: { kind: 'users' as const, users: ['zhao'] }, operations: ['APPROVE', 'REJECT', 'WITHDRAW'] as string[] });

  it('a change to the step configuration after approvalStep() changes neither who is asked nor what is allowed', async () => {
    const expected = await stepBehaviour(approvalFlow([stepConfig() as never]));
    expect(expected.asked).toEqual(['zhao:pending']);
    expect(expected.addSign).toBe('OPERATION_NOT_ALLOWED');
    const config = stepConfig();
    const flow = approvalFlow([config as never]);
    config.approvers.users.push('qian');
    config.operations.push('ADD_SIGNER');
    expect(await stepBehaviour(flow)).toEqual(expected);
  });

  it('refuses a getter, an inherited field or a Map in a step configuration, naming the path', () => {
    const base = { id: 'legal', mode: 'all', onApproved: 'done', onRejected: 'done' };
    expectInvalid(() => approvalStep({ ...base, approvers: new Map() } as never), 'config.approvers', /is a Map/);
    expectInvalid(() => approvalStep({ ...base, approvers: Object.create({ kind: 'users', users: ['zhao'] }) } as never), 'config.approvers.kind', /inherited/);
    expectInvalid(() => approvalStep({ ...base, get approvers() { return users('zhao'); } } as never), 'config.approvers', /getter/);
  });

  it('property: whatever the caller changes in a step configuration after approvalStep(), the step behaves as one built from the original', async () => {
    const expected = await stepBehaviour(approvalFlow([stepConfig() as never]));
    const change = fc.constantFrom<(c: ReturnType<typeof stepConfig>) => void>(
      (c) => c.approvers.users.push('qian'),
      (c) => (c.approvers.users[0] = 'wang'),
      (c) => c.approvers.users.splice(0),
      (c) => c.operations.push('ADD_SIGNER'),
      (c) => c.operations.splice(0, 1),
      (c) => ((c as { mode: string }).mode = 'any'),
      (c) => ((c.approvers as { kind: string }).kind = 'role'),
      (c) => Object.assign(c, { cc: users('sun') }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 3 }), async (changes) => {
        const config = stepConfig();
        const flow = approvalFlow([config as never]);
        for (const c of changes) c(config);
        expect(await stepBehaviour(flow)).toEqual(expected);
      }),
      { numRuns: 25 },
    );
  });
});

// createEngine took each workflow as given: one built without defineWorkflow (`{ ...wf, deadlines }`,
// as fixtures and plugins write it) kept the caller's objects, and the engine read its permissions,
// deadline rules and labels at every act, so a change after createEngine changed the running engine.
describe('createEngine reads each workflow once', () => {
  const spread = () => {
    const def = definition();
    return { ...define(def), permissions: def.permissions, deadlines: def.deadlines, labels: def.labels } as unknown as AnyWorkflow & typeof def;
  };

  it('a change to a spread workflow after createEngine changes neither who may act nor the deadlines', async () => {
    const expected = await behaviour(define(definition()));
    const workflow = spread() as any;
    const clock = virtualClock(MONDAY);
    const engine = createEngine({ store: memoryStore(), clock, calendar: businessCalendar({ holidays: ['CN'] }), workflows: [workflow] });
    workflow.permissions.APPROVE.push('clerk');
    workflow.permissions.start.push('clerk');
    workflow.deadlines.review.days = 10;
    const id = await engine.start('leave', {} as never, { actor: staff });
    expect((await engine.get(id)).timers.map((t) => [t.name, t.dueAt])).toEqual(expected.timers);
    await expect(engine.start('leave', {} as never, { actor: clerk })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(engine.send(id, { type: 'APPROVE' } as never, { actor: clerk })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await engine.close();
  });

  it('refuses a workflow holding a getter or a Map, naming it by its place in workflows', () => {
    const workflow = spread() as any;
    const base = { store: memoryStore(), clock: virtualClock(MONDAY), calendar: businessCalendar({ holidays: ['CN'] }) };
    expectInvalid(() => createEngine({ ...base, workflows: [define(definition()), { ...workflow, version: 2, deadlines: new Map() }] }), 'workflows[1].deadlines', /is a Map/);
    expectInvalid(() => createEngine({ ...base, workflows: [{ ...workflow, get permissions() { return { APPROVE: ['clerk'] }; } }] }), 'workflows[0].permissions', /getter/);
  });

  it('property: whatever the caller changes in a spread workflow after createEngine, the engine behaves as with the original', async () => {
    const expected = await behaviour(define(definition()));
    const change = fc.constantFrom<(w: any) => void>(
      (w) => w.permissions.APPROVE?.push('clerk'),
      (w) => w.permissions.start.push('clerk'),
      (w) => delete w.permissions.APPROVE,
      (w) => (w.deadlines.review.days = 10),
      (w) => w.deadlines.remind && (w.deadlines.remind.duration = 60_000),
      (w) => delete w.deadlines.remind,
      (w) => (w.labels.title.en = 'Changed'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 4 }), async (changes) => {
        const workflow = spread() as any;
        const clock = virtualClock(MONDAY);
        const engine = createEngine({ store: memoryStore(), clock, calendar: businessCalendar({ holidays: ['CN'] }), workflows: [workflow] });
        for (const c of changes) c(workflow);
        const id = await engine.start('leave', {} as never, { actor: staff });
        const timers = (await engine.get(id)).timers.map((t) => [t.name, t.dueAt]);
        const clerkApproves = await engine.send(id, { type: 'APPROVE' } as never, { actor: clerk }).then(() => 'ok', (e: { code?: string }) => e.code);
        await engine.close();
        expect({ timers, clerkApproves }).toEqual({ timers: expected.timers, clerkApproves: 'FORBIDDEN' });
      }),
      { numRuns: 30 },
    );
  });
});
