/**
 * Outside a transaction every SQLite statement takes and drops a WAL read lock, which is
 * half the cost of a point read (measured: ~210k getSync/s alone, ~410k/s inside one read
 * transaction). Synchronous reads therefore open a read transaction on first use and end it
 * in a microtask, i.e. once the current synchronous run of code is over: a loop of getSync
 * calls shares one transaction, and no transaction outlives the turn that opened it.
 *
 * Every write, schema change, flush and close ends the burst first, so a write is never
 * folded into it and later reads see it. That is sound because this engine is the only
 * writer: the process lock keeps every other connection out (see lock.ts).
 */
import type Database from 'better-sqlite3';

export class ReadBurst {
  readonly #db: Database.Database;
  readonly #begin: Database.Statement;
  readonly #commit: Database.Statement;
  #open = false;
  readonly #endSoon = (): void => {
    try {
      this.end();
    } catch {
      // Ending a read-only transaction cannot lose data; the next write or close retries it.
    }
  };

  constructor(db: Database.Database) {
    this.#db = db;
    this.#begin = db.prepare('BEGIN');
    this.#commit = db.prepare('COMMIT');
  }

  enter(): void {
    if (this.#open) return;
    this.#begin.run();
    this.#open = true;
    queueMicrotask(this.#endSoon);
  }

  end(): void {
    if (!this.#open) return;
    // Stays open if COMMIT throws, so the next end() tries again.
    if (this.#db.inTransaction) this.#commit.run();
    this.#open = false;
  }
}
