/**
 * B+tree nodes and the key searches inside one node.
 *
 * Nodes are shared between the live tree and any number of frozen views (snapshots,
 * iterators). A node may be changed in place only by the tree whose current `owner` tag it
 * carries; every other node is treated as immutable and copied before a change
 * (path copying). Taking a view retags the tree, so the view's nodes are never touched.
 *
 * A leaf keeps its entries packed in one byte arena (see leaf.ts) rather than as one
 * Uint8Array per key and value: a write then copies bytes instead of allocating, which is
 * what dominated write cost, and an entry costs 8 bytes of overhead instead of two objects.
 */

let lastOwner = 0;

/** A fresh ownership tag, never handed out before in this process. */
export function newOwner(): number {
  return ++lastOwner;
}

const NO_BYTES = new Uint8Array(0);

/**
 * One class for leaves and branches keeps every property access monomorphic.
 * Branch: `children.length === keys.length + 1`; `keys[i]` separates `children[i]`
 * (every key < keys[i]) from `children[i + 1]` (every key >= keys[i]).
 * Leaf: `children` is null; entry i starts at arena offset `offsets[i]` (leaf.ts).
 */
export class BNode {
  constructor(
    public owner: number,
    /** Branch separators (unused in a leaf). */
    public keys: Uint8Array[],
    public children: BNode[] | null,
    /** Leaf arena: entries as [key length u32][value length u32][key][value]. */
    public data: Uint8Array,
    /** Arena bytes in use, live or not; new entries are appended here. */
    public used: number,
    /** Arena bytes of removed or replaced entries, reclaimed by compaction. */
    public garbage: number,
    /** Arena offset of each entry, in key order. */
    public offsets: number[],
    /** Values too large to inline, by their entry's arena offset; null when there are none. */
    public outside: Map<number, Uint8Array> | null,
  ) {}

  static leaf(owner: number, capacity = 0): BNode {
    return new BNode(owner, [], null, capacity === 0 ? NO_BYTES : new Uint8Array(capacity), 0, 0, [], null);
  }

  static branch(owner: number, keys: Uint8Array[], children: BNode[]): BNode {
    return new BNode(owner, keys, children, NO_BYTES, 0, 0, [], null);
  }
}

/*
 * The searches skip the bytes the search key is known to share with every candidate.
 * Any key sorted between two keys a and b starts with the first min(lcp(a, key), lcp(b, key))
 * bytes of `key` (lcp: length of the common prefix). A search keeps those two lengths for
 * the bounds it has narrowed to, and a descent hands them to the child, whose keys all lie
 * between the separators chosen in the parent. Keys that share long prefixes (counters,
 * tuple-encoded keys, MVCC revisions) then cost a byte or two per comparison instead of the
 * whole prefix. `search` carries those lengths between calls: resetSearch() before
 * searching from a root.
 */
export const search = { low: 0, high: 0 };

export function resetSearch(): void {
  search.low = 0;
  search.high = 0;
}

/** Number of keys <= `key`: in a branch, the child that may hold `key`. Narrows the bounds for that child. */
export function countAtMost(keys: Uint8Array[], key: Uint8Array): number {
  return countBefore(keys, key, 1);
}

/** Number of keys < `key`. Narrows the bounds likewise. */
export function countBelow(keys: Uint8Array[], key: Uint8Array): number {
  return countBefore(keys, key, 0);
}

/**
 * Number of keys that sort before `key`, counting those equal to it when `orEqual` is 1: a
 * candidate counts when its comparison with `key` (a difference of bytes or of lengths, so an
 * integer) is below `orEqual`.
 */
function countBefore(keys: Uint8Array[], key: Uint8Array, orEqual: 0 | 1): number {
  let lo = 0;
  let hi = keys.length;
  let low = search.low;
  let high = search.high;
  const keyLength = key.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const candidate = keys[mid]!;
    const n = candidate.length < keyLength ? candidate.length : keyLength;
    let i = low < high ? low : high;
    while (i < n && candidate[i] === key[i]) i++;
    const c = i < n ? candidate[i]! - key[i]! : candidate.length - keyLength;
    if (c < orEqual) {
      lo = mid + 1;
      low = i;
    } else {
      hi = mid;
      high = i;
    }
  }
  search.low = low;
  search.high = high;
  return lo;
}
