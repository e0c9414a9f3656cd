import type { ClockSubscriber, FiredTimer, Instant } from '../clock/clock.js';
import { SYSTEM_ACTOR, type TimerRecord } from '../store/records.js';
import type { EngineCore } from './engine-core.js';
import { planCommit } from './plan-commit.js';

/**
 * Delivers due timers (internal): what a virtual clock drives step by step and `engine.run()` drives
 * in a loop. Each timer is its own event and its own commit, which marks it fired in the same
 * transaction, so it fires once. A timer whose transition cannot be computed is handed to
 * `onFailure` (the engine suspends that instance) instead of being retried at every lease.
 */
export function timerDelivery(
  core: EngineCore,
  onFailure: (timer: TimerRecord, error: unknown, now: Instant) => Promise<void>,
): ClockSubscriber {
  const { store, registry, emitter, mutex } = core;

  async function fireTimer(timer: TimerRecord, now: Instant): Promise<FiredTimer | undefined> {
    return mutex.run(timer.instanceId, () =>
      core.withRetry(async () => {
        const record = await store.load(timer.instanceId);
        // Fired, cancelled or held since it was claimed: nothing to do.
        if (!record || !record.timers.some((t) => t.id === timer.id)) return undefined;
        await core.checkHead(record);
        const reg = registry.get(record.workflow, record.version, record.id);
        const snapshot = core.restore(reg, record);
        const step = core.transition(reg, snapshot, { ...timer.event, $actor: SYSTEM_ACTOR, $at: now } as never, now, record.id);
        const commit = planCommit(record, step, reg.runtime.persist(step.snapshot), {
          instanceId: record.id,
          workflow: record.workflow,
          version: record.version,
          initiator: record.initiator,
          kind: 'timer',
          // Recorded under Docket's namespaced name; `delivered` is the event the machine received.
          event: { type: `docket.timer.${timer.name}`, delivered: timer.event.type },
          actor: SYSTEM_ACTOR,
          now,
          timer: { id: timer.id, name: timer.name, dueAt: timer.dueAt },
          tasks: core.tasksFor(reg, step, core.facts(record), now),
        }, core.keys.current);
        await store.commit(commit);
        core.remember(reg, commit.instance, step.snapshot);
        await core.afterCommit(commit);
        const fired: FiredTimer = { timerId: timer.id, instanceId: record.id, name: timer.name, dueAt: timer.dueAt, firedAt: now, lateMs: now - timer.dueAt };
        emitter.emit('timer.fired', fired);
        return fired;
      }),
    );
  }

  async function fireDue(now: Instant): Promise<FiredTimer[]> {
    await core.ready();
    const fired: FiredTimer[] = [];
    for (;;) {
      const claimed = await store.claimDueTimers(now, { owner: core.workerId, leaseMs: core.leaseMs, limit: 100 });
      if (claimed.length === 0) break;
      for (const timer of claimed) {
        try {
          const done = await fireTimer(timer, now);
          if (done) fired.push(done);
        } catch (error) {
          // One broken instance must not stop the others. A timer whose transition cannot be computed
          // (a machine bug, a year without holiday data, a corrupt snapshot) would fail again at every
          // retry, so the instance is suspended with the reason: its timers are held, nothing is
          // lost, and an administrator resumes it once the cause is fixed (the timer then fires late).
          emitter.emit('error', error);
          await onFailure(timer, error, now).catch((e: unknown) => emitter.emit('error', e));
        }
      }
      if (claimed.length < 100) break;
    }
    await core.outbox.deliverDue(now);
    return fired;
  }

  async function nextDue(): Promise<Instant | undefined> {
    if (core.isClosed()) return undefined;
    await core.ready();
    const [timer, effect] = await Promise.all([store.nextTimerDue(), store.nextEffectDue()]);
    if (timer === undefined) return effect;
    if (effect === undefined) return timer;
    return Math.min(timer, effect);
  }

  return { nextDue, fireDue };
}
