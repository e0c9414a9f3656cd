// docket/postgres: the store for many processes. Loads `pg`, so it lives behind its own subpath export.
export { postgresStore, type PostgresConnection, type PostgresStore, type PostgresStoreOptions } from './postgres-store.js';
export { POSTGRES_SCHEMA_VERSION } from './postgres-migrations.js';
