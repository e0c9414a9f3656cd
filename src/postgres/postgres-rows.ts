import { checkRowFormat, corruptRow, historyEntryOf, historyRowPlace } from '../store/row-rules.js';
import type { EffectRecord, HistoryEntry, InstanceRecord, TimerRecord } from '../store/records.js';
import { POSTGRES_ROW_FORMAT } from './postgres-migrations.js';

type Bigint = string | number;
const num = (v: Bigint): number => Number(v);
const numOrNull = (v: Bigint | null): number | null => (v === null ? null : Number(v));

export interface InstanceRow {
  seq: Bigint;
  id: string;
  workflow: string;
  version: number;
  status: string;
  suspended: boolean;
  revision: number;
  next_due_at: Bigint | null;
  history_hash: string;
  initiator: string;
  created_at: Bigint;
  updated_at: Bigint;
  row_format: number;
  snapshot: unknown;
  state: unknown;
  context: unknown;
  state_paths: string[];
  timers: unknown;
  held_timers: unknown;
  tenant?: string | null;
}

export interface TimerRow {
  id: string;
  instance_id: string;
  key: string;
  name: string;
  event: TimerRecord['event'];
  due_at: Bigint;
  revision: number;
  status: string;
  fired_at: Bigint | null;
}

export interface EffectRow {
  id: string;
  instance_id: string;
  workflow: string;
  revision: number;
  idx: number;
  type: string;
  params: unknown;
  status: string;
  attempts: number;
  next_attempt_at: Bigint;
  last_error: string | null;
  delivered_at: Bigint | null;
}

/** Decode an instance row, refusing rows written by a newer schema or with a malformed snapshot. */
export function instanceFromRow(row: InstanceRow): InstanceRecord {
  // The columns are json: they parse, but an edit can still leave a value of the wrong shape.
  const at = (column: string) => ({ part: 'instance', column, revision: row.revision }) as const;
  checkRowFormat(row.id, row.row_format, POSTGRES_ROW_FORMAT, at('row_format'));
  if (row.snapshot === null || typeof row.snapshot !== 'object' || Array.isArray(row.snapshot)) throw corruptRow(row.id, 'the snapshot is not an object', undefined, at('snapshot'));
  if (!Array.isArray(row.timers)) throw corruptRow(row.id, 'the timers column is not an array', undefined, at('timers'));
  if (row.held_timers != null && !Array.isArray(row.held_timers)) throw corruptRow(row.id, 'the held timers are not an array', undefined, at('held_timers'));
  return {
    id: row.id,
    workflow: row.workflow,
    version: row.version,
    status: row.status as InstanceRecord['status'],
    suspended: row.suspended,
    snapshot: row.snapshot,
    state: row.state,
    statePaths: row.state_paths,
    context: row.context,
    revision: row.revision,
    historyHash: row.history_hash,
    initiator: row.initiator,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    timers: row.timers as InstanceRecord['timers'],
    nextDueAt: numOrNull(row.next_due_at),
    ...(row.held_timers === null || row.held_timers === undefined ? {} : { heldTimers: row.held_timers as NonNullable<InstanceRecord['heldTimers']> }),
    ...(row.tenant == null ? {} : { tenant: row.tenant }),
  };
}

export function timerFromRow(row: TimerRow): TimerRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    key: row.key,
    name: row.name,
    event: row.event,
    dueAt: num(row.due_at),
    revision: row.revision,
    status: row.status as TimerRecord['status'],
    ...(row.fired_at === null ? {} : { firedAt: num(row.fired_at) }),
  };
}

export function effectFromRow(row: EffectRow): EffectRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    workflow: row.workflow,
    revision: row.revision,
    index: row.idx,
    type: row.type,
    params: row.params,
    status: row.status as EffectRecord['status'],
    attempts: row.attempts,
    nextAttemptAt: num(row.next_attempt_at),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    ...(row.delivered_at === null ? {} : { deliveredAt: num(row.delivered_at) }),
  };
}

/**
 * Decode a history row: its `entry` column is json, so it parses, but an edit can leave a value that
 * is not an entry (`42`, `[]`, `null`). Such a row is refused naming the instance and the revision, so
 * `verify` can report that entry and read on past it rather than fail on its fields.
 */
export function historyFromRow(instanceId: string, row: { readonly entry: unknown; readonly revision?: number }): HistoryEntry {
  return historyEntryOf(instanceId, row.entry, historyRowPlace(row.revision));
}
