/**
 * A copy-on-write B+tree over byte-string keys in memcmp order.
 *
 * get/set/delete are O(log n). `view()` freezes the current state in O(1): it retags the
 * tree, so the next write copies each shared node on its path once (path copying) and the
 * view keeps reading the old nodes untouched. Without open views, writes change nodes in
 * place and allocate nothing but the stored entry.
 */
import { BNode, countAtMost, findKey, newOwner, resetSearch } from './node.js';

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

  get(key: Uint8Array): Uint8Array | undefined {
    return lookup(this.#root, key);
  }

  /** Stores `value` under `key` (both kept by reference). True when the key was new. */
  set(key: Uint8Array, value: Uint8Array): boolean {
    const owner = this.#owner;
    let node = this.#ownRoot();
    let depth = 0;
    resetSearch();
    while (node.children !== null) {
      const i = countAtMost(node.keys, key);
      let child = node.children[i]!;
      if (child.owner !== owner) node.children[i] = child = child.copyFor(owner);
      this.#pathNodes[depth] = node;
      this.#pathIndex[depth] = i;
      depth++;
      node = child;
    }
    const i = findKey(node.keys, key);
    if (i >= 0) {
      node.values![i] = value;
      return false;
    }
    const at = ~i;
    node.keys.splice(at, 0, key);
    node.values!.splice(at, 0, value);
    this.#size++;
    if (node.keys.length > this.#maxLeaf) this.#splitUpward(node, depth);
    return true;
  }

  /** Removes `key`. True when it was present. */
  delete(key: Uint8Array): boolean {
    // Look first without copying: deleting a missing key must not unshare any node.
    let probe = this.#root;
    resetSearch();
    while (probe.children !== null) probe = probe.children[countAtMost(probe.keys, key)]!;
    if (findKey(probe.keys, key) < 0) return false;

    const owner = this.#owner;
    let node = this.#ownRoot();
    let depth = 0;
    resetSearch();
    while (node.children !== null) {
      const i = countAtMost(node.keys, key);
      let child = node.children[i]!;
      if (child.owner !== owner) node.children[i] = child = child.copyFor(owner);
      this.#pathNodes[depth] = node;
      this.#pathIndex[depth] = i;
      depth++;
      node = child;
    }
    const i = findKey(node.keys, key);
    node.keys.splice(i, 1);
    node.values!.splice(i, 1);
    this.#size--;
    this.#rebalanceUpward(node, depth);
    return true;
  }

  /** Removes every entry. O(1): views taken before keep the old nodes. */
  clear(): void {
    this.#root = BNode.leaf(this.#owner);
    this.#size = 0;
  }

  /**
   * Replaces the whole content with `keys`/`values`, which must be strictly increasing and
   * are kept by reference. Builds full nodes bottom-up in O(n) instead of n inserts.
   */
  load(keys: Uint8Array[], values: Uint8Array[]): void {
    const owner = this.#owner;
    const n = keys.length;
    let level: BNode[] = [];
    for (const [from, to] of evenSlices(n, this.#maxLeaf)) {
      level.push(BNode.leaf(owner, keys.slice(from, to), values.slice(from, to)));
    }
    if (level.length === 0) level.push(BNode.leaf(owner));
    // Each node's smallest key, to build separators for the level above.
    let firsts: Uint8Array[] = level.map((leaf) => leaf.keys[0]!);
    while (level.length > 1) {
      const parents: BNode[] = [];
      const parentFirsts: Uint8Array[] = [];
      for (const [from, to] of evenSlices(level.length, this.#maxChildren)) {
        parents.push(BNode.branch(owner, firsts.slice(from + 1, to), level.slice(from, to)));
        parentFirsts.push(firsts[from]!);
      }
      level = parents;
      firsts = parentFirsts;
    }
    this.#root = level[0]!;
    this.#size = n;
  }

  /** The root, copied first when a view shares it. */
  #ownRoot(): BNode {
    if (this.#root.owner !== this.#owner) this.#root = this.#root.copyFor(this.#owner);
    return this.#root;
  }

  /** Splits the overfull `node` at `depth`, then each overfull ancestor on the write path. */
  #splitUpward(node: BNode, depth: number): void {
    const owner = this.#owner;
    for (;;) {
      let right: BNode;
      let separator: Uint8Array;
      if (node.children === null) {
        const mid = node.keys.length >> 1;
        right = BNode.leaf(owner, node.keys.splice(mid), node.values!.splice(mid));
        separator = right.keys[0]!;
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
      const occupancy = isLeaf ? node.keys.length : node.children!.length;
      const minimum = isLeaf ? this.#minLeaf : this.#minChildren;
      if (occupancy >= minimum) return;
      depth--;
      const parent = this.#pathNodes[depth]!;
      const siblings = parent.children!;
      const i = this.#pathIndex[depth]!;
      if (i > 0) {
        let left = siblings[i - 1]!;
        const leftOccupancy = isLeaf ? left.keys.length : left.children!.length;
        if (leftOccupancy > minimum) {
          if (left.owner !== owner) siblings[i - 1] = left = left.copyFor(owner);
          if (isLeaf) {
            node.keys.unshift(left.keys.pop()!);
            node.values!.unshift(left.values!.pop()!);
            parent.keys[i - 1] = node.keys[0]!;
          } else {
            node.keys.unshift(parent.keys[i - 1]!);
            node.children!.unshift(left.children!.pop()!);
            parent.keys[i - 1] = left.keys.pop()!;
          }
          return;
        }
        if (isLeaf) {
          node.keys = left.keys.concat(node.keys);
          node.values = left.values!.concat(node.values!);
        } else {
          node.keys = left.keys.concat([parent.keys[i - 1]!], node.keys);
          node.children = left.children!.concat(node.children!);
        }
        parent.keys.splice(i - 1, 1);
        siblings.splice(i - 1, 1);
      } else {
        let right = siblings[i + 1]!;
        const rightOccupancy = isLeaf ? right.keys.length : right.children!.length;
        if (rightOccupancy > minimum) {
          if (right.owner !== owner) siblings[i + 1] = right = right.copyFor(owner);
          if (isLeaf) {
            node.keys.push(right.keys.shift()!);
            node.values!.push(right.values!.shift()!);
            parent.keys[i] = right.keys[0]!;
          } else {
            node.keys.push(parent.keys[i]!);
            node.children!.push(right.children!.shift()!);
            parent.keys[i] = right.keys.shift()!;
          }
          return;
        }
        if (isLeaf) {
          node.keys = node.keys.concat(right.keys);
          node.values = node.values!.concat(right.values!);
        } else {
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

/** The value stored under `key` in the tree rooted at `root`, if any. */
export function lookup(root: BNode, key: Uint8Array): Uint8Array | undefined {
  let node = root;
  resetSearch();
  while (node.children !== null) node = node.children[countAtMost(node.keys, key)]!;
  const i = findKey(node.keys, key);
  return i >= 0 ? node.values![i] : undefined;
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
