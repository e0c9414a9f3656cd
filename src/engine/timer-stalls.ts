import type { Instant } from '../clock/clock.js';
import { DocketError, isDocketError } from '../errors.js';
import type { InstanceRecord } from '../store/records.js';
import type { EngineParts } from './engine-core.js';
import { setNewest } from './bounded-map.js';
import { nameTimer } from './timer-identity.js';
import type { TimerOwners } from './timer-owner.js';

/** How often (engine clock, ms) the worker loop looks for stalled timers: `engine.run()` and `engine.tick()`. */
export const STALL_SWEEP_MS = 60_000;

/** How many overdue instances one sweep reads (a page of `list({ dueBefore })`); a full page is followed at once by the next. */
const STALL_PAGE = 100;

/** How long (engine clock, ms) one stalled timer is not reported again: hourly, as a parked timer is. */
const REPORT_AGAIN_MS = 3_600_000;

/** How many reported stalls one engine remembers (the oldest are forgotten first, and reported again). */
const REPORTED_MAX = 10_000;

/**
 * Finds timers that can never fire (internal): a timer the instance holds as pending (its `timers`
 * list, which the history head commits to) whose row in the timer table is not pending — set to
 * `fired` or `cancelled`, or deleted, outside Docket. A worker claims from the timer table alone, so
 * such a timer was never claimed, never fired and never reported: the instance waited for ever, and
 * only `verify` told (`timers-mismatch`). Nothing is fired or changed here (a row edited outside
 * Docket is restored from a backup, not guessed at): `error` reports `CORRUPT_SNAPSHOT` with
 * `details.problem` `timer-not-pending`, naming the instance and the timer, once an hour per timer.
 *
 * Cheap: one `list({ dueBefore: now })` page per sweep on the instances' indexed next due instant,
 * which holds only instances whose earliest timer is overdue (none, when every worker keeps up);
 * each is read twice more (its pending timer rows, then the instance again) and judged only when the
 * instance did not move between the two reads: a commit marks a timer fired or cancelled in the same
 * transaction that takes it out of the instance's list, so a timer listed at a revision before and
 * after the timer read, and not pending in it, was changed by no commit.
 */
export function stalledTimerSweep(parts: Pick<EngineParts, 'store' | 'emitter' | 'registry'>): (now: Instant) => Promise<void> {
  const { store, emitter } = parts;
  let nextAt = Number.NEGATIVE_INFINITY;
  let cursor: string | undefined;
  const reported = new Map<string, Instant>();

  async function check(listed: InstanceRecord, now: Instant): Promise<void> {
    if (listed.timers.length === 0) return;
    const rows = await store.timers(listed.id);
    const again = await store.load(listed.id);
    if (again === undefined || again.revision !== listed.revision) return;
    const pending = new Set(rows.map((t) => t.id));
    for (const timer of again.timers) {
      if (timer.dueAt >= now || pending.has(timer.id)) continue;
      const key = `${again.id}\u0000${timer.id}`;
      const last = reported.get(key);
      if (last !== undefined && now < last + REPORT_AGAIN_MS) continue;
      setNewest(reported, key, now, REPORTED_MAX);
      emitter.emit('error', notPending(again, timer, ownersOf(again)));
    }
  }

  function ownersOf(record: InstanceRecord): TimerOwners | undefined {
    try {
      return parts.registry.get(record.workflow, record.version, record.id).runtime.timerOwners;
    } catch {
      return undefined;
    }
  }

  return async (now) => {
    if (now < nextAt) return;
    let page;
    try {
      page = await store.list({ dueBefore: now, limit: STALL_PAGE, ...(cursor === undefined ? {} : { cursor }) });
    } catch (error) {
      emitter.emit('error', error);
      // A page holding an unreadable row: go on past it at the next pass (its own error says what it is).
      const skip = isDocketError(error) ? error.details?.skipCursor : undefined;
      cursor = typeof skip === 'string' ? skip : undefined;
      nextAt = cursor === undefined ? now + STALL_SWEEP_MS : now;
      return;
    }
    for (const record of page.items) {
      try {
        await check(record, now);
      } catch (error) {
        emitter.emit('error', error);
      }
    }
    cursor = page.nextCursor;
    nextAt = cursor === undefined ? now + STALL_SWEEP_MS : now;
  };
}

/** The error for a timer the instance holds as pending whose timer row is not pending. */
function notPending(record: InstanceRecord, timer: InstanceRecord['timers'][number], owners: TimerOwners | undefined): DocketError {
  const { state, label } = nameTimer(timer, owners);
  return new DocketError(
    'CORRUPT_SNAPSHOT',
    `Timer "${label}" of instance ${record.id} was due at ${new Date(timer.dueAt).toISOString()} and is pending in the instance (revision ${record.revision}), but its row in the timer table is not pending: it was marked fired or cancelled, or deleted, outside Docket, so no worker can claim it and the instance would wait for ever. Nothing was fired or changed. Run engine.verify("${record.id}") (it reports timers-mismatch) and restore the instance from a backup; the timer then fires, late, once. Reported again hourly while it stays so.`,
    { instanceId: record.id, revision: record.revision, timerId: timer.id, timer: timer.name, timerState: state, timerLabel: label, dueAt: timer.dueAt, problem: 'timer-not-pending' },
  );
}
