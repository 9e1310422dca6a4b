// One-bug variants of the memory adapter (packages/memory/src), as data. Each is a bug an
// adapter author plausibly writes: an off-by-one, a fast path that forgets a rule, an
// optimisation that shares what it must copy. `run-variants.mjs` applies one at a time to a
// scratch checkout and runs the conformance suite against it.
//
// A variant: { id, bug (one line), edits: [{ file, find, replace }] }. `find` must occur
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

export const variants = [
  {
    id: 'sync-resume-prefix-successor',
    bug: "iterateSync resumes each 256-entry chunk at the last key's prefix successor, skipping keys that extend that key",
    edits: [
      {
        file: READER,
        find: "import { toHalfOpen, type Entry",
        replace: "import { prefixSuccessor, toHalfOpen, type Entry",
      },
      {
        file: READER,
        find: '    scanSync: (range, owner) => syncEntries(cursorOver(range), range.limit, owner),',
        replace: `    scanSync: (range, owner) => resumingEntries(range, freeze, owner),`,
      },
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
    bug: 'iterateSync takes the upper bound key as exclusive, so lte behaves as lt there (iterate is right)',
    edits: [
      {
        file: READER,
        find: '    scanSync: (range, owner) => syncEntries(cursorOver(range), range.limit, owner),',
        replace: `    scanSync: (range, owner) =>
      syncEntries(new Cursor(freeze(), toHalfOpen(range).start, range.upper?.key, range.reverse), range.limit, owner),`,
      },
    ],
  },
  {
    id: 'reverse-leaf-step-off-by-one',
    bug: 'a reverse cursor stepping into the previous leaf starts one entry early, skipping that leaf\'s last key',
    edits: [{ file: CURSOR, find: 'this.#position = direction === 1 ? 0 : entryCount(node) - 1;', replace: 'this.#position = direction === 1 ? 0 : entryCount(node) - 2;' }],
  },
  {
    id: 'reverse-excludes-start',
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
    bug: 'getMany looks each distinct key up once but returns the values by position in the distinct list, so duplicates shift later values',
    edits: [
      {
        file: READER,
        find: '    get: lookup,\n',
        replace: `    get: lookup,
    getMany(keys) {
      // One lookup per distinct key: callers often ask for the same key several times.
      const distinct = new Map<string, Uint8Array>();
      for (const key of keys) distinct.set(Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex'), key);
      const values = [...distinct.values()].map(lookup);
      return keys.map((_, i) => values[i]);
    },
`,
      },
    ],
  },
  {
    id: 'getmany-utf8-ids',
    bug: 'getMany memoises lookups by the key decoded as UTF-8, so distinct invalid-UTF-8 keys share one answer',
    edits: [
      {
        file: READER,
        find: '    get: lookup,\n',
        replace: `    get: lookup,
    getMany(keys) {
      const found = new Map<string, Uint8Array | undefined>();
      return keys.map((key) => {
        const id = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString();
        if (!found.has(id)) found.set(id, lookup(key));
        const value = found.get(id);
        return value === undefined ? undefined : new Uint8Array(value);
      });
    },
`,
      },
    ],
  },
  {
    id: 'small-clear-honours-limit',
    bug: "a range delete of a small share of the keyspace collects its doomed keys with the range's limit",
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
    bug: 'del(key, { sync: true }) resolves without flushing',
    edits: [
      {
        file: KEYSPACE,
        find: `      store.del(name, key);
      if (sync) return settle();`,
        replace: `      store.del(name, key);`,
      },
    ],
  },
  {
    id: 'sync-batch-of-deletes-not-flushed',
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
    bug: 'the rebuild path of a large range delete compares the exclusive end with > instead of >=, deleting the end key too',
    edits: [{ file: STORE, find: 'compareKeyAt(leaf, i, end) >= 0);', replace: 'compareKeyAt(leaf, i, end) > 0);' }],
  },
  {
    id: 'open-ended-range-clears-all',
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
    bug: 'live iterators walk the current tree instead of a frozen view, so writes during iteration change nodes under the cursor',
    edits: [{ file: KEYSPACE, find: '      () => tree.view(),', replace: '      () => tree.current(),' }],
  },
  {
    id: 'snapshot-unseen-keyspace-live',
    bug: 'a snapshot asked for a keyspace it did not capture reads the live tree as of that first read',
    edits: [
      { file: ENGINE, find: 'return memorySnapshot(this.#store.views());', replace: 'return memorySnapshot(this.#store.views(), this.#store);' },
      { file: SNAPSHOT, find: "import { EMPTY_VIEW } from './store.js';", replace: "import { EMPTY_VIEW, type Store } from './store.js';" },
      {
        file: SNAPSHOT,
        find: 'export function memorySnapshot(views: Map<string, TreeView>): SnapshotPrimitives {',
        replace: 'export function memorySnapshot(views: Map<string, TreeView>, store?: Store): SnapshotPrimitives {',
      },
      { file: SNAPSHOT, find: 'const state = views.get(name) ?? EMPTY_VIEW;', replace: 'const state = views.get(name) ?? store?.trees.get(name)?.view() ?? EMPTY_VIEW;' },
    ],
  },
  {
    id: 'borrow-keeps-stale-separator',
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
    bug: 'clearing a whole keyspace puts a fresh tree in the store, but the keyspace handle keeps the old one',
    edits: [{ file: STORE, find: '      tree.clear();\n', replace: '      this.trees.set(name, new BPlusTree()); // the old tree stays with any view of it\n' }],
  },
  {
    id: 'flushes-not-serialised',
    bug: 'flush() writes at once instead of after the flush in flight, so two flushes write the same temp file together',
    edits: [{ file: PERSISTENCE, find: 'const run = this.#tail.then(() => this.#writeIfChanged());', replace: 'const run = this.#writeIfChanged();' }],
  },
  {
    id: 'flush-marks-later-writes-written',
    bug: 'a flush records the store version after its file write, so writes made during the write are taken as saved',
    edits: [{ file: PERSISTENCE, find: '    this.#written = version;\n', replace: '    this.#written = this.#store.version;\n' }],
  },
  {
    id: 'iterator-keys-view-the-arena',
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
    bug: 'values over 1 KiB are stored as the array the caller passed (copying large values "costs too much")',
    edits: [{ file: LEAF, find: '  else (leaf.outside ??= new Map()).set(at, privateCopy(value));', replace: '  else (leaf.outside ??= new Map()).set(at, value);' }],
  },
];
