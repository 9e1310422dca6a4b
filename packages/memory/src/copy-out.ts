/**
 * Copies of stored bytes handed to callers, so a caller changing a returned array can
 * never change the store.
 *
 * A fresh Uint8Array of more than 64 bytes costs a separate backing-store allocation
 * (several hundred ns), which would dominate a read. Small copies are instead carved out of
 * a shared 64 KiB slab, as Node does for small Buffers: each result is a plain Uint8Array
 * whose bytes belong to that result alone, but whose `.buffer` is the shared slab (use
 * `byteOffset`/`byteLength`, never the whole `.buffer`).
 */
const SLAB_SIZE = 64 * 1024;
/** Larger copies get their own allocation, so a slab is never mostly one value. */
const POOLED_MAX = 4 * 1024;

let slab = new ArrayBuffer(SLAB_SIZE);
let slabBytes = new Uint8Array(slab);
let used = 0;

export function copyOut(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  if (n > POOLED_MAX) return bytes.slice();
  if (used + n > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabBytes = new Uint8Array(slab);
    used = 0;
  }
  const out = new Uint8Array(slab, used, n);
  slabBytes.set(bytes, used);
  used += (n + 7) & ~7; // keep each copy 8-byte aligned for callers that build wider views
  return out;
}
