/** A store open on one directory: validate options, prepare the directory, take the lock, set up SQLite. */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  BaseEngine,
  DEFAULT_KEYSPACE,
  DirectoryLock,
  engineFactory,
  TidekvError,
  nodeFileSystem,
  prepareDirectory,
  type EngineFactory,
  type KeyspacePrimitives,
  type ResolvedWriteOp,
  type SnapshotPrimitives,
  type StorageEngine,
} from '@tidekv/core';
import { SQLITE_CAPABILITIES } from './capabilities.js';
import { applyBatch } from './batch.js';
import { toTidekvError } from './errors.js';
import { TableKeyspace } from './keyspace.js';
import { resolveSqliteOptions, type SqliteOptions } from './options.js';
import { ReadBurst } from './read-burst.js';
import {
  CREATE_META_SQL,
  DATABASE_FILE,
  FORMAT_VERSION,
  INIT_META_SQL,
  LOCK_FILE,
  READ_FORMAT_SQL,
  createKeyspaceTableSql,
  keyspaceTable,
} from './schema.js';
import { SnapshotPool, sqliteSnapshot } from './snapshot.js';
import { TableStatements } from './statements.js';
import { Writer } from './writer.js';

function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new TidekvError('IO_ERROR', `SQLite refused WAL mode for ${file} (got '${String(mode)}')`);
    db.pragma('synchronous = NORMAL');
    // Checks each b-tree cell's size when a page is loaded, so more damaged pages fail
    // SQLITE_CORRUPT instead of returning wrong bytes; no cost was measurable on point reads
    // or seeks (see the README, "Damage SQLite detects").
    db.pragma('cell_size_check = ON');
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

export class SqliteEngine extends BaseEngine {
  readonly #db: Database.Database;
  readonly #lock: DirectoryLock;
  readonly #burst: ReadBurst;
  readonly #writer: Writer;
  readonly #snapshots: SnapshotPool;
  readonly #tables = new Map<string, TableStatements>();

  private constructor(db: Database.Database, lock: DirectoryLock, file: string) {
    super(SQLITE_CAPABILITIES);
    this.#db = db;
    this.#lock = lock;
    this.#burst = new ReadBurst(db);
    this.#writer = new Writer(db, this.#burst);
    this.#snapshots = new SnapshotPool(file);
    this.#tableFor(DEFAULT_KEYSPACE);
  }

  /** Opens (creating if missing) a tidekv store in the directory `options.path`. */
  static async open(options: SqliteOptions): Promise<SqliteEngine> {
    const { path } = resolveSqliteOptions(options);
    await prepareDirectory(nodeFileSystem, path, true);
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

  protected override toError(error: unknown, doing: string): TidekvError {
    return toTidekvError(error, doing);
  }

  /** The keyspace's statements, creating its table on first use. */
  #tableFor(name: string): TableStatements {
    let statements = this.#tables.get(name);
    if (!statements) {
      const table = keyspaceTable(name);
      this.#writer.exec(createKeyspaceTableSql(table));
      statements = new TableStatements(this.#db, table);
      this.#tables.set(name, statements);
    }
    return statements;
  }

  protected keyspacePrimitives(name: string): KeyspacePrimitives {
    return new TableKeyspace(this.#tableFor(name), this.#burst, this.#writer);
  }

  protected writeBatch(ops: ResolvedWriteOp[], sync: boolean): void {
    // Tables are created before the batch's transaction: an empty table is invisible to
    // readers, so creating it is harmless even if the batch then fails.
    const tables = new Array<TableStatements>(ops.length);
    let lastName = '';
    let last: TableStatements | undefined;
    for (let i = 0; i < ops.length; i++) {
      const name = ops[i]!.keyspace;
      if (name !== lastName || last === undefined) {
        last = this.#tableFor(name);
        lastName = name;
      }
      tables[i] = last;
    }
    this.#writer.commit(applyBatch, { ops, tables }, sync);
  }

  protected snapshotPrimitives(): SnapshotPrimitives {
    return sqliteSnapshot(this.#snapshots);
  }

  protected flushAll(): void {
    this.#writer.flush();
  }

  protected async release(): Promise<void> {
    try {
      this.#burst.end();
      if (!this.writesFailed) this.#writer.flush();
      this.#snapshots.closeAll();
      this.#db.close(); // the last connection checkpoints the WAL into the database file
    } finally {
      if (this.#db.open) this.#db.close();
      await this.#lock.release();
    }
  }
}

export function openSqlite(options: SqliteOptions): Promise<StorageEngine> {
  return SqliteEngine.open(options);
}

export const sqliteEngine: EngineFactory<SqliteOptions> = engineFactory('sqlite', SQLITE_CAPABILITIES, openSqlite);
