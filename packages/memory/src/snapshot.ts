/**
 * A consistent read view of every keyspace, taken in O(keyspaces): it keeps the tree roots
 * of the moment it was taken, and the live trees copy any node they share with it before
 * changing it.
 */
import {
  type Capabilities,
  Lifecycle,
  type ReadableKeyspace,
  type Snapshot,
  assertKeyspaceName,
} from '@tidekv/core';
import { lookup, type TreeView } from './btree/tree.js';
import { MemoryReadView } from './read-view.js';
import { EMPTY_VIEW } from './store.js';

export class MemorySnapshot implements Snapshot {
  readonly #views: Map<string, TreeView>;
  readonly #capabilities: Capabilities;
  readonly #lifecycle = new Lifecycle('snapshot');
  readonly #keyspaces = new Map<string, MemoryReadView>();
  readonly #onClose: () => void;

  constructor(views: Map<string, TreeView>, capabilities: Capabilities, onClose: () => void) {
    this.#views = views;
    this.#capabilities = capabilities;
    this.#onClose = onClose;
  }

  keyspace(name: string): ReadableKeyspace {
    this.#lifecycle.assertOpen();
    assertKeyspaceName(name);
    let view = this.#keyspaces.get(name);
    if (view === undefined) {
      // A keyspace that did not exist when the snapshot was taken reads as empty.
      const state = this.#views.get(name) ?? EMPTY_VIEW;
      view = new MemoryReadView(name, { lookup: (key) => lookup(state.root, key), freeze: () => state }, this.#lifecycle, this.#capabilities);
      this.#keyspaces.set(name, view);
    }
    return view;
  }

  close(): Promise<void> {
    return this.#lifecycle.close(() => {
      // Let the old nodes go even if the caller keeps this object around.
      this.#views.clear();
      this.#keyspaces.clear();
      this.#onClose();
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
