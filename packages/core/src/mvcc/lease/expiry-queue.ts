/**
 * Leases ordered by expiry: a binary min-heap of (expiry, id) entries. A renewal pushes a new
 * entry instead of moving the old one; stale entries (whose lease is gone or now expires at
 * another time) are dropped when they reach the top, and the heap is rebuilt once stale
 * entries outnumber live ones, so its size stays within twice the number of leases.
 */
export interface ExpiryEntry {
  expiry: number;
  id: number;
}

export class ExpiryQueue {
  private heap: ExpiryEntry[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(id: number, expiry: number): void {
    const heap = this.heap;
    heap.push({ expiry, id });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.expiry <= heap[i]!.expiry) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  /** The earliest entry still current per `isCurrent`, dropping stale ones; undefined when empty. */
  peek(isCurrent: (entry: ExpiryEntry) => boolean): ExpiryEntry | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (isCurrent(top)) return top;
      this.pop();
    }
    return undefined;
  }

  pop(): ExpiryEntry | undefined {
    const heap = this.heap;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < heap.length && heap[left]!.expiry < heap[least]!.expiry) least = left;
        if (right < heap.length && heap[right]!.expiry < heap[least]!.expiry) least = right;
        if (least === i) break;
        [heap[least], heap[i]] = [heap[i]!, heap[least]!];
        i = least;
      }
    }
    return top;
  }

  /** Keeps only current entries when stale ones dominate. */
  compact(live: number, isCurrent: (entry: ExpiryEntry) => boolean): void {
    if (this.heap.length <= 2 * live + 16) return;
    const entries = this.heap.filter(isCurrent);
    this.heap = [];
    for (const entry of entries) this.push(entry.id, entry.expiry);
  }
}
