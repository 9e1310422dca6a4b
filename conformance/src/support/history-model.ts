/**
 * A reference model of one keyspace that remembers every value each key held, so reads of
 * views opened in the past can be judged: a snapshot must read exactly the state it was
 * taken at (`frozen`), and a live iterator, which may or may not see writes made after it
 * opened, may only return a value its key held at some moment since then (`heldSince`).
 */
import type { Entry, Range } from '@tidekv/core';
import { byteOrder, hex, sameBytes } from './bytes.js';
import { matchesRange } from './oracle.js';

interface Change {
  /** The model version the change made. */
  version: number;
  /** The value from then on; undefined once deleted. */
  value: Uint8Array | undefined;
}

export class HistoryModel {
  /** Bumped by every change; a view remembers the version it was opened at. */
  version = 0;
  readonly #current = new Map<string, Entry>();
  readonly #history = new Map<string, Change[]>();
  /** The current entries in key order, kept until the next change (a check reads many ranges of one state). */
  #sorted: Entry[] | undefined;

  put(key: Uint8Array, value: Uint8Array): void {
    const id = hex(key)!;
    const copy: Entry = [key.slice(), value.slice()];
    this.#current.set(id, copy);
    this.#record(id, copy[1]);
  }

  del(key: Uint8Array): void {
    const id = hex(key)!;
    if (!this.#current.delete(id)) return;
    this.#record(id, undefined);
  }

  /** Deletes every key within the range's bounds (reverse and limit never narrow a delete). */
  deleteRange(range: Range): void {
    const bounds = { ...range, reverse: undefined, limit: undefined };
    for (const [id, [key]] of [...this.#current]) {
      if (matchesRange(key, bounds)) {
        this.#current.delete(id);
        this.#record(id, undefined);
      }
    }
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#current.get(hex(key)!)?.[1];
  }

  get size(): number {
    return this.#current.size;
  }

  range(range: Range = {}): Entry[] {
    this.#sorted ??= sortedEntries(this.#current);
    return selectRange(this.#sorted, range);
  }

  /** The current state, fixed: what a snapshot taken now must read forever. */
  frozen(): FrozenState {
    return new FrozenState(new Map(this.#current), this.#sorted);
  }

  /** Whether `value` is a value `key` held at some moment from `version` until now (undefined: absent at such a moment). */
  heldSince(key: Uint8Array, version: number, value: Uint8Array | undefined): boolean {
    const changes = this.#history.get(hex(key)!) ?? [];
    let i = changes.length - 1;
    while (i >= 0 && changes[i]!.version > version) i--;
    // changes[i] is the state at `version` (none: absent), then every later change
    const held = [i >= 0 ? changes[i]!.value : undefined, ...changes.slice(i + 1).map((c) => c.value)];
    return held.some((v) => sameBytes(v, value));
  }

  /** Whether `key` has changed since `version`. */
  changedSince(key: Uint8Array, version: number): boolean {
    const changes = this.#history.get(hex(key)!);
    return changes !== undefined && changes[changes.length - 1]!.version > version;
  }

  #record(id: string, value: Uint8Array | undefined): void {
    this.version++;
    this.#sorted = undefined;
    let changes = this.#history.get(id);
    if (changes === undefined) this.#history.set(id, (changes = []));
    changes.push({ version: this.version, value });
  }
}

/** A state of the model that no later change reaches. */
export class FrozenState {
  constructor(
    readonly entries: ReadonlyMap<string, Entry>,
    private sorted?: Entry[],
  ) {}

  get(key: Uint8Array): Uint8Array | undefined {
    return this.entries.get(hex(key)!)?.[1];
  }

  range(range: Range = {}): Entry[] {
    this.sorted ??= sortedEntries(this.entries);
    return selectRange(this.sorted, range);
  }
}

function sortedEntries(entries: ReadonlyMap<string, Entry>): Entry[] {
  return [...entries.values()].sort((a, b) => byteOrder(a[0], b[0]));
}

/** The entries of `sorted` (in key order) that `range` selects, in iteration order: filter, reverse, limit. */
function selectRange(sorted: readonly Entry[], range: Range): Entry[] {
  const { gt, gte, lt, lte, prefix } = range;
  const bounds = { gt, gte, lt, lte, prefix };
  const bounded = [gt, gte, lt, lte, prefix].some((b) => b !== undefined);
  const selected = bounded ? sorted.filter(([key]) => matchesRange(key, bounds)) : [...sorted];
  if (range.reverse) selected.reverse();
  const limit = range.limit ?? Infinity;
  return limit === Infinity ? selected : selected.slice(0, limit);
}
