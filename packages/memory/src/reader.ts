/**
 * Reads of one keyspace, live or in a snapshot. Every iterator reads a frozen tree state
 * taken when it was created, so writes made while it runs can neither corrupt it nor make it
 * skip or repeat keys. Returned keys and values are copies the caller may keep or change.
 *
 * Classes rather than objects of closures: every keyspace of every engine shares these
 * methods, so the template's call sites stay on one target each, and compiled code never
 * holds a closure of an engine that has since closed (which V8 deoptimizes once it is
 * collected); the per-iterator CursorSource keeps one idle instance (core's retainHiddenClass).
 */
import {
  retainHiddenClass,
  toHalfOpen,
  type ChunkSource,
  type Entry,
  type Lifecycle,
  type NormalizedRange,
  type ReadPrimitives,
} from '@tidekv/core';
import { Cursor } from './btree/cursor.js';
import { lookup, type TreeView } from './btree/tree.js';
import { copyEntryAt } from './btree/leaf.js';
import type { BNode } from './btree/node.js';

const SYNC_CHUNK = 256;

/** What a keyspace reads: a live tree (BPlusTree), or the frozen state a snapshot kept (FrozenTree). */
export interface ReadableTree {
  /** A copy of the value stored under `key`, if any. */
  get(key: Uint8Array): Uint8Array | undefined;
  /** A state that later writes cannot change, for an iterator to walk. */
  view(): TreeView;
}

/** A snapshot's state of one keyspace. */
export class FrozenTree implements ReadableTree {
  readonly #state: TreeView;

  constructor(state: TreeView) {
    this.#state = state;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return lookup(this.#state.root, key);
  }

  view(): TreeView {
    return this.#state;
  }
}

/** An iterator's chunks: copies of the entries its cursor walks. */
class CursorSource implements ChunkSource {
  readonly #cursor: Cursor;

  constructor(cursor: Cursor) {
    this.#cursor = cursor;
  }

  read(max: number): Entry[] {
    const out: Entry[] = [];
    this.#cursor.each(max, (leaf, i) => void out.push(copyEntryAt(leaf, i)));
    return out;
  }
}

retainHiddenClass(new CursorSource(undefined as never));

/** The reads over one tree: `get` is a point read (returning a copy). */
export class TreeReads implements ReadPrimitives {
  protected readonly tree: ReadableTree;

  constructor(tree: ReadableTree) {
    this.tree = tree;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.tree.get(key);
  }

  open(range: NormalizedRange): ChunkSource {
    return new CursorSource(this.#cursorOver(range));
  }

  scanSync(range: NormalizedRange, owner: Lifecycle): Iterable<Entry> {
    return syncEntries(this.#cursorOver(range), range.limit, owner);
  }

  #cursorOver(range: NormalizedRange): Cursor {
    const { start, end } = toHalfOpen(range);
    return new Cursor(this.tree.view(), start, end, range.reverse);
  }
}

/** Entries as a lazy iterable; fails NOT_OPEN if its engine or snapshot closes mid-way. */
function* syncEntries(cursor: Cursor, limit: number, owner: Lifecycle): Generator<Entry, void, undefined> {
  let remaining = limit;
  const chunk: Entry[] = [];
  const collect = (leaf: BNode, i: number) => void chunk.push(copyEntryAt(leaf, i));
  while (remaining > 0) {
    owner.assertOpen();
    chunk.length = 0;
    const count = cursor.each(Math.min(remaining, SYNC_CHUNK), collect);
    if (count === 0) return;
    remaining -= count;
    yield* chunk;
  }
}
