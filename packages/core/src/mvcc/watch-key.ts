/**
 * A watched key as a watcher holds it: its latin1 image (one char per byte, so char order is
 * byte order), and the small integer hash the watcher index files it under.
 *
 * Why an image: a watcher lives as long as its stream, usually idle, so its heap is what
 * many watchers cost. A short key as a one-byte string takes about 32 bytes of heap; as a
 * Uint8Array (with its ArrayBuffer) about 200. Matching a changed key against an image
 * compares char codes with bytes and allocates nothing.
 *
 * Why a hash: the index looks each changed key up by the hash of its bytes (and by the hash
 * of each of its prefixes in use, which one pass over the bytes yields), so a commit builds
 * no string per key. Different keys may share a hash; every candidate is checked against
 * its image before it is matched.
 */
/** FNV-1a's offset basis: the hash of no bytes. */
export const HASH_SEED = 0x811c9dc5 | 0;

/** The hash after one more byte (FNV-1a, 32 bits). */
export function hashStep(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, 0x01000193);
}

/** The index's key for a running hash: 30 bits, a small integer that a Map hashes fast. */
export function hashSlot(hash: number): number {
  return hash & 0x3fffffff;
}

/** hashSlot of the image's bytes (the same number hashing the key's bytes gives). */
export function imageHash(image: string): number {
  let hash = HASH_SEED;
  for (let i = 0; i < image.length; i++) hash = hashStep(hash, image.charCodeAt(i));
  return hashSlot(hash);
}

/** The bytes of an image. */
export function imageBytes(image: string): Uint8Array {
  const out = new Uint8Array(image.length);
  for (let i = 0; i < image.length; i++) out[i] = image.charCodeAt(i);
  return out;
}

/** True when `key` starts with the image's bytes. */
export function startsWithImage(key: Uint8Array, image: string): boolean {
  if (key.length < image.length) return false;
  for (let i = 0; i < image.length; i++) if (key[i] !== image.charCodeAt(i)) return false;
  return true;
}

/** True when `key` is exactly the image's bytes. */
export function equalsImage(key: Uint8Array, image: string): boolean {
  return key.length === image.length && startsWithImage(key, image);
}

/** compareBytes(key, bytes of image): negative, zero or positive. */
export function compareWithImage(key: Uint8Array, image: string): number {
  const n = key.length < image.length ? key.length : image.length;
  for (let i = 0; i < n; i++) {
    const d = key[i]! - image.charCodeAt(i);
    if (d !== 0) return d;
  }
  return key.length - image.length;
}
