import type { InstanceRecord } from '../store/records.js';
import { canonicalJson, sha256 } from './canonical-json.js';

/** The fields of an instance that say what it is and what the engine acts on. */
export type DigestedState = Pick<
  InstanceRecord,
  'workflow' | 'version' | 'status' | 'suspended' | 'initiator' | 'snapshot' | 'state' | 'statePaths' | 'context' | 'heldTimers'
>;

/**
 * SHA-256 (hex) of the canonical JSON of the instance state a history entry leaves behind: the XState
 * snapshot the engine restores, the state and context copies views and queries read, status, the
 * suspended flag, held timers, the workflow version and the initiator. Each history entry records it
 * as `stateHash`, and `verify` (and the engine, before acting on an instance it loads) compares it
 * with the stored record, so an edited snapshot or context is caught.
 *
 * Not covered: revision and head hash (checked against the chain itself), timestamps, and the pending
 * timer list, which the timer table mirrors and history entries already describe.
 */
export function stateDigest(record: DigestedState): string {
  // Keys in sorted order (canonicalJson then skips its sort); held timers only when there are any,
  // as stores may read an empty list back as absent.
  const held = record.heldTimers && record.heldTimers.length > 0 ? record.heldTimers : undefined;
  return sha256(
    canonicalJson({
      context: record.context,
      heldTimers: held,
      initiator: record.initiator,
      snapshot: record.snapshot,
      state: record.state,
      statePaths: record.statePaths,
      status: record.status,
      suspended: record.suspended,
      version: record.version,
      workflow: record.workflow,
    }),
  );
}
