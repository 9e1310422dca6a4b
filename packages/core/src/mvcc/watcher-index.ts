/**
 * The synced watchers, indexed so a commit finds the watchers of each changed key without
 * looking at the others (etcd keeps single-key watchers in a map and ranges in an interval
 * tree). Three kinds:
 * - single-key watches: a map from the key;
 * - prefix watches ([p, successor(p)), the common range): a map from the prefix, probed
 *   with each prefix length in use, so a key costs one lookup per distinct prefix length;
 * - every other range (from-key, arbitrary [key, end)): a list, tested one by one.
 * Keys are held by their latin1 image (one char per byte), which a Map can hash. A map slot
 * holds the watcher itself while it is alone on its key, a Set only when several share it:
 * most watchers watch a key of their own, and an idle watcher's memory is what matters here.
 */
import { bytesEqual, prefixSuccessor } from '../codec/bytes.js';
import { keyImage } from './lease/lease.js';
import { watchMatches } from './watch.js';
import type { Watcher } from './watcher.js';

type Slot = Watcher | Set<Watcher>;

/** Where an indexed watcher sits: its map and key image, or the range list (image undefined). */
export interface IndexPlace {
  prefix: boolean;
  image: string | undefined;
}

function placeOf(watcher: Watcher): IndexPlace {
  const { key, end } = watcher.spec;
  if (end === undefined) return { prefix: false, image: keyImage(key) };
  const successor = prefixSuccessor(key);
  if (successor !== undefined && bytesEqual(successor, end)) return { prefix: true, image: keyImage(key) };
  return { prefix: false, image: undefined };
}

function addTo(map: Map<string, Slot>, image: string, watcher: Watcher): void {
  const slot = map.get(image);
  if (slot === undefined) map.set(image, watcher);
  else if (slot instanceof Set) slot.add(watcher);
  else map.set(image, new Set([slot, watcher]));
}

function removeFrom(map: Map<string, Slot>, image: string, watcher: Watcher): void {
  const slot = map.get(image);
  if (slot === watcher) map.delete(image);
  else if (slot instanceof Set) {
    slot.delete(watcher);
    if (slot.size === 1) map.set(image, slot.values().next().value!);
  }
}

function visitSlot(slot: Slot | undefined, visit: (watcher: Watcher) => void): void {
  if (slot === undefined) return;
  if (slot instanceof Set) for (const watcher of slot) visit(watcher);
  else visit(slot);
}

export class WatcherIndex {
  private readonly single = new Map<string, Slot>();
  private readonly prefixes = new Map<string, Slot>();
  /** Prefix length -> number of prefix watchers with it. */
  private readonly prefixLengths = new Map<number, number>();
  private readonly ranges = new Set<Watcher>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(watcher: Watcher): void {
    if (watcher.indexPlace !== undefined) return;
    const place = placeOf(watcher);
    watcher.indexPlace = place;
    this.count++;
    if (place.image === undefined) {
      this.ranges.add(watcher);
      return;
    }
    addTo(place.prefix ? this.prefixes : this.single, place.image, watcher);
    if (place.prefix) this.prefixLengths.set(place.image.length, (this.prefixLengths.get(place.image.length) ?? 0) + 1);
  }

  delete(watcher: Watcher): void {
    const place = watcher.indexPlace;
    if (place === undefined) return;
    watcher.indexPlace = undefined;
    this.count--;
    if (place.image === undefined) {
      this.ranges.delete(watcher);
      return;
    }
    removeFrom(place.prefix ? this.prefixes : this.single, place.image, watcher);
    if (place.prefix) {
      const left = this.prefixLengths.get(place.image.length)! - 1;
      if (left === 0) this.prefixLengths.delete(place.image.length);
      else this.prefixLengths.set(place.image.length, left);
    }
  }

  /** Calls `visit` for every indexed watcher whose range holds `key`. */
  forEachMatch(key: Uint8Array, visit: (watcher: Watcher) => void): void {
    if (this.count === 0) return;
    const image = this.single.size > 0 || this.prefixes.size > 0 ? keyImage(key) : '';
    visitSlot(this.single.get(image), visit);
    for (const length of this.prefixLengths.keys()) {
      if (length > image.length) continue;
      visitSlot(this.prefixes.get(length === image.length ? image : image.slice(0, length)), visit);
    }
    for (const watcher of this.ranges) if (watchMatches(watcher.spec, key)) visit(watcher);
  }

  *values(): IterableIterator<Watcher> {
    for (const slot of this.single.values()) yield* slot instanceof Set ? slot : [slot];
    for (const slot of this.prefixes.values()) yield* slot instanceof Set ? slot : [slot];
    yield* this.ranges;
  }
}
