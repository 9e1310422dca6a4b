/**
 * Reads shared by live keyspaces and snapshot views. Every iterator reads a frozen tree
 * state taken when it was created, so writes made while it runs can neither corrupt it nor
 * make it skip or repeat keys. Returned keys and values are copies the caller may keep or
 * change.
 */
import {
  type Capabilities,
  type Entry,
  type EntryIterator,
  type IterateOptions,
  type Lifecycle,
  type Range,
  type ReadableKeyspace,
  assertKey,
  assertKeys,
  normalizeRange,
  toHalfOpen,
} from '@tidekv/core';
import { Cursor } from './btree/cursor.js';
import type { TreeView } from './btree/tree.js';
import { copyEntryAt } from './btree/leaf.js';
import type { BNode } from './btree/node.js';
import { EMPTY_VIEW } from './store.js';

/** Where a read view gets its data: a point lookup (returning a copy) and a frozen state to iterate. */
export interface ReadSource {
  lookup(key: Uint8Array): Uint8Array | undefined;
  freeze(): TreeView;
}

const SYNC_CHUNK = 256;

export class MemoryReadView implements ReadableKeyspace {
  readonly name: string;
  protected readonly lifecycle: Lifecycle;
  protected readonly capabilities: Capabilities;
  readonly #source: ReadSource;

  constructor(name: string, source: ReadSource, lifecycle: Lifecycle, capabilities: Capabilities) {
    this.name = name;
    this.#source = source;
    this.lifecycle = lifecycle;
    this.capabilities = capabilities;
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    return this.getSync(key);
  }

  getSync(key: Uint8Array): Uint8Array | undefined {
    this.lifecycle.assertOpen();
    assertKey(key, this.capabilities.maxKeySize);
    return this.#source.lookup(key);
  }

  async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    this.lifecycle.assertOpen();
    assertKeys(keys, this.capabilities.maxKeySize);
    return keys.map((key) => this.#source.lookup(key));
  }

  iterate(range?: IterateOptions): EntryIterator {
    this.lifecycle.assertOpen();
    const { cursor, limit } = this.#open(range);
    const lifecycle = this.lifecycle;
    return lifecycle.iterator(
      {
        read(max) {
          const out: Entry[] = [];
          cursor.each(max, (leaf, i) => void out.push(copyEntryAt(leaf, i)));
          return out;
        },
      },
      { limit, signal: range?.signal },
    );
  }

  iterateSync(range?: Range): Iterable<Entry> {
    this.lifecycle.assertOpen();
    const { cursor, limit } = this.#open(range);
    return syncEntries(cursor, limit, this.lifecycle);
  }

  /** Validates the range and positions a cursor on a frozen state. */
  #open(range: Range | undefined): { cursor: Cursor; limit: number } {
    const normalized = normalizeRange(range === undefined ? {} : range);
    const view = normalized.empty ? EMPTY_VIEW : this.#source.freeze();
    const { start, end } = toHalfOpen(normalized);
    return { cursor: new Cursor(view, start, end, normalized.reverse), limit: normalized.limit };
  }
}

/** Entries as a lazy iterable; fails NOT_OPEN if its engine or snapshot closes mid-way. */
function* syncEntries(cursor: Cursor, limit: number, lifecycle: Lifecycle): Generator<Entry, void, undefined> {
  let remaining = limit;
  const chunk: Entry[] = [];
  const collect = (leaf: BNode, i: number) => void chunk.push(copyEntryAt(leaf, i));
  while (remaining > 0) {
    lifecycle.assertOpen();
    chunk.length = 0;
    const count = cursor.each(Math.min(remaining, SYNC_CHUNK), collect);
    if (count === 0) return;
    remaining -= count;
    yield* chunk;
  }
}
