import { DocketError } from '../errors.js';
import type { InstanceView, WaitCondition } from './engine-types.js';

/** What {@link InstanceWaiters} needs from the engine: its views and its `transition` events. */
export interface WaiterSource {
  get(instanceId: string): Promise<InstanceView>;
  /** Subscribe to committed transitions; returns the unsubscribe function. */
  onTransition(fn: (view: InstanceView) => void): () => void;
}

/**
 * The engine's `waitFor`: promises that settle when an instance's view meets a condition, driven by
 * the engine's own `transition` events (no polling, no timers). `closeAll` rejects every pending
 * wait with `ENGINE_CLOSED` (the engine calls it from `close()`).
 */
export class InstanceWaiters {
  private readonly pending = new Set<(error: unknown) => void>();

  constructor(private readonly source: WaiterSource) {}

  wait(instanceId: string, until: WaitCondition<InstanceView>, signal?: AbortSignal): Promise<InstanceView> {
    if (until !== 'done' && typeof until !== 'function') {
      return Promise.reject(new DocketError('INVALID_ARGUMENT', `waitFor needs 'done' or a predicate (view) => boolean, got ${typeof until}.`, { instanceId }));
    }
    const met = (view: InstanceView) => (until === 'done' ? view.status !== 'active' : until(view));
    return new Promise<InstanceView>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      let settled = false;
      // Newest revision seen: a view older than one already checked is stale (events may interleave).
      let revision = -1;
      const finish = (error: unknown, view?: InstanceView) => {
        if (settled) return;
        settled = true;
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        this.pending.delete(fail);
        if (view) resolve(view);
        else reject(error);
      };
      const fail = (error: unknown) => finish(error);
      const onAbort = () => finish(signal?.reason);
      const check = (view: InstanceView) => {
        if (settled || view.id !== instanceId || view.revision <= revision) return;
        revision = view.revision;
        try {
          if (met(view)) finish(undefined, view);
        } catch (error) {
          finish(error);
        }
      };
      // Subscribe before loading, so a transition committed in between is not missed.
      const unsubscribe = this.source.onTransition(check);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.add(fail);
      this.source.get(instanceId).then(check, fail);
    });
  }

  closeAll(): void {
    for (const fail of [...this.pending]) fail(new DocketError('ENGINE_CLOSED', 'The engine was closed while waiting for an instance; nothing was changed.'));
  }
}
