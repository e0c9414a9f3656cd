import { checkRowFormat, corruptRow, historyEntryOf, historyRowPlace, type UnreadableRowPlace } from '../store/row-rules.js';
import type { EffectRecord, HistoryEntry, InstanceRecord, TimerRecord } from '../store/records.js';
import { SQLITE_ROW_FORMAT } from './sqlite-migrations.js';
import { messageOf } from '../input/safe-string.js';

/** A `docket_instances` row as better-sqlite3 returns it. */
export interface InstanceRow {
  seq: number;
  id: string;
  workflow: string;
  version: number;
  status: string;
  suspended: number;
  revision: number;
  next_due_at: number | null;
  history_hash: string;
  initiator: string;
  created_at: number;
  updated_at: number;
  row_format: number;
  snapshot: string;
  state: string;
  context: string;
  state_paths: string;
  timers: string;
  held_timers: string | null;
  /** Schema v4; absent when read from an older file opened read-only. */
  tenant?: string | null;
}

export interface TimerRow {
  id: string;
  instance_id: string;
  key: string;
  name: string;
  event: string;
  due_at: number;
  revision: number;
  status: string;
  fired_at: number | null;
}

export interface EffectRow {
  id: string;
  instance_id: string;
  workflow: string;
  revision: number;
  idx: number;
  type: string;
  params: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  delivered_at: number | null;
}

function parse(instanceId: string, column: string, text: string, place?: UnreadableRowPlace): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw corruptRow(instanceId, `column ${column} is not valid JSON`, error, place);
  }
}

/** Decode an instance row, refusing rows written by a newer schema or whose JSON does not parse. */
export function instanceFromRow(row: InstanceRow): InstanceRecord {
  const at = (column: string): UnreadableRowPlace => ({ part: 'instance', column, revision: row.revision });
  checkRowFormat(row.id, row.row_format, SQLITE_ROW_FORMAT, at('row_format'));
  const column = (name: keyof InstanceRow & string, text: string) => parse(row.id, name, text, at(name));
  const snapshot = column('snapshot', row.snapshot);
  if (snapshot === null || typeof snapshot !== 'object' || Array.isArray(snapshot)) throw corruptRow(row.id, 'the snapshot is not an object', undefined, at('snapshot'));
  const statePaths = column('state_paths', row.state_paths);
  if (!Array.isArray(statePaths)) throw corruptRow(row.id, 'the state paths are not an array', undefined, at('state_paths'));
  const timers = column('timers', row.timers);
  if (!Array.isArray(timers)) throw corruptRow(row.id, 'the timers column is not an array', undefined, at('timers'));
  const held = row.held_timers === null ? undefined : column('held_timers', row.held_timers);
  if (held !== undefined && !Array.isArray(held)) throw corruptRow(row.id, 'the held timers are not an array', undefined, at('held_timers'));
  const state = column('state', row.state);
  const context = column('context', row.context);
  return {
    id: row.id,
    workflow: row.workflow,
    version: row.version,
    status: row.status as InstanceRecord['status'],
    suspended: row.suspended === 1,
    snapshot,
    state,
    statePaths: statePaths as string[],
    context,
    revision: row.revision,
    historyHash: row.history_hash,
    initiator: row.initiator,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    timers: timers as InstanceRecord['timers'],
    nextDueAt: row.next_due_at,
    ...(held === undefined ? {} : { heldTimers: held as InstanceRecord['heldTimers'] & object }),
    ...(row.tenant == null ? {} : { tenant: row.tenant }),
  };
}

export function timerFromRow(row: TimerRow): TimerRecord {
  return {
    id: row.id,
    instanceId: row.instance_id,
    key: row.key,
    name: row.name,
    event: parse(row.instance_id, 'timer event', row.event, { part: 'timer', column: 'event', revision: row.revision, timerId: row.id }) as TimerRecord['event'],
    dueAt: row.due_at,
    revision: row.revision,
    status: row.status as TimerRecord['status'],
    ...(row.fired_at === null ? {} : { firedAt: row.fired_at }),
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
    params: parse(row.instance_id, 'effect params', row.params),
    status: row.status as EffectRecord['status'],
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    ...(row.delivered_at === null ? {} : { deliveredAt: row.delivered_at }),
  };
}

/**
 * The event a claimed timer row carries when its event column cannot be read: a claim leases many
 * rows in one write, and one unreadable row used to fail the whole claim (rolled back, and taken
 * first again by every later claim: no timer of any instance fired again). The row is handed on with
 * this event, which no history entry committed to, so the engine's head check refuses it for its own
 * instance (the timer is parked and reported, never fired as something it is not).
 */
export const UNREADABLE_TIMER_EVENT = 'docket.unreadable';

/** {@link timerFromRow} for a claim: an unreadable event does not fail the other rows (see {@link UNREADABLE_TIMER_EVENT}). */
export function claimedTimerFromRow(row: TimerRow): TimerRecord {
  try {
    return timerFromRow(row);
  } catch (error) {
    const reason = messageOf(error);
    return { ...timerFromRow({ ...row, event: 'null' }), event: { type: UNREADABLE_TIMER_EVENT, reason } as TimerRecord['event'] };
  }
}

/**
 * {@link effectFromRow} for a claim: the effect, or why its row cannot be read (its params are
 * not JSON). Such an effect is never handed to a handler (it would get something else than the
 * commit made); the claim sets it aside as `dead` with the reason instead of failing every row.
 */
export function claimedEffectFromRow(row: EffectRow): { readonly effect: EffectRecord; readonly unreadable?: never } | { readonly effect?: never; readonly unreadable: string } {
  try {
    return { effect: effectFromRow(row) };
  } catch (error) {
    return { unreadable: messageOf(error) };
  }
}

/**
 * Decode a history row (its `entry` column, and the row's `revision` when the plan selects it): an
 * entry that is not JSON, or not an object, is refused naming the instance and the revision, so
 * `verify` can report that entry and read on past it.
 */
export function historyFromRow(instanceId: string, row: { readonly entry: string; readonly revision?: number }): HistoryEntry {
  const place = historyRowPlace(row.revision);
  return historyEntryOf(instanceId, parse(instanceId, 'history entry', row.entry, place), place);
}

/** Parse a JSON column of a refusal, task, idempotency or archive row, naming the instance on failure. */
export function jsonColumn<T>(instanceId: string, column: string, text: string): T {
  return parse(instanceId, column, text) as T;
}
