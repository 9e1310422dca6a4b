/**
 * How a tidekv key becomes an LMDB key. LMDB rejects zero-length keys, but tidekv keys may
 * be empty, so every stored key is the user key with one constant byte in front. A common
 * prefix keeps memcmp order exactly, and writing it straight into lmdb-js's key buffer
 * (a custom key encoder) costs no allocation per operation.
 */

/** The byte in front of every stored key. Any constant works; it only has to be the same everywhere. */
export const KEY_TAG = 0x6b; // 'k'

/**
 * LMDB's key limit with lmdb-js's default page size handling (its `maxKeySize`, 1978 bytes,
 * the same for every environment opened without an explicit page size), minus the tag byte.
 */
export const LMDB_MAX_KEY_BYTES = 1978;
export const MAX_KEY_SIZE = LMDB_MAX_KEY_BYTES - 1;

/**
 * LMDB writes a large value's overflow pages with one write call, and Linux writes at most
 * 0x7FFFF000 bytes per call: a value whose pages exceed that fails the commit with EIO
 * (seen with a 2 GiB value). 2 GiB - 128 KiB keeps the page run under that limit for any
 * page size up to 64 KiB, and was verified to round-trip.
 */
export const MAX_VALUE_SIZE = 0x7ffe_0000;

const slice = Uint8Array.prototype.slice;

/** The lmdb-js `keyEncoder` every keyspace database is opened with. */
export const keyEncoder = {
  writeKey(key: Uint8Array, target: Uint8Array, start: number): number {
    target[start] = KEY_TAG;
    target.set(key, start + 1);
    return start + 1 + key.length;
  },
  readKey(source: Uint8Array, start: number, end: number): Uint8Array {
    // A copy: lmdb-js reuses `source` for the next key.
    return slice.call(source, start + 1, end);
  },
};
