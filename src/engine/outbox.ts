import type { EventEmitter } from 'eventemitter3';
import type { Instant } from '../clock/clock.js';
import type { Store } from '../store/store.js';
import type { EffectHandler, EngineEvents, RetryPolicy } from './engine-types.js';

/**
 * Delivers outbox effects at least once: claimed under a lease, handed to the handler for their
 * type, retried with exponential backoff on failure, marked `dead` after the last attempt. An effect
 * whose type has no handler is marked `dead` at once with a message saying so (never silently kept).
 */
export class Outbox {
  private readonly maxAttempts: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly store: Store,
    private readonly handlers: Readonly<Record<string, EffectHandler>>,
    retry: RetryPolicy,
    private readonly workerId: string,
    private readonly leaseMs: number,
    private readonly emitter: EventEmitter<EngineEvents>,
  ) {
    this.maxAttempts = retry.maxAttempts ?? 10;
    this.initialDelayMs = retry.initialDelayMs ?? 1000;
    this.maxDelayMs = retry.maxDelayMs ?? 3_600_000;
  }

  async deliverDue(now: Instant): Promise<number> {
    let delivered = 0;
    for (;;) {
      const claimed = await this.store.claimEffects(now, { owner: this.workerId, leaseMs: this.leaseMs, limit: 100 });
      for (const effect of claimed) {
        const attempt = effect.attempts + 1;
        const handler = this.handlers[effect.type];
        if (!handler) {
          const lastError = `No handler is registered for effect "${effect.type}": pass createEngine({ effects: { ${effect.type}: async (params) => { ... } } }).`;
          await this.store.updateEffect(effect.id, { status: 'dead', attempts: effect.attempts, nextAttemptAt: now, lastError });
          this.emitter.emit('effect.failed', { ...effect, status: 'dead', lastError }, new Error(lastError));
          continue;
        }
        try {
          await handler(effect.params, { effectId: effect.id, instanceId: effect.instanceId, workflow: effect.workflow, type: effect.type, attempt, now });
          await this.store.updateEffect(effect.id, { status: 'delivered', attempts: attempt, nextAttemptAt: now, deliveredAt: now });
          delivered++;
          this.emitter.emit('effect.delivered', { ...effect, status: 'delivered', attempts: attempt, deliveredAt: now });
        } catch (error) {
          const lastError = error instanceof Error ? error.message : String(error);
          const dead = attempt >= this.maxAttempts;
          const delay = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** (attempt - 1));
          const update = { status: dead ? ('dead' as const) : ('pending' as const), attempts: attempt, nextAttemptAt: now + delay, lastError };
          await this.store.updateEffect(effect.id, update);
          this.emitter.emit('effect.failed', { ...effect, ...update }, error);
        }
      }
      if (claimed.length < 100) return delivered;
    }
  }
}
