import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  DEFAULT_KEYSPACE,
  Lifecycle,
  TidekvError,
  assertKeyspaceName,
  assertWriteOptions,
  resolveWriteOps,
  toHalfOpen,
  type Capabilities,
  type EngineFactory,
  type Keyspace,
  type ResolvedWriteOp,
  type Snapshot,
  type StorageEngine,
  type WriteOp,
  type WriteOptions,
} from '@tidekv/core';
import { SQLITE_CAPABILITIES } from './capabilities.js';
import { deleteRange } from './delete-range.js';
import { toTidekvError } from './errors.js';
import { SqliteKeyspace } from './keyspace.js';
import { ProcessLock } from './lock.js';
import { validateSqliteOptions, type SqliteOptions } from './options.js';
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
import { SnapshotPool, SqliteSnapshot } from './snapshot.js';
import { TableStatements } from './statements.js';
import { Writer } from './writer.js';

const DONE = Promise.resolve();

interface Batch {
  ops: ResolvedWriteOp[];
  tables: TableStatements[];
}

function applyBatch({ ops, tables }: Batch): void {
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const statements = tables[i]!;
    if (op.type === 'put') statements.put.run(op.key, op.value);
    else if (op.type === 'del') statements.del.run(op.key);
    else if (!op.range.empty || op.range.limit === 0) {
      // delRange ignores limit and reverse; crossed bounds delete nothing.
      deleteRange({ statements, range: toHalfOpen(op.range) });
    }
  }
}

class SqliteEngine implements StorageEngine {
  readonly capabilities: Capabilities = SQLITE_CAPABILITIES;
  readonly #lifecycle = new Lifecycle('engine');
  readonly #db: Database.Database;
  readonly #lock: ProcessLock;
  readonly #burst: ReadBurst;
  readonly #writer: Writer;
  readonly #snapshots: SnapshotPool;
  readonly #tables = new Map<string, TableStatements>();
  readonly #keyspaces = new Map<string, SqliteKeyspace>();

  constructor(db: Database.Database, lock: ProcessLock, file: string) {
    this.#db = db;
    this.#lock = lock;
    this.#burst = new ReadBurst(db);
    this.#writer = new Writer(db, this.#burst);
    this.#snapshots = new SnapshotPool(file);
    this.#tableFor(DEFAULT_KEYSPACE);
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

  keyspace(name: string): Keyspace {
    this.#lifecycle.assertOpen();
    let keyspace = this.#keyspaces.get(name);
    if (!keyspace) {
      assertKeyspaceName(name);
      let statements: TableStatements;
      try {
        statements = this.#tableFor(name);
      } catch (error) {
        throw toTidekvError(error, `creating keyspace '${name}'`);
      }
      keyspace = new SqliteKeyspace(name, statements, this.#lifecycle, this.#burst, this.#writer);
      this.#keyspaces.set(name, keyspace);
    }
    return keyspace;
  }

  write(ops: readonly WriteOp[], options?: WriteOptions): Promise<void> {
    try {
      this.#lifecycle.assertOpen();
      const resolved = resolveWriteOps(ops, this.capabilities);
      assertWriteOptions(options);
      if (resolved.length === 0) return DONE;
      // Tables are created before the batch's transaction: an empty table is invisible to
      // readers, so creating it is harmless even if the batch then fails.
      const tables = new Array<TableStatements>(resolved.length);
      let lastName = '';
      let last: TableStatements | undefined;
      for (let i = 0; i < resolved.length; i++) {
        const name = resolved[i]!.keyspace;
        if (name !== lastName || last === undefined) {
          last = this.#tableFor(name);
          lastName = name;
        }
        tables[i] = last;
      }
      this.#writer.commit(applyBatch, { ops: resolved, tables }, options?.sync === true);
      return DONE;
    } catch (error) {
      return Promise.reject(toTidekvError(error, 'write'));
    }
  }

  snapshot(): Snapshot {
    this.#lifecycle.assertOpen();
    let snapshot: SqliteSnapshot;
    try {
      snapshot = new SqliteSnapshot(this.#snapshots, () => this.#lifecycle.untrack(snapshot));
    } catch (error) {
      throw toTidekvError(error, 'snapshot');
    }
    this.#lifecycle.track(snapshot);
    return snapshot;
  }

  flush(): Promise<void> {
    try {
      this.#lifecycle.assertOpen();
      this.#writer.flush();
      return DONE;
    } catch (error) {
      return Promise.reject(toTidekvError(error, 'flush'));
    }
  }

  close(): Promise<void> {
    return this.#lifecycle.close(() => {
      try {
        this.#burst.end();
        this.#writer.flush();
        this.#snapshots.closeAll();
        this.#db.close(); // the last connection checkpoints the WAL into the database file
      } catch (error) {
        throw toTidekvError(error, 'close');
      } finally {
        if (this.#db.open) this.#db.close();
        this.#lock.release();
      }
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

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
  const lock = ProcessLock.acquire(join(path, LOCK_FILE));
  const file = join(path, DATABASE_FILE);
  let db: Database.Database | undefined;
  try {
    db = openDatabase(file);
    return new SqliteEngine(db, lock, file);
  } catch (error) {
    if (db?.open) db.close();
    lock.release();
    throw toTidekvError(error, `opening ${file}`);
  }
}

export const sqliteEngine: EngineFactory<SqliteOptions> = Object.freeze({
  name: 'sqlite',
  capabilities: SQLITE_CAPABILITIES,
  open: openSqlite,
});
