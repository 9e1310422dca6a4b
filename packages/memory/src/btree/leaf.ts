/**
 * Leaf entries packed into one byte arena per leaf:
 *
 *   [key length u32 LE][value length u32 LE][key bytes][value bytes]
 *
 * `offsets` lists each entry's arena offset in key order. Writes append to the arena
 * (`used`); removed or replaced entries become `garbage` until the arena is compacted,
 * which happens when it is full and at least half garbage, and whenever a leaf is copied.
 * Values longer than INLINE_MAX are kept out of the arena (in `outside`, by entry offset),
 * so copying a leaf never copies a large value; stored out-of-line arrays are never
 * changed, only replaced, so versions of a leaf may share them.
 */
import { copyAdjacent, copyOut, copyRange } from '@tidekv/core';
import { BNode, search } from './node.js';

export const HEADER = 8;
export const INLINE_MAX = 1024;
const MIN_ARENA = 256;

function readU32(data: Uint8Array, at: number): number {
  return data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24);
}

function writeU32(data: Uint8Array, at: number, value: number): void {
  data[at] = value;
  data[at + 1] = value >>> 8;
  data[at + 2] = value >>> 16;
  data[at + 3] = value >>> 24;
}

export function entryCount(leaf: BNode): number {
  return leaf.offsets.length;
}

export function keyLengthAt(leaf: BNode, i: number): number {
  return readU32(leaf.data, leaf.offsets[i]!);
}

export function valueLengthAt(leaf: BNode, i: number): number {
  return readU32(leaf.data, leaf.offsets[i]! + 4);
}

/** Arena offset of entry i's key bytes. */
export function keyStartAt(leaf: BNode, i: number): number {
  return leaf.offsets[i]! + HEADER;
}

/** Entry i's value when it lives outside the arena, else undefined (then it follows the key). */
export function outsideValueAt(leaf: BNode, i: number): Uint8Array | undefined {
  return leaf.outside === null ? undefined : leaf.outside.get(leaf.offsets[i]!);
}

/** A new array holding entry i's key (for separators and range deletes). */
export function keyAt(leaf: BNode, i: number): Uint8Array {
  const start = keyStartAt(leaf, i);
  return leaf.data.slice(start, start + keyLengthAt(leaf, i));
}

/**
 * A plain Uint8Array copy. Not `value.slice()`: on a Buffer that returns a view sharing the
 * caller's memory.
 */
function privateCopy(value: Uint8Array): Uint8Array {
  return new Uint8Array(value);
}

/** Bytes entry i occupies in the arena. */
function arenaSize(data: Uint8Array, offset: number): number {
  const valueLength = readU32(data, offset + 4);
  return HEADER + readU32(data, offset) + (valueLength > INLINE_MAX ? 0 : valueLength);
}

/** Makes room for `size` more bytes: compacts a mostly-garbage arena, else grows it. */
function reserve(leaf: BNode, size: number): void {
  if (leaf.used + size <= leaf.data.length) return;
  const live = leaf.used - leaf.garbage;
  if (leaf.garbage > 0 && leaf.garbage >= live) {
    rewrite(leaf, live + size);
    if (leaf.used + size <= leaf.data.length) return;
  }
  const grown = new Uint8Array(Math.max(MIN_ARENA, leaf.data.length * 2, leaf.used + size));
  grown.set(leaf.data.subarray(0, leaf.used));
  leaf.data = grown;
}

/**
 * Rewrites the live entries, in key order, into a fresh arena with room for `need` bytes,
 * plus half as much again unless `exact`.
 */
function rewrite(leaf: BNode, need: number, exact = false): void {
  const old = leaf.data;
  const oldOutside = leaf.outside;
  const data = new Uint8Array(exact ? need : Math.max(MIN_ARENA, need + (need >> 1)));
  const outside = oldOutside === null ? null : new Map<number, Uint8Array>();
  const offsets = leaf.offsets;
  let at = 0;
  for (let i = 0; i < offsets.length; i++) {
    const from = offsets[i]!;
    const size = arenaSize(old, from);
    data.set(old.subarray(from, from + size), at);
    if (oldOutside !== null) {
      const value = oldOutside.get(from);
      if (value !== undefined) outside!.set(at, value);
    }
    offsets[i] = at;
    at += size;
  }
  leaf.data = data;
  leaf.used = at;
  leaf.garbage = 0;
  leaf.outside = outside !== null && outside.size > 0 ? outside : null;
}

/** A compacted copy of `leaf` that the tree tagged `owner` may change. */
export function copyLeaf(leaf: BNode, owner: number): BNode {
  const copy = BNode.leaf(owner);
  copy.offsets = leaf.offsets.slice();
  copy.data = leaf.data;
  copy.used = leaf.used;
  copy.garbage = leaf.garbage;
  copy.outside = leaf.outside;
  rewrite(copy, leaf.used - leaf.garbage); // new arena and map: nothing shared stays mutable
  return copy;
}

/** Writes an entry at the arena's end and returns its offset. */
function append(leaf: BNode, key: Uint8Array, value: Uint8Array): number {
  const inline = value.length <= INLINE_MAX;
  const size = HEADER + key.length + (inline ? value.length : 0);
  reserve(leaf, size);
  const data = leaf.data;
  const at = leaf.used;
  writeU32(data, at, key.length);
  writeU32(data, at + 4, value.length);
  data.set(key, at + HEADER);
  if (inline) data.set(value, at + HEADER + key.length);
  else (leaf.outside ??= new Map()).set(at, privateCopy(value));
  leaf.used = at + size;
  return at;
}

/** Inserts a copy of (key, value) as entry i. */
export function insertAt(leaf: BNode, i: number, key: Uint8Array, value: Uint8Array): void {
  const at = append(leaf, key, value);
  leaf.offsets.splice(i, 0, at);
}

/** Replaces entry i's value with a copy of `value`. */
export function replaceValueAt(leaf: BNode, i: number, value: Uint8Array): void {
  const offset = leaf.offsets[i]!;
  const data = leaf.data;
  const keyLength = readU32(data, offset);
  const oldLength = readU32(data, offset + 4);
  if (oldLength === value.length && oldLength <= INLINE_MAX) {
    data.set(value, offset + HEADER + keyLength); // same size: overwrite in place
    return;
  }
  if (oldLength > INLINE_MAX && value.length > INLINE_MAX) {
    writeU32(data, offset + 4, value.length);
    leaf.outside!.set(offset, privateCopy(value));
    return;
  }
  const key = data.subarray(offset + HEADER, offset + HEADER + keyLength); // stays valid if the arena moves
  leaf.garbage += arenaSize(data, offset);
  leaf.outside?.delete(offset);
  leaf.offsets.splice(i, 1); // no longer live, so a compaction while appending drops it
  insertAt(leaf, i, key, value);
}

/** Removes entry i. */
export function removeAt(leaf: BNode, i: number): void {
  const offset = leaf.offsets[i]!;
  leaf.garbage += arenaSize(leaf.data, offset);
  leaf.outside?.delete(offset);
  leaf.offsets.splice(i, 1);
  if (leaf.offsets.length === 0) {
    leaf.used = 0;
    leaf.garbage = 0;
    leaf.outside = null;
  }
}

/** Appends copies of `from`'s entries [start, end) to the end of `leaf`'s key order. */
export function appendEntries(leaf: BNode, from: BNode, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    const offset = from.offsets[i]!;
    leaf.offsets.push(copyEntry(leaf, from, offset));
  }
}

/** Copies one entry of `from` (at arena offset `offset`) into `leaf`'s arena; returns its new offset. */
function copyEntry(leaf: BNode, from: BNode, offset: number): number {
  const size = arenaSize(from.data, offset);
  reserve(leaf, size);
  const at = leaf.used;
  leaf.data.set(from.data.subarray(offset, offset + size), at);
  const outside = from.outside?.get(offset);
  if (outside !== undefined) (leaf.outside ??= new Map()).set(at, outside);
  leaf.used = at + size;
  return at;
}

/** Moves entry i of `from` to position j of `leaf` (a borrow between siblings). */
export function moveEntry(from: BNode, i: number, leaf: BNode, j: number): void {
  const at = copyEntry(leaf, from, from.offsets[i]!);
  leaf.offsets.splice(j, 0, at);
  removeAt(from, i);
}

/**
 * Splits off entries [mid, end) into a new leaf owned by `owner`, and compacts `leaf`. With
 * `ascending` (keys arrive in order, so `leaf` will not grow again) the left arena is sized
 * exactly and the right one for a full leaf; otherwise both get room to grow by half.
 */
export function splitLeaf(leaf: BNode, mid: number, owner: number, ascending = false): BNode {
  let moving = 0;
  for (let i = mid; i < leaf.offsets.length; i++) moving += arenaSize(leaf.data, leaf.offsets[i]!);
  const rightCapacity = ascending ? 2 * moving + 2 * HEADER : moving + (moving >> 1);
  const right = BNode.leaf(owner, Math.max(MIN_ARENA, rightCapacity));
  appendEntries(right, leaf, mid, leaf.offsets.length);
  for (let i = mid; i < leaf.offsets.length; i++) {
    const offset = leaf.offsets[i]!;
    leaf.garbage += arenaSize(leaf.data, offset);
    leaf.outside?.delete(offset);
  }
  leaf.offsets.length = mid;
  // Without this, half the left arena would stay garbage until the leaf next needs room.
  rewrite(leaf, leaf.used - leaf.garbage, ascending);
  return right;
}

/** Makes `leaf` hold `first`'s entries followed by `second`'s (either may be `leaf` itself). */
export function concatInto(leaf: BNode, first: BNode, second: BNode): void {
  const merged = BNode.leaf(leaf.owner, first.used - first.garbage + second.used - second.garbage);
  appendEntries(merged, first, 0, first.offsets.length);
  appendEntries(merged, second, 0, second.offsets.length);
  leaf.data = merged.data;
  leaf.used = merged.used;
  leaf.garbage = 0;
  leaf.offsets = merged.offsets;
  leaf.outside = merged.outside;
}

/**
 * Entry index of `key` in the leaf, or `~insertionPoint` (negative) when absent. Uses and
 * narrows the shared search bounds like the branch searches.
 */
export function findInLeaf(leaf: BNode, key: Uint8Array): number {
  const data = leaf.data;
  const offsets = leaf.offsets;
  let lo = 0;
  let hi = offsets.length - 1;
  let low = search.low;
  let high = search.high;
  const keyLength = key.length;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const offset = offsets[mid]!;
    const candidateLength = readU32(data, offset);
    const base = offset + HEADER;
    const n = candidateLength < keyLength ? candidateLength : keyLength;
    let i = low < high ? low : high;
    while (i < n && data[base + i] === key[i]) i++;
    const c = i < n ? data[base + i]! - key[i]! : candidateLength - keyLength;
    if (c < 0) {
      lo = mid + 1;
      low = i;
    } else if (c > 0) {
      hi = mid - 1;
      high = i;
    } else return mid;
  }
  return ~lo;
}

/** Number of entries whose key is < `key`. */
export function countBelowInLeaf(leaf: BNode, key: Uint8Array): number {
  const found = findInLeaf(leaf, key);
  return found >= 0 ? found : ~found;
}

/** memcmp of entry i's key against `key`. */
export function compareKeyAt(leaf: BNode, i: number, key: Uint8Array): number {
  const data = leaf.data;
  const offset = leaf.offsets[i]!;
  const candidateLength = readU32(data, offset);
  const base = offset + HEADER;
  const n = candidateLength < key.length ? candidateLength : key.length;
  for (let j = 0; j < n; j++) {
    const d = data[base + j]! - key[j]!;
    if (d !== 0) return d;
  }
  return candidateLength - key.length;
}

/** A caller-owned copy of entry i's key. */
export function copyKeyAt(leaf: BNode, i: number): Uint8Array {
  return copyRange(leaf.data, keyStartAt(leaf, i), keyLengthAt(leaf, i));
}

/** A caller-owned copy of entry i's value. */
export function copyValueAt(leaf: BNode, i: number): Uint8Array {
  const offset = leaf.offsets[i]!;
  const data = leaf.data;
  const valueLength = readU32(data, offset + 4);
  if (valueLength > INLINE_MAX) return copyOut(leaf.outside!.get(offset)!);
  return copyRange(data, offset + HEADER + readU32(data, offset), valueLength);
}

/**
 * A leaf holding the entries [from, to) of `source`, packed in the arena layout at
 * `offsets` and contiguous there (as in a snapshot file). Inline entries are copied as one
 * block; values over INLINE_MAX are moved out of the arena.
 */
export function packedLeaf(source: Uint8Array, offsets: readonly number[], from: number, to: number, owner: number): BNode {
  let allInline = true;
  for (let i = from; i < to && allInline; i++) allInline = readU32(source, offsets[i]! + 4) <= INLINE_MAX;
  if (!allInline) {
    const leaf = BNode.leaf(owner);
    for (let i = from; i < to; i++) {
      const at = offsets[i]!;
      const keyLength = readU32(source, at);
      const key = source.subarray(at + HEADER, at + HEADER + keyLength);
      const valueStart = at + HEADER + keyLength;
      insertAt(leaf, i - from, key, source.subarray(valueStart, valueStart + readU32(source, at + 4)));
    }
    return leaf;
  }
  const base = offsets[from]!;
  const end = to > from ? offsets[to - 1]! + arenaSize(source, offsets[to - 1]!) : base;
  const leaf = BNode.leaf(owner);
  leaf.data = new Uint8Array(source.subarray(base, end)); // a plain copy: `source` may be a Buffer
  leaf.used = end - base;
  for (let i = from; i < to; i++) leaf.offsets.push(offsets[i]! - base);
  return leaf;
}

/** Caller-owned copies of entry i's key and value. */
export function copyEntryAt(leaf: BNode, i: number): [Uint8Array, Uint8Array] {
  const offset = leaf.offsets[i]!;
  const data = leaf.data;
  const keyLength = readU32(data, offset);
  const valueLength = readU32(data, offset + 4);
  if (valueLength > INLINE_MAX) return [copyRange(data, offset + HEADER, keyLength), copyOut(leaf.outside!.get(offset)!)];
  return copyAdjacent(data, offset + HEADER, keyLength, valueLength);
}
