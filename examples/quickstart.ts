import { setup } from 'xstate';
import { z } from 'zod';
import { businessCalendar, createEngine, deadline, defineWorkflow, memoryStore, virtualClock, workingDays } from '../src/index.js';

const leave = defineWorkflow({
  id: 'leave', version: 1,
  machine: setup({ delays: { decideBy: deadline('decideBy') } }).createMachine({
    initial: 'pending',
    states: {
      pending: { on: { APPROVE: 'approved' }, after: { decideBy: 'autoApproved' } }, // 超时自动通过
      approved: { type: 'final' }, autoApproved: { type: 'final' },
    },
  }),
  input: z.object({ days: z.number().int().positive() }),
  events: { APPROVE: z.object({ comment: z.string().optional() }) },
  permissions: { APPROVE: ['manager'] },
  deadlines: { decideBy: workingDays(3) }, // three working days, China's holidays and 调休 included
});

const clock = virtualClock('2026-09-30T10:00:00+08:00');
const engine = createEngine({ store: memoryStore(), clock, calendar: businessCalendar({ holidays: ['CN'] }), workflows: [leave] });
const id = await engine.start('leave', { days: 2 }, { actor: { id: 'li', roles: ['staff'] } });
await clock.advanceTo('2026-10-31T00:00:00+08:00'); // a month of virtual time, in milliseconds
const view = await engine.get(id);
console.log(view.state, (await engine.history(id)).map((h) => `${new Date(h.at).toISOString()} ${h.event.type}`));
export { view };
