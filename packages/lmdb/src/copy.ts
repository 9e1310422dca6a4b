/**
 * Copies of caller buffers for writes that lmdb-js reads later (at commit). Small values
 * are packed into shared 64 KiB slabs, as Node's Buffer pool does: a fresh ArrayBuffer per
 * value would cost lmdb-js a native address lookup per write (measured: a third of put
 * throughput), while a slab's address is looked up once. A slab is freed by the garbage
 * collector once no queued write refers to any part of it.
 */
const SLAB_BYTES = 64 * 1024;
/** Larger values get their own copy: they would waste slab space, and their copy dominates anyway. */
const SLAB_MAX_VALUE = 4 * 1024;

const slice = Uint8Array.prototype.slice;
let slab = new Uint8Array(SLAB_BYTES);
let used = 0;

export function copyBytes(bytes: Uint8Array): Uint8Array {
  const length = bytes.length;
  if (length > SLAB_MAX_VALUE) return slice.call(bytes);
  if (used + length > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    used = 0;
  }
  slab.set(bytes, used);
  const copy = slab.subarray(used, used + length);
  // Keep the next copy 8-byte aligned, as lmdb-js aligns its own buffers.
  used = (used + length + 7) & ~7;
  return copy;
}
