// A workflow's effect types can be listed (effectTypesOf), and a handler under a name no workflow
// emits is refused. Regression: `createEngine({ effects: { notfy } })` and `replayPaths(wf, { effects:
// { notfy } })` took a misspelt handler without a word; effect() left no mark on the action, so the
// names could not be told, and the `notify` effects it was meant for went `dead` for want of a handler.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assign, createMachine, enqueueActions, setup } from 'xstate';
import { z } from 'zod';
import { createEngine, defineWorkflow, effect, effectTypesOf, isDocketError, memoryStore, migrateFrom, users, virtualClock } from '../src/index.js';
import { replayPaths } from '../src/testing/index.js';
import { approvalFlow } from './approvals-fixture.js';
import { goNotifyWorkflow } from './fixtures/go-notify-workflow.js';
import { outcome } from './helpers/refusal-outcome.js';

const noop = () => {};
const engineWith = (workflows: readonly unknown[], effects: Record<string, unknown>) => () =>
  createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: workflows as never, effects: effects as never }).close();

/** `a` --GO--> `b` (final), whose entry emits each effect in `names`; `bump` is an assign, no effect. */
function emitting(names: readonly string[], id = 'emits') {
  return defineWorkflow({
    id,
    version: 1,
    machine: setup({ actions: { ...Object.fromEntries(names.map((n) => [n, effect()])), bump: assign({}) } }).createMachine({
      initial: 'a',
      states: { a: { on: { GO: 'b' } }, b: { type: 'final', entry: [...names.map((type) => ({ type })), { type: 'bump' }] as never } },
    }),
    input: z.object({}),
    events: { GO: z.object({}) },
  });
}

describe('effect types of a workflow', () => {
  it('createEngine refuses a misspelt handler, naming effects.notfy and listing the known effects', () => {
    let error: unknown;
    try {
      createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [goNotifyWorkflow], effects: { notfy: noop } });
    } catch (e) {
      error = e;
    }
    expect(isDocketError(error, 'INVALID_ARGUMENT')).toBe(true);
    const e = error as { details: { field: unknown }; message: string };
    expect(e.details.field).toBe('effects.notfy');
    expect(e.message).toContain('notify');
    expect(e.message).toMatch(/Fix its name/);
  });

  it('replayPaths refuses a misspelt handler, naming effects.notfy', async () => {
    expect(await outcome(() => replayPaths(goNotifyWorkflow, { input: {}, effects: { notfy: noop } }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'effects.notfy' });
    // The right name is taken and run.
    const seen: string[] = [];
    await replayPaths(goNotifyWorkflow, { input: {}, effects: { notify: () => void seen.push('ran') } });
    expect(seen).toContain('ran');
  });

  it("an approval workflow's effects are its approval plugin's: approval.assigned, approval.cc, approval.remind", async () => {
    const flow = approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian') }]);
    expect(effectTypesOf(flow)).toEqual(['approval.assigned', 'approval.cc', 'approval.remind', 'notify']);
    expect(await outcome(engineWith([flow], { 'approval.assigned': noop, 'approval.cc': noop, 'approval.remind': noop, notify: noop }))).toBe('taken');
    expect(await outcome(engineWith([flow], { 'approval.asigned': noop }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'effects.approval.asigned' });
  });

  it('an engine serving several workflows takes handlers for the union of their effects', async () => {
    const other = emitting(['audit'], 'other');
    expect(await outcome(engineWith([goNotifyWorkflow, other], { notify: noop, audit: noop }))).toBe('taken');
    expect(await outcome(engineWith([other], { notify: noop, audit: noop }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'effects.notify' });
  });

  it('effects of a version a migration moves from stay known (its instances may still have effects pending)', async () => {
    const v1 = emitting(['legacyMail'], 'mig');
    const v2 = defineWorkflow({ ...emitting(['notify'], 'mig'), version: 2, migrations: migrateFrom(v1) } as never);
    expect(effectTypesOf(v2)).toEqual(['legacyMail', 'notify']);
    expect(await outcome(engineWith([v2], { legacyMail: noop, notify: noop }))).toBe('taken');
  });

  it('a plain function action is an effect too (the engine records it in the outbox); an assign is not', () => {
    const wf = defineWorkflow({
      id: 'plain',
      version: 1,
      machine: setup({ actions: { log: () => {}, bump: assign({}) } }).createMachine({ initial: 'a', states: { a: { entry: [{ type: 'log' }, { type: 'bump' }] } } }),
      input: z.object({}),
      events: {},
    });
    expect(effectTypesOf(wf)).toEqual(['log']);
  });

  it('an action a state names without an implementation, and an inline named function, are effects too (XState hands both to the executor)', async () => {
    function ringBell() {}
    const wf = defineWorkflow({
      id: 'bare',
      version: 1,
      machine: createMachine({ initial: 'a', states: { a: { entry: ['sendMail', { type: 'audit' }], on: { GO: { target: 'b', actions: [ringBell, assign({})] } } }, b: {} } }),
      input: z.object({}),
      events: { GO: z.object({}) },
    });
    expect(effectTypesOf(wf)).toEqual(['audit', 'ringBell', 'sendMail']);
    expect(await outcome(engineWith([wf], { sendMail: noop, audit: noop }))).toBe('taken');
  });

  it('property: createEngine takes a handler exactly under an effect type the workflow emits, and replayPaths refuses as it does', async () => {
    const pool = ['notify', 'notfy', 'audit', 'archive', 'Notify', 'bump'];
    await fc.assert(
      fc.asyncProperty(fc.subarray(['notify', 'audit', 'archive']), fc.uniqueArray(fc.constantFrom(...pool), { maxLength: 4 }), async (declared, handlerNames) => {
        const wf = emitting(declared);
        expect(effectTypesOf(wf)).toEqual([...declared].sort());
        const handlers = Object.fromEntries(handlerNames.map((n) => [n, noop]));
        const unknown = handlerNames.find((n) => !declared.includes(n));
        const engine = await outcome(engineWith([wf], handlers));
        expect(engine).toEqual(unknown === undefined ? 'taken' : { code: 'INVALID_ARGUMENT', field: `effects.${unknown}` });
        const replay = await outcome(() => replayPaths(wf, { input: {}, effects: handlers, maxPaths: 1 }));
        expect(replay).toEqual(engine);
      }),
      { numRuns: 40 },
    );
  });
});

// Regression (brk23): effectTypesOf of what is not a workflow listed `[]` for a bare machine or `{}`
// (as if no effect needed a handler) and threw a raw TypeError for `undefined`, `null` or an object
// whose getter throws.
describe('effectTypesOf of what is not a workflow', () => {
  const typed = (value: unknown) => {
    try {
      effectTypesOf(value as never);
      return 'accepted';
    } catch (error) {
      return isDocketError(error) ? { code: error.code, field: error.details.field } : `raw ${String(error)}`;
    }
  };
  const refused = { code: 'INVALID_ARGUMENT', field: 'workflow' };

  it('undefined and null are INVALID_ARGUMENT naming the workflow, not a TypeError', () => {
    expect(typed(undefined)).toEqual(refused);
    expect(typed(null)).toEqual(refused);
  });

  it('a bare machine is refused, and the message says to pass defineWorkflow(...)', () => {
    expect(typed(goNotifyWorkflow.machine)).toEqual(refused);
    expect(() => effectTypesOf(goNotifyWorkflow.machine as never)).toThrow(/bare state machine: pass defineWorkflow/);
  });

  it('a plain object is refused, not listed as emitting nothing', () => {
    expect(typed({})).toEqual(refused);
    expect(typed({ id: 'w', machine: {} })).toEqual(refused);
  });

  it('a workflow whose fields throw when read is refused, not the getter’s raw error', () => {
    expect(typed(new Proxy({}, { get: () => { throw new Error('trap'); } }))).toEqual(refused);
    expect(typed({ ...goNotifyWorkflow, get migrations() { throw new Error('mig'); } })).toEqual(refused);
  });

  it('a workflow, or a hand-made { machine } (as replayPaths takes), is still listed', () => {
    expect(effectTypesOf(goNotifyWorkflow)).toEqual(effectTypesOf({ ...goNotifyWorkflow }));
    expect(effectTypesOf({ machine: goNotifyWorkflow.machine } as never)).toEqual(effectTypesOf(goNotifyWorkflow));
  });

  it('property: any value that is not an object with a machine is a typed refusal', () => {
    fc.assert(
      fc.property(fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true }), (value) => {
        expect(typed(value)).toEqual(refused);
      }),
      { numRuns: 100 },
    );
  });
});

// Regression (brk23): an effect a machine only enqueues with enqueueActions, not declared with
// effect(), reaches the outbox (XState hands it to the executor by its type), but effectTypesOf cannot
// see it, so createEngine refuses its handler. The refusal said "a handler under it would never run"
// (it would have), and the dead effect's lastError said to pass that very handler, which createEngine
// refuses: neither said the way out, declaring it with effect().
describe('an effect only enqueued by enqueueActions', () => {
  const enqueuing = (type: string) =>
    defineWorkflow({
      id: 'enq',
      version: 1,
      machine: setup({}).createMachine({
        initial: 'a',
        states: { a: { on: { GO: { target: 'b', actions: enqueueActions(({ enqueue }) => enqueue({ type } as never)) } } }, b: { type: 'final' } },
      }),
      input: z.object({}),
      events: { GO: z.object({}) },
    });
  const actor = { id: 'li', roles: [] };

  async function deadError(type: string): Promise<string | undefined> {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [enqueuing(type)] });
    const id = await engine.start('enq', {}, { actor });
    await engine.send(id, { type: 'GO' }, { actor });
    await engine.settled();
    const records = await engine.effects(id);
    await engine.close();
    expect(records.map((r) => [r.type, r.status])).toEqual([[type, 'dead']]);
    return records[0]!.lastError;
  }

  function refusalMessage(type: string): string {
    try {
      createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [enqueuing(type)], effects: { [type]: noop } });
    } catch (error) {
      if (isDocketError(error)) return `${error.code} ${String(error.details.field)} ${error.message}`;
      throw error;
    }
    return 'accepted';
  }

  it("createEngine's refusal of its handler says to declare it with effect(), and no longer that the handler would never run", () => {
    const message = refusalMessage('sendSms');
    expect(message).toMatch(/^INVALID_ARGUMENT effects\.sendSms /);
    expect(message).toContain('enqueueActions');
    expect(message).toContain('{ sendSms: effect() }');
    expect(message).not.toContain('would never run');
  });

  it("the dead effect's lastError says to declare it with effect() when createEngine refuses the handler", async () => {
    expect(await deadError('sendSms')).toContain('declare it with sendSms: effect() in its setup({ actions })');
  });

  it('property: for any enqueued type, the refusal and the dead record both show a key that parses as the type', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 12 }).filter((t) => !t.startsWith('xstate.') && t.trim() !== '' && !t.includes('\u0000')), async (type) => {
        const message = refusalMessage(type);
        const key = /\{ ((?:'(?:[^'\\]|\\.)*')|[A-Za-z_$][\w$]*): effect\(\) \}/.exec(message)?.[1];
        expect(key, message).toBeDefined();
        // The key shown is one a reader can paste: it reads back as the type.
        expect(key!.startsWith("'") ? (new Function(`return ${key}`) as () => string)() : key).toBe(type);
        expect(await deadError(type)).toContain('effect() in its setup({ actions })');
      }),
      { numRuns: 30 },
    );
  });
});
