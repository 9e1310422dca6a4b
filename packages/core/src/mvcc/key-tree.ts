/**
 * The ordered map from user key to KeyIndex (etcd's treeIndex): a B+tree with bytewise key
 * order, so a put into a store of a million keys costs a few binary searches and at most a
 * 64-entry array insert, never an O(n) shift. Leaves are linked for range scans. Deletion
 * removes empty leaves but does not rebalance: compaction only shrinks the tree, and an
 * underfull leaf costs a little memory, never correctness.
 *
 * The tree orders keys by their latin1 image (one char per byte, see latin1Image), whose
 * string order is the bytes' order. A string holds its chars inline and compares natively,
 * so a binary search step touches one object instead of a Uint8Array and its separate
 * backing store: a search in a large tree costs a fraction of the memory reads. A Map from
 * the same strings answers exact lookups (every put, every single-key read) without a search.
 */
import { latin1Image } from '../codec/bytes.js';
import type { KeyIndex } from './key-index.js';
import { lowerBound, upperBound } from './sorted-strings.js';

const MAX_ENTRIES = 64;
/** Entries per leaf (children per branch) when building from sorted input: room to grow before a split. */
const BUILD_FILL = 48;

class Leaf {
  keys: string[] = [];
  values: KeyIndex[] = [];
  prev: Leaf | undefined;
  next: Leaf | undefined;
}

class Branch {
  /** keys[i] is a lower bound of children[i + 1] and above everything in children[i]. */
  keys: string[] = [];
  children: Node[] = [];
}

type Node = Leaf | Branch;

/** The child of `branch` whose key interval holds `key`. */
function childIndex(branch: Branch, key: string): number {
  return upperBound(branch.keys, key);
}

export class KeyTree {
  #root: Node = new Leaf();
  #byImage = new Map<string, KeyIndex>();

  /**
   * A tree over `byImage`, which maps each index's image to the index (as the key
   * indexes are gathered at reopen, in revision order). The tree takes the map over and is
   * built bottom-up from the sorted keys, leaf by leaf, without a search per key. `ordered`:
   * the map's insertion order is already key order (keys first written in ascending order),
   * so there is nothing to sort.
   */
  static fromIndexes(byImage: Map<string, KeyIndex>, ordered = false): KeyTree {
    const tree = new KeyTree();
    tree.#byImage = byImage;
    const indexes = [...byImage.values()];
    // Strings compare by UTF-16 code unit, which for latin1 images is byte order.
    if (!ordered) indexes.sort((a, b) => (a.image < b.image ? -1 : a.image > b.image ? 1 : 0));
    const images = indexes.map((index) => index.image);
    let level: Node[] = [];
    let firsts: string[] = [];
    let previous: Leaf | undefined;
    for (let start = 0; start < images.length; start += BUILD_FILL) {
      const leaf = new Leaf();
      const end = Math.min(start + BUILD_FILL, images.length);
      leaf.keys = images.slice(start, end);
      leaf.values = indexes.slice(start, end);
      leaf.prev = previous;
      if (previous) previous.next = leaf;
      previous = leaf;
      level.push(leaf);
      firsts.push(images[start]!);
    }
    while (level.length > 1) {
      const parents: Node[] = [];
      const parentFirsts: string[] = [];
      for (let start = 0; start < level.length; start += BUILD_FILL) {
        const branch = new Branch();
        const end = Math.min(start + BUILD_FILL, level.length);
        branch.children = level.slice(start, end);
        branch.keys = firsts.slice(start + 1, end);
        parents.push(branch);
        parentFirsts.push(firsts[start]!);
      }
      level = parents;
      firsts = parentFirsts;
    }
    if (level.length > 0) tree.#root = level[0]!;
    return tree;
  }

  /** Number of keys. */
  get size(): number {
    return this.#byImage.size;
  }

  get(key: Uint8Array): KeyIndex | undefined {
    return this.#byImage.get(latin1Image(key));
  }

  #leafFor(key: string, path?: Array<[Branch, number]>): Leaf {
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
    const key = index.image;
    if (this.#byImage.has(key)) throw new Error('KeyTree.insert: key already present');
    const path: Array<[Branch, number]> = [];
    const leaf = this.#leafFor(key, path);
    const i = lowerBound(leaf.keys, key);
    leaf.keys.splice(i, 0, key);
    leaf.values.splice(i, 0, index);
    this.#byImage.set(key, index);
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
    return this.remove(latin1Image(key));
  }

  /** Removes the key whose latin1 image is `image`; true when it was present. */
  remove(image: string): boolean {
    if (!this.#byImage.delete(image)) return false;
    const path: Array<[Branch, number]> = [];
    const leaf = this.#leafFor(image, path);
    const i = lowerBound(leaf.keys, image);
    leaf.keys.splice(i, 1);
    leaf.values.splice(i, 1);
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
    const from = latin1Image(start);
    const to = end === undefined ? undefined : latin1Image(end);
    let leaf: Leaf | undefined = this.#leafFor(from);
    let i = lowerBound(leaf.keys, from);
    while (leaf) {
      for (; i < leaf.keys.length; i++) {
        if (to !== undefined && leaf.keys[i]! >= to) return;
        if (visit(leaf.values[i]!) === false) return;
      }
      leaf = leaf.next;
      i = 0;
    }
  }
}
