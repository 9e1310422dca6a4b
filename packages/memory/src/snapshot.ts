/**
 * A consistent read view of every keyspace, taken in O(keyspaces): it keeps the tree roots
 * of the moment it was taken, and the live trees copy any node they share with it before
 * changing it.
 */
import type { SnapshotPrimitives } from '@tidekv/core';
import type { TreeView } from './btree/tree.js';
import { FrozenTree, TreeReads } from './reader.js';
import { EMPTY_VIEW } from './store.js';

export function memorySnapshot(views: Map<string, TreeView>): SnapshotPrimitives {
  return {
    view(name) {
      // A keyspace that did not exist when the snapshot was taken reads as empty.
      return new TreeReads(new FrozenTree(views.get(name) ?? EMPTY_VIEW));
    },
    release() {
      views.clear(); // let the old nodes go even if the caller keeps the snapshot around
    },
  };
}
