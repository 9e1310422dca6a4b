/**
 * The history of one key, as etcd's keyIndex: which revisions changed it, grouped into
 * generations. A generation runs from the put that created the key to the tombstone that
 * deleted it; the last generation is the current one and may be empty (the key is deleted).
 *
 *   put(1.0); put(2.0); tombstone(3.0); put(4.0); tombstone(5.0)   ->
 *     generations {1.0, 2.0, 3.0t} {4.0, 5.0t} {}
 *
 * The reference's worked example, with generations {2,4,6t}{8,10,12t}{14,15.1,16t}{}:
 *   get(5)  = modified 4, created 2, version 2
 *   get(15) = modified 15.1, created 14, version 2
 *   get(6), get(7), get(12), get(13), get(16), get(17) = not found (at or after a tombstone,
 *   before the next create), and anything before 2.
 *
 * compact(atRev) keeps, per key, the largest revision <= atRev in the generation that contains
 * atRev or follows it, drops every older revision and every generation whose tombstone is
 * below atRev; a tombstone exactly at atRev is kept (the next compaction removes it), unless a
 * later generation already began in that main revision (a txn deleted the key and put it
 * again): then that put is the key's latest change at atRev and is what is kept. A key left
 * with only an empty generation is gone. For put@1, put@2, del@3, put@4, del@5:
 *   compact(2) -> {2,3t}{4,5t}{}   compact(4) -> {4,5t}{}   compact(5) -> {5t}{}   compact(6) -> gone
 * and for put@2, del@3.0, put@3.1 (one txn): compact(3) -> {3.1}
 *
 * Revisions are compared by main then sub; a key's revisions only ever increase.
 */
import { TidekvError } from '../errors.js';
import { latin1Bytes, latin1Image } from '../codec/bytes.js';
import type { Revision } from '../codec/revision-key.js';

export interface Generation {
  /** Puts and the closing tombstone in the generation: `revs.length` on a closed one. */
  ver: number;
  /** The revision of the put that created the generation. */
  created: Revision;
  /** Every revision of the generation, ascending; the last is the tombstone on a closed one. */
  revs: Revision[];
}

/**
 * A key as reopen finds it when its only record left is a put: the generation it belongs to,
 * without the revision list (which holds `modified` alone until the key changes). Immutable:
 * keys restored from one commit share one.
 */
export interface RestoredPut {
  /** The put's version (its generation's `ver`). */
  readonly ver: number;
  readonly created: Revision;
}

export interface IndexedRevision {
  /** The revision holding the key's value. */
  modified: Revision;
  /** The revision that created the key's generation. */
  created: Revision;
  /** Puts in the generation up to and including `modified`. */
  version: number;
}

const ZERO: Revision = Object.freeze({ main: 0, sub: 0 });

/**
 * Below this many elements an array grows by a copy of exactly one more: a push reserves room
 * for 16 more elements, which most keys, with a revision or two, never use.
 */
const EXACT_GROWTH = 16;

function appended<T>(array: T[], item: T): T[] {
  if (array.length >= EXACT_GROWTH) {
    array.push(item);
    return array;
  }
  const out = new Array<T>(array.length + 1);
  for (let i = 0; i < array.length; i++) out[i] = array[i]!;
  out[array.length] = item;
  return out;
}

export function revisionBefore(a: Revision, b: Revision): boolean {
  return a.main < b.main || (a.main === b.main && a.sub < b.sub);
}

function indexError(message: string, key: Uint8Array): TidekvError {
  return new TidekvError('CORRUPTION', `key index: ${message}`, { details: { key } });
}

export class KeyIndex {
  /**
   * The key's latin1 image (one char per byte, see latin1Image): the key tree orders and finds
   * keys by it, and a string of the key's length takes a fraction of a Uint8Array's heap.
   */
  readonly image: string;
  /** The latest revision that changed the key. */
  modified: Revision = ZERO;
  /**
   * True when the key exists at its latest revision (the last generation has revisions). Kept
   * in step with `generations` by every change, so a read at or after `modified` — nearly
   * every read — is answered from these two fields without walking the generations.
   */
  live = false;
  /**
   * The generations, or, for a key as reopen restored it from a single put, the RestoredPut
   * standing for `[{ ver, created, revs: [modified] }]`: a million restored keys then cost
   * no arrays of their own. The first change or walk of the generations makes them
   * (`generations`); the reads, compaction and hashKV answer the restored state directly.
   */
  #gens: Generation[] | RestoredPut;

  /** An index for the key whose latin1 image is `image` (KeyIndex.of takes the bytes), with no revision yet. */
  constructor(image: string, generations: Generation[] | RestoredPut = [{ ver: 0, created: ZERO, revs: [] }]) {
    this.image = image;
    this.#gens = generations;
  }

  /** Every generation, oldest first; the last is the current one (empty when the key is deleted). */
  get generations(): Generation[] {
    const gens = this.#gens;
    if (Array.isArray(gens)) return gens;
    return (this.#gens = [{ ver: gens.ver, created: gens.created, revs: [this.modified] }]);
  }

  set generations(generations: Generation[]) {
    this.#gens = generations;
  }

  static of(key: Uint8Array): KeyIndex {
    return new KeyIndex(latin1Image(key));
  }

  /**
   * restore() on a new index, in the restored state (see #gens): the put at `modified` whose
   * generation `put` describes. Reopen builds millions of these.
   */
  static restored(image: string, put: RestoredPut, modified: Revision): KeyIndex {
    const index = new KeyIndex(image, put);
    index.modified = modified;
    index.live = true;
    return index;
  }

  /** restoreTombstone() on a new index, likewise. */
  static restoredTombstone(image: string, rev: Revision): KeyIndex {
    const index = new KeyIndex(image, [{ ver: 1, created: ZERO, revs: [rev] }, { ver: 0, created: ZERO, revs: [] }]);
    index.modified = rev;
    return index;
  }

  /** The key's bytes: a fresh copy on every call. */
  get key(): Uint8Array {
    return latin1Bytes(this.image);
  }

  /** True when the key has no revision at all (only an empty generation). */
  get isEmpty(): boolean {
    const gens = this.#gens;
    return Array.isArray(gens) && gens.length === 1 && gens[0]!.revs.length === 0;
  }

  /** Records a put at `rev`, which must be after every revision of the key. */
  put(rev: Revision): void {
    if (!revisionBefore(this.modified, rev)) {
      throw indexError(`put at ${rev.main}.${rev.sub} is not after ${this.modified.main}.${this.modified.sub}`, this.key);
    }
    const g = this.generations.at(-1)!;
    if (g.revs.length === 0) g.created = rev;
    g.revs = appended(g.revs, rev);
    g.ver++;
    this.modified = rev;
    this.live = true;
  }

  /** Records a delete at `rev`: closes the current generation and opens an empty one. */
  tombstone(rev: Revision): void {
    if (!this.live) throw indexError(`tombstone at ${rev.main}.${rev.sub} of a key that does not exist`, this.key);
    this.put(rev);
    this.generations = appended(this.generations, { ver: 0, created: ZERO, revs: [] });
    this.live = false;
  }

  /**
   * On reopen after compaction the first record of a key may be any put of its generation:
   * its KeyValue says when the generation was created and which version it was.
   */
  restore(created: Revision, modified: Revision, version: number): void {
    this.generations = [{ ver: version, created, revs: [modified] }];
    this.modified = modified;
    this.live = true;
  }

  /** On reopen: a key whose only remaining record is a tombstone kept at the compact revision. */
  restoreTombstone(rev: Revision): void {
    this.generations = [{ ver: 1, created: ZERO, revs: [rev] }, { ver: 0, created: ZERO, revs: [] }];
    this.modified = rev;
    this.live = false;
  }

  /** Undoes the latest put or tombstone, which must be at `rev` (a txn that failed half way). */
  rollback(rev: Revision): void {
    let g = this.generations.at(-1)!;
    if (g.revs.length === 0 && this.generations.length > 1) {
      this.generations.pop();
      g = this.generations.at(-1)!;
    }
    const last = g.revs.at(-1);
    if (!last || last.main !== rev.main || last.sub !== rev.sub) {
      throw indexError(`rollback of ${rev.main}.${rev.sub} that is not the latest change`, this.key);
    }
    g.revs.pop();
    g.ver--;
    if (g.revs.length === 0) g.created = ZERO;
    this.modified = this.#latest() ?? ZERO;
    this.live = this.generations[this.generations.length - 1]!.revs.length > 0;
  }

  #latest(): Revision | undefined {
    for (let i = this.generations.length - 1; i >= 0; i--) {
      const last = this.generations[i]!.revs.at(-1);
      if (last) return last;
    }
    return undefined;
  }

  /** The generation that holds the key at `atRev` (main revision), if the key exists then. */
  #findGeneration(atRev: number): Generation | undefined {
    const lastIndex = this.generations.length - 1;
    for (let i = lastIndex; i >= 0; i--) {
      const g = this.generations[i]!;
      if (g.revs.length === 0) continue;
      // A closed generation whose tombstone is at or before atRev: the key was deleted then.
      if (i !== lastIndex && g.revs[g.revs.length - 1]!.main <= atRev) return undefined;
      if (g.revs[0]!.main <= atRev) return g;
    }
    return undefined;
  }

  /** The key's state at main revision `atRev`, or undefined when it did not exist then. */
  get(atRev: number): IndexedRevision | undefined {
    const gens = this.#gens;
    if (this.modified.main <= atRev) {
      // Nothing changed the key after atRev: its state then is its latest state.
      if (!this.live) return undefined;
      const latest = Array.isArray(gens) ? gens[gens.length - 1]! : gens;
      return { modified: this.modified, created: latest.created, version: latest.ver };
    }
    // Restored from its put at `modified`, after atRev: nothing of the key is known before.
    if (!Array.isArray(gens)) return undefined;
    const g = this.#findGeneration(atRev);
    if (!g) return undefined;
    for (let n = g.revs.length - 1; n >= 0; n--) {
      const rev = g.revs[n]!;
      if (rev.main <= atRev) return { modified: rev, created: g.created, version: g.ver - (g.revs.length - n - 1) };
    }
    return undefined;
  }

  /** get(atRev).modified without building the rest: the revision holding the key's value at `atRev`. */
  modifiedAt(atRev: number): Revision | undefined {
    if (this.modified.main <= atRev) return this.live ? this.modified : undefined;
    if (!Array.isArray(this.#gens)) return undefined;
    const g = this.#findGeneration(atRev);
    if (!g) return undefined;
    const revs = g.revs;
    for (let n = revs.length - 1; n >= 0; n--) if (revs[n]!.main <= atRev) return revs[n];
    return undefined;
  }

  /**
   * The generation holding the largest revision <= atRev that compaction keeps, and that
   * revision's position in it (-1: none).
   */
  #compactionPoint(atRev: number): { genIndex: number; revIndex: number } {
    let genIndex = 0;
    // The generation holding the key's latest change <= atRev, or the first one created after
    // it. A closed generation is passed when its tombstone is below atRev, or when the next
    // generation begins at or below atRev: a txn that deletes a key and puts it again ends one
    // generation and starts the next in the same main revision, and then the put is the
    // latest change at atRev, not the tombstone.
    while (genIndex < this.generations.length - 1) {
      const tombstone = this.generations[genIndex]!.revs.at(-1)!;
      const next = this.generations[genIndex + 1]!.revs[0];
      if (tombstone.main >= atRev && (next === undefined || next.main > atRev)) break;
      genIndex++;
    }
    const revs = this.generations[genIndex]!.revs;
    let revIndex = revs.length - 1;
    while (revIndex >= 0 && revs[revIndex]!.main > atRev) revIndex--;
    return { genIndex, revIndex };
  }

  /** Forgets what compaction at `atRev` drops (see the header). Afterwards check isEmpty. */
  compact(atRev: number): void {
    // Restored from one put: compaction at any revision keeps it (the key's only revision).
    if (!Array.isArray(this.#gens)) return;
    const { genIndex, revIndex } = this.#compactionPoint(atRev);
    const g = this.generations[genIndex]!;
    if (revIndex > 0) g.revs = g.revs.slice(revIndex);
    if (genIndex > 0) this.generations = this.generations.slice(genIndex);
    this.live = this.generations[this.generations.length - 1]!.revs.length > 0;
  }

  /**
   * The revision <= atRev a compaction at atRev keeps and that hashKV hashes: the latest
   * change at or before atRev when it is a put (a kept tombstone is never hashed).
   */
  kept(atRev: number): Revision | undefined {
    if (!Array.isArray(this.#gens)) return this.modified.main <= atRev ? this.modified : undefined;
    const { genIndex, revIndex } = this.#compactionPoint(atRev);
    const g = this.generations[genIndex]!;
    if (revIndex < 0) return undefined;
    const closed = genIndex !== this.generations.length - 1;
    if (closed && revIndex === g.revs.length - 1) return undefined;
    return g.revs[revIndex];
  }

  /** True when `rev` is one of the key's recorded revisions. */
  has(rev: Revision): boolean {
    if (!Array.isArray(this.#gens)) return rev.main === this.modified.main && rev.sub === this.modified.sub;
    for (let i = this.generations.length - 1; i >= 0; i--) {
      const revs = this.generations[i]!.revs;
      if (revs.length === 0 || revisionBefore(rev, revs[0]!)) continue;
      let lo = 0;
      let hi = revs.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const r = revs[mid]!;
        if (r.main === rev.main && r.sub === rev.sub) return true;
        if (revisionBefore(r, rev)) lo = mid + 1;
        else hi = mid - 1;
      }
      return false;
    }
    return false;
  }
}
