/**
 * A snapshot is one LMDB read transaction: every read through it sees the environment as
 * it was when the snapshot was taken. Closing it (or the engine) ends the transaction, so
 * LMDB can reuse the pages it was holding.
 */
import { EMPTY_READS, type SnapshotPrimitives } from '@tidekv/core';
import { lmdbReads } from './reader.js';
import type { ReadTxn, Store } from './types.js';

/** The database of a keyspace that existed when the snapshot was taken, or undefined. */
export type StoreAt = (name: string) => Store | undefined;

export function lmdbSnapshot(txn: ReadTxn, storeAt: StoreAt): SnapshotPrimitives {
  return {
    view(name) {
      const store = storeAt(name);
      return store === undefined ? EMPTY_READS : lmdbReads(store, txn);
    },
    release: () => txn.done(),
  };
}
