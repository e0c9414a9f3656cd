// `docket/internals`: UNSTABLE. Building blocks for tools outside the engine, chiefly an external
// auditor re-checking a history chain without running Docket: the canonical JSON the hashes are
// computed over, the Merkle digest and the state and timer digests of each entry format, the genesis
// hash, and the chain verifier. Names and shapes here may change in any
// release, without a major version; the stable API is `docket`.
export { canonicalJson } from './engine/canonical-json.js';
export { MERKLE_INLINE_MAX, merkleDigest } from './engine/merkle-json.js';
export { ENTRY_FORMAT, stateDigest, stateDigestFor, stateDigestV2, stateDigestV3, stateDigestV4, timersDigest } from './engine/state-digest.js';
export { GENESIS_HASH } from './engine/history.js';
export { verifyChain, verifyHistory } from './engine/chain-verifier.js';
export type { VerifyOptions } from './engine/chain-verifier.js';
export type { HistoryEntry, InstanceRecord } from './store/records.js';
export type { VerifyProblem, VerifyReport } from './engine/engine-types.js';
export type { HistoryKeyOption } from './engine/history-key.js';
