/** Opening a store: validate options, prepare the directory, take the lock, set up SQLite. */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DirectoryLock, TidekvError, type EngineFactory, type StorageEngine, nodeFileSystem } from '@tidekv/core';
import { SQLITE_CAPABILITIES } from './capabilities.js';
import { SqliteEngine } from './engine.js';
import { toTidekvError } from './errors.js';
import { validateSqliteOptions, type SqliteOptions } from './options.js';
import { CREATE_META_SQL, DATABASE_FILE, FORMAT_VERSION, INIT_META_SQL, LOCK_FILE, READ_FORMAT_SQL } from './schema.js';

async function prepareDirectory(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new TidekvError('INVALID_OPTION', `options.path must be a directory: ${path}`, { cause: error, details: { path } });
    }
    throw new TidekvError('IO_ERROR', `cannot create ${path}: ${(error as Error).message}`, { cause: error, details: { path } });
  }
  // mkdir succeeds silently when the path exists; make sure it is a directory.
  const info = await stat(path);
  if (!info.isDirectory()) throw new TidekvError('INVALID_OPTION', `options.path must be a directory: ${path}`, { details: { path } });
}

function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new TidekvError('IO_ERROR', `SQLite refused WAL mode for ${file} (got '${String(mode)}')`);
    db.pragma('synchronous = NORMAL');
    db.exec(CREATE_META_SQL);
    db.exec(INIT_META_SQL);
    const format = db.prepare(READ_FORMAT_SQL).pluck().get();
    if (format !== FORMAT_VERSION) {
      throw new TidekvError('NOT_SUPPORTED', `${file} has tidekv format ${String(format)}; this version reads format ${FORMAT_VERSION}`);
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Opens (creating if missing) a tidekv store in the directory `options.path`. */
export async function openSqlite(options: SqliteOptions): Promise<StorageEngine> {
  const { path } = validateSqliteOptions(options);
  await prepareDirectory(path);
  const lock = await DirectoryLock.acquire(nodeFileSystem, path, { file: LOCK_FILE, what: 'the SQLite store' });
  const file = join(path, DATABASE_FILE);
  let db: Database.Database | undefined;
  try {
    db = openDatabase(file);
    return new SqliteEngine(db, lock, file);
  } catch (error) {
    if (db?.open) db.close();
    await lock.release().catch(() => undefined);
    throw toTidekvError(error, `opening ${file}`);
  }
}

export const sqliteEngine: EngineFactory<SqliteOptions> = Object.freeze({
  name: 'sqlite',
  capabilities: SQLITE_CAPABILITIES,
  open: openSqlite,
});
