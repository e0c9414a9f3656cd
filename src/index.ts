// The public API of `docket`: re-exports only. Each area owns its own index file.
export * from './errors.js';
export * from './clock/index.js';
export * from './calendar/index.js';
export * from './store/index.js';
export * from './engine/index.js';
export * from './approvals/index.js';
export * from './observe/index.js';
