import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBytes } from '@tidekv/core';
import { findViolation } from '../src/btree/check.js';
import { Cursor } from '../src/btree/cursor.js';
import { INLINE_MAX, copyKeyAt, copyValueAt } from '../src/btree/leaf.js';
import { BPlusTree, type TreeShape, type TreeView } from '../src/btree/tree.js';
import { propertySeed } from './seed.js';

const hex = (key: Uint8Array) => Buffer.from(key).toString('hex');
const b = (...bytes: number[]) => Uint8Array.from(bytes);
const hexOrNone = (bytes: Uint8Array | undefined) => (bytes === undefined ? 'none' : hex(bytes));
/** Entries as hex strings: compared far faster than element-wise deep equality of arrays. */
const hexed = (entries: [Uint8Array, Uint8Array][]) => entries.map(([k, v]) => `${hex(k)}:${hex(v)}`);

/** The reference model: a Map plus a sort on every read. Slow, obviously right. */
class SortedModel {
  readonly entries = new Map<string, [Uint8Array, Uint8Array]>();
  set(key: Uint8Array, value: Uint8Array) {
    const had = this.entries.has(hex(key));
    this.entries.set(hex(key), [key, value]);
    return !had;
  }
  delete(key: Uint8Array) {
    return this.entries.delete(hex(key));
  }
  range(start: Uint8Array | undefined, end: Uint8Array | undefined, reverse: boolean) {
    const out = [...this.entries.values()]
      .filter(([k]) => (start === undefined || compareBytes(k, start) >= 0) && (end === undefined || compareBytes(k, end) < 0))
      .sort(([a], [b2]) => compareBytes(a, b2));
    return reverse ? out.reverse() : out;
  }
  copy() {
    const model = new SortedModel();
    for (const [k, v] of this.entries) model.entries.set(k, v);
    return model;
  }
}

function scan(view: TreeView, start?: Uint8Array, end?: Uint8Array, reverse = false, chunk = 7) {
  const cursor = new Cursor(view, start, end, reverse);
  const out: [Uint8Array, Uint8Array][] = [];
  while (cursor.each(chunk, (leaf, i) => out.push([copyKeyAt(leaf, i), copyValueAt(leaf, i)])) > 0);
  expect(cursor.done).toBe(true);
  return out;
}

const SMALL: TreeShape = { maxLeaf: 3, maxChildren: 4 };
const key = fc.uint8Array({ minLength: 0, maxLength: 3, max: 12 });
// Mostly short values; some around INLINE_MAX, so values move in and out of leaf arenas.
const value = fc.oneof(
  { weight: 12, arbitrary: fc.uint8Array({ minLength: 0, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: INLINE_MAX - 2, maxLength: INLINE_MAX + 2 }) },
);
const command = fc.oneof(
  { weight: 60, arbitrary: fc.record({ op: fc.constant('set' as const), key, value }) },
  { weight: 40, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('get' as const), key }) },
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('scan' as const),
      start: fc.option(key, { nil: undefined }),
      end: fc.option(key, { nil: undefined }),
      reverse: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('view' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('rebuild' as const), start: fc.option(key, { nil: undefined }), end: fc.option(key, { nil: undefined }) }),
  },
  { weight: 1, arbitrary: fc.constantFrom({ op: 'clear' as const }) },
);

describe('BPlusTree against a sorted model', () => {
  for (const shape of [SMALL, { maxLeaf: 4, maxChildren: 5 }, { maxLeaf: 8, maxChildren: 8 }]) {
    it(`agrees on random inserts, deletes, gets, scans and views (leaf ${shape.maxLeaf}, fanout ${shape.maxChildren})`, () => {
      const seed = propertySeed(`btree ${shape.maxLeaf}/${shape.maxChildren}`);
      fc.assert(
        fc.property(fc.array(command, { minLength: 100, maxLength: 600 }), (commands) => {
          const tree = new BPlusTree(shape);
          const model = new SortedModel();
          const views: [TreeView, SortedModel][] = [];
          for (const c of commands) {
            if (c.op === 'set') expect(tree.set(c.key, c.value)).toBe(model.set(c.key, c.value));
            else if (c.op === 'delete') expect(tree.delete(c.key)).toBe(model.delete(c.key));
            else if (c.op === 'get') expect(hexOrNone(tree.get(c.key))).toBe(hexOrNone(model.entries.get(hex(c.key))?.[1]));
            else if (c.op === 'scan') {
              expect(hexed(scan(tree.view(), c.start, c.end, c.reverse))).toEqual(hexed(model.range(c.start, c.end, c.reverse)));
            } else if (c.op === 'rebuild') {
              // keep what lies outside [start, end), as a range delete does
              const outside = (k: Uint8Array) => (c.start !== undefined && compareBytes(k, c.start) < 0) || (c.end !== undefined && compareBytes(k, c.end) >= 0);
              tree.rebuildWithout(tree.current(), (leaf, i) => outside(copyKeyAt(leaf, i)));
              for (const [h, [k]] of [...model.entries]) if (!outside(k)) model.entries.delete(h);
              expect(findViolation(tree.view(), shape)).toBeUndefined();
            } else if (c.op === 'view') {
              const view = tree.view();
              expect(findViolation(view, shape)).toBeUndefined();
              views.push([view, model.copy()]);
            }
            else {
              tree.clear();
              model.entries.clear();
            }
            expect(tree.size).toBe(model.entries.size);
          }
          const final = tree.view();
          expect(findViolation(final, shape)).toBeUndefined();
          expect(hexed(scan(final))).toEqual(hexed(model.range(undefined, undefined, false)));
          // Every view still shows exactly the state it froze, whatever was written after.
          for (const [view, frozen] of views) {
            expect(findViolation(view, shape)).toBeUndefined();
            expect(hexed(scan(view))).toEqual(hexed(frozen.range(undefined, undefined, false)));
          }
        }),
        { seed, numRuns: 150 },
      );
    });
  }

  it('keeps its invariants through every split and merge of a growing and shrinking tree', () => {
    const seed = propertySeed('btree grow/shrink');
    fc.assert(
      fc.property(fc.shuffledSubarray([...Array(600).keys()], { minLength: 600 }), fc.shuffledSubarray([...Array(600).keys()], { minLength: 600 }), (inserts, deletes) => {
        const tree = new BPlusTree(SMALL);
        const k = (i: number) => b(i >> 8, i & 0xff);
        for (const i of inserts) {
          tree.set(k(i), b(i & 0xff));
          expect(findViolation(tree.view(), SMALL)).toBeUndefined();
        }
        expect(tree.size).toBe(600);
        for (const [n, i] of deletes.entries()) {
          expect(tree.delete(k(i))).toBe(true);
          if (n % 7 === 0) expect(findViolation(tree.view(), SMALL)).toBeUndefined();
        }
        expect(tree.size).toBe(0);
        expect(scan(tree.view())).toEqual([]);
      }),
      { seed, numRuns: 10 },
    );
  });
});

describe('BPlusTree details', () => {
  it('orders keys bytewise: shorter prefix first, 0xff after 0x7f, empty key first', () => {
    const tree = new BPlusTree(SMALL);
    const keys = [b(0xff), b(0x7f), b(), b(1), b(1, 0), b(0), b(0x80, 0)];
    for (const k of keys) tree.set(k, k);
    expect(scan(tree.view()).map(([k]) => hex(k))).toEqual(['', '00', '01', '0100', '7f', '8000', 'ff']);
  });

  it('stays sound and ordered through ascending runs (the append shortcut) mixed with other writes', () => {
    const shape = { maxLeaf: 4, maxChildren: 4 };
    const tree = new BPlusTree(shape);
    const k = (i: number) => b(i >> 8, i & 0xff);
    const expected = new Set<number>();
    const put = (i: number) => (tree.set(k(i), k(i)), expected.add(i));
    for (let i = 0; i < 300; i += 2) put(i); // ascending: every insert appends
    put(1); // then one in the middle
    for (let i = 301; i < 400; i++) put(i); // ascending again
    put(300); // a key just below the last: equal-or-below must not take the shortcut
    tree.set(k(399), b(7)); // overwrite of the last key while appending
    for (let i = 398; i > 200; i -= 3) put(i); // descending
    for (const i of [0, 50, 399]) (tree.delete(k(i)), expected.delete(i));
    put(400);
    expect(findViolation(tree.view(), shape)).toBeUndefined();
    expect(scan(tree.view()).map(([key]) => (key[0]! << 8) | key[1]!)).toEqual([...expected].sort((x, y) => x - y));
    expect(tree.get(k(398))).toEqual(k(398));
  });

  it('overwrites in place and reports whether a key was new', () => {
    const tree = new BPlusTree();
    expect(tree.set(b(1), b(1))).toBe(true);
    expect(tree.set(b(1), b(2))).toBe(false);
    expect(tree.get(b(1))).toEqual(b(2));
    expect(tree.size).toBe(1);
    expect(tree.delete(b(9))).toBe(false);
    expect(tree.delete(b(1))).toBe(true);
    expect(tree.get(b(1))).toBeUndefined();
  });

  it('shares unchanged nodes between a view and the tree (path copying, not a full copy)', () => {
    const tree = new BPlusTree({ maxLeaf: 4, maxChildren: 4 });
    for (let i = 0; i < 200; i++) tree.set(b(i), b(i));
    const before = tree.view();
    tree.set(b(0), b(99));
    const after = tree.view();
    expect(after.root).not.toBe(before.root);
    const lastChild = (v: TreeView) => v.root.children![v.root.children!.length - 1];
    expect(before.root.children!.length).toBeGreaterThan(2);
    expect(lastChild(after)).toBe(lastChild(before));
    expect(before.root.children![0]).not.toBe(after.root.children![0]);
  });

  it('does not copy anything when a view is taken twice without writes, or a missing key is deleted', () => {
    const tree = new BPlusTree({ maxLeaf: 4, maxChildren: 4 });
    for (let i = 0; i < 50; i++) tree.set(b(i), b(i));
    const first = tree.view();
    expect(tree.view().root).toBe(first.root);
    tree.delete(b(200));
    expect(tree.view().root).toBe(first.root);
  });

  /** Entries (key = value) in the leaf arena layout, as a snapshot file holds them. */
  const packed = (keys: Uint8Array[], valueOf = (key: Uint8Array) => key) => {
    const chunks: Uint8Array[] = [];
    const offsets: number[] = [];
    let at = 0;
    for (const key of keys) {
      const value = valueOf(key);
      const header = new Uint8Array(8);
      new DataView(header.buffer).setUint32(0, key.length, true);
      new DataView(header.buffer).setUint32(4, value.length, true);
      offsets.push(at);
      chunks.push(header, key, value);
      at += 8 + key.length + value.length;
    }
    return { source: Buffer.concat(chunks), offsets };
  };

  it('bulk-loads packed entries, large values included, into a sound tree that keeps working', () => {
    const shape = { maxLeaf: 4, maxChildren: 4 };
    const tree = new BPlusTree(shape);
    const keys = [...Array(50).keys()].map((i) => b(i));
    const valueOf = (key: Uint8Array) => new Uint8Array(key[0]! % 7 === 0 ? INLINE_MAX + 10 : 3).fill(key[0]!);
    const { source, offsets } = packed(keys, valueOf);
    tree.load(source, offsets);
    source.fill(0); // the tree holds copies
    expect(findViolation(tree.view(), shape)).toBeUndefined();
    expect(hexed(scan(tree.view()))).toEqual(hexed(keys.map((k) => [k, valueOf(k)])));
    for (let i = 0; i < 50; i += 2) tree.delete(b(i));
    tree.set(b(7), b(1));
    expect(findViolation(tree.view(), shape)).toBeUndefined();
    expect(tree.get(b(7))).toEqual(b(1));
    expect(tree.get(b(21))).toEqual(valueOf(b(21)));
  });

  it('bulk-loads sorted entries into a sound tree of any size', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 17, 64, 65, 1000]) {
      const tree = new BPlusTree(SMALL);
      const keys = [...Array(n).keys()].map((i) => b(i >> 8, i & 0xff));
      const { source, offsets } = packed(keys);
      tree.load(source, offsets);
      const view = tree.view();
      expect(findViolation(view, SMALL)).toBeUndefined();
      expect(scan(view).map(([k]) => k)).toEqual(keys);
      tree.set(b(255, 255), b());
      tree.delete(keys[0] ?? b());
      expect(findViolation(tree.view(), SMALL)).toBeUndefined();
    }
  });

  it('scans an empty tree and crossed or empty bounds as nothing', () => {
    const tree = new BPlusTree(SMALL);
    expect(scan(tree.view())).toEqual([]);
    for (let i = 0; i < 40; i++) tree.set(b(i), b(i));
    expect(scan(tree.view(), b(10), b(5))).toEqual([]);
    expect(scan(tree.view(), b(10), b(10), true)).toEqual([]);
    expect(scan(tree.view(), b(10), b(11), true).map(([k]) => k)).toEqual([b(10)]);
  });

  it('rejects shapes it cannot balance', () => {
    expect(() => new BPlusTree({ maxLeaf: 2, maxChildren: 8 })).toThrow(RangeError);
    expect(() => new BPlusTree({ maxLeaf: 8, maxChildren: 3 })).toThrow(RangeError);
    expect(() => new BPlusTree({ maxLeaf: 8.5, maxChildren: 8 })).toThrow(RangeError);
  });
});

describe('leaf arenas', () => {
  it('keeps copies: changing the bytes given to set or returned by get changes nothing', () => {
    const tree = new BPlusTree();
    const key = b(1, 2);
    const value = b(3, 4);
    tree.set(key, value);
    key[0] = 9;
    value[0] = 9;
    tree.get(b(1, 2))![0] = 9;
    expect(tree.get(b(1, 2))).toEqual(b(3, 4));
  });

  it('reclaims replaced and removed bytes, with values of every size crossing INLINE_MAX', () => {
    const shape = { maxLeaf: 8, maxChildren: 4 };
    const tree = new BPlusTree(shape);
    const sizes = [0, 1, 100, INLINE_MAX, INLINE_MAX + 1, 5000];
    for (let round = 0; round < 30; round++) {
      for (let k = 0; k < 40; k++) tree.set(b(k), new Uint8Array(sizes[(k + round) % sizes.length]!).fill(round));
      for (let k = round % 3; k < 40; k += 3) tree.delete(b(k));
      expect(findViolation(tree.view(), shape)).toBeUndefined();
    }
    for (let k = 0; k < 40; k++) {
      const value = tree.get(b(k));
      if (value) expect(value).toEqual(new Uint8Array(sizes[(k + 29) % sizes.length]!).fill(29));
    }
    // Arenas stay bounded: no leaf keeps more than its live bytes plus as much again in garbage.
    const leaves: BNodeLike[] = [];
    const walk = (node: BNodeLike) => (node.children ? node.children.forEach(walk) : leaves.push(node));
    walk(tree.view().root);
    for (const leaf of leaves) expect(leaf.garbage).toBeLessThanOrEqual(Math.max(leaf.used - leaf.garbage, 0) + 2 * (5000 + 16));
  });
});

interface BNodeLike {
  children: BNodeLike[] | null;
  used: number;
  garbage: number;
}
