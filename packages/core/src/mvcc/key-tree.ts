/**
 * The ordered map from user key to KeyIndex (etcd's treeIndex): a B+tree with bytewise key
 * order, so a put into a store of a million keys costs a few binary searches and at most a
 * 64-entry array insert, never an O(n) shift. Leaves are linked for range scans. Deletion
 * removes empty leaves but does not rebalance: compaction only shrinks the tree, and an
 * underfull leaf costs a little memory, never correctness.
 */
import { compareBytes } from '../codec/bytes.js';
import type { KeyIndex } from './key-index.js';

const MAX_ENTRIES = 64;

class Leaf {
  keys: Uint8Array[] = [];
  values: KeyIndex[] = [];
  prev: Leaf | undefined;
  next: Leaf | undefined;
}

class Branch {
  /** keys[i] is a lower bound of children[i + 1] and above everything in children[i]. */
  keys: Uint8Array[] = [];
  children: Node[] = [];
}

type Node = Leaf | Branch;

/** Index of the first element of `keys` that is >= key (`keys.length` when none). */
function lowerBound(keys: Uint8Array[], key: Uint8Array): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(keys[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The child of `branch` whose key interval holds `key`. */
function childIndex(branch: Branch, key: Uint8Array): number {
  let lo = 0;
  let hi = branch.keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(branch.keys[mid]!, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class KeyTree {
  #root: Node = new Leaf();
  #size = 0;

  /** Number of keys. */
  get size(): number {
    return this.#size;
  }

  get(key: Uint8Array): KeyIndex | undefined {
    const leaf = this.#leafFor(key);
    const i = lowerBound(leaf.keys, key);
    return i < leaf.keys.length && compareBytes(leaf.keys[i]!, key) === 0 ? leaf.values[i] : undefined;
  }

  #leafFor(key: Uint8Array, path?: Array<[Branch, number]>): Leaf {
    let node = this.#root;
    while (node instanceof Branch) {
      const i = childIndex(node, key);
      path?.push([node, i]);
      node = node.children[i]!;
    }
    return node;
  }

  /** Inserts `index` under its key, which must not be present yet. */
  insert(index: KeyIndex): void {
    const key = index.key;
    const path: Array<[Branch, number]> = [];
    const leaf = this.#leafFor(key, path);
    const i = lowerBound(leaf.keys, key);
    if (i < leaf.keys.length && compareBytes(leaf.keys[i]!, key) === 0) throw new Error('KeyTree.insert: key already present');
    leaf.keys.splice(i, 0, key);
    leaf.values.splice(i, 0, index);
    this.#size++;
    if (leaf.keys.length <= MAX_ENTRIES) return;

    // Split the leaf, then every branch on the way up that overflows.
    const half = leaf.keys.length >>> 1;
    const right = new Leaf();
    right.keys = leaf.keys.splice(half);
    right.values = leaf.values.splice(half);
    right.next = leaf.next;
    right.prev = leaf;
    if (leaf.next) leaf.next.prev = right;
    leaf.next = right;
    let separator = right.keys[0]!;
    let newChild: Node = right;
    for (let level = path.length - 1; level >= 0; level--) {
      const [branch, at] = path[level]!;
      branch.keys.splice(at, 0, separator);
      branch.children.splice(at + 1, 0, newChild);
      if (branch.children.length <= MAX_ENTRIES) return;
      const mid = branch.keys.length >>> 1;
      const sibling = new Branch();
      separator = branch.keys[mid]!;
      sibling.keys = branch.keys.splice(mid + 1);
      branch.keys.pop();
      sibling.children = branch.children.splice(mid + 1);
      newChild = sibling;
    }
    const root = new Branch();
    root.keys = [separator];
    root.children = [this.#root, newChild];
    this.#root = root;
  }

  /** Removes `key`; true when it was present. */
  delete(key: Uint8Array): boolean {
    const path: Array<[Branch, number]> = [];
    const leaf = this.#leafFor(key, path);
    const i = lowerBound(leaf.keys, key);
    if (i >= leaf.keys.length || compareBytes(leaf.keys[i]!, key) !== 0) return false;
    leaf.keys.splice(i, 1);
    leaf.values.splice(i, 1);
    this.#size--;
    if (leaf.keys.length > 0 || path.length === 0) return true;

    // Unlink the empty leaf, and every branch left without children.
    if (leaf.prev) leaf.prev.next = leaf.next;
    if (leaf.next) leaf.next.prev = leaf.prev;
    for (let level = path.length - 1; level >= 0; level--) {
      const [branch, at] = path[level]!;
      branch.children.splice(at, 1);
      branch.keys.splice(at > 0 ? at - 1 : 0, 1);
      if (branch.children.length > 0) break;
    }
    while (this.#root instanceof Branch && this.#root.children.length === 1) this.#root = this.#root.children[0]!;
    if (this.#root instanceof Branch && this.#root.children.length === 0) this.#root = new Leaf();
    return true;
  }

  /**
   * Visits the key indexes with start <= key < end in key order; `end` undefined means no
   * upper bound. Stops early when `visit` returns false.
   */
  forEach(start: Uint8Array, end: Uint8Array | undefined, visit: (index: KeyIndex) => boolean | void): void {
    let leaf: Leaf | undefined = this.#leafFor(start);
    let i = lowerBound(leaf.keys, start);
    while (leaf) {
      for (; i < leaf.keys.length; i++) {
        if (end !== undefined && compareBytes(leaf.keys[i]!, end) >= 0) return;
        if (visit(leaf.values[i]!) === false) return;
      }
      leaf = leaf.next;
      i = 0;
    }
  }
}
