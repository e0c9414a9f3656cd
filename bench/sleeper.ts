// The workflow the timer benches fire (workloads 3 and 5): each instance sleeps until its own
// absolute instant (`input.at`, ms since the epoch), then ends.
import { setup } from 'xstate';
import { z } from 'zod';
import { defineWorkflow } from '../src/index.js';

export const sleeper = defineWorkflow({
  id: 'sleeper',
  version: 1,
  machine: setup({ types: {} as { input: { at: number }; context: { at: number } } }).createMachine({
    id: 'sleeper',
    context: ({ input }) => ({ at: input.at }),
    initial: 'sleeping',
    states: { sleeping: { after: { wake: 'done' } }, done: { type: 'final' } },
  }),
  input: z.object({ at: z.number() }),
  events: {},
  deadlines: { wake: ({ context }) => ({ kind: 'absolute', at: context.at }) },
});
