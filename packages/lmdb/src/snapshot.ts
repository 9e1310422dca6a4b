/**
 * A snapshot is one LMDB read transaction: every read through it sees the environment as
 * it was when the snapshot was taken. Closing it (or the engine) ends the transaction, so
 * LMDB can reuse the pages it was holding.
 */
import { Lifecycle, assertKeyspaceName, type ReadableKeyspace, type Snapshot } from '@tidekv/core';
import { ReadView } from './reader.js';
import type { ReadTxn, Store } from './lmdb-types.js';

/** What a snapshot asks its engine: the database of a keyspace that existed when it was taken. */
export type StoreAt = (name: string, snapshotEpoch: number) => Store | undefined;

export class LmdbSnapshot implements Snapshot {
  readonly #lifecycle = new Lifecycle('snapshot');
  readonly #views = new Map<string, ReadView>();

  constructor(
    private readonly txn: ReadTxn,
    private readonly epoch: number,
    private readonly storeAt: StoreAt,
    private readonly onClose: (snapshot: LmdbSnapshot) => void,
  ) {}

  keyspace(name: string): ReadableKeyspace {
    this.#lifecycle.assertOpen();
    assertKeyspaceName(name);
    let view = this.#views.get(name);
    if (view === undefined) {
      const store = this.storeAt(name, this.epoch);
      view = new ReadView(name, { store, txn: store === undefined ? undefined : this.txn, lifecycle: this.#lifecycle });
      this.#views.set(name, view);
    }
    return view;
  }

  close(): Promise<void> {
    return this.#lifecycle.close(() => {
      this.#views.clear();
      this.txn.done();
      this.onClose(this);
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
