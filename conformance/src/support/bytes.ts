/**
 * Byte helpers for writing readable cases. Comparisons go through hex strings so a failing
 * assertion prints something a person can read.
 */
import { createCipheriv } from 'node:crypto';
import type { Entry } from '@tidekv/core';

export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function hex(value: Uint8Array | undefined): string | undefined {
  return value === undefined ? undefined : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
}

export function hexEntries(entries: readonly Entry[]): [string, string][] {
  return entries.map(([k, v]) => [hex(k)!, hex(v)!]);
}

export function hexKeys(entries: readonly Entry[]): string[] {
  return entries.map(([k]) => hex(k)!);
}

/** Independent memcmp order, deliberately not core's compareBytes, so a bug there is caught. */
export function byteOrder(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

export function startsWith(key: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > key.length) return false;
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return false;
  return true;
}

/** A deterministic value for a key, so a test can check every entry without storing them. */
export function valueFor(key: Uint8Array, salt = 0): Uint8Array {
  const out = new Uint8Array(key.length + 2);
  out[0] = 0x76; // 'v'
  out[1] = salt & 0xff;
  out.set(key, 2);
  return out;
}

/**
 * Bytes that differ along their length, so a truncated or shifted copy is noticed. Short
 * ones come from a small generator; from 4 KiB on, from the AES-128-CTR keystream of a key
 * made from `seed` (deterministic, never repeating, generated natively: a 32 MiB value in
 * milliseconds, where a JavaScript loop takes a tenth of a second).
 */
export function patterned(size: number, seed: number): Uint8Array {
  if (size < 4096) {
    const out = new Uint8Array(size);
    let x = seed | 1;
    for (let i = 0; i < size; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      out[i] = x >>> 24;
    }
    return out;
  }
  const key = Buffer.alloc(16);
  key.writeInt32LE(seed | 0, 0);
  key.writeInt32LE(Math.floor(seed / 2 ** 32) | 0, 4);
  const stream = createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
  return new Uint8Array(stream.buffer, stream.byteOffset, stream.byteLength);
}

/** Byte equality (both undefined counts as equal). */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  if (a.length > 64) return Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false; // short ones: cheaper than two Buffer views
  return true;
}
