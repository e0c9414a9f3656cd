import type { Store } from '../store/store.js';

/** What retention kept of an instance taken out of the hot tables: how, and its tenant. */
export interface RetainedInstance {
  /** `'archived'`: its record and history are kept; `'purged'`: only its sealed tombstone. */
  readonly kind: 'archived' | 'purged';
  /** The instance's tenant (undefined for an instance of no tenant). */
  readonly tenant: string | undefined;
}

/**
 * What retention kept of instance `id`: its archived record, else its tombstone; undefined when it
 * has neither, or the store keeps no retention (`archived`/`tombstone` absent). One reader for every
 * place that tells a retained instance from a missing one (an act's refusal, a start's conflict).
 * A read that fails propagates (the caller decides what to answer).
 */
export async function retainedInstance(store: Partial<Pick<Store, 'archived' | 'tombstone'>>, id: string): Promise<RetainedInstance | undefined> {
  const archived = await store.archived?.(id);
  if (archived !== undefined) return { kind: 'archived', tenant: archived.instance.tenant ?? undefined };
  const tombstone = await store.tombstone?.(id);
  return tombstone === undefined ? undefined : { kind: 'purged', tenant: tombstone.tenant ?? undefined };
}
