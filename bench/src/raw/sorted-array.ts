/**
 * Reference in-memory baseline: the plainest ordered structure in JS, two parallel sorted
 * arrays with a binary search (a byte-loop comparator, the fast one). It is reported beside
 * the memory rows as a reference; memory-level is the memory adapter's ratio baseline,
 * because a sorted array's O(n) inserts are not a store anyone should ship.
 */
import { compareBytes } from '@tidekv/core';
import type { Cursor, KvDriver, ScanOptions, Subject, Visit } from '../driver.js';

export class SortedArrayStore {
  readonly keys: Uint8Array[] = [];
  readonly values: Uint8Array[] = [];

  /** The first index whose key is >= key. */
  lowerBound(key: Uint8Array): number {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareBytes(this.keys[mid]!, key) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const i = this.lowerBound(key);
    return i < this.keys.length && compareBytes(this.keys[i]!, key) === 0 ? this.values[i] : undefined;
  }

  put(key: Uint8Array, value: Uint8Array): void {
    const n = this.keys.length;
    // Appending in order is the common bulk-load case: skip the search.
    if (n === 0 || compareBytes(this.keys[n - 1]!, key) < 0) {
      this.keys.push(key);
      this.values.push(value);
      return;
    }
    const i = this.lowerBound(key);
    if (compareBytes(this.keys[i]!, key) === 0) {
      this.values[i] = value;
    } else {
      this.keys.splice(i, 0, key);
      this.values.splice(i, 0, value);
    }
  }

  del(key: Uint8Array): void {
    const i = this.lowerBound(key);
    if (i < this.keys.length && compareBytes(this.keys[i]!, key) === 0) {
      this.keys.splice(i, 1);
      this.values.splice(i, 1);
    }
  }

  cursor(options: ScanOptions): Cursor {
    const reverse = options.reverse ?? false;
    let remaining = options.limit ?? Infinity;
    let index: number;
    if (reverse) {
      if (options.lte) {
        const i = this.lowerBound(options.lte);
        index = i < this.keys.length && compareBytes(this.keys[i]!, options.lte) === 0 ? i : i - 1;
      } else index = this.keys.length - 1;
    } else {
      index = options.gte ? this.lowerBound(options.gte) : 0;
    }
    return {
      read: (max: number, visit: Visit) => {
        let count = 0;
        while (count < max && remaining > 0 && index >= 0 && index < this.keys.length) {
          visit(this.keys[index]!, this.values[index]!);
          index += reverse ? -1 : 1;
          count++;
          remaining--;
        }
        return count;
      },
      close: () => undefined,
    };
  }
}

function openSortedArray(): Promise<KvDriver> {
  const store = new SortedArrayStore();
  return Promise.resolve({
    getSync: (key) => store.get(key),
    get: (key) => Promise.resolve(store.get(key)),
    put: (key, value) => store.put(key, value),
    del: (key) => store.del(key),
    write: (ops) => {
      for (const op of ops) {
        if (op.type === 'put') store.put(op.key, op.value);
        else store.del(op.key);
      }
    },
    cursor: (options) => store.cursor(options),
    close: () => Promise.resolve(),
  });
}

export const sortedArrayRaw: Subject<KvDriver> = {
  variant: 'raw',
  role: 'reference',
  label: 'sorted array (JS)',
  note: 'parallel sorted arrays, binary search, splice; reference only, nothing is durable; skips fillrandom (n random splices are O(n²))',
  skips: ['fillrandom'],
  open: openSortedArray,
};
