/**
 * The synced watchers, indexed so a commit finds the watchers of each changed key without
 * looking at the others (etcd keeps single-key watchers in a map and ranges in an interval
 * tree). Three kinds:
 * - single-key watches: a map from the hash of the key;
 * - prefix watches ([p, successor(p)), the common range): a map from the hash of the
 *   prefix. One pass over a changed key's bytes yields the hash of each of its prefixes, and
 *   only the lengths some prefix watcher has are looked up;
 * - every other range (from-key, arbitrary [key, end)): sorted by start with the running
 *   maximum of their ends (watcher-range-index.ts), so a key visits only ranges near it.
 * A lookup allocates nothing: it hashes bytes (watch-key.ts), probes the maps, checks each
 * candidate against its key image and appends the matches to the caller's array. A map slot
 * holds the watcher itself while it is alone on its hash, a Set only when several share it:
 * most watchers watch a key of their own, and an idle watcher's memory is what matters here.
 */
import { WATCH_KEY, WATCH_PREFIX, type WatchSpec } from './watch.js';
import { HASH_SEED, equalsImage, hashSlot, hashStep, imageHash, startsWithImage } from './watch-key.js';
import type { Watcher } from './watcher.js';
import { WatcherRangeIndex } from './watcher-range-index.js';

type Slot = Watcher | Set<Watcher>;

function addTo(map: Map<number, Slot>, hash: number, watcher: Watcher): void {
  const slot = map.get(hash);
  if (slot === undefined) map.set(hash, watcher);
  else if (slot instanceof Set) slot.add(watcher);
  else map.set(hash, new Set([slot, watcher]));
}

function removeFrom(map: Map<number, Slot>, hash: number, watcher: Watcher): void {
  const slot = map.get(hash);
  if (slot === watcher) map.delete(hash);
  else if (slot instanceof Set) {
    slot.delete(watcher);
    if (slot.size === 1) map.set(hash, slot.values().next().value!);
  }
}

/** Appends the slot's prefix watchers whose prefix is the first `length` bytes of `key`. */
function collectPrefixes(slot: Slot, key: Uint8Array, length: number, out: Watcher[]): void {
  // The length check: a prefix of another length whose hash collides is found at its own length.
  if (slot instanceof Set) {
    for (const watcher of slot) if (watcher.spec.image.length === length && startsWithImage(key, watcher.spec.image)) out.push(watcher);
  } else if (slot.spec.image.length === length && startsWithImage(key, slot.spec.image)) out.push(slot);
}

/** Appends the slot's single-key watchers of exactly `key`. */
function collectKeys(slot: Slot, key: Uint8Array, out: Watcher[]): void {
  if (slot instanceof Set) {
    for (const watcher of slot) if (equalsImage(key, watcher.spec.image)) out.push(watcher);
  } else if (equalsImage(key, slot.spec.image)) out.push(slot);
}

export class WatcherIndex {
  private readonly single = new Map<number, Slot>();
  private readonly prefixes = new Map<number, Slot>();
  /** prefixLengths[n]: how many prefix watchers have a prefix of n bytes. */
  private readonly prefixLengths: number[] = [];
  /** The longest prefix any prefix watcher has (0 when none). */
  private longestPrefix = 0;
  private readonly ranges = new WatcherRangeIndex();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a watcher not yet in the index. */
  add(watcher: Watcher): void {
    const spec = watcher.spec;
    this.count++;
    const kind = spec.kind;
    if (kind === WATCH_KEY) addTo(this.single, imageHash(spec.image), watcher);
    else if (kind === WATCH_PREFIX) {
      const length = spec.image.length;
      addTo(this.prefixes, imageHash(spec.image), watcher);
      while (this.prefixLengths.length <= length) this.prefixLengths.push(0);
      this.prefixLengths[length]!++;
      if (length > this.longestPrefix) this.longestPrefix = length;
    } else this.ranges.add(watcher);
  }

  /** Removes a watcher that is in the index. */
  delete(watcher: Watcher): void {
    const spec: WatchSpec = watcher.spec;
    this.count--;
    const kind = spec.kind;
    if (kind === WATCH_KEY) removeFrom(this.single, imageHash(spec.image), watcher);
    else if (kind === WATCH_PREFIX) {
      const length = spec.image.length;
      removeFrom(this.prefixes, imageHash(spec.image), watcher);
      if (--this.prefixLengths[length]! === 0 && length === this.longestPrefix) {
        while (this.longestPrefix > 0 && this.prefixLengths[this.longestPrefix] === 0) this.longestPrefix--;
        this.prefixLengths.length = this.longestPrefix + 1;
      }
    } else this.ranges.delete(watcher);
  }

  /** Appends to `out` every indexed watcher whose range holds `key` (each once). */
  collect(key: Uint8Array, out: Watcher[]): void {
    if (this.count === 0) return;
    const single = this.single.size > 0;
    const longest = this.prefixes.size > 0 ? Math.min(this.longestPrefix, key.length) : 0;
    if (single || longest > 0) {
      const lengths = this.prefixLengths;
      let hash = HASH_SEED;
      for (let length = 1; length <= longest; length++) {
        hash = hashStep(hash, key[length - 1]!);
        if (lengths[length]! === 0) continue;
        const slot = this.prefixes.get(hashSlot(hash));
        if (slot !== undefined) collectPrefixes(slot, key, length, out);
      }
      if (single) {
        for (let i = longest; i < key.length; i++) hash = hashStep(hash, key[i]!);
        const slot = this.single.get(hashSlot(hash));
        if (slot !== undefined) collectKeys(slot, key, out);
      }
    }
    if (this.ranges.size > 0) this.ranges.collect(key, out);
  }

  *values(): IterableIterator<Watcher> {
    for (const slot of this.single.values()) yield* slot instanceof Set ? slot : [slot];
    for (const slot of this.prefixes.values()) yield* slot instanceof Set ? slot : [slot];
    yield* this.ranges.values();
  }
}
