/**
 * Outside a transaction every SQLite statement takes and drops a WAL read lock, which is
 * half the cost of a point read (measured: ~210k lone reads/s against ~410k/s inside one
 * read transaction). So reads on the engine's connection open a read transaction on first
 * use and keep it until the engine next writes, or until the current event-loop turn ends
 * (a `setImmediate`), whichever comes first. A loop of reads, awaited or not, shares one
 * transaction; no transaction outlives the turn that opened it.
 *
 * This cannot make a read stale: the engine is the only writer (the process lock keeps every
 * other engine out, see lock.ts) and every write, schema change, flush and close ends the
 * burst first, so a write is never folded into it and later reads see it.
 */
import type Database from 'better-sqlite3';

export class ReadBurst {
  readonly #db: Database.Database;
  readonly #begin: Database.Statement;
  readonly #commit: Database.Statement;
  #open = false;
  #endScheduled = false;
  readonly #endOfTurn = (): void => {
    this.#endScheduled = false;
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
    if (!this.#endScheduled) {
      this.#endScheduled = true;
      setImmediate(this.#endOfTurn);
    }
  }

  end(): void {
    if (!this.#open) return;
    // Stays open if COMMIT throws, so the next end() tries again.
    if (this.#db.inTransaction) this.#commit.run();
    this.#open = false;
  }
}
