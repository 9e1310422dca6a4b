import type Database from 'better-sqlite3';
import {
  DEFAULT_KEYSPACE,
  Lifecycle,
  assertKeyspaceName,
  assertWriteOptions,
  resolveWriteOps,
  type Capabilities,
  type Keyspace,
  type Snapshot,
  type StorageEngine,
  type WriteOp,
  type WriteOptions,
} from '@tidekv/core';
import { SQLITE_CAPABILITIES } from './capabilities.js';
import { applyBatch } from './batch.js';
import { toTidekvError } from './errors.js';
import { SqliteKeyspace } from './keyspace.js';
import type { DirectoryLock } from '@tidekv/core';
import { ReadBurst } from './read-burst.js';
import { createKeyspaceTableSql, keyspaceTable } from './schema.js';
import { SnapshotPool, SqliteSnapshot } from './snapshot.js';
import { TableStatements } from './statements.js';
import { Writer } from './writer.js';

const DONE = Promise.resolve();

/** A store open on one directory; see open.ts for how it is opened. */
export class SqliteEngine implements StorageEngine {
  readonly capabilities: Capabilities = SQLITE_CAPABILITIES;
  readonly #lifecycle = new Lifecycle('engine');
  readonly #db: Database.Database;
  readonly #lock: DirectoryLock;
  readonly #burst: ReadBurst;
  readonly #writer: Writer;
  readonly #snapshots: SnapshotPool;
  readonly #tables = new Map<string, TableStatements>();
  readonly #keyspaces = new Map<string, SqliteKeyspace>();

  constructor(db: Database.Database, lock: DirectoryLock, file: string) {
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
    return this.#lifecycle.close(async () => {
      try {
        this.#burst.end();
        this.#writer.flush();
        this.#snapshots.closeAll();
        this.#db.close(); // the last connection checkpoints the WAL into the database file
      } catch (error) {
        throw toTidekvError(error, 'close');
      } finally {
        if (this.#db.open) this.#db.close();
        await this.#lock.release();
      }
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
