/**
 * Byte-string primitives shared by the codec and every engine. Order is memcmp order:
 * byte by byte, a shorter prefix first. Never JS string order.
 */
import { TidekvError } from '../errors.js';

/** memcmp order: negative if a < b, 0 if equal, positive if a > b. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  // A plain byte loop: cheaper than Buffer.compare for the short keys a tree compares,
  // because crossing into native code costs more than the loop itself.
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The smallest byte string greater than every string that starts with `prefix`:
 * drop trailing 0xFF bytes, then increment the last byte. Returns undefined when no such
 * string exists (the prefix is empty or all 0xFF), meaning "no upper bound".
 */
export function prefixSuccessor(prefix: Uint8Array): Uint8Array | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  // A copy even for a Buffer (whose slice() is a view): the caller's bytes are never changed.
  const out = new Uint8Array(prefix.subarray(0, end));
  out[end - 1]! += 1;
  return out;
}

/** The smallest byte string strictly greater than `key`: key + 0x00. */
export function keySuccessor(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out.set(key);
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// Buffer's own latin1 decoder, called on any Uint8Array (it only needs the bytes): one native
// call, no Buffer view allocated around a plain Uint8Array first.
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;

/**
 * The latin1 image of `bytes`: one char per byte, losslessly, so a Map can hash it and the
 * strings compare (`<`) in the bytes' order.
 */
export function latin1Image(bytes: Uint8Array): string {
  return latin1Slice.call(bytes, 0, bytes.length);
}

/** latin1Image(bytes.subarray(start, end)) without making the view. */
export function latin1ImageAt(bytes: Uint8Array, start: number, end: number): string {
  return latin1Slice.call(bytes, start, end);
}

/** The bytes whose latin1Image is `image` (a fresh array). */
export function latin1Bytes(image: string): Uint8Array {
  const out = new Uint8Array(image.length);
  for (let i = 0; i < image.length; i++) out[i] = image.charCodeAt(i);
  return out;
}

/** True when `bytes` is the key whose latin1Image is `image`, compared without building either from the other. */
export function bytesMatchImage(bytes: Uint8Array, image: string): boolean {
  if (bytes.length !== image.length) return false;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== image.charCodeAt(i)) return false;
  return true;
}

const utf8 = new TextEncoder();
// fatal: invalid UTF-8 throws rather than becoming U+FFFD. ignoreBOM: a leading U+FEFF is
// part of the text, not a byte-order mark to strip, so decode(encode(s)) is always s.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * UTF-8 bytes of `text`. A string with a lone surrogate has no UTF-8 form; encoding it
 * would silently store U+FFFD instead, so it is rejected.
 */
export function utf8Encode(text: string): Uint8Array {
  if (typeof text !== 'string') {
    throw new TidekvError('INVALID_ARGUMENT', `utf8Encode takes a string, got ${typeof text}`);
  }
  if (!text.isWellFormed()) {
    throw new TidekvError('INVALID_ARGUMENT', 'the string contains a lone surrogate, which has no UTF-8 encoding');
  }
  return utf8.encode(text);
}

export function utf8Decode(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}
