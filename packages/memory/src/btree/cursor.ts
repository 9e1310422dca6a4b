/**
 * Ordered traversal of a frozen tree state over [start, end), forward or backward. The
 * cursor keeps a root-to-leaf path instead of leaf sibling links, because a copy-on-write
 * tree cannot keep sibling links consistent across versions.
 */
import { type BNode, compareKeys, countAtMost, countBelow, resetSearch } from './node.js';
import type { TreeView } from './tree.js';

export class Cursor {
  readonly #start: Uint8Array | undefined;
  readonly #end: Uint8Array | undefined;
  readonly #reverse: boolean;
  /** Branches from the root down, and the child index taken in each. */
  readonly #branches: BNode[] = [];
  readonly #indexes: number[] = [];
  #leaf: BNode;
  /** Position of the next entry in #leaf. */
  #position = 0;
  #done = false;

  /** Entries with start <= key < end (undefined bounds are open), in order or reversed. */
  constructor(view: TreeView, start: Uint8Array | undefined, end: Uint8Array | undefined, reverse: boolean) {
    this.#start = start;
    this.#end = end;
    this.#reverse = reverse;
    if (start !== undefined && end !== undefined && compareKeys(start, end) >= 0) this.#done = true;
    let node = view.root;
    resetSearch();
    while (node.children !== null) {
      let i: number;
      if (reverse) i = end === undefined ? node.children.length - 1 : countBelow(node.keys, end);
      else i = start === undefined ? 0 : countAtMost(node.keys, start);
      this.#branches.push(node);
      this.#indexes.push(i);
      node = node.children[i]!;
    }
    this.#leaf = node;
    if (reverse) this.#position = (end === undefined ? node.keys.length : countBelow(node.keys, end)) - 1;
    else this.#position = start === undefined ? 0 : countBelow(node.keys, start);
  }

  get done(): boolean {
    return this.#done;
  }

  /**
   * Calls `visit` for up to `max` further entries; stops early at the end of the range.
   * Returns how many were visited.
   */
  each(max: number, visit: (key: Uint8Array, value: Uint8Array) => void): number {
    let count = 0;
    while (count < max && !this.#done) {
      const leaf = this.#leaf;
      const keys = leaf.keys;
      if (this.#reverse) {
        if (this.#position < 0) {
          this.#stepLeaf(-1);
          continue;
        }
        const key = keys[this.#position]!;
        if (this.#start !== undefined && compareKeys(key, this.#start) < 0) {
          this.#done = true;
          break;
        }
        visit(key, leaf.values![this.#position]!);
        this.#position--;
      } else {
        if (this.#position >= keys.length) {
          this.#stepLeaf(1);
          continue;
        }
        const key = keys[this.#position]!;
        if (this.#end !== undefined && compareKeys(key, this.#end) >= 0) {
          this.#done = true;
          break;
        }
        visit(key, leaf.values![this.#position]!);
        this.#position++;
      }
      count++;
    }
    return count;
  }

  /** Moves to the neighbouring leaf in `direction`, or marks the cursor done. */
  #stepLeaf(direction: 1 | -1): void {
    let depth = this.#branches.length - 1;
    while (depth >= 0) {
      const next = this.#indexes[depth]! + direction;
      if (next >= 0 && next < this.#branches[depth]!.children!.length) break;
      depth--;
    }
    if (depth < 0) {
      this.#done = true;
      return;
    }
    this.#indexes[depth]! += direction;
    let node = this.#branches[depth]!.children![this.#indexes[depth]!]!;
    for (depth++; depth < this.#branches.length; depth++) {
      const i = direction === 1 ? 0 : node.children!.length - 1;
      this.#branches[depth] = node;
      this.#indexes[depth] = i;
      node = node.children![i]!;
    }
    this.#leaf = node;
    this.#position = direction === 1 ? 0 : node.keys.length - 1;
  }
}
