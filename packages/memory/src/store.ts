/**
 * The data of one memory engine: a B+tree per keyspace and a version that counts applied
 * writes (so a flush can tell whether anything changed since the last one).
 */
import { type NormalizedRange, type ResolvedWriteOp, toHalfOpen } from '@tidekv/core';
import { BNode } from './btree/node.js';
import { Cursor } from './btree/cursor.js';
import { compareKeyAt, keyAt } from './btree/leaf.js';
import { BPlusTree, type TreeView } from './btree/tree.js';

/** A view with no entries, for keyspaces a snapshot never saw. Owner 0 is never a tree's. */
export const EMPTY_VIEW: TreeView = Object.freeze({ root: BNode.leaf(0), size: 0 });

export class Store {
  readonly trees = new Map<string, BPlusTree>();
  /** Incremented by every applied write. */
  version = 0;

  tree(name: string): BPlusTree {
    let tree = this.trees.get(name);
    if (tree === undefined) {
      tree = new BPlusTree();
      this.trees.set(name, tree);
    }
    return tree;
  }

  put(name: string, key: Uint8Array, value: Uint8Array): void {
    this.tree(name).set(key, value);
    this.version++;
  }

  del(name: string, key: Uint8Array): void {
    this.trees.get(name)?.delete(key);
    this.version++;
  }

  /** Applies an already validated batch. Nothing here can fail on valid input. */
  apply(ops: readonly ResolvedWriteOp[]): void {
    for (const op of ops) {
      if (op.type === 'put') this.tree(op.keyspace).set(op.key, op.value);
      else if (op.type === 'del') this.trees.get(op.keyspace)?.delete(op.key);
      else this.deleteRange(op.keyspace, op.range);
    }
    this.version++;
  }

  /** Deletes every key inside the range's bounds; `reverse` and `limit` do not apply here. */
  deleteRange(name: string, range: NormalizedRange): void {
    const tree = this.trees.get(name);
    if (tree === undefined || tree.size === 0) return;
    this.version++;
    if (range.lower === undefined && range.upper === undefined) {
      tree.clear();
      return;
    }
    const { start, end } = toHalfOpen(range);
    // Reading the unfrozen state is safe here: each pass ends before anything is deleted.
    const count = new Cursor(tree.current(), start, end, false).each(Infinity, () => undefined);
    if (count === 0) return;
    if (count > tree.size >> 2) {
      // A large share goes: rebuilding from the survivors beats many single deletes.
      const outside = (leaf: BNode, i: number) =>
        (start !== undefined && compareKeyAt(leaf, i, start) < 0) || (end !== undefined && compareKeyAt(leaf, i, end) >= 0);
      tree.rebuildWithout(tree.current(), outside);
      return;
    }
    const doomed: Uint8Array[] = [];
    new Cursor(tree.current(), start, end, false).each(Infinity, (leaf, i) => void doomed.push(keyAt(leaf, i)));
    for (const key of doomed) tree.delete(key);
  }

  /** Frozen views of every keyspace, for snapshots and the snapshot file. */
  views(): Map<string, TreeView> {
    const views = new Map<string, TreeView>();
    for (const [name, tree] of this.trees) views.set(name, tree.view());
    return views;
  }
}
