export * from './records.js';
export type { Commit, InstanceQuery, TaskQuery, Page, ClaimOptions, EffectUpdate, Store } from './store.js';
export { memoryStore } from './memory-store.js';
export { matchesInstanceQuery, matchesTaskQuery } from './query-match.js';
