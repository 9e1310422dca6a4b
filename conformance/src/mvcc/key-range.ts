/**
 * Which keys a request selects, from etcd's (key, range_end) convention:
 * no end = the single key; end = "\0" = every key >= key; otherwise [key, end), empty when
 * end <= key. `prefix: true` is the end computed by prefixEnd.
 */
import { byteOrder } from '../support/bytes.js';

export type KeySelection =
  | { kind: 'single'; key: Uint8Array }
  | { kind: 'range'; key: Uint8Array; end: Uint8Array }
  | { kind: 'from'; key: Uint8Array };

/**
 * etcd's prefix end: drop trailing 0xFF bytes, then add one to the last byte. A key of only
 * 0xFF bytes has no such successor: its prefix is every key >= it, spelled "\0".
 */
export function prefixEnd(key: Uint8Array): Uint8Array {
  let last = key.length - 1;
  while (last >= 0 && key[last] === 0xff) last--;
  if (last < 0) return Uint8Array.of(0);
  const end = new Uint8Array(key.subarray(0, last + 1)); // a copy: the caller's key is never changed
  end[last]! += 1;
  return end;
}

/** An empty or absent end selects the single key, as etcd cannot tell the two apart. */
export function selectKeys(key: Uint8Array, end: Uint8Array | undefined, prefix: boolean): KeySelection {
  const rangeEnd = prefix ? prefixEnd(key) : end;
  if (rangeEnd === undefined || rangeEnd.length === 0) return { kind: 'single', key };
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { kind: 'from', key };
  return { kind: 'range', key, end: rangeEnd };
}

export function selects(selection: KeySelection, key: Uint8Array): boolean {
  switch (selection.kind) {
    case 'single':
      return byteOrder(key, selection.key) === 0;
    case 'from':
      return byteOrder(key, selection.key) >= 0;
    case 'range':
      return byteOrder(key, selection.key) >= 0 && byteOrder(key, selection.end) < 0;
  }
}
