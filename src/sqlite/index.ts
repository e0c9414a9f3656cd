// docket/sqlite: the embedded store. Loads better-sqlite3, so it lives behind its own subpath export.
export { sqliteStore, type SqliteStore, type SqliteStoreOptions, type SqliteReadonlyFailure } from './sqlite-store.js';
export { SQLITE_SCHEMA_VERSION } from './sqlite-migrations.js';
