import type { InstanceRecord } from '../store/records.js';
import type { InstanceView } from './engine-types.js';
import type { TimerOwners } from './timer-owner.js';
import { nameTimer } from './timer-identity.js';

/**
 * The view callers get of a stored record. `owners` (the workflow runtime's `timerOwners`) names each
 * timer's state exactly; without it the state is read from the timer's key (XState's default ids).
 */
export function toView(record: InstanceRecord, owners?: TimerOwners): InstanceView {
  return {
    id: record.id,
    workflow: record.workflow,
    version: record.version,
    state: record.state,
    context: record.context,
    status: record.status,
    suspended: record.suspended,
    revision: record.revision,
    initiator: record.initiator,
    timers: record.timers.map((timer) => {
      const { state, label } = nameTimer(timer, owners);
      const view = { name: timer.name, dueAt: timer.dueAt, state, label };
      return timer.deadline?.provisional ? { ...view, provisional: true as const } : view;
    }),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.tenant === undefined ? {} : { tenant: record.tenant }),
  };
}
