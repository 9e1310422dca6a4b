/**
 * A snapshot is one LMDB read transaction: every read through it sees the environment as
 * it was when the snapshot was taken. Closing it (or the engine) ends the transaction, so
 * LMDB can reuse the pages it was holding.
 */
import { EMPTY_READS, type ReadPrimitives, type SnapshotPrimitives } from '@tidekv/core';
import { LmdbReads } from './reader.js';
import type { ReadTxn, Store } from './types.js';

/** The database of a keyspace that existed when the snapshot was taken, or undefined. */
export type StoreAt = (name: string) => Store | undefined;

export class LmdbSnapshot implements SnapshotPrimitives {
  constructor(
    private readonly txn: ReadTxn,
    private readonly storeAt: StoreAt,
  ) {}

  view(name: string): ReadPrimitives {
    const store = this.storeAt(name);
    return store === undefined ? EMPTY_READS : new LmdbReads(store, this.txn);
  }

  release(): void {
    this.txn.done();
  }
}
