/**
 * A copy-on-write B+tree over byte-string keys in memcmp order.
 *
 * get/set/delete are O(log n). `view()` freezes the current state in O(1): it retags the
 * tree, so the next write copies each shared node on its path once (path copying) and the
 * view keeps reading the old nodes untouched. Without open views, writes change nodes in
 * place. The tree stores copies of the bytes it is given and hands out copies.
 */
import { compareBytes } from '@tidekv/core';
import { BNode, countAtMost, newOwner, resetSearch } from './node.js';
import {
  appendEntries,
  compareKeyAt,
  concatInto,
  copyLeaf,
  copyValueAt,
  entryCount,
  findInLeaf,
  insertAt,
  keyAt,
  moveEntry,
  packedLeaf,
  removeAt,
  replaceValueAt,
  splitLeaf,
} from './leaf.js';

/** An immutable state of a tree: the root it had and how many entries it held. */
export interface TreeView {
  readonly root: BNode;
  readonly size: number;
}

export interface TreeShape {
  /** Most entries in a leaf before it splits (>= 3). */
  maxLeaf: number;
  /** Most children of a branch before it splits (>= 4). */
  maxChildren: number;
}

export const DEFAULT_SHAPE: TreeShape = { maxLeaf: 64, maxChildren: 64 };

/** A copy of `node` that the tree tagged `owner` may change. */
function copyNode(node: BNode, owner: number): BNode {
  return node.children === null ? copyLeaf(node, owner) : BNode.branch(owner, node.keys.slice(), node.children.slice());
}

export class BPlusTree {
  #root: BNode;
  #size = 0;
  #owner = newOwner();
  readonly #maxLeaf: number;
  readonly #minLeaf: number;
  readonly #maxChildren: number;
  readonly #minChildren: number;
  /** The branch path of the current write, reused to avoid allocating per write. */
  readonly #pathNodes: BNode[] = [];
  readonly #pathIndex: number[] = [];

  constructor(shape: TreeShape = DEFAULT_SHAPE) {
    if (!Number.isInteger(shape.maxLeaf) || shape.maxLeaf < 3) throw new RangeError('maxLeaf must be an integer >= 3');
    if (!Number.isInteger(shape.maxChildren) || shape.maxChildren < 4) {
      throw new RangeError('maxChildren must be an integer >= 4');
    }
    this.#maxLeaf = shape.maxLeaf;
    this.#minLeaf = shape.maxLeaf >> 1;
    this.#maxChildren = shape.maxChildren;
    this.#minChildren = shape.maxChildren >> 1;
    this.#root = BNode.leaf(this.#owner);
  }

  get size(): number {
    return this.#size;
  }

  get shape(): TreeShape {
    return { maxLeaf: this.#maxLeaf, maxChildren: this.#maxChildren };
  }

  /** Freezes the current state. Later writes to this tree never change what the view sees. */
  view(): TreeView {
    // A root we do not own means nothing reachable is owned (copies are made top-down),
    // so the state is already frozen and retagging again would only cost extra copies.
    if (this.#root.owner === this.#owner) this.#owner = newOwner();
    return { root: this.#root, size: this.#size };
  }

  /**
   * The current state without freezing it: valid only for reads that finish before the
   * next write to this tree (a write may change these nodes in place).
   */
  current(): TreeView {
    return { root: this.#root, size: this.#size };
  }

  /** A copy of the value stored under `key`, if any. */
  get(key: Uint8Array): Uint8Array | undefined {
    return lookup(this.#root, key);
  }

  /** Stores copies of `key` and `value`. True when the key was new. */
  set(key: Uint8Array, value: Uint8Array): boolean {
    const leaf = this.#ownedPathTo(key, this.#appending);
    const depth = this.#depth;
    const count = entryCount(leaf);
    const i = this.#appending && count > 0 && compareKeyAt(leaf, count - 1, key) < 0 ? ~count : findInLeaf(leaf, key);
    if (i >= 0) {
      this.#appending = false;
      replaceValueAt(leaf, i, value);
      return false;
    }
    // Ascending inserts (counters, timestamps, revisions) all land at the end of the last
    // leaf; while they do, the next write tries that end first (see #ownedPathTo).
    this.#appending = this.#rightmost && ~i === count;
    insertAt(leaf, ~i, key, value);
    this.#size++;
    if (entryCount(leaf) > this.#maxLeaf) this.#splitUpward(leaf, depth);
    return true;
  }

  /** Removes `key`. True when it was present. */
  delete(key: Uint8Array): boolean {
    // Look first without copying: deleting a missing key must not unshare any node.
    let probe = this.#root;
    resetSearch();
    while (probe.children !== null) probe = probe.children[countAtMost(probe.keys, key)]!;
    if (findInLeaf(probe, key) < 0) return false;

    const leaf = this.#ownedPathTo(key);
    removeAt(leaf, findInLeaf(leaf, key));
    this.#size--;
    this.#rebalanceUpward(leaf, this.#depth);
    return true;
  }

  /** Removes every entry. O(1): views taken before keep the old nodes. */
  clear(): void {
    this.#root = BNode.leaf(this.#owner);
    this.#size = 0;
  }

  /**
   * Replaces the whole content with the entries packed in `source` (the leaf arena layout,
   * see leaf.ts) starting at `offsets`, which must be in strictly increasing key order.
   * Builds full nodes bottom-up in O(n), copying each leaf's entries as one block.
   */
  load(source: Uint8Array, offsets: readonly number[]): void {
    const owner = this.#owner;
    let level: BNode[] = [];
    for (const [from, to] of evenSlices(offsets.length, this.#maxLeaf)) level.push(packedLeaf(source, offsets, from, to, owner));
    if (level.length === 0) level.push(BNode.leaf(owner));
    this.#root = buildBranches(level, level.map((leaf) => (entryCount(leaf) > 0 ? keyAt(leaf, 0) : new Uint8Array(0))), owner, this.#maxChildren);
    this.#size = offsets.length;
  }

  /**
   * Replaces the content with the entries of `view` that `keep` accepts, in one bottom-up
   * rebuild: cheaper than many single deletes when a large share of the keys goes.
   */
  rebuildWithout(view: TreeView, keep: (leaf: BNode, index: number) => boolean): void {
    const owner = newOwner(); // everything below is new; retag so no old node is changed
    const leaves: BNode[] = [];
    let current = BNode.leaf(owner);
    let size = 0;
    const stack: BNode[] = [view.root];
    // Depth-first, left to right: leaves come out in key order.
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.children !== null) {
        for (let c = node.children.length - 1; c >= 0; c--) stack.push(node.children[c]!);
        continue;
      }
      for (let i = 0; i < entryCount(node); i++) {
        if (!keep(node, i)) continue;
        appendEntries(current, node, i, i + 1);
        size++;
        if (entryCount(current) === this.#maxLeaf) {
          leaves.push(current);
          current = BNode.leaf(owner);
        }
      }
    }
    if (entryCount(current) > 0 || leaves.length === 0) leaves.push(current);
    // The last leaf may be short: even it out with its neighbour.
    if (leaves.length > 1 && entryCount(leaves[leaves.length - 1]!) < this.#minLeaf) {
      const last = leaves.pop()!;
      const previous = leaves.pop()!;
      const total = entryCount(previous) + entryCount(last);
      const merged = BNode.leaf(owner);
      concatInto(merged, previous, last);
      if (total <= this.#maxLeaf) leaves.push(merged);
      else {
        const right = splitLeaf(merged, total >> 1, owner);
        leaves.push(merged, right);
      }
    }
    this.#owner = owner;
    this.#root = buildBranches(leaves, leaves.map((leaf) => (entryCount(leaf) > 0 ? keyAt(leaf, 0) : new Uint8Array(0))), owner, this.#maxChildren);
    this.#size = size;
  }

  #depth = 0;
  /** Whether the last walk took the last child at every level. */
  #rightmost = false;
  /** Whether the last insert appended to the end of the tree. */
  #appending = false;

  /**
   * Walks to the leaf for `key`, copying shared nodes on the way; records the branch path.
   * With `tryLast`, a key at or above a branch's last separator goes to the last child after
   * one comparison instead of a binary search.
   */
  #ownedPathTo(key: Uint8Array, tryLast = false): BNode {
    const owner = this.#owner;
    if (this.#root.owner !== owner) this.#root = copyNode(this.#root, owner);
    let node = this.#root;
    let depth = 0;
    let rightmost = true;
    resetSearch();
    while (node.children !== null) {
      const keys = node.keys;
      const i = tryLast && compareBytes(keys[keys.length - 1]!, key) <= 0 ? keys.length : countAtMost(keys, key);
      rightmost &&= i === keys.length;
      let child = node.children[i]!;
      if (child.owner !== owner) node.children[i] = child = copyNode(child, owner);
      this.#pathNodes[depth] = node;
      this.#pathIndex[depth] = i;
      depth++;
      node = child;
    }
    this.#depth = depth;
    this.#rightmost = rightmost;
    return node;
  }

  /** Splits the overfull `node` at `depth`, then each overfull ancestor on the write path. */
  #splitUpward(node: BNode, depth: number): void {
    const owner = this.#owner;
    for (;;) {
      let right: BNode;
      let separator: Uint8Array;
      if (node.children === null) {
        right = splitLeaf(node, entryCount(node) >> 1, owner, this.#appending);
        separator = keyAt(right, 0);
      } else {
        const mid = node.keys.length >> 1;
        separator = node.keys[mid]!;
        right = BNode.branch(owner, node.keys.splice(mid + 1), node.children.splice(mid + 1));
        node.keys.pop(); // the separator moves up
      }
      if (depth === 0) {
        this.#root = BNode.branch(owner, [separator], [node, right]);
        return;
      }
      depth--;
      const parent = this.#pathNodes[depth]!;
      const i = this.#pathIndex[depth]!;
      parent.keys.splice(i, 0, separator);
      parent.children!.splice(i + 1, 0, right);
      if (parent.children!.length <= this.#maxChildren) return;
      node = parent;
    }
  }

  /**
   * Restores minimum occupancy after a removal from `node` at `depth`, borrowing from or
   * merging with a sibling and walking up while parents underflow. Every node on the path is
   * owned; a sibling is copied only when it must change (a borrow), since merges always
   * move the sibling's entries into the owned `node`.
   */
  #rebalanceUpward(node: BNode, depth: number): void {
    const owner = this.#owner;
    while (depth > 0) {
      const isLeaf = node.children === null;
      const occupancy = isLeaf ? entryCount(node) : node.children!.length;
      const minimum = isLeaf ? this.#minLeaf : this.#minChildren;
      if (occupancy >= minimum) return;
      depth--;
      const parent = this.#pathNodes[depth]!;
      const siblings = parent.children!;
      const i = this.#pathIndex[depth]!;
      if (i > 0) {
        let left = siblings[i - 1]!;
        const leftOccupancy = isLeaf ? entryCount(left) : left.children!.length;
        if (leftOccupancy > minimum) {
          if (left.owner !== owner) siblings[i - 1] = left = copyNode(left, owner);
          if (isLeaf) {
            moveEntry(left, entryCount(left) - 1, node, 0);
            parent.keys[i - 1] = keyAt(node, 0);
          } else {
            node.keys.unshift(parent.keys[i - 1]!);
            node.children!.unshift(left.children!.pop()!);
            parent.keys[i - 1] = left.keys.pop()!;
          }
          return;
        }
        if (isLeaf) concatInto(node, left, node);
        else {
          node.keys = left.keys.concat([parent.keys[i - 1]!], node.keys);
          node.children = left.children!.concat(node.children!);
        }
        parent.keys.splice(i - 1, 1);
        siblings.splice(i - 1, 1);
      } else {
        let right = siblings[i + 1]!;
        const rightOccupancy = isLeaf ? entryCount(right) : right.children!.length;
        if (rightOccupancy > minimum) {
          if (right.owner !== owner) siblings[i + 1] = right = copyNode(right, owner);
          if (isLeaf) {
            moveEntry(right, 0, node, entryCount(node));
            parent.keys[i] = keyAt(right, 0);
          } else {
            node.keys.push(parent.keys[i]!);
            node.children!.push(right.children!.shift()!);
            parent.keys[i] = right.keys.shift()!;
          }
          return;
        }
        if (isLeaf) concatInto(node, node, right);
        else {
          node.keys = node.keys.concat([parent.keys[i]!], right.keys);
          node.children = node.children!.concat(right.children!);
        }
        parent.keys.splice(i, 1);
        siblings.splice(i + 1, 1);
      }
      node = parent;
    }
    // At the root: a branch left with one child hands the root to that child.
    if (node.children !== null && node.children.length === 1) this.#root = node.children[0]!;
  }
}

/** A copy of the value stored under `key` in the tree rooted at `root`, if any. */
export function lookup(root: BNode, key: Uint8Array): Uint8Array | undefined {
  let node = root;
  resetSearch();
  while (node.children !== null) node = node.children[countAtMost(node.keys, key)]!;
  const i = findInLeaf(node, key);
  return i >= 0 ? copyValueAt(node, i) : undefined;
}

/** Builds branch levels over `level` (whose smallest keys are `firsts`) up to one root. */
function buildBranches(level: BNode[], firsts: Uint8Array[], owner: number, maxChildren: number): BNode {
  while (level.length > 1) {
    const parents: BNode[] = [];
    const parentFirsts: Uint8Array[] = [];
    for (const [from, to] of evenSlices(level.length, maxChildren)) {
      parents.push(BNode.branch(owner, firsts.slice(from + 1, to), level.slice(from, to)));
      parentFirsts.push(firsts[from]!);
    }
    level = parents;
    firsts = parentFirsts;
  }
  return level[0]!;
}

/** Splits n items into ceil(n / max) slices whose sizes differ by at most one. */
function* evenSlices(n: number, max: number): Generator<[number, number]> {
  if (n === 0) return;
  const count = Math.ceil(n / max);
  const base = Math.floor(n / count);
  const extra = n % count;
  let from = 0;
  for (let s = 0; s < count; s++) {
    const to = from + base + (s < extra ? 1 : 0);
    yield [from, to];
    from = to;
  }
}
