// Every error Docket throws on purpose is a DocketError with a code (src/errors.ts): a program matches
// on `code`, never on a message. Regression: these public calls threw a plain Error or a TypeError
// without a code — assertNoDeadEnds for a graph problem (the one throw of docket/testing a test runner
// could not tell from a crash), exploreWorkflow for an input its schema refuses (the raw ZodError),
// defineWorkflow for a wrong part (version, machine, events, permissions, deadlines, state and delay
// names), approvalStep for a wrong step (id, a missing target), approvals.defineWorkflow for a machine
// without the approval implementations, parseInstanceExport (docket/visualizer) for a file that is not
// an export, and stateLabelsOf (docket/machines) for a state without a label.
import fc from 'fast-check';
import { setup, type AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { approvalStep, defineWorkflow, isDocketError, users, withApprovals, type DocketErrorCode } from '../src/index.js';
import { assertNoDeadEnds, exploreWorkflow } from '../src/testing/index.js';
import { parseInstanceExport } from '../src/visualizer/index.js';
import { stateLabelsOf } from '../machines/index.js';

type Outcome = 'ok' | { readonly code: DocketErrorCode; readonly field?: unknown } | `raw ${string}`;

function outcomeOf(call: () => unknown): Outcome {
  try {
    call();
    return 'ok';
  } catch (error) {
    if (!isDocketError(error)) return `raw ${error instanceof Error ? error.constructor.name : typeof error}: ${String(error)}`;
    return error.details.field === undefined ? { code: error.code } : { code: error.code, field: error.details.field };
  }
}

const goMachine = () => setup({}).createMachine({ initial: 'a', states: { a: { on: { GO: 'b' } }, b: { type: 'final' } } });
const definition = (patch: Record<string, unknown>) => () => defineWorkflow({ id: 'w', version: 1, machine: goMachine(), input: z.object({}), events: { GO: z.object({}) }, ...patch } as never);

describe('defineWorkflow refuses a wrong part with a code, naming the part', () => {
  it.each([
    ['a version 0', { version: 0 }, 'INVALID_ARGUMENT', 'definition.version'],
    ['a version "1"', { version: '1' }, 'INVALID_ARGUMENT', 'definition.version'],
    ['no machine', { machine: undefined }, 'INVALID_ARGUMENT', 'definition.machine'],
    ['an input that is not a schema', { input: {} }, 'INVALID_ARGUMENT', 'definition.input'],
    ['events null', { events: null }, 'INVALID_ARGUMENT', 'definition.events'],
    ['an event with a reserved prefix', { events: { 'docket.start': z.object({}) } }, 'INVALID_ARGUMENT', 'definition.events.docket.start'],
    ['permissions that are a list', { permissions: ['manager'] }, 'INVALID_ARGUMENT', 'definition.permissions'],
    ['permissions naming no event', { permissions: { APROVE: ['manager'] } }, 'INVALID_ARGUMENT', 'definition.permissions.APROVE'],
    ['permissions of a string', { permissions: { GO: 'manager' } }, 'INVALID_ARGUMENT', 'definition.permissions.GO'],
    ['standInActions that are a string', { standInActions: 'GO' }, 'INVALID_ARGUMENT', 'definition.standInActions'],
    ['standInActions naming no event', { standInActions: ['GO', 'GOO'] }, 'INVALID_ARGUMENT', 'definition.standInActions[1]'],
    ['deadlines that are a list', { deadlines: [] }, 'INVALID_ARGUMENT', 'definition.deadlines'],
    ['a deadline that is not a rule', { deadlines: { due: { kind: 'duration', ms: 5 } } }, 'INVALID_DEADLINE_RULE', 'definition.deadlines.due'],
  ])('%s', (_, patch, code, field) => {
    expect(outcomeOf(definition(patch))).toEqual({ code, field });
  });

  it('a state named __proto__ and a delay with a dot name the machine, the state and the delay', () => {
    const proto = setup({}).createMachine({ initial: 'a', states: JSON.parse('{"a":{},"__proto__":{}}') } as never) as unknown as AnyStateMachine;
    expect(() => definition({ machine: proto })()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ field: 'definition.machine', state: '__proto__' }) }));
    const dotted = setup({ delays: { 'review.due': 1000 } }).createMachine({ initial: 'a', states: { a: { after: { 'review.due': 'b' } }, b: {} } } as never) as unknown as AnyStateMachine;
    expect(() => definition({ machine: dotted })()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ field: 'definition.machine', state: 'a', delay: 'review.due' }) }));
  });

  it('property: any definition assembled from good and bad parts is defined, or refused with a DocketError naming a part of the definition; never a raw error', () => {
    const part = <T>(good: T) => fc.oneof(fc.constant(good), fc.anything());
    fc.assert(
      fc.property(
        fc.record(
          {
            id: part('w'),
            version: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.anything()),
            machine: part(goMachine()),
            input: part(z.object({})),
            events: fc.oneof(fc.constant({ GO: z.object({}) }), fc.constant({ 'xstate.x': z.object({}) }), fc.anything()),
            permissions: fc.oneof(fc.constant(undefined), fc.dictionary(fc.constantFrom('GO', 'start', 'NOPE'), fc.oneof(fc.array(fc.constantFrom('manager', '', ' ', 'x')), fc.anything()))),
            standInActions: fc.oneof(fc.constant(undefined), fc.array(fc.constantFrom('GO', 'NOPE')), fc.anything()),
            deadlines: fc.oneof(fc.constant(undefined), fc.dictionary(fc.constantFrom('due', 'late'), fc.anything())),
          },
          { requiredKeys: ['id', 'version', 'machine', 'input', 'events'] },
        ),
        (def) => {
          const outcome = outcomeOf(() => defineWorkflow(def as never));
          if (outcome === 'ok') return;
          expect(outcome).toEqual({ code: expect.stringMatching(/^(INVALID_ARGUMENT|INVALID_DEADLINE_RULE)$/), field: expect.stringMatching(/^definition(\.|$)/) });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('approvalStep and withApprovals refuse a wrong step or machine with a code, naming the part', () => {
  const base = { id: 'legal', mode: 'all' as const, approvers: users('zhao'), onApproved: 'done' };
  it.each([
    ['an id that is not a state id', { ...base, id: '1legal', onRejected: 'x' }, 'config.id'],
    ['an id that is not a string', { ...base, id: undefined, onRejected: 'x' }, 'config.id'],
    ['a rejection with nowhere to go', base, 'config.onRejected'],
    ['a rejection returning where returns do not declare', { ...base, rejection: { return: 'submitter' }, onWithdrawn: 'x' }, 'config.rejection.return'],
    ['a withdrawal with nowhere to go', { ...base, rejection: { return: 'submitter' }, returns: { submitter: 'draft' } }, 'config.onWithdrawn'],
  ])('approvalStep: %s', (_, config, field) => {
    expect(outcomeOf(() => approvalStep(config as never))).toEqual({ code: 'INVALID_ARGUMENT', field });
  });

  it('approvals.defineWorkflow: a machine set up without the approval implementations', () => {
    const approvals = withApprovals();
    const machine = setup({}).createMachine({ initial: 'a', states: { a: {} } });
    expect(() => approvals.defineWorkflow({ id: 'w', version: 1, machine, input: z.object({}) })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ field: 'definition.machine', missing: expect.arrayContaining(['approval.enter']) }) }),
    );
  });
});

describe('docket/testing throws DocketErrors', () => {
  const broken = defineWorkflow({
    id: 'broken',
    version: 1,
    machine: setup({}).createMachine({ initial: 'a', states: { a: { on: { GO: 'stuck' } }, stuck: {}, orphan: { type: 'final' } } }),
    input: z.object({ n: z.number() }),
    events: { GO: z.object({}) },
  });

  it('assertNoDeadEnds: INVALID_WORKFLOW_GRAPH listing each problem, the message unchanged', () => {
    let thrown: unknown;
    try {
      assertNoDeadEnds(broken, { input: { n: 1 } });
    } catch (error) {
      thrown = error;
    }
    expect(isDocketError(thrown, 'INVALID_WORKFLOW_GRAPH')).toBe(true);
    expect((thrown as Error).message).toMatch(/Workflow "broken" has 2 graph problem\(s\):\n- state "orphan" is never reached[\s\S]*\n- dead end "stuck" after GO/);
    expect((thrown as { details: unknown }).details).toEqual({
      workflow: 'broken',
      problems: [
        { kind: 'unreachable', state: 'orphan', message: expect.stringContaining('ignoreUnreachable') },
        { kind: 'dead-end', state: 'stuck', path: 'GO', message: expect.stringContaining('no person or timer can move it') },
      ],
    });
  });

  it('exploreWorkflow and assertNoDeadEnds: an input the schema refuses is INVALID_PAYLOAD with the issues, as engine.start refuses it (it was the raw ZodError)', () => {
    for (const call of [() => exploreWorkflow(broken, { input: { n: 'one' } }), () => assertNoDeadEnds(broken, { input: {} })]) {
      expect(call).toThrow(expect.objectContaining({ code: 'INVALID_PAYLOAD', details: expect.objectContaining({ workflow: 'broken', field: 'input', issues: [expect.objectContaining({ path: ['n'] })] }) }));
    }
  });

  it('property: on any machine of random transitions, assertNoDeadEnds returns exactly when every state is reached and none is a dead end, else throws INVALID_WORKFLOW_GRAPH listing exactly those', () => {
    const names = ['s0', 's1', 's2', 's3', 's4'];
    const machineSpec = fc.integer({ min: 1, max: 5 }).chain((n) =>
      fc.record({
        final: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        on: fc.array(fc.dictionary(fc.constantFrom('A', 'B'), fc.integer({ min: 0, max: n - 1 })), { minLength: n, maxLength: n }),
      }),
    );
    fc.assert(
      fc.property(machineSpec, ({ final, on }) => {
        const n = final.length;
        const states = Object.fromEntries(
          names.slice(0, n).map((name, i) => [name, final[i] ? { type: 'final' } : { on: Object.fromEntries(Object.entries(on[i]!).map(([e, to]) => [e, names[to]])) }]),
        );
        const wf = defineWorkflow({ id: 'g', version: 1, machine: setup({}).createMachine({ initial: 's0', states } as never) as unknown as AnyStateMachine, input: z.object({}), events: { A: z.object({}), B: z.object({}) } });
        // The oracle: a walk of the graph from s0 (every transition is unguarded, every event sampled).
        const reached = new Set([0]);
        const queue = [0];
        while (queue.length > 0) {
          const i = queue.shift()!;
          if (final[i]) continue;
          for (const to of Object.values(on[i]!)) if (!reached.has(to)) (reached.add(to), queue.push(to));
        }
        const unreachable = names.slice(0, n).filter((_, i) => !reached.has(i));
        const deadEnds = [...reached].sort().filter((i) => !final[i] && Object.keys(on[i]!).length === 0).map((i) => names[i]);
        let thrown: unknown;
        try {
          assertNoDeadEnds(wf, { input: {} });
        } catch (error) {
          thrown = error;
        }
        if (unreachable.length === 0 && deadEnds.length === 0) {
          expect(thrown).toBeUndefined();
          return;
        }
        expect(isDocketError(thrown, 'INVALID_WORKFLOW_GRAPH')).toBe(true);
        const problems = (thrown as { details: { problems: { kind: string; state: unknown }[] } }).details.problems;
        expect(problems.filter((p) => p.kind === 'unreachable').map((p) => p.state)).toEqual(unreachable);
        expect(problems.filter((p) => p.kind === 'dead-end').map((p) => p.state).sort()).toEqual(deadEnds);
        expect(problems.filter((p) => p.kind === 'machine-error')).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('public helpers of the subpaths', () => {
  it.each([
    ['null', null, 'export'],
    ['an array', [], 'export'],
    ['another format', { format: 'x' }, 'format'],
    ['a newer format version', { format: 'docket.instance-export', formatVersion: 2 }, 'formatVersion'],
    ['no instance record', { format: 'docket.instance-export', formatVersion: 1 }, 'instance'],
    ['no history', { format: 'docket.instance-export', formatVersion: 1, instance: { id: 'i' } }, 'history'],
    ['no timers', { format: 'docket.instance-export', formatVersion: 1, instance: { id: 'i' }, history: [] }, 'timers'],
  ])('parseInstanceExport (docket/visualizer): %s is INVALID_ARGUMENT naming the part, saying to export it again', (_, value, field) => {
    expect(outcomeOf(() => parseInstanceExport(value))).toEqual({ code: 'INVALID_ARGUMENT', field });
    expect(() => parseInstanceExport(value)).toThrow(/docket export <db> <id>/);
  });

  it('stateLabelsOf (docket/machines): a state without a label in both languages is INVALID_ARGUMENT naming it', () => {
    const machine = setup({}).createMachine({ initial: 'a', states: { a: { meta: { label: { 'zh-CN': '甲', en: 'A' } } }, b: { meta: { label: { 'zh-CN': '乙' } } } } }) as unknown as AnyStateMachine;
    expect(() => stateLabelsOf(machine)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: { field: 'machine', state: 'b' } }));
  });
});
