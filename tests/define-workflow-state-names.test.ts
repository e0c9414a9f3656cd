import fc from 'fast-check';
import { setup, type AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineWorkflow, isDocketError } from '../src/index.js';

// A state named __proto__ is read by XState as an object's prototype when it builds state values:
// the instance recorded a value without that region and then refused its events. defineWorkflow
// refuses such a machine up front, naming the state.

function workflowWith(states: Record<string, unknown>) {
  const machine = setup({}).createMachine({ id: 'm', initial: Object.keys(states)[0], states } as never) as unknown as AnyStateMachine;
  return () => defineWorkflow({ id: 'm', version: 1, machine, input: z.object({}), events: {} });
}

describe('defineWorkflow refuses state names XState cannot keep', () => {
  it('a top-level or nested state named __proto__ is INVALID_ARGUMENT naming its path (a TypeError without a code before)', () => {
    expect(workflowWith(JSON.parse('{"a":{},"__proto__":{}}'))).toThrow(/state "__proto__" cannot be kept/);
    expect(workflowWith(JSON.parse('{"a":{},"__proto__":{}}'))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ field: 'definition.machine', state: '__proto__' }) }));
    const nested = JSON.parse('{"par":{"type":"parallel","states":{"one":{"initial":"x","states":{"x":{}}},"__proto__":{"initial":"q","states":{"q":{}}}}}}');
    expect(workflowWith(nested)).toThrow(/state "par.__proto__" cannot be kept/);
    // Names that only look like Object.prototype's members are kept as states.
    expect(workflowWith({ constructor: {}, toString: {} })).not.toThrow();
  });

  it('property: a machine is refused exactly when some state, at any depth, is named __proto__', () => {
    const name = fc.constantFrom('a', 'b', 'constructor', '__proto__', 'valueOf');
    const tree: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ states: Record<string, unknown> }>((tie) => ({
      states: fc.uniqueArray(fc.tuple(name, fc.oneof({ depthSize: 'small' }, fc.constant(null), tie('states'))), { minLength: 1, maxLength: 3, selector: ([n]) => n }).map((pairs) => {
        const out: Record<string, unknown> = {};
        for (const [n, child] of pairs) Object.defineProperty(out, n, { value: child === null ? {} : { initial: Object.keys(child)[0], states: child }, enumerable: true, writable: true, configurable: true });
        return out;
      }),
    })).states;
    const hasProto = (states: Record<string, unknown>): boolean =>
      Object.keys(states).some((k) => k === '__proto__' || hasProto(((states[k] as { states?: Record<string, unknown> }).states ?? {})));
    fc.assert(
      fc.property(tree, (states) => {
        let refused = false;
        try {
          workflowWith(states)();
        } catch (error) {
          refused = isDocketError(error, 'INVALID_ARGUMENT') && /__proto__/.test(error.message);
          if (!refused) return; // a machine XState itself rejects (not this rule's concern)
        }
        expect(refused).toBe(hasProto(states));
      }),
      { numRuns: 200 },
    );
  });
});
