export * from './records.js';
export type { Commit, InstanceQuery, TaskQuery, Page, ClaimOptions, EffectUpdate, HeldClaim, Store } from './store.js';
export { memoryStore } from './memory-store.js';
export { matchesInstanceQuery, matchesTaskQuery } from './query-match.js';
export { ID_MAX_LENGTH, KEY_MAX_LENGTH, PAYLOAD_DEPTH_MAX, checkId, checkKey, checkCommit, findUnstorableString, storableRefusal } from './payload-rules.js';
export { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX, checkInstanceQuery, checkTaskQuery } from './query-rules.js';
export { FINISHED_STATUSES, isFinished, type Tombstone, type ArchivedInstance, type RetentionQuery, type StoreRetention } from './retention.js';
