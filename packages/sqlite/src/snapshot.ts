/**
 * Snapshots. In WAL mode a read transaction sees the database as of its first read, however
 * long it stays open and whatever is committed meanwhile. A snapshot is therefore a separate
 * read-only connection holding an open read transaction; its keyspace views (and their
 * paged scans) run every statement on that connection. Closing the snapshot ends the
 * transaction and returns the connection to a small pool, since opening one costs more
 * than reusing it.
 *
 * While a snapshot is open, SQLite cannot checkpoint past it, so the WAL file grows: close
 * snapshots when done.
 */
import Database from 'better-sqlite3';
import type { SnapshotPrimitives } from '@tidekv/core';
import { sqliteReads } from './reader.js';
import { TABLE_EXISTS_SQL, keyspaceTable } from './schema.js';
import { TableStatements } from './statements.js';

const POOL_SIZE = 4;

/** A read-only connection plus its prepared statements, reused across snapshots. */
class ReadConnection {
  readonly db: Database.Database;
  readonly #tableExists: Database.Statement;
  readonly #tables = new Map<string, TableStatements>();

  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.db.pragma('cell_size_check = ON'); // as on the main connection

    this.#tableExists = this.db.prepare(TABLE_EXISTS_SQL).pluck();
  }

  /** Opens the read transaction; reading the schema is what pins the view. */
  begin(): void {
    this.db.exec('BEGIN');
    this.#tableExists.get('');
  }

  end(): void {
    if (this.db.inTransaction) this.db.exec('COMMIT');
  }

  /** The table's statements, or undefined when the table did not exist when the view began. */
  statements(table: string): TableStatements | undefined {
    if (this.#tableExists.get(table) === undefined) return undefined;
    let statements = this.#tables.get(table);
    if (!statements) {
      statements = new TableStatements(this.db, table);
      this.#tables.set(table, statements);
    }
    return statements;
  }
}

export class SnapshotPool {
  readonly #file: string;
  readonly #idle: ReadConnection[] = [];

  constructor(file: string) {
    this.#file = file;
  }

  acquire(): ReadConnection {
    const connection = this.#idle.pop() ?? new ReadConnection(this.#file);
    try {
      connection.begin();
    } catch (error) {
      connection.db.close();
      throw error;
    }
    return connection;
  }

  release(connection: ReadConnection): void {
    try {
      connection.end();
    } catch {
      connection.db.close();
      return;
    }
    if (this.#idle.length < POOL_SIZE) this.#idle.push(connection);
    else connection.db.close();
  }

  closeAll(): void {
    for (const connection of this.#idle.splice(0)) connection.db.close();
  }
}

export function sqliteSnapshot(pool: SnapshotPool): SnapshotPrimitives {
  const connection = pool.acquire();
  return {
    view: (name) => sqliteReads(connection.statements(keyspaceTable(name)), undefined),
    release: () => pool.release(connection),
  };
}
