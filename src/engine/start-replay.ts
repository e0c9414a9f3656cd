import { DocketError, isDocketError } from '../errors.js';
import type { InstanceRecord } from '../store/records.js';
import type { Commit, Store } from '../store/store.js';
import { canonicalJson } from './canonical-json.js';
import { retainedInstance } from './retained-instance.js';

/**
 * A start under an explicit id that the store refused because the id is taken (`CONFLICT`), told
 * apart from the retry of a start that landed, the way `send` tells a replay by its idempotency key:
 * the instance's first history entry is the same start (`docket.start` with the same input and
 * tenant, the same workflow) by the same actor. Then the landed record is returned and the caller
 * is answered as by the first start (the id), nothing written again. A start that got
 * `STORE_OUTCOME_UNKNOWN` and was retried with the same id was told CONFLICT, though its first try
 * had started the instance.
 *
 * Anything else under that id (another input, workflow or actor, an archived or purged instance)
 * is a `CONFLICT` saying the id is taken (`details.field: 'id'`). A start of one tenant under an id
 * another tenant's instance holds is told only that, in the same words whatever that instance is.
 */
export async function landedStart(store: Pick<Store, 'load' | 'history' | 'archived' | 'tombstone'>, commit: Commit, refusal: unknown): Promise<InstanceRecord> {
  if (!isDocketError(refusal, 'CONFLICT')) throw refusal;
  const id = commit.instance.id;
  const record = await store.load(id);
  const tenant = commit.instance.tenant;
  if (tenant !== undefined && (record !== undefined ? record.tenant : (await retainedInstance(store, id))?.tenant) !== tenant) {
    // Ids are one namespace, so an id another tenant holds is taken; but what that instance is (live,
    // finished, archived, purged, or who started it) is that tenant's, as everywhere else: the same
    // words whatever it is, and no cause carrying the store's own message.
    throw new DocketError('CONFLICT', `Instance id "${id}" is taken. Start with another id (or none).`, { instanceId: id, field: 'id' });
  }
  const first = record === undefined ? undefined : (await store.history(id, { limit: 1 }))[0];
  const mine = commit.history;
  if (
    record !== undefined &&
    first !== undefined &&
    first.revision === 1 &&
    record.workflow === commit.instance.workflow &&
    first.actor.id === mine.actor.id &&
    canonicalJson(first.event) === canonicalJson(mine.event)
  ) {
    return record;
  }
  throw new DocketError(
    'CONFLICT',
    record === undefined
      ? refusal.message
      : `Instance id "${id}" is taken: an instance was started under it ${first?.actor.id === mine.actor.id ? 'with another input or workflow' : 'by someone else'}. Start with another id (or none); a start retried with the same id, workflow and input by the same actor is answered as the one that landed.`,
    { instanceId: id, field: 'id', cause: refusal },
  );
}
