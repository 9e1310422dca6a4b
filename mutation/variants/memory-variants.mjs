// One-bug variants of the memory adapter (packages/memory/src), as data. Each is a bug an
// adapter author plausibly writes: an off-by-one, a fast path that forgets a rule, an
// optimisation that shares what it must copy. `run-variants.mjs` applies one at a time to a
// scratch checkout and runs the conformance suite against it.
//
// A variant: { id, round, bug (one line), edits: [{ file, find, replace }], equivalent? }.
// `round` is the set it was written in: each round was written before the suite had seen
// it, and cases for its survivors came after (see conformance/README.md). `equivalent`
// explains a variant no engine user can tell from the correct adapter. `find` must occur
// exactly once in `file` (paths from the repository root), so a refactor of the adapter
// makes a stale variant fail loudly instead of silently testing the unchanged code.

const READER = 'packages/memory/src/reader.ts';
const STORE = 'packages/memory/src/store.ts';
const KEYSPACE = 'packages/memory/src/keyspace.ts';
const ENGINE = 'packages/memory/src/engine.ts';
const SNAPSHOT = 'packages/memory/src/snapshot.ts';
const CURSOR = 'packages/memory/src/btree/cursor.ts';
const TREE = 'packages/memory/src/btree/tree.ts';
const LEAF = 'packages/memory/src/btree/leaf.ts';
const PERSISTENCE = 'packages/memory/src/persist/persistence.ts';
const FORMAT = 'packages/memory/src/persist/snapshot-format.ts';
const NODE = 'packages/memory/src/btree/node.ts';

/** The edits that hand a memory snapshot the live store (as `parameter`), for variants whose snapshot reads reach it. */
function snapshotGetsStore(parameter) {
  return [
    { file: ENGINE, find: 'return memorySnapshot(this.#store.views());', replace: 'return memorySnapshot(this.#store.views(), this.#store);' },
    { file: SNAPSHOT, find: "import { EMPTY_VIEW } from './store.js';", replace: "import { EMPTY_VIEW, type Store } from './store.js';" },
    {
      file: SNAPSHOT,
      find: 'export function memorySnapshot(views: Map<string, TreeView>): SnapshotPrimitives {',
      replace: `export function memorySnapshot(views: Map<string, TreeView>, ${parameter}): SnapshotPrimitives {`,
    },
  ];
}

export const variants = [
  {
    id: 'sync-resume-prefix-successor',
    round: 1,
    bug: "iterateSync resumes each 256-entry chunk at the last key's prefix successor, skipping keys that extend that key",
    edits: [
      { file: READER, find: '  retainHiddenClass,\n  toHalfOpen,\n', replace: '  prefixSuccessor,\n  retainHiddenClass,\n  toHalfOpen,\n' },
      { file: READER, find: '    return syncEntries(this.#cursorOver(range), range.limit, owner);', replace: '    return resumingEntries(range, () => this.tree.view(), owner);' },
      {
        file: READER,
        find: '/** Entries as a lazy iterable; fails NOT_OPEN if its engine or snapshot closes mid-way. */',
        replace: `/** Each chunk from a fresh cursor, resuming after the last key returned (no frozen state held between chunks). */
function* resumingEntries(range: NormalizedRange, freeze: () => TreeView, owner: Lifecycle): Generator<Entry, void, undefined> {
  let { start, end } = toHalfOpen(range);
  let remaining = range.limit;
  while (remaining > 0) {
    owner.assertOpen();
    const chunk: Entry[] = [];
    const count = new Cursor(freeze(), start, end, range.reverse).each(Math.min(remaining, SYNC_CHUNK), (leaf, i) => void chunk.push(copyEntryAt(leaf, i)));
    if (count === 0) return;
    remaining -= count;
    const last = chunk[chunk.length - 1]![0];
    if (range.reverse) end = last;
    else {
      start = prefixSuccessor(last);
      if (start === undefined) {
        yield* chunk;
        return;
      }
    }
    yield* chunk;
  }
}

/** Entries as a lazy iterable; fails NOT_OPEN if its engine or snapshot closes mid-way. */`,
      },
    ],
  },
  {
    id: 'sync-lte-as-lt',
    round: 1,
    bug: 'iterateSync takes the upper bound key as exclusive, so lte behaves as lt there (iterate is right)',
    edits: [
      {
        file: READER,
        find: '    return syncEntries(this.#cursorOver(range), range.limit, owner);',
        replace: '    return syncEntries(new Cursor(this.tree.view(), toHalfOpen(range).start, range.upper?.key, range.reverse), range.limit, owner);',
      },
    ],
  },
  {
    id: 'reverse-leaf-step-off-by-one',
    round: 1,
    bug: 'a reverse cursor stepping into the previous leaf starts one entry early, skipping that leaf\'s last key',
    edits: [{ file: CURSOR, find: 'this.#position = direction === 1 ? 0 : entryCount(node) - 1;', replace: 'this.#position = direction === 1 ? 0 : entryCount(node) - 2;' }],
  },
  {
    id: 'reverse-excludes-start',
    round: 1,
    bug: 'a reverse cursor stops at a key equal to its inclusive start, so gte behaves as gt in reverse',
    edits: [
      {
        file: CURSOR,
        find: 'if (this.#start !== undefined && compareKeyAt(leaf, this.#position, this.#start) < 0) {',
        replace: 'if (this.#start !== undefined && compareKeyAt(leaf, this.#position, this.#start) <= 0) {',
      },
    ],
  },
  {
    id: 'cow-copy-shares-arena',
    round: 1,
    bug: "copy-on-write copies a leaf's offsets but shares its byte arena, so a same-size overwrite changes snapshots and iterators",
    edits: [
      {
        file: LEAF,
        find: `  copy.outside = leaf.outside;
  rewrite(copy, leaf.used - leaf.garbage); // new arena and map: nothing shared stays mutable`,
        replace: `  // The arena is shared: new entries are appended past the old end, which the original never reads.
  copy.outside = leaf.outside === null ? null : new Map(leaf.outside);`,
      },
    ],
  },
  {
    id: 'getmany-distinct-positions',
    round: 1,
    bug: 'getMany looks each distinct key up once but returns the values by position in the distinct list, so duplicates shift later values',
    edits: [
      {
        file: READER,
        find: '  open(range: NormalizedRange): ChunkSource {',
        replace: `  getMany(keys: readonly Uint8Array[]): (Uint8Array | undefined)[] {
    // One lookup per distinct key: callers often ask for the same key several times.
    const distinct = new Map<string, Uint8Array>();
    for (const key of keys) distinct.set(Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex'), key);
    const values = [...distinct.values()].map((key) => this.get(key));
    return keys.map((_, i) => values[i]);
  }

  open(range: NormalizedRange): ChunkSource {`,
      },
    ],
  },
  {
    id: 'getmany-utf8-ids',
    round: 1,
    bug: 'getMany memoises lookups by the key decoded as UTF-8, so distinct invalid-UTF-8 keys share one answer',
    edits: [
      {
        file: READER,
        find: '  open(range: NormalizedRange): ChunkSource {',
        replace: `  getMany(keys: readonly Uint8Array[]): (Uint8Array | undefined)[] {
    const found = new Map<string, Uint8Array | undefined>();
    return keys.map((key) => {
      const id = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString();
      if (!found.has(id)) found.set(id, this.get(key));
      const value = found.get(id);
      return value === undefined ? undefined : new Uint8Array(value);
    });
  }

  open(range: NormalizedRange): ChunkSource {`,
      },
    ],
  },
  {
    id: 'small-clear-honours-limit',
    round: 1,
    bug: "a range delete of a small share of the keyspace collects its doomed keys with the range's limit",
    equivalent: "core's template hands clear and delRange a range whose limit is always Infinity (normalizeDeleteRange), so the adapter never sees a limit",
    edits: [
      {
        file: STORE,
        find: 'new Cursor(tree.current(), start, end, false).each(Infinity, (leaf, i) => void doomed.push(keyAt(leaf, i)));',
        replace: 'new Cursor(tree.current(), start, end, false).each(range.limit, (leaf, i) => void doomed.push(keyAt(leaf, i)));',
      },
    ],
  },
  {
    id: 'del-ignores-sync',
    round: 1,
    bug: 'del(key, { sync: true }) resolves without flushing',
    edits: [
      { file: KEYSPACE, find: '    this.#store.del(this.#name, key);\n    if (sync) return this.#settle();', replace: '    this.#store.del(this.#name, key);' },
    ],
  },
  {
    id: 'sync-batch-of-deletes-not-flushed',
    round: 1,
    bug: 'write(ops, { sync: true }) flushes only when the batch puts something',
    edits: [
      {
        file: ENGINE,
        find: '    if (sync) return this.#settle();',
        replace: "    if (sync && ops.some((op) => op.type === 'put')) return this.#settle();",
      },
    ],
  },
  {
    id: 'batch-of-dels-not-counted',
    round: 1,
    bug: 'a batch counts as a change for the next flush only when it puts something, so a batch of dels is never written',
    edits: [
      {
        file: STORE,
        find: `      else this.deleteRange(op.keyspace, op.range);
    }
    this.version++;`,
        replace: `      else this.deleteRange(op.keyspace, op.range);
    }
    // deleteRange counts itself; what is left to count is the puts.
    if (ops.some((op) => op.type === 'put')) this.version++;`,
      },
    ],
  },
  {
    id: 'full-clear-not-counted',
    round: 1,
    bug: 'clearing a whole keyspace returns before counting the change, so a flush or close right after it writes nothing',
    edits: [
      {
        file: STORE,
        find: `    this.version++;
    if (range.lower === undefined && range.upper === undefined) {
      tree.clear();
      return;
    }`,
        replace: `    if (range.lower === undefined && range.upper === undefined) {
      tree.clear();
      return;
    }
    this.version++;`,
      },
    ],
  },
  {
    id: 'load-separators-from-left-leaf',
    round: 1,
    bug: "the tree loaded at open uses each left leaf's last key as separator, so point reads of those keys miss after reopen",
    edits: [
      {
        file: TREE,
        find: `    if (level.length === 0) level.push(BNode.leaf(owner));
    this.#root = buildBranches(level, level.map((leaf) => (entryCount(leaf) > 0 ? keyAt(leaf, 0) : new Uint8Array(0))), owner, this.#maxChildren);`,
        replace: `    if (level.length === 0) level.push(BNode.leaf(owner));
    const firsts = level.map((_, n) => (n === 0 ? new Uint8Array(0) : keyAt(level[n - 1]!, entryCount(level[n - 1]!) - 1)));
    this.#root = buildBranches(level, firsts, owner, this.#maxChildren);`,
      },
    ],
  },
  {
    id: 'batch-puts-before-deletes',
    round: 1,
    bug: 'a batch applies its puts first and its deletes after, so a put after a del of the same key is lost',
    edits: [
      {
        file: STORE,
        find: `    for (const op of ops) {
      if (op.type === 'put') this.tree(op.keyspace).set(op.key, op.value);
      else if (op.type === 'del') this.trees.get(op.keyspace)?.delete(op.key);
      else this.deleteRange(op.keyspace, op.range);
    }`,
        replace: `    // Puts in one pass while the tree paths are warm, then the deletes.
    for (const op of ops) if (op.type === 'put') this.tree(op.keyspace).set(op.key, op.value);
    for (const op of ops) {
      if (op.type === 'del') this.trees.get(op.keyspace)?.delete(op.key);
      else if (op.type === 'delRange') this.deleteRange(op.keyspace, op.range);
    }`,
      },
    ],
  },
  {
    id: 'rebuild-drops-end-key',
    round: 1,
    bug: 'the rebuild path of a large range delete compares the exclusive end with > instead of >=, deleting the end key too',
    edits: [{ file: STORE, find: 'compareKeyAt(leaf, i, end) >= 0);', replace: 'compareKeyAt(leaf, i, end) > 0);' }],
  },
  {
    id: 'open-ended-range-clears-all',
    round: 1,
    bug: 'a range delete with only one bound takes the clear-everything fast path (|| for &&)',
    edits: [
      {
        file: STORE,
        find: 'if (range.lower === undefined && range.upper === undefined) {',
        replace: 'if (range.lower === undefined || range.upper === undefined) {',
      },
    ],
  },
  {
    id: 'empty-tree-view-not-frozen',
    round: 1,
    bug: 'view() skips retagging an empty tree ("nothing to protect"), so a snapshot of an empty keyspace sees later puts',
    edits: [
      {
        file: TREE,
        find: '    if (this.#root.owner === this.#owner) this.#owner = newOwner();',
        replace: '    if (this.#size > 0 && this.#root.owner === this.#owner) this.#owner = newOwner();',
      },
    ],
  },
  {
    id: 'live-iterators-unfrozen',
    round: 1,
    bug: 'live iterators walk the current tree instead of a frozen view, so writes during iteration change nodes under the cursor',
    edits: [
      {
        file: KEYSPACE,
        find: "import type { Store } from './store.js';",
        replace: `import type { Store } from './store.js';
import type { BPlusTree } from './btree/tree.js';
import type { ReadableTree } from './reader.js';

/** Live reads walk the tree as it is: nothing to freeze. */
function unfrozen(tree: BPlusTree): ReadableTree {
  return { get: (key) => tree.get(key), view: () => tree.current() };
}`,
      },
      { file: KEYSPACE, find: '    super(store.tree(name));', replace: '    super(unfrozen(store.tree(name)));' },
    ],
  },
  {
    id: 'snapshot-unseen-keyspace-live',
    round: 1,
    bug: 'a snapshot asked for a keyspace it did not capture reads the live tree as of that first read',
    edits: [
      ...snapshotGetsStore('store?: Store'),
      { file: SNAPSHOT, find: 'views.get(name) ?? EMPTY_VIEW', replace: 'views.get(name) ?? store?.trees.get(name)?.view() ?? EMPTY_VIEW' },
    ],
  },
  {
    id: 'borrow-keeps-stale-separator',
    round: 1,
    bug: "a leaf that borrows its left sibling's last entry on delete does not update the parent separator, so that key is not found by point reads",
    edits: [
      {
        file: TREE,
        find: `            moveEntry(left, entryCount(left) - 1, node, 0);
            parent.keys[i - 1] = keyAt(node, 0);`,
        replace: `            moveEntry(left, entryCount(left) - 1, node, 0);`,
      },
    ],
  },
  {
    id: 'append-fast-path-duplicates',
    round: 1,
    bug: 'the ascending-insert fast path appends when the key is >= the last key, so rewriting the last key stores it twice',
    edits: [
      {
        file: TREE,
        find: 'compareKeyAt(leaf, count - 1, key) < 0 ? ~count : findInLeaf(leaf, key);',
        replace: 'compareKeyAt(leaf, count - 1, key) <= 0 ? ~count : findInLeaf(leaf, key);',
      },
    ],
  },
  {
    id: 'batch-put-needs-known-keyspace',
    round: 1,
    bug: 'a batch put into a keyspace no keyspace() call has created yet is dropped (the del branch pattern, copied)',
    edits: [
      {
        file: STORE,
        find: "      if (op.type === 'put') this.tree(op.keyspace).set(op.key, op.value);",
        replace: "      if (op.type === 'put') this.trees.get(op.keyspace)?.set(op.key, op.value);",
      },
    ],
  },
  {
    id: 'clear-swaps-in-new-tree',
    round: 1,
    bug: 'clearing a whole keyspace puts a fresh tree in the store, but the keyspace handle keeps the old one',
    edits: [{ file: STORE, find: '      tree.clear();\n', replace: '      this.trees.set(name, new BPlusTree()); // the old tree stays with any view of it\n' }],
  },
  {
    id: 'flushes-not-serialised',
    round: 1,
    bug: 'flush() writes at once instead of after the flush in flight, so two flushes write the same temp file together',
    edits: [{ file: PERSISTENCE, find: 'const run = this.#tail.then(() => this.#writeIfChanged());', replace: 'const run = this.#writeIfChanged();' }],
  },
  {
    id: 'flush-marks-later-writes-written',
    round: 1,
    bug: 'a flush records the store version after its file write, so writes made during the write are taken as saved',
    edits: [{ file: PERSISTENCE, find: '    this.#written = version;\n', replace: '    this.#written = this.#store.version;\n' }],
  },
  {
    id: 'iterator-keys-view-the-arena',
    round: 1,
    bug: "iterators return keys as views into the leaf's arena (values are copied), so a caller changing a key changes the store",
    edits: [
      {
        file: LEAF,
        find: '  return copyAdjacent(data, offset + HEADER, keyLength, valueLength);',
        replace: '  return [data.subarray(offset + HEADER, offset + HEADER + keyLength), copyRange(data, offset + HEADER + keyLength, valueLength)];',
      },
    ],
  },
  {
    id: 'large-put-keeps-caller-bytes',
    round: 1,
    bug: 'values over 1 KiB are stored as the array the caller passed (copying large values "costs too much")',
    edits: [{ file: LEAF, find: '  else (leaf.outside ??= new Map()).set(at, privateCopy(value));', replace: '  else (leaf.outside ??= new Map()).set(at, value);' }],
  },
  // Round 2: written after round 1's survivors had their cases, before running any of these.
  {
    id: 'encode-skips-outside-values',
    round: 2,
    bug: 'the snapshot file writer copies each entry\'s arena range but forgets values kept outside the arena (over 1 KiB)',
    edits: [
      {
        file: FORMAT,
        find: `      if (outside !== undefined) {
        out.set(outside, at);
        at += outside.length;
      }`,
        replace: `      if (outside !== undefined) at += outside.length;`,
      },
    ],
  },
  {
    id: 'rebuild-merges-short-leaf-reversed',
    round: 2,
    bug: 'evening out the short last leaf after a large range delete concatenates it before its neighbour, so those keys come out of order',
    edits: [{ file: TREE, find: '      concatInto(merged, previous, last);', replace: '      concatInto(merged, last, previous);' }],
  },
  {
    id: 'snapshot-point-reads-live',
    round: 2,
    bug: "a snapshot's point reads look the key up in the live tree (its iterators read the frozen state)",
    edits: [
      ...snapshotGetsStore('store: Store'),
      {
        file: SNAPSHOT,
        find: '      return new TreeReads(new FrozenTree(views.get(name) ?? EMPTY_VIEW));',
        replace: `      const frozen = new FrozenTree(views.get(name) ?? EMPTY_VIEW);
      return new TreeReads({ get: (key) => store.tree(name).get(key), view: () => frozen.view() });`,
      },
    ],
  },
  {
    id: 'short-values-returned-as-views',
    round: 2,
    bug: 'point reads return values of up to 16 bytes as views into the leaf arena ("a copy costs more than the value")',
    edits: [
      {
        file: LEAF,
        find: `  if (valueLength > INLINE_MAX) return copyOut(leaf.outside!.get(offset)!);
  return copyRange(data, offset + HEADER + readU32(data, offset), valueLength);`,
        replace: `  if (valueLength > INLINE_MAX) return copyOut(leaf.outside!.get(offset)!);
  const start = offset + HEADER + readU32(data, offset);
  if (valueLength <= 16) return data.subarray(start, start + valueLength);
  return copyRange(data, start, valueLength);`,
      },
    ],
  },
  {
    id: 'overwrite-not-counted',
    round: 2,
    bug: 'put counts a change for the next flush only when the key is new, so an overwrite by put followed by close is lost',
    edits: [
      {
        file: STORE,
        find: `    this.tree(name).set(key, value);
    this.version++;`,
        replace: `    if (this.tree(name).set(key, value)) this.version++;`,
      },
    ],
  },
  {
    id: 'clear-empties-shared-root-leaf',
    round: 2,
    bug: 'clearing a keyspace that fits in one leaf empties that leaf in place, even when a snapshot or iterator shares it',
    edits: [
      {
        file: TREE,
        find: `  clear(): void {
    this.#root = BNode.leaf(this.#owner);`,
        replace: `  clear(): void {
    if (this.#root.children === null) {
      // one leaf: empty it where it is instead of allocating a new root
      this.#root.offsets.length = 0;
      this.#root.used = 0;
      this.#root.garbage = 0;
      this.#root.outside = null;
      this.#size = 0;
      return;
    }
    this.#root = BNode.leaf(this.#owner);`,
      },
    ],
  },
  {
    id: 'point-read-inline-boundary',
    round: 2,
    bug: 'point reads look for values of exactly 1024 bytes outside the arena (>= where the writer uses >)',
    edits: [
      {
        file: LEAF,
        find: '  if (valueLength > INLINE_MAX) return copyOut(leaf.outside!.get(offset)!);\n  return copyRange(',
        replace: '  if (valueLength >= INLINE_MAX) return copyOut(leaf.outside!.get(offset)!);\n  return copyRange(',
      },
    ],
  },
  {
    id: 'same-size-overwrite-of-large-value',
    round: 2,
    bug: 'an overwrite with a value of the same size is done in place even for values kept outside the arena',
    edits: [{ file: LEAF, find: '  if (oldLength === value.length && oldLength <= INLINE_MAX) {', replace: '  if (oldLength === value.length) {' }],
  },
  {
    id: 'getmany-in-key-order',
    round: 2,
    bug: 'getMany sorts the keys to read them in one ordered pass and returns the values in that sorted order',
    edits: [
      {
        file: READER,
        find: '  open(range: NormalizedRange): ChunkSource {',
        replace: `  getMany(keys: readonly Uint8Array[]): (Uint8Array | undefined)[] {
    // In key order, each lookup starts where the last one ended: fewer cache misses.
    return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength))).map((key) => this.get(key));
  }

  open(range: NormalizedRange): ChunkSource {`,
      },
    ],
  },
  {
    id: 'compaction-keys-outside-by-old-offset',
    round: 2,
    bug: "a leaf compaction re-files values kept outside the arena under their old arena offsets instead of the new ones",
    edits: [{ file: LEAF, find: '      if (value !== undefined) outside!.set(at, value);', replace: '      if (value !== undefined) outside!.set(from, value);' }],
  },
  {
    id: 'merge-drops-outside-values',
    round: 2,
    bug: "merging two leaves after deletes keeps the merged arena but not the merged map of large values",
    edits: [
      {
        file: LEAF,
        find: `  leaf.offsets = merged.offsets;
  leaf.outside = merged.outside;`,
        replace: `  leaf.offsets = merged.offsets;`,
      },
    ],
  },
  {
    id: 'chunk-reads-whole-leaves',
    round: 2,
    bug: 'an iterator chunk always reads at least a leaf (64 entries), whatever the caller asked for',
    edits: [
      {
        file: READER,
        find: '    this.#cursor.each(max, (leaf, i) => void out.push(copyEntryAt(leaf, i)));',
        replace: '    this.#cursor.each(Math.max(max, 64), (leaf, i) => void out.push(copyEntryAt(leaf, i)));',
      },
    ],
  },
  {
    id: 'load-slices-remainder-off-by-one',
    round: 2,
    bug: 'loading at open spreads the remainder over one slice too many (<= for <), so the last leaf reads past the entries',
    edits: [{ file: TREE, find: '    const to = from + base + (s < extra ? 1 : 0);', replace: '    const to = from + base + (s <= extra ? 1 : 0);' }],
  },
  {
    id: 'leaf-search-skips-too-much',
    round: 2,
    bug: 'the leaf search skips the longer of the two known shared prefixes instead of the shorter, comparing keys from the wrong byte',
    edits: [
      {
        file: LEAF,
        find: `    let i = low < high ? low : high;
    while (i < n && data[base + i] === key[i]) i++;`,
        replace: `    let i = low > high ? low : high;
    while (i < n && data[base + i] === key[i]) i++;`,
      },
    ],
  },
  {
    id: 'shorter-key-sorts-after',
    round: 2,
    bug: 'keys compared in a leaf order a key after the keys it is a prefix of (the length tiebreak is reversed)',
    edits: [
      {
        file: LEAF,
        find: `    if (d !== 0) return d;
  }
  return candidateLength - key.length;`,
        replace: `    if (d !== 0) return d;
  }
  return key.length - candidateLength;`,
      },
    ],
  },
  {
    id: 'flush-swallows-write-errors',
    round: 2,
    bug: 'flush() returns the chained promise that has its errors caught, so a failed snapshot write resolves as if durable',
    edits: [
      {
        file: PERSISTENCE,
        find: `    this.#tail = run.catch(() => undefined);
    return run;`,
        replace: `    this.#tail = run.catch(() => undefined);
    return this.#tail;`,
      },
    ],
  },
  {
    id: 'branch-search-wrong-side',
    round: 2,
    bug: 'the branch search counts keys equal to the search key on the wrong side for point reads of separators (countBelow where countAtMost belongs)',
    edits: [{ file: TREE, find: '  while (node.children !== null) node = node.children[countAtMost(node.keys, key)]!;\n  const i = findInLeaf(node, key);', replace: '  while (node.children !== null) node = node.children[countBelow(node.keys, key)]!;\n  const i = findInLeaf(node, key);' }, { file: TREE, find: "import { BNode, countAtMost, newOwner, resetSearch } from './node.js';", replace: "import { BNode, countAtMost, countBelow, newOwner, resetSearch } from './node.js';" }],
  },
  {
    id: 'batch-into-new-keyspaces-not-counted',
    round: 2,
    bug: 'a batch of puts into keyspaces it creates skips counting the change ("nothing on disk to replace"), so close does not write it',
    edits: [
      {
        file: STORE,
        find: `  /** Applies an already validated batch. Nothing here can fail on valid input. */
  apply(ops: readonly ResolvedWriteOp[]): void {`,
        replace: `  /** Applies an already validated batch. Nothing here can fail on valid input. */
  apply(ops: readonly ResolvedWriteOp[]): void {
    if (ops.every((op) => !this.trees.has(op.keyspace) && op.type === 'put')) {
      for (const op of ops as readonly { keyspace: string; key: Uint8Array; value: Uint8Array }[]) this.tree(op.keyspace).set(op.key, op.value);
      return; // a fresh keyspace: nothing on disk to replace
    }`,
      },
    ],
  },
  {
    id: 'empty-value-reads-missing',
    round: 2,
    bug: 'point reads treat a stored empty value as a missing key (a length check where an undefined check belongs)',
    edits: [
      {
        file: READER,
        find: '    return this.tree.get(key);\n',
        replace: '    const value = this.tree.get(key);\n    return value?.length ? value : undefined;\n',
      },
    ],
  },
  {
    id: 'snapshots-share-one-view-map',
    round: 2,
    bug: 'snapshots taken with no write in between share one map of views, so closing one empties the others',
    edits: [
      {
        file: ENGINE,
        find: `  protected snapshotPrimitives(): SnapshotPrimitives {
    return memorySnapshot(this.#store.views());
  }`,
        replace: `  #views: Map<string, TreeView> | undefined;
  #viewsVersion = -1;

  protected snapshotPrimitives(): SnapshotPrimitives {
    // No write since the last snapshot: its views are still the current state.
    if (this.#views === undefined || this.#viewsVersion !== this.#store.version) {
      this.#views = this.#store.views();
      this.#viewsVersion = this.#store.version;
    }
    return memorySnapshot(this.#views);
  }`,
      },
      { file: ENGINE, find: "import { Store } from './store.js';", replace: "import { Store } from './store.js';\nimport type { TreeView } from './btree/tree.js';" },
    ],
  },
  // Round 3: written after round 2's survivors had their case, before running any of these.
  {
    id: 'write-single-put-shortcut',
    round: 3,
    bug: "write() sends a batch of one put with no options through keyspace(...).put: keyspace() throws synchronously (NOT_OPEN, INVALID_KEYSPACE, a non-array) where write() must reject",
    edits: [
      { file: ENGINE, find: '  type ResolvedWriteOp,\n', replace: '  type ResolvedWriteOp,\n  type WriteOp,\n  type WriteOptions,\n' },
      {
        file: ENGINE,
        find: '  protected writeBatch(ops: ResolvedWriteOp[], sync: boolean): void | Promise<void> {',
        replace: `  /** A single put with no options is most writes: it goes through the keyspace's put, no batch built. */
  override write(ops: readonly WriteOp[], options?: WriteOptions): Promise<void> {
    const only = options === undefined && ops.length === 1 ? ops[0] : undefined;
    if (only?.type === 'put') return this.keyspace(only.keyspace ?? DEFAULT_KEYSPACE).put(only.key, only.value);
    return super.write(ops, options);
  }

  protected writeBatch(ops: ResolvedWriteOp[], sync: boolean): void | Promise<void> {`,
      },
    ],
  },
  {
    id: 'getmany-repeated-key-shares-array',
    round: 3,
    bug: 'getMany reuses the lookup of a key asked for twice in a row, so both positions hold the same array and changing one changes the other',
    edits: [
      { file: READER, find: '  retainHiddenClass,\n  toHalfOpen,\n', replace: '  compareBytes,\n  retainHiddenClass,\n  toHalfOpen,\n' },
      {
        file: READER,
        find: '  open(range: NormalizedRange): ChunkSource {',
        replace: `  getMany(keys: readonly Uint8Array[]): (Uint8Array | undefined)[] {
    // A key asked for again right after itself (retries, joins) reuses the lookup.
    const out = new Array<Uint8Array | undefined>(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = i > 0 && compareBytes(keys[i]!, keys[i - 1]!) === 0 ? out[i - 1] : this.get(keys[i]!);
    return out;
  }

  open(range: NormalizedRange): ChunkSource {`,
      },
    ],
  },
  {
    id: 'cow-branch-shares-separator-list',
    round: 3,
    bug: "copy-on-write copies a branch's child list but shares its separator list, so splits and merges in the live tree change the separators a snapshot or iterator searches",
    edits: [
      {
        file: TREE,
        find: '  return node.children === null ? copyLeaf(node, owner) : BNode.branch(owner, node.keys.slice(), node.children.slice());',
        replace: '  // Separator arrays are never changed once made, so the copy can share them.\n  return node.children === null ? copyLeaf(node, owner) : BNode.branch(owner, node.keys, node.children.slice());',
      },
    ],
  },
  {
    id: 'read-reuses-chunk-array',
    round: 3,
    bug: "an iterator's chunk source refills one array on every read (as iterateSync does), so the array an earlier nextv() returned is emptied and refilled by the next",
    edits: [
      {
        file: READER,
        find: `  read(max: number): Entry[] {
    const out: Entry[] = [];`,
        replace: `  /** One array per iterator, refilled on each read, as iterateSync's chunks are. */
  readonly #out: Entry[] = [];

  read(max: number): Entry[] {
    const out = this.#out;
    out.length = 0;`,
      },
    ],
  },
  {
    id: 'close-unlocks-before-final-write',
    round: 3,
    bug: 'close() releases the directory lock before its final snapshot write, so an open in between gets the lock and loads the state without the last writes',
    edits: [
      {
        file: PERSISTENCE,
        find: `  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.#lock.release();
    }
  }`,
        replace: `  async close(): Promise<void> {
    // The lock goes first, so a final flush that fails cannot leave the directory locked.
    await this.#lock.release();
    await this.flush();
  }`,
      },
    ],
  },
  {
    id: 'ephemeral-flush-skips-checks',
    round: 3,
    bug: 'an ephemeral engine overrides flush() to resolve at once ("nothing to make durable"), skipping the open check, so flush() after close resolves',
    edits: [
      {
        file: ENGINE,
        find: '  protected flushAll(): void | Promise<void> {',
        replace: `  /** An ephemeral engine has nothing to make durable. */
  override flush(): Promise<void> {
    return this.#persistence === undefined ? Promise.resolve() : super.flush();
  }

  protected flushAll(): void | Promise<void> {`,
      },
    ],
  },
  {
    id: 'clear-keeps-size',
    round: 3,
    bug: "the tree's clear() drops the root but not the entry count, so later range deletes, the snapshot file's entry counts and its length are computed from a stale size",
    edits: [
      {
        file: TREE,
        find: `  clear(): void {
    this.#root = BNode.leaf(this.#owner);
    this.#size = 0;
  }`,
        replace: `  clear(): void {
    this.#root = BNode.leaf(this.#owner);
  }`,
      },
    ],
  },
  {
    id: 'load-rejects-max-size-key',
    round: 3,
    bug: 'the snapshot file loader rejects a key of exactly the maximum key size as damaged (>= where > belongs), so such a store fails CORRUPTION on reopen',
    edits: [{ file: FORMAT, find: 'if (keyLength > MAX_KEY_SIZE)', replace: 'if (keyLength >= MAX_KEY_SIZE)' }],
  },
  {
    id: 'small-delrange-deletes-while-walking',
    round: 3,
    bug: 'a range delete of a small share of the keyspace deletes each key as the cursor visits it instead of collecting them first, so the cursor skips keys that shift under it',
    edits: [
      {
        file: STORE,
        find: `    const doomed: Uint8Array[] = [];
    new Cursor(tree.current(), start, end, false).each(Infinity, (leaf, i) => void doomed.push(keyAt(leaf, i)));
    for (const key of doomed) tree.delete(key);`,
        replace: `    // Delete as the cursor finds them: no list of doomed keys to build.
    new Cursor(tree.current(), start, end, false).each(Infinity, (leaf, i) => void tree.delete(keyAt(leaf, i)));`,
      },
    ],
  },
  {
    id: 'batch-coalesces-repeated-keys',
    round: 3,
    bug: "a batch writing one key several times applies only the key's last op, at the place of its first, so a put after a delRange covering the key is deleted by that delRange",
    edits: [
      {
        file: STORE,
        find: `    for (const op of ops) {
      if (op.type === 'put') this.tree(op.keyspace).set(op.key, op.value);
      else if (op.type === 'del') this.trees.get(op.keyspace)?.delete(op.key);
      else this.deleteRange(op.keyspace, op.range);
    }`,
        replace: `    // A key written several times in one batch (retried or merged writes) needs only its last op.
    const idOf = (keyspace: string, key: Uint8Array) => \`\${keyspace}\\0\${Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1')}\`;
    const last = new Map<string, ResolvedWriteOp>();
    for (const op of ops) if (op.type !== 'delRange') last.set(idOf(op.keyspace, op.key), op);
    for (const op of ops) {
      if (op.type === 'delRange') {
        this.deleteRange(op.keyspace, op.range);
        continue;
      }
      const id = idOf(op.keyspace, op.key);
      const final = last.get(id);
      if (final === undefined) continue; // applied already
      last.delete(id);
      if (final.type === 'put') this.tree(final.keyspace).set(final.key, final.value);
      else if (final.type === 'del') this.trees.get(final.keyspace)?.delete(final.key);
    }`,
      },
    ],
  },
  {
    id: 'batch-tree-of-first-keyspace',
    round: 3,
    bug: "a batch looks up the tree of its first op's keyspace once and applies every put and del to it (batches nearly always write one keyspace)",
    edits: [
      {
        file: STORE,
        find: `    for (const op of ops) {
      if (op.type === 'put') this.tree(op.keyspace).set(op.key, op.value);
      else if (op.type === 'del') this.trees.get(op.keyspace)?.delete(op.key);
      else this.deleteRange(op.keyspace, op.range);
    }`,
        replace: `    // Batches nearly always write one keyspace: look its tree up once.
    const tree = this.tree(ops[0]!.keyspace);
    for (const op of ops) {
      if (op.type === 'put') tree.set(op.key, op.value);
      else if (op.type === 'del') tree.delete(op.key);
      else this.deleteRange(op.keyspace, op.range);
    }`,
      },
    ],
  },
  {
    id: 'sync-scan-checks-open-once',
    round: 3,
    bug: 'iterateSync checks that its engine or snapshot is open once, before the first chunk, so a scan paused mid-way keeps reading its frozen state after close',
    edits: [
      {
        file: READER,
        find: `  while (remaining > 0) {
    owner.assertOpen();
    chunk.length = 0;`,
        replace: `  owner.assertOpen(); // once: the frozen state stays readable whatever happens to the engine
  while (remaining > 0) {
    chunk.length = 0;`,
      },
    ],
  },
  {
    id: 'sync-scan-leaves-limit-to-template',
    round: 3,
    bug: 'iterateSync scans the whole range, taking the limit to be applied by the template as it is for iterate() (scanSync must honour it itself)',
    edits: [
      {
        file: READER,
        find: '    return syncEntries(this.#cursorOver(range), range.limit, owner);',
        replace: '    // The iterator applies the limit (as for open()); the scan reads the whole range.\n    return syncEntries(this.#cursorOver(range), Infinity, owner);',
      },
    ],
  },
  {
    id: 'arena-grows-by-doubling-only',
    round: 3,
    bug: "a leaf arena that is full grows to twice its size, without checking that the new entry fits, so an entry larger than the grown arena fails to write",
    edits: [
      {
        file: LEAF,
        find: '  const grown = new Uint8Array(Math.max(MIN_ARENA, leaf.data.length * 2, leaf.used + size));',
        replace: '  const grown = new Uint8Array(Math.max(MIN_ARENA, leaf.data.length * 2));',
      },
    ],
  },
  {
    id: 'open-prefers-leftover-temp-file',
    round: 3,
    bug: 'open loads a temp file left by an interrupted flush in preference to the snapshot file ("it is newer"), though a kill mid-write leaves it cut short',
    edits: [
      {
        file: PERSISTENCE,
        find: `        await removeFile(fileSystem, tempPathOf(file));
        bytes = await readWholeFile(fileSystem, file);`,
        replace: `        // A temp file left behind is the newer state: a flush got that far before the process stopped.
        bytes = (await readWholeFile(fileSystem, tempPathOf(file))) ?? (await readWholeFile(fileSystem, file));
        await removeFile(fileSystem, tempPathOf(file));`,
      },
    ],
  },
  {
    id: 'flush-joins-flush-in-flight',
    round: 3,
    bug: 'a flush asked for while one is writing returns that one, so writes made after its state was taken resolve as flushed without being written',
    edits: [
      {
        file: PERSISTENCE,
        find: `  flush(): Promise<void> {
    const run = this.#tail.then(() => this.#writeIfChanged());
    this.#tail = run.catch(() => undefined);
    return run;
  }`,
        replace: `  #inFlight: Promise<void> | undefined;

  flush(): Promise<void> {
    // Flushes asked for while one runs join it: one file write serves them all.
    if (this.#inFlight !== undefined) return this.#inFlight;
    const run = this.#tail.then(() => this.#writeIfChanged()).finally(() => {
      this.#inFlight = undefined;
    });
    this.#inFlight = run;
    this.#tail = run.catch(() => undefined);
    return run;
  }`,
      },
    ],
  },
  {
    id: 'load-forgets-size',
    round: 3,
    bug: "loading a keyspace at open builds its tree but leaves its entry count at 0, so range deletes after reopen see an empty tree and the next snapshot file is written with wrong counts",
    edits: [
      {
        file: TREE,
        find: `    this.#root = buildBranches(level, level.map((leaf) => (entryCount(leaf) > 0 ? keyAt(leaf, 0) : new Uint8Array(0))), owner, this.#maxChildren);
    this.#size = offsets.length;`,
        replace: `    this.#root = buildBranches(level, level.map((leaf) => (entryCount(leaf) > 0 ? keyAt(leaf, 0) : new Uint8Array(0))), owner, this.#maxChildren);`,
      },
    ],
  },
  {
    id: 'reverse-never-steps-into-first-child',
    round: 3,
    bug: "a cursor moving to the previous leaf only steps to a sibling index above 0 (> where >= belongs), so reverse scans of more than one leaf stop before the first leaf of each subtree",
    edits: [{ file: CURSOR, find: '      if (next >= 0 && next < this.#branches[depth]!.children!.length) break;', replace: '      if (next > 0 && next < this.#branches[depth]!.children!.length) break;' }],
  },
  {
    id: 'view-cache-keyed-by-size',
    round: 3,
    bug: 'view() hands out its last view again when the entry count has not changed since, so a snapshot or iterator taken after same-count changes (overwrites, a delete plus a put) reads the old state',
    edits: [
      {
        file: TREE,
        find: `  view(): TreeView {
    // A root we do not own means nothing reachable is owned (copies are made top-down),
    // so the state is already frozen and retagging again would only cost extra copies.
    if (this.#root.owner === this.#owner) this.#owner = newOwner();
    return { root: this.#root, size: this.#size };
  }`,
        replace: `  #lastView: TreeView | undefined;

  view(): TreeView {
    // Nothing added or removed since the last view: hand that one out again.
    if (this.#lastView !== undefined && this.#lastView.size === this.#size) return this.#lastView;
    if (this.#root.owner === this.#owner) this.#owner = newOwner();
    return (this.#lastView = { root: this.#root, size: this.#size });
  }`,
      },
    ],
  },
  {
    id: 'keyspace-cache-before-open-check',
    round: 3,
    bug: 'keyspace(name) returns a handle it made before from its own cache ahead of the template, so keyspace() after close returns a handle instead of failing NOT_OPEN',
    edits: [
      { file: ENGINE, find: '  type KeyspacePrimitives,\n', replace: '  type Keyspace,\n  type KeyspacePrimitives,\n' },
      {
        file: ENGINE,
        find: '  protected keyspacePrimitives(name: string): KeyspacePrimitives {',
        replace: `  readonly #handles = new Map<string, Keyspace>();

  /** The hot path: a keyspace asked for before comes from this map, without the template's checks. */
  override keyspace(name: string): Keyspace {
    let handle = this.#handles.get(name);
    if (handle === undefined) {
      handle = super.keyspace(name);
      this.#handles.set(name, handle);
    }
    return handle;
  }

  protected keyspacePrimitives(name: string): KeyspacePrimitives {`,
      },
    ],
  },
  // Round 4: written from the adapter's source and the engine contract after round 3's cases
  // landed, before any of these was run against the suite.
  {
    id: 'borrow-mutates-shared-sibling',
    round: 4,
    bug: 'a node that borrows an entry (or a child) from a sibling changes that sibling in place even when a snapshot or iterator shares it: only the nodes on the write path are copied',
    edits: [
      {
        file: TREE,
        find: '          if (left.owner !== owner) siblings[i - 1] = left = copyNode(left, owner);\n',
        replace: '          // The sibling only loses its last entry: no copy needed.\n',
      },
      {
        file: TREE,
        find: '          if (right.owner !== owner) siblings[i + 1] = right = copyNode(right, owner);\n',
        replace: '          // The sibling only loses its first entry: no copy needed.\n',
      },
    ],
  },
  {
    id: 'branch-split-keeps-separator-in-right',
    round: 4,
    bug: "a branch split keeps the separator it moves up as the right half's first separator too (as a leaf split keeps its first key), so the right branch has as many separators as children and routes searches one child too far",
    edits: [
      {
        file: TREE,
        find: `        right = BNode.branch(owner, node.keys.splice(mid + 1), node.children.splice(mid + 1));
        node.keys.pop(); // the separator moves up`,
        replace: `        // The right half starts at the separator, as a split leaf starts at its first key.
        right = BNode.branch(owner, node.keys.splice(mid), node.children.splice(mid + 1));`,
      },
    ],
  },
  {
    id: 'merge-right-drops-wrong-separator',
    round: 4,
    bug: 'merging a leftmost child with its right sibling removes the separator after that sibling (index i + 1, as for the child list) instead of the one between them, so keys of the merged sibling are searched for in the next child',
    edits: [
      {
        file: TREE,
        find: `        parent.keys.splice(i, 1);
        siblings.splice(i + 1, 1);`,
        replace: `        parent.keys.splice(i + 1, 1);
        siblings.splice(i + 1, 1);`,
      },
    ],
  },
  {
    id: 'cursor-search-not-reset',
    round: 4,
    bug: "a new cursor searches from the root without resetting the shared prefix bounds, so it skips the bytes the previous search's key shared with its neighbours and can start a range at the wrong key",
    edits: [
      {
        file: CURSOR,
        find: `    let node = view.root;
    resetSearch();
    while (node.children !== null) {`,
        replace: `    let node = view.root;
    while (node.children !== null) {`,
      },
    ],
  },
  {
    id: 'cow-copy-shares-outside-map',
    round: 4,
    bug: "copy-on-write copies a leaf's arena and offsets but shares its map of out-of-line values (\"those values are never changed, only replaced\"), so replacing or deleting a large value in the live tree changes what snapshots and iterators read",
    edits: [
      {
        file: LEAF,
        find: `  copy.outside = leaf.outside;
  rewrite(copy, leaf.used - leaf.garbage); // new arena and map: nothing shared stays mutable`,
        replace: `  copy.outside = leaf.outside;
  if (leaf.outside !== null) {
    // Out-of-line values are never changed, only replaced: both versions can share the map of
    // them. A compaction would renumber the offsets it is keyed by, so copy the arena as it is.
    copy.data = leaf.data.slice();
    return copy;
  }
  rewrite(copy, leaf.used - leaf.garbage); // new arena and map: nothing shared stays mutable`,
      },
    ],
  },
  {
    id: 'iterator-large-values-shared',
    round: 4,
    bug: 'iterators hand out values kept outside the arena (over 1 KiB) as the stored arrays themselves ("never changed, only replaced"), so a caller changing a returned value changes the store and every snapshot',
    edits: [
      {
        file: LEAF,
        find: '  if (valueLength > INLINE_MAX) return [copyRange(data, offset + HEADER, keyLength), copyOut(leaf.outside!.get(offset)!)];',
        replace:
          '  // Stored out-of-line values are never changed, only replaced: hand them out without a copy.\n  if (valueLength > INLINE_MAX) return [copyRange(data, offset + HEADER, keyLength), leaf.outside!.get(offset)!];',
      },
    ],
  },
  {
    id: 'sync-reverse-limit-takes-lowest',
    round: 4,
    bug: 'iterateSync with reverse and a limit of at most one chunk reads that many entries forward and reverses them, returning the lowest keys of the range instead of the highest',
    edits: [
      {
        file: READER,
        find: `  scanSync(range: NormalizedRange, owner: Lifecycle): Iterable<Entry> {
    return syncEntries(this.#cursorOver(range), range.limit, owner);
  }`,
        replace: `  scanSync(range: NormalizedRange, owner: Lifecycle): Iterable<Entry> {
    // A short reverse scan fits in one chunk: read it in key order and reverse the chunk.
    if (range.reverse && range.limit <= SYNC_CHUNK) {
      return [...syncEntries(this.#cursorOver({ ...range, reverse: false }), range.limit, owner)].reverse();
    }
    return syncEntries(this.#cursorOver(range), range.limit, owner);
  }`,
      },
    ],
  },
  {
    id: 'reverse-start-includes-end-key',
    round: 4,
    bug: 'a reverse cursor starts at the last key at or before its exclusive end, so a reverse scan with lt (or a prefix whose successor is stored) includes the end key when it is stored in the leaf',
    edits: [
      { file: CURSOR, find: "import { compareKeyAt, countBelowInLeaf, entryCount } from './leaf.js';", replace: "import { compareKeyAt, countBelowInLeaf, entryCount, findInLeaf } from './leaf.js';" },
      {
        file: CURSOR,
        find: '    if (reverse) this.#position = (end === undefined ? entryCount(node) : countBelowInLeaf(node, end)) - 1;',
        replace: `    if (reverse) {
      // Start at the last key at or before the end.
      const at = end === undefined ? entryCount(node) - 1 : findInLeaf(node, end);
      this.#position = at >= 0 ? at : ~at - 1;
    }`,
      },
    ],
  },
  {
    id: 'bound-copy-slice-length-as-end',
    round: 4,
    bug: "iterators copy their range bounds with bound.buffer.slice(byteOffset, byteLength) (a length where slice takes an end), so a bound that is a Buffer or an offset subarray becomes the wrong bytes",
    edits: [
      {
        file: READER,
        find: `  #cursorOver(range: NormalizedRange): Cursor {
    const { start, end } = toHalfOpen(range);
    return new Cursor(this.tree.view(), start, end, range.reverse);
  }`,
        replace: `  #cursorOver(range: NormalizedRange): Cursor {
    const { start, end } = toHalfOpen(range);
    return new Cursor(this.tree.view(), ownBound(start), ownBound(end), range.reverse);
  }`,
      },
      {
        file: READER,
        find: '/** Entries as a lazy iterable; fails NOT_OPEN if its engine or snapshot closes mid-way. */',
        replace: `/** A cursor keeps its bounds while its iterator lives: a copy, so a caller reusing its buffers cannot move them. */
function ownBound(bound: Uint8Array | undefined): Uint8Array | undefined {
  return bound === undefined ? undefined : new Uint8Array(bound.buffer.slice(bound.byteOffset, bound.byteLength));
}

/** Entries as a lazy iterable; fails NOT_OPEN if its engine or snapshot closes mid-way. */`,
      },
    ],
  },
  {
    id: 'snapshot-freezes-on-first-read',
    round: 4,
    bug: 'a snapshot freezes each keyspace when it is first read through the snapshot rather than when the snapshot is taken ("freezing costs later path copies"), so writes made in between are visible in it',
    edits: [
      { file: ENGINE, find: 'return memorySnapshot(this.#store.views());', replace: 'return memorySnapshot(this.#store);' },
      { file: SNAPSHOT, find: "import { EMPTY_VIEW } from './store.js';", replace: "import { EMPTY_VIEW, type Store } from './store.js';" },
      {
        file: SNAPSHOT,
        find: `export function memorySnapshot(views: Map<string, TreeView>): SnapshotPrimitives {
  return {
    view(name) {
      // A keyspace that did not exist when the snapshot was taken reads as empty.
      return new TreeReads(new FrozenTree(views.get(name) ?? EMPTY_VIEW));
    },`,
        replace: `export function memorySnapshot(store: Store): SnapshotPrimitives {
  // Freezing a keyspace makes its next writes copy nodes: freeze only the keyspaces this
  // snapshot reads, when it first reads them.
  const views = new Map<string, TreeView>();
  const frozen = (name: string): TreeView => {
    let state = views.get(name);
    if (state === undefined) {
      state = store.trees.get(name)?.view() ?? EMPTY_VIEW;
      views.set(name, state);
    }
    return state;
  };
  return {
    view(name) {
      return new TreeReads(new FrozenTree(frozen(name)));
    },`,
      },
    ],
  },
  {
    id: 'getmany-leaf-cache-lower-bound-only',
    round: 4,
    bug: "getMany searches the leaf of the previous key first when the next key is not below that leaf's first key, forgetting the upper bound, so keys past that leaf (sorted batches of more than a leaf) read as missing",
    edits: [
      { file: READER, find: "import { copyEntryAt } from './btree/leaf.js';", replace: "import { compareKeyAt, copyEntryAt, copyValueAt, entryCount, findInLeaf } from './btree/leaf.js';" },
      { file: READER, find: "import type { BNode } from './btree/node.js';", replace: "import { type BNode, countAtMost, resetSearch } from './btree/node.js';" },
      {
        file: READER,
        find: '  open(range: NormalizedRange): ChunkSource {',
        replace: `  getMany(keys: readonly Uint8Array[]): (Uint8Array | undefined)[] {
    // Keys asked for together are mostly neighbours: look in the previous key's leaf before descending again.
    const root = this.tree.view().root;
    const out = new Array<Uint8Array | undefined>(keys.length);
    let leaf: BNode | undefined;
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      resetSearch();
      if (leaf === undefined || entryCount(leaf) === 0 || compareKeyAt(leaf, 0, key) > 0) {
        leaf = root;
        while (leaf.children !== null) leaf = leaf.children[countAtMost(leaf.keys, key)]!;
      }
      const i = findInLeaf(leaf, key);
      out[k] = i >= 0 ? copyValueAt(leaf, i) : undefined;
    }
    return out;
  }

  open(range: NormalizedRange): ChunkSource {`,
      },
    ],
  },
  {
    id: 'last-read-cache-survives-range-delete',
    round: 4,
    bug: "each tree keeps its last point read (key and a copy of the value) for repeated reads of a hot key, dropped by set() and delete() but not by clear(), a range delete's rebuild or load(), so a key read, then range-deleted, still reads its old value",
    edits: [
      { file: TREE, find: "import { compareBytes } from '@tidekv/core';", replace: "import { compareBytes, copyOut } from '@tidekv/core';" },
      {
        file: TREE,
        find: `  get(key: Uint8Array): Uint8Array | undefined {
    return lookup(this.#root, key);
  }`,
        replace: `  get(key: Uint8Array): Uint8Array | undefined {
    // A key read again and again (a counter, a config entry) skips the descent.
    if (this.#lastKey !== undefined && compareBytes(this.#lastKey, key) === 0) return this.#lastValue && copyOut(this.#lastValue);
    const value = lookup(this.#root, key);
    this.#lastKey = new Uint8Array(key);
    this.#lastValue = value && new Uint8Array(value);
    return value;
  }

  /** The last point read, dropped by every write to its key. */
  #lastKey: Uint8Array | undefined;
  #lastValue: Uint8Array | undefined;`,
      },
      {
        file: TREE,
        find: `  set(key: Uint8Array, value: Uint8Array): boolean {
    const leaf = this.#ownedPathTo(key, this.#appending);`,
        replace: `  set(key: Uint8Array, value: Uint8Array): boolean {
    this.#lastKey = undefined;
    const leaf = this.#ownedPathTo(key, this.#appending);`,
      },
      {
        file: TREE,
        find: `    if (findInLeaf(probe, key) < 0) return false;
`,
        replace: `    if (findInLeaf(probe, key) < 0) return false;
    this.#lastKey = undefined;
`,
      },
    ],
  },
  {
    id: 'delrange-covers-all-off-by-one',
    round: 4,
    bug: 'a range delete around every key takes the O(1) clear, but the check takes the last key as covered when it equals the exclusive end (<= where < belongs), so lt the greatest key (or a prefix whose successor is the greatest key) deletes that key too',
    edits: [
      { file: STORE, find: "import { type NormalizedRange, type ResolvedWriteOp, toHalfOpen } from '@tidekv/core';", replace: "import { compareBytes, type NormalizedRange, type ResolvedWriteOp, toHalfOpen } from '@tidekv/core';" },
      {
        file: STORE,
        find: `    const { start, end } = toHalfOpen(range);
    // Reading the unfrozen state is safe here: each pass ends before anything is deleted.`,
        replace: `    const { start, end } = toHalfOpen(range);
    // A range around every key is a whole clear: O(1) instead of a rebuild.
    let first: Uint8Array | undefined;
    let last: Uint8Array | undefined;
    new Cursor(tree.current(), undefined, undefined, false).each(1, (leaf, i) => void (first = keyAt(leaf, i)));
    new Cursor(tree.current(), undefined, undefined, true).each(1, (leaf, i) => void (last = keyAt(leaf, i)));
    if ((start === undefined || compareBytes(start, first!) <= 0) && (end === undefined || compareBytes(last!, end) <= 0)) {
      tree.clear();
      return;
    }
    // Reading the unfrozen state is safe here: each pass ends before anything is deleted.`,
      },
    ],
  },
  {
    id: 'batch-range-deletes-first',
    round: 4,
    bug: "a batch applies its range deletes first and then its puts and dels (\"the puts then land in a smaller tree\"), so a key put earlier in the batch survives a later delRange that covers it",
    edits: [
      {
        file: STORE,
        find: `    for (const op of ops) {
      if (op.type === 'put') this.tree(op.keyspace).set(op.key, op.value);
      else if (op.type === 'del') this.trees.get(op.keyspace)?.delete(op.key);
      else this.deleteRange(op.keyspace, op.range);
    }`,
        replace: `    // Range deletes first: the puts and dels after them then work on a smaller tree.
    for (const op of ops) if (op.type === 'delRange') this.deleteRange(op.keyspace, op.range);
    for (const op of ops) {
      if (op.type === 'put') this.tree(op.keyspace).set(op.key, op.value);
      else if (op.type === 'del') this.trees.get(op.keyspace)?.delete(op.key);
    }`,
      },
    ],
  },
  {
    id: 'large-batch-applied-in-slices',
    round: 4,
    bug: 'a batch of more than 1024 ops is applied in slices of 1024 with a setImmediate between them (to keep the event loop responsive), so reads, snapshots and flushes in between see part of the batch',
    edits: [
      {
        file: ENGINE,
        find: `  protected writeBatch(ops: ResolvedWriteOp[], sync: boolean): void | Promise<void> {
    this.#store.apply(ops);
    if (sync) return this.#settle();
  }`,
        replace: `  protected writeBatch(ops: ResolvedWriteOp[], sync: boolean): void | Promise<void> {
    if (ops.length > BATCH_SLICE) return this.#applyInSlices(ops, sync);
    this.#store.apply(ops);
    if (sync) return this.#settle();
  }

  /** A huge batch applied in one go blocks the event loop: apply it a slice at a time. */
  async #applyInSlices(ops: ResolvedWriteOp[], sync: boolean): Promise<void> {
    for (let from = 0; from < ops.length; from += BATCH_SLICE) {
      this.#store.apply(ops.slice(from, from + BATCH_SLICE));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (sync) await this.#settle();
  }`,
      },
      { file: ENGINE, find: "import { Store } from './store.js';", replace: "import { Store } from './store.js';\n\nconst BATCH_SLICE = 1024;" },
    ],
  },
  {
    id: 'keyspace-handle-replaces-tree',
    round: 4,
    bug: "a keyspace's primitives create a fresh tree for it (\"keyspace() is called once per name\"), replacing the tree that loading the snapshot file or an earlier batch into that keyspace made",
    edits: [
      {
        file: KEYSPACE,
        find: "import type { Store } from './store.js';",
        replace: `import type { Store } from './store.js';
import { BPlusTree } from './btree/tree.js';

/** A new keyspace's tree: keyspace() is called once per name. */
function newTree(store: Store, name: string): BPlusTree {
  const tree = new BPlusTree();
  store.trees.set(name, tree);
  return tree;
}`,
      },
      { file: KEYSPACE, find: '    super(store.tree(name));', replace: '    super(newTree(store, name));' },
    ],
  },
  {
    id: 'release-not-awaited',
    round: 4,
    bug: 'close() starts the final snapshot write and lock release without waiting for them ("close should not wait on the disk"), so an open right after close finds the location locked or loads the state without the last writes',
    edits: [
      {
        file: ENGINE,
        find: `  protected release(): void | Promise<void> {
    return this.#persistence?.close();
  }`,
        replace: `  protected release(): void | Promise<void> {
    // The final write finishes in the background: close() need not wait on the disk.
    this.#persistence?.close().catch(() => undefined);
  }`,
      },
    ],
  },
  {
    id: 'close-after-failure-keeps-lock',
    round: 4,
    bug: 'close() of an engine whose write or flush failed skips the persistence close ("leave the directory exactly as it is"), so the lock is never released and the location cannot be reopened in this process',
    edits: [
      {
        file: ENGINE,
        find: `  protected release(): void | Promise<void> {
    return this.#persistence?.close();
  }`,
        replace: `  protected release(): void | Promise<void> {
    // After a failed write the file on disk is the last good state: touch nothing more.
    if (this.writesFailed) return;
    return this.#persistence?.close();
  }`,
      },
    ],
  },
  {
    id: 'snapshot-file-counts-empty-keyspaces',
    round: 4,
    bug: 'the snapshot file header counts every keyspace (views.size) though empty keyspaces are left out of the payload, so a store with an empty keyspace writes a file that fails CORRUPTION on reopen',
    edits: [{ file: FORMAT, find: '  out.writeUInt32LE(present.length, 12);', replace: '  out.writeUInt32LE(views.size, 12);' }],
  },
  {
    id: 'empty-snapshot-file-loads-empty',
    round: 4,
    bug: 'open takes a zero-length snapshot file for a new store ("what a crash right after creating it leaves") instead of damage, so a snapshot file truncated to nothing opens silently as an empty store',
    edits: [
      {
        file: PERSISTENCE,
        find: '      if (bytes !== undefined) {',
        replace: '      // An empty file is what a crash right after creating it leaves: a new store.\n      if (bytes !== undefined && bytes.length > 0) {',
      },
    ],
  },
  {
    id: 'flush-writes-in-place',
    round: 4,
    bug: 'a flush writes and syncs the snapshot file in place (no temp file and rename), so a kill or a full disk in the middle of a flush leaves a cut-short file that fails CORRUPTION on reopen, losing every flushed write',
    edits: [
      { file: PERSISTENCE, find: '  tempPathOf,\n} from', replace: '  tempPathOf,\n  writeFully,\n} from' },
      {
        file: PERSISTENCE,
        find: '      await replaceFile(this.#fs, this.dir, SNAPSHOT_FILE, bytes);',
        replace: `      // One file written whole and synced: no temp file and rename to pay for.
      const fd = await this.#fs.open(join(this.dir, SNAPSHOT_FILE), 'w');
      try {
        await writeFully(this.#fs, fd, bytes, 0, bytes.length, 0);
        await this.#fs.datasync(fd);
      } finally {
        await this.#fs.close(fd);
      }`,
      },
    ],
  },
  {
    id: 'failed-open-keeps-lock',
    round: 4,
    bug: 'an open that fails after taking the lock (a damaged snapshot file) does not release it, so every later open of that location in the process fails LOCKED instead of reporting the damage',
    edits: [
      {
        file: PERSISTENCE,
        find: `    } catch (error) {
      await lock.release().catch(() => undefined);
      throw ioError('opening', error, dir);
    }`,
        replace: `    } catch (error) {
      throw ioError('opening', error, dir);
    }`,
      },
    ],
  },
  {
    id: 'branch-borrow-separators-swapped',
    round: 4,
    bug: "a branch that borrows its left sibling's last child moves the sibling's last separator up before moving the parent's separator down, so the borrowing branch gets the new separator instead of the old one and misroutes the borrowed child's keys",
    edits: [
      {
        file: TREE,
        find: `            node.keys.unshift(parent.keys[i - 1]!);
            node.children!.unshift(left.children!.pop()!);
            parent.keys[i - 1] = left.keys.pop()!;`,
        replace: `            parent.keys[i - 1] = left.keys.pop()!;
            node.keys.unshift(parent.keys[i - 1]!);
            node.children!.unshift(left.children!.pop()!);`,
      },
    ],
  },
  {
    id: 'clear-sync-not-awaited',
    round: 4,
    bug: 'clear(range, { sync: true }) starts the flush but resolves without waiting for it, so an acknowledged synced range delete can be undone by a crash',
    edits: [
      {
        file: KEYSPACE,
        find: `    this.#store.deleteRange(this.#name, range);
    if (sync) return this.#settle();`,
        replace: `    this.#store.deleteRange(this.#name, range);
    // A range delete can be large: start the flush and let it finish in the background.
    if (sync) void Promise.resolve(this.#settle()).catch(() => undefined);`,
      },
    ],
  },
  {
    id: 'forward-start-past-leaf-ends-scan',
    round: 4,
    bug: "a forward cursor whose start lies after every key of the leaf the descent chose marks itself done (\"nothing at or after start\"), though the next leaf holds keys in range (e.g. gt the last key of a leaf)",
    edits: [
      {
        file: CURSOR,
        find: '    else this.#position = start === undefined ? 0 : countBelowInLeaf(node, start);',
        replace: `    else {
      this.#position = start === undefined ? 0 : countBelowInLeaf(node, start);
      // The descent chose the leaf that holds start: past its last key there is nothing in range.
      if (this.#position >= entryCount(node)) this.#done = true;
    }`,
      },
    ],
  },
  {
    id: 'split-drops-moved-outside-values',
    round: 4,
    bug: 'a leaf split drops the out-of-line values of the entries it moves before copying them to the new right leaf, so large values in the right half of a split are lost',
    edits: [
      {
        file: LEAF,
        find: `  appendEntries(right, leaf, mid, leaf.offsets.length);
  for (let i = mid; i < leaf.offsets.length; i++) {
    const offset = leaf.offsets[i]!;
    leaf.garbage += arenaSize(leaf.data, offset);
    leaf.outside?.delete(offset);
  }`,
        replace: `  for (let i = mid; i < leaf.offsets.length; i++) {
    const offset = leaf.offsets[i]!;
    leaf.garbage += arenaSize(leaf.data, offset);
    leaf.outside?.delete(offset);
  }
  appendEntries(right, leaf, mid, leaf.offsets.length);`,
      },
    ],
  },
];
