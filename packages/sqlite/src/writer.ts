/**
 * Every write goes through here, which is what makes the durability model exact.
 *
 * The database runs in WAL mode with `synchronous = NORMAL`: a commit is appended to the
 * WAL but not fsynced, so it survives a process crash but not a power loss. `#dirty` records
 * that such commits exist. A durable commit (a `sync: true` write, or `flush()`) runs with
 * `synchronous = FULL`, so SQLite fsyncs the WAL before the commit returns; that one fsync
 * also covers every earlier commit, because they sit earlier in the same file. A commit that
 * changes no bytes writes no WAL frame and so triggers no fsync; when unsynced commits are
 * pending, the durable commit therefore also bumps a counter row, which guarantees a frame.
 *
 * The `synchronous` setting is switched only when the kind of commit changes, so a run of
 * durable writes (or of ordinary ones) pays nothing for it.
 */
import type Database from 'better-sqlite3';
import { BUMP_SYNC_MARKER_SQL } from './schema.js';
import type { ReadBurst } from './read-burst.js';

export class Writer {
  readonly #db: Database.Database;
  readonly #burst: ReadBurst;
  readonly #bumpMarker: Database.Statement;
  readonly #transaction: <A>(apply: (arg: A) => void, arg: A, bump: boolean) => void;
  #dirty = false;
  #synchronous: 'NORMAL' | 'FULL' = 'NORMAL';

  constructor(db: Database.Database, burst: ReadBurst) {
    this.#db = db;
    this.#burst = burst;
    this.#bumpMarker = db.prepare(BUMP_SYNC_MARKER_SQL);
    const run = db.transaction((apply: (arg: unknown) => void, arg: unknown, bump: boolean) => {
      apply(arg);
      if (bump) this.#bumpMarker.run();
    });
    this.#transaction = run as unknown as <A>(apply: (arg: A) => void, arg: A, bump: boolean) => void;
  }

  /** True while commits exist that a power loss could still undo. */
  get dirty(): boolean {
    return this.#dirty;
  }

  /**
   * Runs `apply(arg)` as one atomic commit, durable on return when `sync` is set.
   * `single` marks an `apply` that is one statement, which SQLite already commits atomically.
   */
  commit<A>(apply: (arg: A) => void, arg: A, sync: boolean, single = false): void {
    this.#burst.end();
    if (!sync) {
      this.#setSynchronous('NORMAL');
      this.#dirty = true; // set first: a failure half-way may still have committed
      if (single) apply(arg);
      else this.#transaction(apply, arg, false);
      return;
    }
    this.#setSynchronous('FULL');
    // With nothing unsynced pending, a lone statement's own commit is all that must be durable.
    if (single && !this.#dirty) apply(arg);
    else this.#transaction(apply, arg, this.#dirty);
    this.#dirty = false;
  }

  #setSynchronous(mode: 'NORMAL' | 'FULL'): void {
    if (this.#synchronous === mode) return;
    this.#db.exec(`PRAGMA synchronous = ${mode}`);
    this.#synchronous = mode;
  }

  /** Makes every commit so far durable; a no-op when nothing is pending. */
  flush(): void {
    if (this.#dirty) this.commit(noop, undefined, true);
  }

  /** A schema change (e.g. a new keyspace table), committed like any other write. */
  exec(sql: string): void {
    this.commit(execOn, { db: this.#db, sql }, false, true);
  }
}

function noop(): void {}

function execOn({ db, sql }: { db: Database.Database; sql: string }): void {
  db.exec(sql);
}
