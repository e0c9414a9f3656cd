import { assign, setup } from 'xstate';
import { z } from 'zod';
import { defineWorkflow, duration } from '../../src/index.js';

/** A counter that every process may bump at once, with an hourly timer that re-arms itself. */
export const counterWorkflow = defineWorkflow({
  id: 'counter',
  version: 1,
  machine: setup({
    types: {} as { context: { count: number; ticks: number }; events: { type: 'INC' } },
    // Declared for the types; the engine supplies the real length from `deadlines` below.
    delays: { tickEvery: 3_600_000 },
  }).createMachine({
    id: 'counter',
    context: { count: 0, ticks: 0 },
    initial: 'running',
    states: {
      running: {
        on: { INC: { actions: assign({ count: ({ context }) => context.count + 1 }) } },
        after: { tickEvery: { target: 'running', reenter: true, actions: assign({ ticks: ({ context }) => context.ticks + 1 }) } },
      },
    },
  }),
  input: z.object({}),
  events: { INC: z.object({}) },
  permissions: { INC: ['staff'] },
  deadlines: { tickEvery: duration({ hours: 1 }) },
});
