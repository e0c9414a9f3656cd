import type { InstanceRecord, TaskRecord } from './records.js';
import type { InstanceQuery, TaskQuery } from './store.js';

/** Whether an instance matches a query's filters (pagination aside). Shared by in-process stores. */
export function matchesInstanceQuery(record: InstanceRecord, query: InstanceQuery): boolean {
  if (query.workflow !== undefined && record.workflow !== query.workflow) return false;
  if (query.status !== undefined && record.status !== query.status) return false;
  if (query.tenant !== undefined && record.tenant !== query.tenant) return false;
  if (query.state !== undefined && !record.statePaths.includes(query.state)) return false;
  if (query.dueBefore !== undefined && (record.nextDueAt === null || record.nextDueAt >= query.dueBefore)) return false;
  return true;
}

/** Whether a task matches a task query. */
export function matchesTaskQuery(task: TaskRecord, query: TaskQuery): boolean {
  if (query.workflow !== undefined && task.workflow !== query.workflow) return false;
  if (query.instanceId !== undefined && task.instanceId !== query.instanceId) return false;
  if (query.status !== undefined && task.status !== query.status) return false;
  if (query.assignee !== undefined && !task.assignees.includes(query.assignee)) return false;
  if (query.role !== undefined && !task.roles.includes(query.role)) return false;
  return true;
}
