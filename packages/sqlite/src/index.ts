/**
 * @tidekv/sqlite: a tidekv storage engine over SQLite (better-sqlite3), in WAL mode with
 * one WITHOUT ROWID table per keyspace.
 */
export { openSqlite, sqliteEngine } from './engine.js';
export type { SqliteOptions } from './options.js';
export { SQLITE_CAPABILITIES } from './capabilities.js';
