/**
 * The synced watchers, indexed so a commit finds the watchers of each changed key without
 * looking at the others (etcd keeps single-key watchers in a map and ranges in an interval
 * tree). Three kinds:
 * - single-key watches: a map from the key;
 * - prefix watches ([p, successor(p)), the common range): a map from the prefix, probed
 *   with each prefix length in use, so a key costs one lookup per distinct prefix length;
 * - every other range (from-key, arbitrary [key, end)): a list, tested one by one.
 * Keys are held by their latin1 image (one char per byte), which a Map can hash.
 */
import { bytesEqual, prefixSuccessor } from '../codec/bytes.js';
import { keyImage } from './lease/lease.js';
import { watchMatches } from './watch.js';
import type { Watcher } from './watcher.js';

type Kind = { kind: 'single' | 'prefix'; image: string } | { kind: 'range' };

function kindOf(watcher: Watcher): Kind {
  const { key, end } = watcher.spec;
  if (end === undefined) return { kind: 'single', image: keyImage(key) };
  const successor = prefixSuccessor(key);
  if (successor !== undefined && bytesEqual(successor, end)) return { kind: 'prefix', image: keyImage(key) };
  return { kind: 'range' };
}

export class WatcherIndex {
  private readonly single = new Map<string, Set<Watcher>>();
  private readonly prefixes = new Map<string, Set<Watcher>>();
  /** Prefix length -> number of prefix watchers with it. */
  private readonly prefixLengths = new Map<number, number>();
  private readonly ranges = new Set<Watcher>();
  private readonly kinds = new Map<Watcher, Kind>();

  get size(): number {
    return this.kinds.size;
  }

  has(watcher: Watcher): boolean {
    return this.kinds.has(watcher);
  }

  add(watcher: Watcher): void {
    if (this.kinds.has(watcher)) return;
    const kind = kindOf(watcher);
    this.kinds.set(watcher, kind);
    if (kind.kind === 'range') {
      this.ranges.add(watcher);
      return;
    }
    const map = kind.kind === 'single' ? this.single : this.prefixes;
    let set = map.get(kind.image);
    if (!set) map.set(kind.image, (set = new Set()));
    set.add(watcher);
    if (kind.kind === 'prefix') this.prefixLengths.set(kind.image.length, (this.prefixLengths.get(kind.image.length) ?? 0) + 1);
  }

  delete(watcher: Watcher): void {
    const kind = this.kinds.get(watcher);
    if (!kind) return;
    this.kinds.delete(watcher);
    if (kind.kind === 'range') {
      this.ranges.delete(watcher);
      return;
    }
    const map = kind.kind === 'single' ? this.single : this.prefixes;
    const set = map.get(kind.image)!;
    set.delete(watcher);
    if (set.size === 0) map.delete(kind.image);
    if (kind.kind === 'prefix') {
      const count = this.prefixLengths.get(kind.image.length)! - 1;
      if (count === 0) this.prefixLengths.delete(kind.image.length);
      else this.prefixLengths.set(kind.image.length, count);
    }
  }

  /** Calls `visit` for every indexed watcher whose range holds `key`. */
  forEachMatch(key: Uint8Array, visit: (watcher: Watcher) => void): void {
    if (this.kinds.size === 0) return;
    const image = this.single.size > 0 || this.prefixes.size > 0 ? keyImage(key) : '';
    const single = this.single.get(image);
    if (single) for (const watcher of single) visit(watcher);
    for (const length of this.prefixLengths.keys()) {
      if (length > image.length) continue;
      const set = this.prefixes.get(length === image.length ? image : image.slice(0, length));
      if (set) for (const watcher of set) visit(watcher);
    }
    for (const watcher of this.ranges) if (watchMatches(watcher.spec, key)) visit(watcher);
  }

  values(): IterableIterator<Watcher> {
    return this.kinds.keys();
  }
}
