import { DocketError } from '../errors.js';
import type { InstanceRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { checkSeal } from './history.js';
import type { Keyring } from './history-key.js';
import { stateDigest } from './state-digest.js';

function refuse(record: InstanceRecord, problem: string, what: string): never {
  throw new DocketError(
    'CORRUPT_SNAPSHOT',
    `Instance ${record.id} was not acted on: ${what} It was changed outside Docket; engine.verify("${record.id}") shows what. Restore it from a backup; other instances are unaffected.`,
    { instanceId: record.id, workflow: record.workflow, version: record.version, problem },
  );
}

/**
 * Before the engine acts on an instance it loaded from the store (internal): read the head entry of
 * its chain (one entry, one store call) and refuse with `CORRUPT_SNAPSHOT` when that entry is not the
 * head the record names, does not match its own hash (or HMAC), is unkeyed or sealed with an unknown
 * key while the engine holds keys, or committed to another state than the stored one. A head entry
 * written before entry format 2 carries no state commitment and is accepted as it is.
 *
 * Costs one store read and two hashes per load; the engine skips it for records it wrote itself
 * (its snapshot cache), so a steady stream of sends to the same instances does not pay it.
 *
 * @throws DocketError `CORRUPT_SNAPSHOT` (details.problem names the check that failed).
 */
export async function checkHead(store: Pick<Store, 'history'>, keys: Keyring, record: InstanceRecord): Promise<void> {
  const [head] = await store.history(record.id, { afterRevision: record.revision - 1, limit: 1 });
  if (!head || head.revision !== record.revision || head.hash !== record.historyHash) {
    refuse(record, 'head-mismatch', `its history has no entry for revision ${record.revision} whose hash is the head it records.`);
  }
  const seal = checkSeal(head, keys);
  if (seal === 'edited') refuse(record, 'edited', `its newest history entry does not match its hash.`);
  if (seal === 'unknown-key') {
    throw new DocketError(
      'CORRUPT_SNAPSHOT',
      `Instance ${record.id} was not acted on: its newest history entry is sealed with history key "${head.keyId}", which this engine does not hold. Give the engine that key (historyKey.current or historyKey.previous).`,
      { instanceId: record.id, workflow: record.workflow, version: record.version, problem: 'unknown-key', keyId: head.keyId },
    );
  }
  if (keys.current && head.keyId === undefined && !keys.acceptUnkeyed) {
    refuse(record, 'unkeyed', 'its newest history entry is not sealed with a history key although this engine seals with one (set historyKey.acceptUnkeyed while migrating older instances).');
  }
  if (head.stateHash !== undefined && head.stateHash !== stateDigest(record)) {
    refuse(record, 'snapshot-mismatch', `its stored state (snapshot, context, status) is not the state its newest history entry committed to.`);
  }
}
