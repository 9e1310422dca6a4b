/**
 * Ordered traversal of a frozen tree state over [start, end), forward or backward. The
 * cursor keeps a root-to-leaf path instead of leaf sibling links, because a copy-on-write
 * tree cannot keep sibling links consistent across versions.
 */
import { compareBytes } from '@tidekv/core';
import { compareKeyAt, countBelowInLeaf, entryCount } from './leaf.js';
import { type BNode, countAtMost, countBelow, resetSearch } from './node.js';
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
    if (start !== undefined && end !== undefined && compareBytes(start, end) >= 0) this.#done = true;
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
    if (reverse) this.#position = (end === undefined ? entryCount(node) : countBelowInLeaf(node, end)) - 1;
    else this.#position = start === undefined ? 0 : countBelowInLeaf(node, start);
  }

  get done(): boolean {
    return this.#done;
  }

  /**
   * Calls `visit` with the leaf and entry index of up to `max` further entries (see leaf.ts
   * for reading them); stops early at the end of the range. Returns how many were visited.
   */
  each(max: number, visit: (leaf: BNode, index: number) => void): number {
    let count = 0;
    while (count < max && !this.#done) {
      const leaf = this.#leaf;
      if (this.#reverse) {
        if (this.#position < 0) {
          this.#stepLeaf(-1);
          continue;
        }
        if (this.#start !== undefined && compareKeyAt(leaf, this.#position, this.#start) < 0) {
          this.#done = true;
          break;
        }
        visit(leaf, this.#position);
        this.#position--;
      } else {
        if (this.#position >= entryCount(leaf)) {
          this.#stepLeaf(1);
          continue;
        }
        if (this.#end !== undefined && compareKeyAt(leaf, this.#position, this.#end) >= 0) {
          this.#done = true;
          break;
        }
        visit(leaf, this.#position);
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
    this.#position = direction === 1 ? 0 : entryCount(node) - 1;
  }
}
