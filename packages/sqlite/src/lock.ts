/**
 * One engine per location. SQLite itself would let several connections share the file, but
 * this adapter caches what it knows (which keyspace tables exist, whether unsynced commits
 * are pending) and batches reads in short transactions, which is only sound with a single
 * writer. So the engine holds an exclusive lock on a small side database, `tidekv.lock`,
 * through SQLite's own file locking (`locking_mode = EXCLUSIVE` + `BEGIN EXCLUSIVE` keeps the
 * lock until the connection closes). The lock is an OS-level fcntl lock: it blocks other
 * connections in this process and in other processes, and the kernel drops it when the
 * holder dies, so a crashed process never leaves a stale lock behind.
 */
import Database from 'better-sqlite3';
import { TidekvError } from '@tidekv/core';
import { toTidekvError } from './errors.js';

export class ProcessLock {
  readonly #db: Database.Database;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Takes the lock or fails LOCKED at once (no waiting). */
  static acquire(path: string): ProcessLock {
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { timeout: 0 });
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = OFF');
      db.exec('BEGIN EXCLUSIVE; COMMIT');
      return new ProcessLock(db);
    } catch (error) {
      db?.close();
      const mapped = toTidekvError(error, `locking ${path}`);
      if (mapped.code === 'LOCKED') {
        throw new TidekvError('LOCKED', `${path} is locked: the location is already open in this or another process`, {
          cause: error,
          details: { path },
        });
      }
      throw mapped;
    }
  }

  release(): void {
    this.#db.close();
  }
}
