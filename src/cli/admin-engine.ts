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
    if (isDocketError(error)) throw new CliError(error.message, EXIT.usage, error.code);
    throw error;
  } finally {
    await engine.close();
    await store.close();
  }
}
