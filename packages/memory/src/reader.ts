/**
 * Reads of one keyspace, live or in a snapshot. Every iterator reads a frozen tree state
 * taken when it was created, so writes made while it runs can neither corrupt it nor make it
 * skip or repeat keys. Returned keys and values are copies the caller may keep or change.
 */
import { toHalfOpen, type Entry, type Lifecycle, type NormalizedRange, type ReadPrimitives } from '@tidekv/core';
import { Cursor } from './btree/cursor.js';
import type { TreeView } from './btree/tree.js';
import { copyEntryAt } from './btree/leaf.js';
import type { BNode } from './btree/node.js';

const SYNC_CHUNK = 256;

/**
 * The reads over one tree: `lookup` is a point read (returning a copy), `freeze` the state an
 * iterator walks.
 */
export function treeReads(lookup: (key: Uint8Array) => Uint8Array | undefined, freeze: () => TreeView): ReadPrimitives {
  const cursorOver = (range: NormalizedRange): Cursor => {
    const { start, end } = toHalfOpen(range);
    return new Cursor(freeze(), start, end, range.reverse);
  };
  return {
    get: lookup,
    open(range) {
      const cursor = cursorOver(range);
      return {
        read(max) {
          const out: Entry[] = [];
          cursor.each(max, (leaf, i) => void out.push(copyEntryAt(leaf, i)));
          return out;
        },
      };
    },
    scanSync: (range, owner) => syncEntries(cursorOver(range), range.limit, owner),
  };
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
