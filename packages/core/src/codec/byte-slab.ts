/**
 * Small byte arrays carved out of shared slabs, as Node pools the small Buffers of
 * Buffer.allocUnsafe. A Uint8Array of more than 64 bytes gets its own ArrayBuffer, a native
 * allocation that measured 0.6-1.3 µs (and later GC work) against about 40 ns for a view of
 * an existing buffer; the MVCC write path makes several per put (the key and value copies,
 * the stored record, the WAL record).
 *
 * Slab memory starts zeroed and is never reused or written again by this module: a view
 * keeps its bytes for as long as it lives. It also keeps its whole slab alive, which is why
 * only arrays up to MAX_SLAB_ALLOCATION come from here. Like pooled Buffers, a view's
 * `.buffer` is shared: never transfer (detach) it, and read it with its byteOffset.
 */

const SLAB_BYTES = 16 * 1024;
/** Larger arrays get their own buffer: the allocation is worth it and they pin no slab. */
export const MAX_SLAB_ALLOCATION = 1024;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/** A zero-filled array of `length` bytes, from the current slab when it is small. */
export function allocBytes(length: number): Uint8Array {
  if (length > MAX_SLAB_ALLOCATION) return new Uint8Array(length);
  if (used + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const out = new Uint8Array(slab, used, length);
  used += length;
  return out;
}

/** A copy of `bytes` (of any Uint8Array, Buffers included) as a plain Uint8Array. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = allocBytes(bytes.length);
  out.set(bytes);
  return out;
}

const utf8 = new TextEncoder();

/**
 * The UTF-8 bytes of `text`, encoded straight into the slab when they fit. The caller has
 * checked that `text` is well formed (a lone surrogate would become U+FFFD).
 */
export function utf8Bytes(text: string): Uint8Array {
  // A UTF-16 code unit takes at most 3 UTF-8 bytes.
  const most = text.length * 3;
  if (most > MAX_SLAB_ALLOCATION) return utf8.encode(text);
  if (used + most > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const { written } = utf8.encodeInto(text, new Uint8Array(slab, used, most));
  const out = new Uint8Array(slab, used, written);
  used += written;
  return out;
}
