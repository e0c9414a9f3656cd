import type { Engine } from '../engine/engine-types.js';
import { isDocketError } from '../errors.js';
import type { Store } from '../store/store.js';
import { CliError, EXIT } from './cli-error.js';

/**
 * Run an administrator's job (`calendar reresolve`, `migrate`, `retain`) on an engine over a
 * writable store, then close the engine and the store whatever happens. A refusal (`DocketError`)
 * becomes a usage error (exit 2) carrying its code; anything else is a bug and propagates.
 */
export async function withAdminEngine<T>(engine: Pick<Engine, 'close'>, store: Pick<Store, 'close'>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // The field the library named (`from`, `reason`, `where.state`) is kept: it was dropped, so
    // `--json` named no field for any refusal of migrate, retain or reresolve.
    if (isDocketError(error)) throw new CliError(error.message, EXIT.usage, error.code, typeof error.details.field === 'string' ? error.details.field : undefined);
    throw error;
  } finally {
    await engine.close();
    await store.close();
  }
}

/**
 * The store as an administrator's engine sees it: every read and write as it is, except that it
 * claims no effect (`claimEffects` finds none, `nextEffectDue` none due). The CLI's engine has no
 * effect handlers, yet a commit of its own that enqueues an effect (a migration re-entering a state
 * with an entry notice) started its outbox, which claimed every due effect in the store, of any
 * instance, and marked each `dead` for want of a handler: the application's workers, which have the
 * handlers, never delivered them. The effects it writes are left to those workers.
 */
export function withoutEffectClaims<S extends Store>(store: S): S {
  return { ...store, claimEffects: async () => [], nextEffectDue: async () => undefined };
}
