import { setup } from 'xstate';
import { z } from 'zod';
import { defineWorkflow, effect, migrateFrom } from '../../src/index.js';

/** A state that notifies its manager on entry, in two versions (a migration re-enters it: a second notice). */
const noticeMachine = setup({
  types: {} as { context: Record<string, never>; events: { type: 'OK' } },
  actions: { notify: effect<{ to: string }>() },
}).createMachine({
  id: 'notice',
  context: {},
  initial: 'manager',
  states: { manager: { entry: { type: 'notify', params: { to: 'manager' } }, on: { OK: 'done' } }, done: { type: 'final' } },
});
export const noticeV1 = defineWorkflow({ id: 'notice', version: 1, machine: noticeMachine, input: z.object({}), events: { OK: z.object({}) } });
export const noticeV2 = defineWorkflow({ id: 'notice', version: 2, machine: noticeMachine, input: z.object({}), events: { OK: z.object({}) }, migrations: migrateFrom(noticeV1, {}) });
