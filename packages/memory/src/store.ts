/**
 * The data of one memory engine: a B+tree per keyspace and a version that counts applied
 * writes (so a flush can tell whether anything changed since the last one).
 */
import { type NormalizedRange, type ResolvedWriteOp, toHalfOpen } from '@tidekv/core';
import { BNode } from './btree/node.js';
import { Cursor } from './btree/cursor.js';
import { BPlusTree, type TreeView } from './btree/tree.js';

/** A view with no entries, for keyspaces a snapshot never saw. Owner 0 is never a tree's. */
export const EMPTY_VIEW: TreeView = Object.freeze({ root: BNode.leaf(0), size: 0 });

/** A private copy of caller bytes, as a plain Uint8Array, so later caller changes cannot leak in. */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

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
    this.tree(name).set(ownBytes(key), ownBytes(value));
    this.version++;
  }

  del(name: string, key: Uint8Array): void {
    this.trees.get(name)?.delete(key);
    this.version++;
  }

  /** Applies an already validated batch. Nothing here can fail on valid input. */
  apply(ops: readonly ResolvedWriteOp[]): void {
    for (const op of ops) {
      if (op.type === 'put') this.tree(op.keyspace).set(ownBytes(op.key), ownBytes(op.value));
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
    const doomed: Uint8Array[] = [];
    // Collected before any delete, so reading the unfrozen state is safe and copies nothing.
    const cursor = new Cursor(tree.current(), start, end, false);
    cursor.each(Infinity, (key) => doomed.push(key));
    if (doomed.length === 0) return;
    if (doomed.length > tree.size >> 2) {
      // A large share goes: rebuilding from the survivors beats many single deletes.
      const keys: Uint8Array[] = [];
      const values: Uint8Array[] = [];
      const keep = (key: Uint8Array, value: Uint8Array) => {
        keys.push(key);
        values.push(value);
      };
      const view = tree.current();
      if (start !== undefined) new Cursor(view, undefined, start, false).each(Infinity, keep);
      if (end !== undefined) new Cursor(view, end, undefined, false).each(Infinity, keep);
      tree.load(keys, values);
      return;
    }
    for (const key of doomed) tree.delete(key);
  }

  /** Frozen views of every keyspace, for snapshots and the snapshot file. */
  views(): Map<string, TreeView> {
    const views = new Map<string, TreeView>();
    for (const [name, tree] of this.trees) views.set(name, tree.view());
    return views;
  }
}
