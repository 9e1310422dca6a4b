/**
 * B+tree nodes and the key searches inside one node.
 *
 * Nodes are shared between the live tree and any number of frozen views (snapshots,
 * iterators). A node may be changed in place only by the tree whose current `owner` tag it
 * carries; every other node is treated as immutable and copied before a change
 * (path copying). Taking a view retags the tree, so the view's nodes are never touched.
 */

let lastOwner = 0;

/** A fresh ownership tag, never handed out before in this process. */
export function newOwner(): number {
  return ++lastOwner;
}

/**
 * One class for leaves and branches keeps every property access monomorphic.
 * Leaf: `values[i]` belongs to `keys[i]`, `children` is null.
 * Branch: `children.length === keys.length + 1`; `keys[i]` separates `children[i]`
 * (every key < keys[i]) from `children[i + 1]` (every key >= keys[i]); `values` is null.
 */
export class BNode {
  constructor(
    public owner: number,
    public keys: Uint8Array[],
    public values: Uint8Array[] | null,
    public children: BNode[] | null,
  ) {}

  static leaf(owner: number, keys: Uint8Array[] = [], values: Uint8Array[] = []): BNode {
    return new BNode(owner, keys, values, null);
  }

  static branch(owner: number, keys: Uint8Array[], children: BNode[]): BNode {
    return new BNode(owner, keys, null, children);
  }

  /** A copy the tree tagged `owner` may change; arrays are copied, keys/values are shared. */
  copyFor(owner: number): BNode {
    return new BNode(owner, this.keys.slice(), this.values && this.values.slice(), this.children && this.children.slice());
  }
}

/** memcmp order: negative if a < b, 0 if equal, positive if a > b. */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/*
 * The searches below skip the bytes the search key is known to share with every candidate.
 * Any key sorted between two keys a and b starts with the first min(lcp(a, key), lcp(b, key))
 * bytes of `key` (lcp: length of the common prefix). A search keeps those two lengths for
 * the bounds it has narrowed to, and a descent hands them to the child, whose keys all lie
 * between the separators chosen in the parent. Keys that share long prefixes (counters,
 * tuple-encoded keys, MVCC revisions) then cost a byte or two per comparison instead of the
 * whole prefix. `searchLow`/`searchHigh` carry those lengths between calls: reset both to 0
 * (resetSearch) before searching from a root.
 */
let searchLow = 0;
let searchHigh = 0;

export function resetSearch(): void {
  searchLow = 0;
  searchHigh = 0;
}

/** Index of `key` in the sorted `keys`, or `~insertionPoint` (negative) when absent. */
export function findKey(keys: Uint8Array[], key: Uint8Array): number {
  let lo = 0;
  let hi = keys.length - 1;
  let low = searchLow;
  let high = searchHigh;
  const keyLength = key.length;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const candidate = keys[mid]!;
    const n = candidate.length < keyLength ? candidate.length : keyLength;
    let i = low < high ? low : high;
    while (i < n && candidate[i] === key[i]) i++;
    const c = i < n ? candidate[i]! - key[i]! : candidate.length - keyLength;
    if (c < 0) {
      lo = mid + 1;
      low = i;
    } else if (c > 0) {
      hi = mid - 1;
      high = i;
    } else return mid;
  }
  return ~lo;
}

/** Number of keys <= `key`: in a branch, the child that may hold `key`. Narrows the bounds for that child. */
export function countAtMost(keys: Uint8Array[], key: Uint8Array): number {
  let lo = 0;
  let hi = keys.length;
  let low = searchLow;
  let high = searchHigh;
  const keyLength = key.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const candidate = keys[mid]!;
    const n = candidate.length < keyLength ? candidate.length : keyLength;
    let i = low < high ? low : high;
    while (i < n && candidate[i] === key[i]) i++;
    const c = i < n ? candidate[i]! - key[i]! : candidate.length - keyLength;
    if (c <= 0) {
      lo = mid + 1;
      low = i;
    } else {
      hi = mid;
      high = i;
    }
  }
  searchLow = low;
  searchHigh = high;
  return lo;
}

/** Number of keys < `key`: the first position holding a key >= `key`. Narrows the bounds likewise. */
export function countBelow(keys: Uint8Array[], key: Uint8Array): number {
  let lo = 0;
  let hi = keys.length;
  let low = searchLow;
  let high = searchHigh;
  const keyLength = key.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const candidate = keys[mid]!;
    const n = candidate.length < keyLength ? candidate.length : keyLength;
    let i = low < high ? low : high;
    while (i < n && candidate[i] === key[i]) i++;
    const c = i < n ? candidate[i]! - key[i]! : candidate.length - keyLength;
    if (c < 0) {
      lo = mid + 1;
      low = i;
    } else {
      hi = mid;
      high = i;
    }
  }
  searchLow = low;
  searchHigh = high;
  return lo;
}
