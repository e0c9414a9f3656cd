import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newInstanceId } from '../src/engine/instance-id.js';
import { createEngine, defineWorkflow, memoryStore, virtualClock } from '../src/index.js';
import { setup } from 'xstate';
import { z } from 'zod';

// Generated instance ids are letters and digits only: one starting with "-" was read by the CLI as an
// option (`docket verify db -UOEG…` exited 2), a flaky failure of the CLI tests.
describe('generated instance ids', () => {
  it('are 21 letters or digits, never starting with - or _', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), (n) => {
        for (let i = 0; i < n; i++) expect(newInstanceId()).toMatch(/^[0-9A-Za-z]{21}$/);
      }),
      { numRuns: 100 },
    );
  });

  it('are what engine.start gives an instance without an id', async () => {
    const wf = defineWorkflow({ id: 'w', version: 1, machine: setup({}).createMachine({ initial: 'a', states: { a: {} } }), input: z.object({}), events: {} });
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [wf] });
    const ids = await Promise.all(Array.from({ length: 20 }, () => engine.start('w', {}, { actor: { id: 'li', roles: [] } })));
    for (const id of ids) expect(id).toMatch(/^[0-9A-Za-z]{21}$/);
    expect(new Set(ids).size).toBe(20);
  });
});
