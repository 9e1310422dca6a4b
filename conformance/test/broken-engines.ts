/**
 * Deliberately broken engines, each the reference engine with one realistic bug. The
 * meta-tests prove the suite rejects every one of them.
 */
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ChunkedIterator,
  DirectoryLock,
  TidekvError,
  nodeFileSystem,
  normalizeIterateRange,
  normalizeRange,
  prefixSuccessor,
  resolveWriteOps,
  type Capabilities,
  type Range,
  type Entry,
  type EntryIterator,
  type IterateOptions,
  type Keyspace,
  type ReadableKeyspace,
  type Snapshot,
  type StorageEngine,
  type WriteOp,
  type WriteOptions,
} from '@tidekv/core';
import { ReferenceEngine, openReference } from '../src/index.js';
import { STRUCTURE_GROUP } from '../src/cases/structure.js';
import { encodeImage, readImage, writeImageDurably } from '../src/reference/file-image.js';
import type { EngineLocation } from '../src/index.js';

type KeyspaceOverrides = Partial<Keyspace>;

interface EngineOverrides {
  capabilities?: Capabilities;
  keyspace?: (ks: Keyspace, name: string, inner: StorageEngine) => KeyspaceOverrides;
  write?: (inner: StorageEngine, ops: readonly WriteOp[], options?: WriteOptions) => Promise<void>;
  snapshot?: (inner: StorageEngine) => Snapshot;
  flush?: (inner: StorageEngine) => Promise<void>;
  close?: (inner: StorageEngine) => Promise<void>;
}

/** A keyspace named `name` whose every method calls the same method of `ks`. */
function forwarding(ks: Keyspace, name = ks.name): Keyspace {
  return {
    name,
    get: (k) => ks.get(k),
    getSync: (k) => ks.getSync!(k),
    getMany: (k) => ks.getMany(k),
    put: (k, v, o) => ks.put(k, v, o),
    del: (k, o) => ks.del(k, o),
    clear: (r, o) => ks.clear(r, o),
    iterate: (r) => ks.iterate(r),
    iterateSync: (r) => ks.iterateSync!(r),
  };
}

/** The reference engine with some methods replaced. */
function wrap(inner: StorageEngine, overrides: EngineOverrides): StorageEngine {
  const engine: StorageEngine = {
    capabilities: overrides.capabilities ?? inner.capabilities,
    keyspace(name) {
      const ks = inner.keyspace(name);
      return { ...forwarding(ks), ...overrides.keyspace?.(ks, name, inner) };
    },
    write: (ops, options) => (overrides.write ? overrides.write(inner, ops, options) : inner.write(ops, options)),
    snapshot: () => (overrides.snapshot ? overrides.snapshot(inner) : inner.snapshot!()),
    flush: () => (overrides.flush ? overrides.flush(inner) : inner.flush()),
    close: () => (overrides.close ? overrides.close(inner) : inner.close()),
    [Symbol.asyncDispose]: () => engine.close(),
  };
  return engine;
}

/** An EntryIterator over a fixed array. */
function arrayIterator(entries: Entry[], signal?: AbortSignal): EntryIterator {
  let at = 0;
  return new ChunkedIterator({ read: (max) => entries.slice(at, (at += max)) }, { signal });
}

/** Reads a range's bounds from the reference engine, ignoring reverse and limit. */
async function boundsOnly(ks: Keyspace, range: IterateOptions = {}): Promise<Entry[]> {
  const { reverse: _r, limit: _l, signal: _s, ...bounds } = range;
  return ks.iterate(bounds).all();
}

/** A lazily-filled iterator: `produce` runs on the first read. */
function deferredIterator(produce: () => Promise<Entry[]>, signal?: AbortSignal): EntryIterator {
  let entries: Entry[] | undefined;
  let at = 0;
  return new ChunkedIterator(
    {
      read: async (max) => {
        entries ??= await produce();
        return entries.slice(at, (at += max));
      },
    },
    { signal },
  );
}

const asText = (key: Uint8Array) => Array.from(key).join(',');

/**
 * A reference engine whose write() validates the whole batch, then applies a batch of more
 * than `over` ops in slices of `size` with a turn of the event loop between them, so reads
 * can see part of the batch.
 */
function writesInSlices(size: number, over = 0): () => Promise<StorageEngine> {
  return async () =>
    wrap(await openReference(), {
      async write(inner, ops, options) {
        resolveWriteOps(ops, inner.capabilities);
        if (ops.length <= over) return inner.write(ops, options);
        for (let from = 0; from < ops.length; from += size) {
          await inner.write(ops.slice(from, from + size), options);
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
    });
}

export interface BrokenEngine {
  name: string;
  /** Why it is wrong, in one line. */
  bug: string;
  open: (location: EngineLocation) => Promise<StorageEngine>;
  /** Cases (by name) that must fail for this engine; at least one is required. */
  mustFail: string[];
  /** When set, every case the engine fails is in this group: only that group catches the bug. */
  onlyGroup?: string;
}

/** Locks held by the engine below, by real directory, so its failed opens can (wrongly) reach them. */
const heldLocks = new Map<string, DirectoryLock>();

const SECOND_OPEN = 'a second open of the location in this process fails LOCKED, every time; the holder keeps working';
const SPELLED_OPEN = 'a second open under another spelling of the path (trailing slash, relative, symlink) fails LOCKED';

const STRUCTURE_SPLITS =
  'snapshots and iterators held while 2700 inserts split leaves and branches, range deletes rebuild and single deletes merge them: every read path and every open iterator matches';
const STRUCTURE_VALUES =
  'values on both sides of 1 KiB through repeated same-size overwrites, small rewrites that compact leaves, resizes, splits and merges, with snapshots and iterators open: every read path matches';

const SIBLING_RANGE_READ = 'prefix with gt/gte/lt/lte, reverse and limit, bounds as Buffers and offset views';
const SIBLING_DELRANGE =
  'write() delRange: prefix with gt/gte/lt/lte deletes exactly its keys, bounds as Buffers and offset views, ignoring reverse and limit';

/**
 * A point-read cache in front of the reference engine, in two broken flavours: one hands out
 * the cached array itself, the other forgets to drop entries on clear() and delRange.
 */
function cachedGetEngines(): BrokenEngine[] {
  const make = (shareArrays: boolean, forgetRanges: boolean) => async (): Promise<StorageEngine> => {
    const cache = new Map<string, Uint8Array | undefined>();
    const id = (ks: string, key: Uint8Array) => `${ks}:${Buffer.from(key).toString('hex')}`;
    const dropKeyspace = (ks: string) => {
      for (const k of cache.keys()) if (k.startsWith(`${ks}:`)) cache.delete(k);
    };
    return wrap(await openReference(), {
      keyspace: (ks, name) => ({
        async get(key) {
          const k = id(name, key);
          if (!cache.has(k)) cache.set(k, await ks.get(key));
          const value = cache.get(k);
          return shareArrays || value === undefined ? value : value.slice();
        },
        async put(key, value, options) {
          await ks.put(key, value, options);
          cache.delete(id(name, key));
        },
        async del(key, options) {
          await ks.del(key, options);
          cache.delete(id(name, key));
        },
        async clear(range, options) {
          await ks.clear(range, options);
          if (!forgetRanges) dropKeyspace(name);
        },
      }),
      async write(inner, ops, options) {
        await inner.write(ops, options);
        for (const op of ops) {
          const ks = op.keyspace ?? 'default';
          if (op.type === 'delRange') {
            if (!forgetRanges) dropKeyspace(ks);
          } else cache.delete(id(ks, op.key));
        }
      },
    });
  };
  return [
    {
      name: 'get hands out its cached array',
      bug: 'get returns the array it caches, so a caller changing it changes what later gets return',
      open: make(true, false),
      mustFail: ['get: changing the returned values changes nothing stored'],
    },
    {
      name: 'get cache kept across range deletes',
      bug: 'the point-read cache drops keys on put, del and write() del, but not on clear() or delRange',
      open: make(false, true),
      mustFail: ['get: a key read, then deleted by del, write(), clear or delRange, reads as missing'],
    },
  ];
}

const EXTENDING_KEYS = '1050 keys that each extend the key before them: every range read path, forward and reverse, whole and between bounds';

/** A forward sync scan in 256-entry chunks, each resuming at the last key's prefix successor (keySuccessor is right). */
function* resumingAfterPrefix(ks: Keyspace, range: Range): Generator<Entry, void, undefined> {
  const { limit = Infinity, ...bounds } = range;
  let from: Range = bounds;
  for (let remaining = limit; remaining > 0; ) {
    const chunk = [...ks.iterateSync!({ ...from, limit: Math.min(remaining, 256) })];
    if (chunk.length === 0) return;
    remaining -= chunk.length;
    yield* chunk;
    const next = prefixSuccessor(chunk[chunk.length - 1]![0]);
    if (next === undefined) return;
    const { gt: _gt, gte: _gte, ...rest } = bounds;
    from = { ...rest, gte: next };
  }
}

/**
 * Point reads behind a page index that deletes leave stale: a delete moves the next key to
 * another page (a B+tree borrow) without updating the separator, so get, getMany and getSync
 * miss that key while iteration, which walks the pages, still finds it.
 */
async function staleSeparatorEngine(): Promise<StorageEngine> {
  const inner = await openReference();
  const moved = new Set<string>();
  const id = (ks: string, key: Uint8Array) => `${ks}:${Buffer.from(key).toString('hex')}`;
  const noteMove = (ks: string, key: Uint8Array) => {
    const [next] = inner.keyspace(ks).iterateSync!({ gt: key, limit: 1 });
    if (next) moved.add(id(ks, next[0]));
  };
  const hide = (ks: string, key: Uint8Array, value: Uint8Array | undefined) => (moved.has(id(ks, key)) ? undefined : value);
  return wrap(inner, {
    keyspace: (ks, name) => ({
      get: async (k) => hide(name, k, await ks.get(k)),
      getSync: (k) => hide(name, k, ks.getSync!(k)),
      getMany: async (keys) => (await ks.getMany(keys)).map((v, i) => hide(name, keys[i]!, v)),
      del: async (k, o) => (noteMove(name, k), ks.del(k, o)),
    }),
    write: async (engine, ops, options) => {
      for (const op of ops) if (op?.type === 'del') noteMove(op.keyspace ?? 'default', op.key);
      return engine.write(ops, options);
    },
  });
}

/**
 * Once a keyspace that held over 4096 keys has lost 1024 of them one at a time, point reads
 * miss the 16 live keys just below the first key deleted, as when a branch borrows a child
 * from its neighbour and keeps the wrong separator for it (iteration still finds them).
 */
async function branchBorrowMisroutes(): Promise<StorageEngine> {
  const inner = await openReference();
  const state = new Map<string, { deletes: number; first?: Uint8Array; armed: boolean }>();
  const noteDelete = (ks: string, key: Uint8Array) => {
    const s = state.get(ks) ?? { deletes: 0, armed: false };
    state.set(ks, s);
    s.deletes++;
    s.first ??= key.slice();
    if (!s.armed && s.deletes === 1024) s.armed = [...inner.keyspace(ks).iterateSync!()].length + s.deletes > 4096;
  };
  const hidden = (ks: string): Set<string> => {
    const s = state.get(ks);
    if (!s?.armed) return new Set();
    return new Set([...inner.keyspace(ks).iterateSync!({ lt: s.first!, reverse: true, limit: 16 })].map(([key]) => Buffer.from(key).toString('hex')));
  };
  const hide = (ks: string, key: Uint8Array, value: Uint8Array | undefined) => (hidden(ks).has(Buffer.from(key).toString('hex')) ? undefined : value);
  return wrap(inner, {
    keyspace: (ks, name) => ({
      get: async (k) => hide(name, k, await ks.get(k)),
      getSync: (k) => hide(name, k, ks.getSync!(k)),
      getMany: async (keys) => {
        const gone = hidden(name);
        return (await ks.getMany(keys)).map((v, i) => (gone.has(Buffer.from(keys[i]!).toString('hex')) ? undefined : v));
      },
      del: async (k, o) => (await ks.del(k, o), noteDelete(name, k)),
    }),
    write: async (engine, ops, options) => {
      await engine.write(ops, options);
      for (const op of ops) if (op.type === 'del') noteDelete(op.keyspace ?? 'default', op.key);
    },
  });
}

/** Values over 1 KiB stored as the caller's array ("copying large values costs too much"); small ones copied. */
async function largeValuesByReference(): Promise<StorageEngine> {
  const kept = new Map<string, Uint8Array>();
  const id = (ks: string, key: Uint8Array) => `${ks}:${Buffer.from(key).toString('hex')}`;
  const keep = (ks: string, key: Uint8Array, value: Uint8Array) => {
    if (value.length > 1024) kept.set(id(ks, key), value);
    else kept.delete(id(ks, key));
  };
  return wrap(await openReference(), {
    keyspace: (ks, name) => ({
      put: async (k, v, o) => (await ks.put(k, v, o), keep(name, k, v)),
      iterate(range = {}) {
        const inner = ks.iterate(range);
        return deferredIterator(async () => (await inner.all()).map(([k, v]): Entry => [k, kept.get(id(name, k))?.slice() ?? v]), range.signal);
      },
    }),
    async write(engine, ops, options) {
      await engine.write(ops, options);
      for (const op of ops) if (op.type === 'put') keep(op.keyspace ?? 'default', op.key, op.value);
    },
  });
}

/**
 * Overwrites in place when the new value has the old one's size, a path that forgets values
 * kept out of line: a same-size overwrite of a value over 1 KiB keeps the old bytes.
 */
async function sameSizeLargeOverwriteLost(): Promise<StorageEngine> {
  const inner = await openReference();
  const keepsOld = (ks: string, key: unknown, value: unknown): boolean => {
    if (!(key instanceof Uint8Array) || !(value instanceof Uint8Array) || value.length <= 1024) return false;
    return inner.keyspace(ks).getSync!(key)?.length === value.length;
  };
  return wrap(inner, {
    keyspace: (ks, name) => ({ put: async (k, v, o) => (keepsOld(name, k, v) ? undefined : ks.put(k, v, o)) }),
    write: (engine, ops, options) =>
      engine.write(Array.isArray(ops) ? ops.filter((op) => !(op?.type === 'put' && keepsOld(op.keyspace ?? 'default', op.key, op.value))) : ops, options),
  });
}

/**
 * A persistent engine whose dirty flag only a put sets: a write() batch of nothing but del
 * and delRange ops changes the data in memory, but a flush or close that follows it finds
 * nothing to save, so after a reopen the deleted keys are back.
 */
async function deleteOnlyBatchUnsaved({ dir }: EngineLocation): Promise<StorageEngine> {
  const path = join(dir, 'reference.db');
  const lock = await DirectoryLock.acquire(nodeFileSystem, dir, { file: 'reference.db.lock', what: 'the broken engine' });
  const inner = new ReferenceEngine({}); // holds the data; saving is done here, with the bug
  for (const [name, table] of readImage(path)) inner.tables.set(name, table);
  let dirty = false;
  let closing: Promise<void> | undefined;
  const save = () => {
    if (dirty) writeImageDurably(path, encodeImage(inner.tables));
    dirty = false;
  };
  const saveIf = (options: WriteOptions | undefined) => void (options?.sync === true && save());
  return wrap(inner, {
    capabilities: { ...inner.capabilities, persistent: true },
    keyspace: (ks) => ({
      put: async (k, v, o) => (await ks.put(k, v, o), (dirty = true), saveIf(o)),
      del: async (k, o) => (await ks.del(k, o), (dirty = true), saveIf(o)),
      clear: async (r, o) => (await ks.clear(r, o), (dirty = true), saveIf(o)),
    }),
    async write(engine, ops, options) {
      await engine.write(ops, options);
      if (ops.some((op) => op.type === 'put')) dirty = true; // the bug: deletes alone are not a change
      saveIf(options);
    },
    flush: async (engine) => (await engine.flush(), save()),
    close: () =>
      (closing ??= (async () => {
        save();
        await inner.close();
        await lock.release();
      })()),
  });
}

/** A snapshot whose keyspaces answer every read through `reads(view, live, name)`, closing with the inner snapshot. */
function snapshotReading(
  inner: StorageEngine,
  reads: (view: ReadableKeyspace, live: Keyspace, name: string, taken: number) => Partial<ReadableKeyspace>,
  taken: number,
): Snapshot {
  const snapshot = inner.snapshot!();
  const iterators = new Set<EntryIterator>();
  const close = async () => {
    for (const it of iterators) await it.close();
    await snapshot.close();
  };
  return {
    keyspace(name) {
      const view = snapshot.keyspace(name);
      const forwarded: ReadableKeyspace = {
        name: view.name,
        get: (k) => view.get(k),
        getMany: (k) => view.getMany(k),
        getSync: (k) => view.getSync!(k),
        iterate: (r) => view.iterate(r),
        iterateSync: (r) => view.iterateSync!(r),
      };
      const replaced = { ...forwarded, ...reads(view, inner.keyspace(name), name, taken) };
      // the snapshot's own iterators close with it
      return {
        ...replaced,
        iterate(range) {
          const it = replaced.iterate(range);
          iterators.add(it);
          return it;
        },
      };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** The reference engine with a counter every write (put, del, clear, write()) bumps, before it runs. */
function countingWrites(inner: StorageEngine, before: (ks: string, op: WriteOp) => void, overrides: Pick<EngineOverrides, 'snapshot'>): StorageEngine {
  return wrap(inner, {
    keyspace: (ks, name) => ({
      put: async (k, v, o) => (before(name, { type: 'put', key: k, value: v }), ks.put(k, v, o)),
      del: async (k, o) => (before(name, { type: 'del', key: k }), ks.del(k, o)),
      clear: async (r, o) => (before(name, { type: 'delRange', range: r ?? {} }), ks.clear(r, o)),
    }),
    async write(engine, ops, options) {
      if (Array.isArray(ops)) for (const op of ops) if (op && typeof op === 'object') before(op.keyspace ?? 'default', op);
      return engine.write(ops, options);
    },
    ...overrides,
  });
}

/**
 * A snapshot iterator whose cursor finds its place again after the store changed under it,
 * by key, in the current (live) tree instead of the frozen one: every chunk after a write
 * reads live entries after the last key it returned.
 */
async function snapshotIteratorsResumeLive(): Promise<StorageEngine> {
  const inner = await openReference();
  let writes = 0;
  return countingWrites(inner, () => void writes++, {
    snapshot: (engine) =>
      snapshotReading(
        engine,
        (view, live) => ({
          iterate(range = {}) {
            const { limit = Infinity, signal, ...bounds } = range;
            const openedAt = writes;
            let last: Uint8Array | undefined;
            return new ChunkedIterator(
              {
                async read(max) {
                  const { gt: _gt, gte: _gte, lt: _lt, lte: _lte, ...rest } = bounds;
                  const after = last === undefined ? bounds : bounds.reverse ? { ...rest, gt: bounds.gt, gte: bounds.gte, lt: last } : { ...rest, gt: last, lt: bounds.lt, lte: bounds.lte };
                  const source = writes === openedAt ? view : live;
                  const chunk = await source.iterate({ ...after, limit: max }).all();
                  last = chunk[chunk.length - 1]?.[0] ?? last;
                  return chunk;
                },
              },
              { limit, signal },
            );
          },
        }),
        0,
      ),
  });
}

/**
 * Copy on write that copies a page's table of large values but shares the values: the first
 * overwrite of a value over 1 KiB after a snapshot replaces it, a second one with the same
 * size writes into the array the snapshot still holds.
 */
async function repeatedLargeOverwritesReachSnapshots(): Promise<StorageEngine> {
  const inner = await openReference();
  let version = 0;
  const overwrites = new Map<string, number[]>(); // key id -> versions of same-size large overwrites
  const id = (ks: string, key: Uint8Array) => `${ks}:${Buffer.from(key).toString('hex')}`;
  const note = (ks: string, op: WriteOp) => {
    version++;
    try {
      if (op.type !== 'put' || op.value.length <= 1024 || inner.keyspace(ks).getSync!(op.key)?.length !== op.value.length) return;
    } catch {
      return; // a bad op (key, value, keyspace): the write itself rejects it
    }
    overwrites.set(id(ks, op.key), [...(overwrites.get(id(ks, op.key)) ?? []), version]);
  };
  const reachesLive = (ks: string, key: Uint8Array, taken: number) => (overwrites.get(id(ks, key)) ?? []).filter((v) => v > taken).length >= 2;
  return countingWrites(inner, note, {
    snapshot: (engine) =>
      snapshotReading(
        engine,
        (view, live, name, taken) => {
          const pick = (key: Uint8Array, value: Uint8Array | undefined) => (value !== undefined && reachesLive(name, key, taken) ? live.getSync!(key) : value);
          return {
            get: async (k) => pick(k, await view.get(k)),
            getSync: (k) => pick(k, view.getSync!(k)),
            getMany: async (keys) => (await view.getMany(keys)).map((v, i) => pick(keys[i]!, v)),
            iterate: (range = {}) => deferredIterator(async () => (await view.iterate({ ...range, signal: undefined }).all()).map(([k, v]): Entry => [k, pick(k, v)!]), range.signal),
            iterateSync: (range) => [...view.iterateSync!(range)].map(([k, v]): Entry => [k, pick(k, v)!]),
          };
        },
        version,
      ),
  });
}

/**
 * A range delete of over a quarter of a keyspace holding over 1000 keys rebuilds the tree
 * from the pages it keeps, emptying in place the pages it drops, which open snapshots share:
 * their keys in that range are gone from every snapshot read.
 */
async function largeRangeDeleteEmptiesSnapshots(): Promise<StorageEngine> {
  const inner = await openReference();
  let version = 0;
  const dropped: { ks: string; range: Range; version: number }[] = [];
  const note = (ks: string, op: WriteOp) => {
    version++;
    if (op.type !== 'delRange') return;
    try {
      const { reverse: _r, limit: _l, ...bounds } = op.range;
      const all = [...inner.keyspace(ks).iterateSync!()].length;
      const doomed = [...inner.keyspace(ks).iterateSync!(bounds)].length;
      if (all > 1000 && doomed > all / 4) dropped.push({ ks, range: bounds, version });
    } catch {
      // a bad range: the delete itself rejects it
    }
  };
  const lost = (ks: string, key: Uint8Array, taken: number) =>
    dropped.some((d) => d.ks === ks && d.version > taken && inRange(key, d.range));
  return countingWrites(inner, note, {
    snapshot: (engine) =>
      snapshotReading(
        engine,
        (view, _live, name, taken) => {
          const pick = (key: Uint8Array, value: Uint8Array | undefined) => (lost(name, key, taken) ? undefined : value);
          const keep = (entries: Entry[]) => entries.filter(([k]) => !lost(name, k, taken));
          return {
            get: async (k) => pick(k, await view.get(k)),
            getSync: (k) => pick(k, view.getSync!(k)),
            getMany: async (keys) => (await view.getMany(keys)).map((v, i) => pick(keys[i]!, v)),
            iterate: (range = {}) => {
              normalizeIterateRange(range); // bad ranges fail as they would
              const { limit = Infinity, signal, ...bounds } = range;
              return deferredIterator(async () => keep(await view.iterate(bounds).all()).slice(0, limit), signal);
            },
            iterateSync: (range = {}) => {
              normalizeRange(range);
              const { limit = Infinity, ...bounds } = range;
              return keep([...view.iterateSync!(bounds)]).slice(0, limit);
            },
          };
        },
        version,
      ),
  });
}

/** Whether `key` lies within the bounds of `range` (compared by bytes, as the engine orders keys). */
function inRange(key: Uint8Array, range: Range): boolean {
  const { gt, gte, lt, lte, prefix } = range;
  const cmp = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (gte !== undefined ? cmp(key, gte) < 0 : gt !== undefined && cmp(key, gt) <= 0) return false;
  if (lte !== undefined ? cmp(key, lte) > 0 : lt !== undefined && cmp(key, lt) >= 0) return false;
  return prefix === undefined || Buffer.from(key).subarray(0, prefix.length).equals(Buffer.from(prefix));
}

/** A one-entry point-read cache (the last key read), forgotten by writes to that key but not by clear() or delRange. */
async function lastReadKeptAcrossRangeDeletes(): Promise<StorageEngine> {
  let last: { ks: string; key: string; value: Uint8Array | undefined } | undefined;
  const id = (key: Uint8Array) => Buffer.from(key).toString('hex');
  const forget = (ks: string, key: Uint8Array) => {
    if (last?.ks === ks && last.key === id(key)) last = undefined;
  };
  return wrap(await openReference(), {
    keyspace: (ks, name) => ({
      async get(key) {
        if (last?.ks === name && last.key === id(key)) return last.value?.slice();
        const value = await ks.get(key);
        last = { ks: name, key: id(key), value: value?.slice() };
        return value;
      },
      async put(key, value, options) {
        await ks.put(key, value, options);
        forget(name, key);
      },
      async del(key, options) {
        await ks.del(key, options);
        forget(name, key);
      },
    }),
    async write(inner, ops, options) {
      await inner.write(ops, options);
      for (const op of ops) if (op.type !== 'delRange') forget(op.keyspace ?? 'default', op.key);
    },
  });
}

/**
 * Snapshots that keep an undo log of only the first 8 single deletes (del or write() del)
 * made after them: later deletes show in their reads.
 */
async function laterDeletesLeakIntoSnapshots(): Promise<StorageEngine> {
  const log: { ks: string; key: string }[] = [];
  const id = (key: Uint8Array) => Buffer.from(key).toString('hex');
  return wrap(await openReference(), {
    keyspace: (ks, name) => ({
      async del(key, options) {
        await ks.del(key, options);
        log.push({ ks: name, key: id(key) });
      },
    }),
    async write(inner, ops, options) {
      await inner.write(ops, options);
      for (const op of ops) if (op.type === 'del') log.push({ ks: op.keyspace ?? 'default', key: id(op.key) });
    },
    snapshot(inner) {
      const snapshot = inner.snapshot!();
      const from = log.length;
      const leaked = (name: string) => new Set(log.slice(from + 8).flatMap((d) => (d.ks === name ? [d.key] : [])));
      return {
        keyspace(name) {
          const view = snapshot.keyspace(name);
          const keep = (entries: Entry[]) => {
            const gone = leaked(name);
            return entries.filter(([key]) => !gone.has(id(key)));
          };
          return {
            name: view.name,
            get: async (key) => (leaked(name).has(id(key)) ? undefined : view.get(key)),
            getMany: async (keys) => {
              const gone = leaked(name);
              return (await view.getMany(keys)).map((value, i) => (gone.has(id(keys[i]!)) ? undefined : value));
            },
            getSync: (key) => (leaked(name).has(id(key)) ? undefined : view.getSync!(key)),
            iterate: (range) => deferredIterator(async () => keep(await view.iterate(range).all()), range?.signal),
            iterateSync: (range) => keep([...view.iterateSync!(range)]),
          };
        },
        close: () => snapshot.close(),
        [Symbol.asyncDispose]: () => snapshot.close(),
      };
    },
  });
}

export const brokenEngines: BrokenEngine[] = [
  {
    name: 'no lock',
    bug: 'a persistent engine that takes no lock: a second open of its location gives two writers',
    open: async ({ dir }) => new ReferenceEngine({ path: join(dir, 'reference.db') }),
    mustFail: [SECOND_OPEN, SPELLED_OPEN],
  },
  {
    name: 'failed open releases the lock',
    bug: "a second open fails LOCKED but releases the holder's lock as it gives up, so the third open succeeds",
    open: async ({ dir }) => {
      const key = await realpath(dir);
      let lock: DirectoryLock;
      try {
        lock = await DirectoryLock.acquire(nodeFileSystem, dir, { file: 'reference.db.lock', what: 'the broken engine' });
      } catch (error) {
        await heldLocks.get(key)?.release();
        throw error;
      }
      heldLocks.set(key, lock);
      return new ReferenceEngine({ path: join(dir, 'reference.db') }, lock);
    },
    mustFail: [SECOND_OPEN],
  },
  {
    name: 'string-order',
    bug: 'iterates in JavaScript string order of the comma-joined bytes instead of memcmp order',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({
          iterate(range = {}) {
            normalizeRange(range);
            return deferredIterator(async () => {
              const entries = (await boundsOnly(ks, range)).sort((a, b) => (asText(a[0]) < asText(b[0]) ? -1 : asText(a[0]) > asText(b[0]) ? 1 : 0));
              if (range.reverse) entries.reverse();
              return entries.slice(0, range.limit ?? Infinity);
            }, range.signal);
          },
        }),
      }),
    mustFail: ['keys [2], [11], [1] iterate as [1], [2], [11]'],
  },
  {
    name: 'non-atomic write',
    bug: 'applies batch ops one by one until one fails, leaving the earlier ones written',
    open: async () =>
      wrap(await openReference(), {
        async write(inner, ops, options) {
          if (!Array.isArray(ops)) return inner.write(ops, options);
          for (const op of ops) await inner.write([op], options);
        },
      }),
    mustFail: ["a batch ending in a put with a string key writes nothing (INVALID_KEY)", 'a rejected batch across keyspaces leaves every keyspace unchanged'],
  },
  {
    name: 'reverse + limit returns the lowest keys',
    bug: 'applies limit before reversing',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({
          iterate(range = {}) {
            if (!range.reverse || range.limit === undefined) return ks.iterate(range);
            return deferredIterator(async () => (await ks.iterate({ ...range, reverse: false }).all()).reverse(), range.signal);
          },
        }),
      }),
    mustFail: ['reverse: gte 41'],
  },
  {
    name: 'data lost on reopen',
    bug: 'claims to be persistent but keeps data only in memory',
    open: async () => {
      const inner = await openReference();
      return wrap(inner, { capabilities: { ...inner.capabilities, persistent: true } });
    },
    mustFail: ['data in every keyspace survives close and reopen', 'flush then reopen keeps every acknowledged write'],
  },
  {
    name: 'limit ignored',
    bug: 'returns every entry in range whatever the limit',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({
          iterate(range = {}) {
            const { limit: _limit, ...rest } = range;
            normalizeRange(range);
            return ks.iterate(rest);
          },
        }),
      }),
    mustFail: ['forward: gte 41', 'next, nextv and mixed reads honour limit'],
  },
  {
    name: 'empty key rejected',
    bug: 'treats the empty key as invalid',
    open: async () => {
      const reject = (key: Uint8Array) => {
        if (key instanceof Uint8Array && key.length === 0) throw new TidekvError('INVALID_KEY', 'empty keys are not supported');
      };
      return wrap(await openReference(), {
        keyspace: (ks) => ({
          put: async (k, v, o) => (reject(k), ks.put(k, v, o)),
          get: async (k) => (reject(k), ks.get(k)),
        }),
        write: async (inner, ops, options) => {
          for (const op of ops) if (op.type !== 'delRange') reject(op.key);
          return inner.write(ops, options);
        },
      });
    },
    mustFail: ['the empty key can be put, read, iterated and deleted'],
  },
  {
    name: 'keyspaces not isolated',
    bug: 'stores every keyspace in the default table',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks, _name, inner) => forwarding(inner.keyspace('default'), ks.name),
        write: (inner, ops, options) =>
          inner.write(Array.isArray(ops) ? ops.map((op) => (op && typeof op === 'object' ? { ...op, keyspace: 'default' } : op)) : ops, options),
      }),
    mustFail: ['the same key holds independent values in two keyspaces'],
  },
  {
    name: 'snapshot is a live view',
    bug: 'snapshot() reads the current data instead of a frozen copy',
    open: async () =>
      wrap(await openReference(), {
        snapshot: (inner) => {
          let open = true;
          return {
            keyspace(name) {
              if (!open) throw new TidekvError('NOT_OPEN', 'snapshot closed');
              return inner.keyspace(name);
            },
            close: async () => void (open = false),
            [Symbol.asyncDispose]: async () => void (open = false),
          };
        },
      }),
    mustFail: ['a snapshot is unchanged by later puts and overwrites'],
  },
  {
    name: 'missing key reads as null',
    bug: 'get resolves null rather than undefined for a missing key',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({ get: async (k) => (await ks.get(k)) ?? (null as never) }),
      }),
    mustFail: ['get of a missing key resolves undefined'],
  },
  {
    name: 'no input validation on get',
    bug: 'get returns undefined for a key that is not a Uint8Array instead of INVALID_KEY',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({ get: async (k) => (k instanceof Uint8Array ? ks.get(k) : undefined) }),
      }),
    mustFail: ['get rejects keys that are not a Uint8Array (INVALID_KEY)'],
  },
  {
    name: 'delRange treats lt as lte',
    bug: 'an exclusive upper bound also deletes the bound key',
    open: async () =>
      wrap(await openReference(), {
        write: (inner, ops, options) => {
          if (!Array.isArray(ops)) return inner.write(ops, options);
          const widened = ops.map((op) => {
            if (op?.type !== 'delRange' || !op.range || op.range.lt === undefined || op.range.lte !== undefined) return op;
            const { lt, ...rest } = op.range;
            return { ...op, range: { ...rest, lte: lt } };
          });
          return inner.write(widened, options);
        },
      }),
    mustFail: ['delRange deletes exactly gte 42, lt 42ff'],
  },
  {
    name: 'close not idempotent',
    bug: 'a second close() rejects',
    open: async () => {
      let closed = false;
      return wrap(await openReference(), {
        close: async (inner) => {
          if (closed) throw new TidekvError('NOT_OPEN', 'already closed');
          closed = true;
          await inner.close();
        },
      });
    },
    mustFail: ['close() is idempotent, including concurrent calls'],
  },
  {
    name: 'iterators outlive the engine',
    bug: 'iterators are not closed when the engine closes and keep returning buffered entries',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({
          iterate(range = {}) {
            normalizeRange(range);
            return deferredIterator(() => ks.iterate(range).all(), range.signal);
          },
        }),
      }),
    mustFail: ['closing the engine closes open iterators: reads then fail NOT_OPEN'],
  },
  {
    name: 'getMany drops missing keys',
    bug: 'getMany returns only the values it found, so positions shift',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({ getMany: async (keys) => (await ks.getMany(keys)).filter((v) => v !== undefined) }),
      }),
    mustFail: ['getMany returns values in argument order with undefined for missing keys'],
  },
  {
    name: 'reused iterator buffers',
    bug: 'hands out keys and values that are views into one buffer, overwritten by the next chunk',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({
          iterate(range = {}) {
            const inner = ks.iterate(range);
            const scratch = new Uint8Array(64 * 1024);
            return new ChunkedIterator(
              {
                async read(max) {
                  const chunk = await inner.nextv(Math.min(max, 16));
                  let at = 0;
                  return chunk.map(([key, value]) => {
                    scratch.set(key, at);
                    const k = scratch.subarray(at, (at += key.length));
                    scratch.set(value, at);
                    return [k, scratch.subarray(at, (at += value.length))] as Entry;
                  });
                },
                release: () => inner.close(),
              },
              { signal: range.signal },
            );
          },
        }),
      }),
    mustFail: ['entries stay intact after later chunks are read (no buffer reuse)'],
  },
  {
    name: 'nextv reuses its result array',
    bug: 'the chunk source refills one array per iterator, so the array an earlier nextv() returned is emptied and refilled by the next',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({
          iterate(range = {}) {
            const inner = ks.iterate(range);
            const out: Entry[] = [];
            return new ChunkedIterator(
              {
                async read(max) {
                  const chunk = await inner.nextv(max);
                  out.length = 0;
                  out.push(...chunk);
                  return out;
                },
                release: () => inner.close(),
              },
              { signal: range.signal },
            );
          },
        }),
      }),
    mustFail: ['the arrays nextv() returned stay intact after later nextv() calls (no array reuse)'],
  },
  {
    name: 'getMany shares one array for a repeated key',
    bug: 'getMany reuses the answer for a key asked for twice in a row, so both positions hold the same array',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({
          async getMany(keys) {
            const values = await ks.getMany(keys);
            for (let i = 1; i < values.length; i++) if (Buffer.compare(keys[i]!, keys[i - 1]!) === 0) values[i] = values[i - 1];
            return values;
          },
        }),
      }),
    mustFail: ['getMany: a key asked for twice in a row gets two arrays that change independently, live and in a snapshot'],
  },
  {
    name: 'a batch applies each key once',
    bug: "a batch writing one key several times applies only the key's last op, at the place of its first, so a put after a covering delRange is deleted by it",
    open: async () =>
      wrap(await openReference(), {
        write(inner, ops, options) {
          try {
            resolveWriteOps(ops, inner.capabilities);
          } catch {
            return inner.write(ops, options); // bad input: the reference reports it
          }
          const idOf = (op: WriteOp) => (op.type === 'delRange' ? undefined : `${op.keyspace ?? ''}\0${Buffer.from(op.key).toString('hex')}`);
          const last = new Map<string, WriteOp>();
          for (const op of ops) {
            const id = idOf(op);
            if (id !== undefined) last.set(id, op);
          }
          const coalesced: WriteOp[] = [];
          for (const op of ops) {
            const id = idOf(op);
            if (id === undefined) coalesced.push(op);
            else if (last.has(id)) {
              coalesced.push(last.get(id)!); // the bug: the key's last op, at its first op's place
              last.delete(id);
            }
          }
          return inner.write(coalesced, options);
        },
      }),
    mustFail: ['a key put again after a covering delRange in the same batch keeps its last value'],
  },
  {
    name: 'put keeps the caller buffer',
    bug: 'stores the Uint8Array it was given instead of a copy',
    open: async () => {
      const stored = new Map<string, Uint8Array>();
      const id = (ks: Keyspace, key: Uint8Array) => `${ks.name}:${Buffer.from(key).toString('hex')}`;
      return wrap(await openReference(), {
        keyspace: (ks) => ({
          async put(key, value, options) {
            await ks.put(key, value, options);
            stored.set(id(ks, key), value); // the bug: keeps the caller's array
          },
          async get(key) {
            return (await ks.get(key)) && (stored.get(id(ks, key)) ?? (await ks.get(key)));
          },
        }),
      });
    },
    mustFail: ["put stores a copy: changing the caller's buffers afterwards changes nothing"],
  },
  {
    name: 'iterator cursor by position',
    bug: 'pages through a live keyspace by index, so writes during iteration repeat or skip keys',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({
          iterate(range = {}) {
            normalizeRange(range);
            const { limit = Infinity, signal, ...bounds } = range;
            let at = 0;
            return new ChunkedIterator(
              {
                read(max) {
                  const page = [...ks.iterateSync!(bounds)].slice(at, at + max);
                  at += page.length;
                  return page;
                },
              },
              { limit, signal },
            );
          },
        }),
      }),
    mustFail: ['forward: inserting keys between existing ones', 'reverse: deleting keys, including ones not yet reached'],
  },
  // One engine per class of the suite's sibling, size, input-shape, aliasing, visibility,
  // lifecycle and combined-bound cases, so no refactor can drop a class unnoticed.
  {
    name: 'write() delRange honours limit',
    bug: 'a delRange op with a limit deletes only that many keys (clear ignores it, as it must)',
    open: async () =>
      wrap(await openReference(), {
        async write(inner, ops, options) {
          if (!Array.isArray(ops)) return inner.write(ops, options);
          const out: WriteOp[] = [];
          for (const op of ops as WriteOp[]) {
            if (op?.type !== 'delRange' || op.range?.limit === undefined) {
              out.push(op);
              continue;
            }
            const selected = await inner.keyspace(op.keyspace ?? 'default').iterate(op.range).all();
            for (const [key] of selected) out.push({ type: 'del', keyspace: op.keyspace, key });
          }
          return inner.write(out, options);
        },
      }),
    mustFail: [SIBLING_DELRANGE],
  },
  {
    name: "a snapshot's sync reads are live",
    bug: "a snapshot's getSync and iterateSync read the live keyspace, not the snapshot",
    open: async () =>
      wrap(await openReference(), {
        snapshot(inner) {
          const snapshot = inner.snapshot!();
          return {
            keyspace(name) {
              const view = snapshot.keyspace(name);
              const live = inner.keyspace(name);
              return { name: view.name, get: (k) => view.get(k), getMany: (k) => view.getMany(k), iterate: (r) => view.iterate(r), getSync: (k) => live.getSync!(k), iterateSync: (r) => live.iterateSync!(r) };
            },
            close: () => snapshot.close(),
            [Symbol.asyncDispose]: () => snapshot.close(),
          };
        },
      }),
    mustFail: ['a snapshot is unchanged by later puts and overwrites'],
  },
  {
    name: 'snapshot point reads go live after many writes',
    bug: 'a snapshot keeps a bounded log (256 ops) of the writes after it; past that its point reads go to the live keyspace',
    open: async () => {
      let written = 0;
      return wrap(await openReference(), {
        write(inner, ops, options) {
          const done = inner.write(ops, options);
          if (Array.isArray(ops)) written += ops.length;
          return done;
        },
        snapshot(inner) {
          const snapshot = inner.snapshot!();
          const from = written;
          return {
            keyspace(name) {
              const view = snapshot.keyspace(name);
              const live = inner.keyspace(name);
              const reads = () => (written - from > 256 ? live : view);
              return { name: view.name, get: (k) => reads().get(k), getMany: (k) => reads().getMany(k), iterate: (r) => view.iterate(r), getSync: (k) => reads().getSync!(k), iterateSync: (r) => view.iterateSync!(r) };
            },
            close: () => snapshot.close(),
            [Symbol.asyncDispose]: () => snapshot.close(),
          };
        },
      });
    },
    mustFail: ['a snapshot of 300 keys reads exactly them, by every point read and a new iterator, after 900 keys are inserted between them'],
  },
  {
    name: 'iterator loses an entry at each 256-entry chunk edge',
    bug: 'iterate drops the first entry of every chunk after the first (an off-by-one in the resume key)',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({
          iterate(range = {}) {
            const { limit, signal, ...rest } = range;
            return deferredIterator(async () => {
              const all = await ks.iterate(rest).all();
              const kept = all.filter((_, i) => i === 0 || i % 256 !== 0);
              return limit === undefined ? kept : kept.slice(0, limit);
            }, signal);
          },
        }),
      }),
    mustFail: ['255, 256, 257 keys (around 256): every read path, getMany, reverse with limit, clear and delRange, and reopen'],
  },
  {
    name: 'getMany cuts values at 64 KiB',
    bug: 'getMany copies values into 65536-byte slots, cutting longer ones short',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({
          async getMany(keys) {
            return (await ks.getMany(keys)).map((v) => (v && v.length > 65_536 ? v.slice(0, 65_536) : v));
          },
        }),
      }),
    mustFail: ['values of 64 KiB - 1, 64 KiB, 64 KiB + 1 and 1 MiB + 1 bytes through put and write, on every path, and reopen'],
  },
  {
    name: 'range bounds read from byte 0 of their buffer',
    bug: 'iterate reads a bound as new Uint8Array(bound.buffer, 0, bound.length), ignoring byteOffset',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({
          iterate(range = {}) {
            const out: Range & { signal?: AbortSignal } = { ...range };
            for (const bound of ['gt', 'gte', 'lt', 'lte', 'prefix'] as const) {
              const b = range[bound];
              if (b instanceof Uint8Array) out[bound] = new Uint8Array(b.buffer, 0, b.length);
            }
            return ks.iterate(out);
          },
        }),
      }),
    mustFail: [`iterate().all(): ${SIBLING_RANGE_READ}`],
  },
  {
    name: 'keyspace names trimmed',
    bug: "keyspace(' a') is taken as keyspace('a') instead of INVALID_KEYSPACE",
    open: async () => {
      const engine = wrap(await openReference(), {});
      const keyspace = engine.keyspace.bind(engine);
      engine.keyspace = (name) => keyspace(typeof name === 'string' ? name.trim() : name);
      return engine;
    },
    mustFail: ['keyspace() rejects names outside [A-Za-z0-9_-]{1,64} (INVALID_KEYSPACE)'],
  },
  {
    name: 'keyspace names cut at 32 characters',
    bug: 'keyspaces are stored under the first 32 characters of their name, so long names collide',
    open: async () => {
      const cut = (name: unknown) => (typeof name === 'string' && name.length > 32 ? name.slice(0, 32) : name) as string;
      const engine = wrap(await openReference(), {
        write: (inner, ops, options) =>
          inner.write(Array.isArray(ops) ? ops.map((op) => (op && typeof op === 'object' && op.keyspace ? { ...op, keyspace: cut(op.keyspace) } : op)) : ops, options),
      });
      const keyspace = engine.keyspace.bind(engine);
      engine.keyspace = (name) => keyspace(cut(name));
      return engine;
    },
    mustFail: ['long keyspace names that differ only in their last character are distinct, through put, write and snapshots, and across reopen'],
  },
  ...cachedGetEngines(),
  {
    name: 'write() applies ops one at a time',
    bug: 'validates the whole batch, then applies its ops one by one with awaits between, so reads see half a batch',
    open: writesInSlices(1),
    mustFail: ['reads and snapshots taken while a write() is in flight see all of the batch or none of it'],
  },
  {
    name: 'aborted iterator not reported closed',
    bug: 'an iterator whose AbortSignal fired rejects reads but says closed: false until close() is called',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({
          iterate(range) {
            const inner = ks.iterate(range);
            let closed = false;
            return new Proxy(inner, {
              get(target, property) {
                if (property === 'closed') return closed;
                if (property === 'close') return () => ((closed = true), target.close());
                const value = Reflect.get(target, property, target);
                return typeof value === 'function' ? value.bind(target) : value;
              },
            });
          },
        }),
      }),
    mustFail: ['an iterator reports closed once its AbortSignal fires, before and during reads and in for await'],
  },
  {
    name: 'empty batch after close resolves',
    bug: 'write([]) returns before checking the engine is open',
    open: async () =>
      wrap(await openReference(), {
        write: (inner, ops, options) => (Array.isArray(ops) && ops.length === 0 ? Promise.resolve() : inner.write(ops, options)),
      }),
    mustFail: ['an empty write() batch after close fails NOT_OPEN'],
  },
  {
    name: "closing a snapshot closes the engine's iterators",
    bug: 'snapshot close() closes every open iterator of the engine, not only its own',
    open: async () => {
      const live = new Set<EntryIterator>();
      return wrap(await openReference(), {
        keyspace: (ks) => ({
          iterate(range) {
            const it = ks.iterate(range);
            live.add(it);
            return it;
          },
        }),
        snapshot(inner) {
          const snapshot = inner.snapshot!();
          const close = async () => {
            await Promise.all([...live].map((it) => it.close()));
            await snapshot.close();
          };
          return { keyspace: (name) => snapshot.keyspace(name), close, [Symbol.asyncDispose]: close };
        },
      });
    },
    mustFail: ["after a snapshot closes, its getSync and iterateSync fail NOT_OPEN and the engine's live iterators keep working"],
  },
  {
    name: 'prefix dropped beside other bounds',
    bug: 'iterate uses prefix only when no gt/gte/lt/lte is given',
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({
          iterate(range = {}) {
            const { prefix, ...rest } = range;
            const bounded = rest.gt ?? rest.gte ?? rest.lt ?? rest.lte;
            return ks.iterate(prefix !== undefined && bounded !== undefined ? rest : range);
          },
        }),
      }),
    mustFail: [`iterate().all(): ${SIBLING_RANGE_READ}`],
  },
  {
    name: 'a batch of deletes alone is not saved',
    bug: 'only a write() batch with a put marks the engine dirty, so a batch of only del or delRange ops is lost on close and reopen',
    open: deleteOnlyBatchUnsaved,
    mustFail: ['write() del as the only write before close: the deletes survive reopen', 'write() delRange as the only write before close: the deletes survive reopen'],
  },
  {
    name: 'iterateSync resumes after the last key\'s prefix',
    bug: "iterateSync reads 256-entry chunks, each resuming at the last key's prefix successor, so keys extending that key are skipped",
    open: async () =>
      wrap(await openReference(), {
        keyspace: (ks) => ({
          iterateSync(range = {}) {
            return range.reverse ? ks.iterateSync!(range) : resumingAfterPrefix(ks, range);
          },
        }),
      }),
    mustFail: [EXTENDING_KEYS],
  },
  {
    name: 'point reads miss keys a delete moved',
    bug: 'a delete moves the next key to another page without updating the page index, so point reads miss it (iteration finds it)',
    open: staleSeparatorEngine,
    mustFail: ['600 keys, two in three deleted one at a time in shuffled order: every point read path finds exactly the rest'],
  },
  {
    name: 'large values stored by reference',
    bug: "put and write() keep the caller's array for values over 1 KiB, so changing it afterwards changes the stored value",
    open: largeValuesByReference,
    mustFail: ["put stores a copy: changing the caller's keys and values afterwards changes nothing", "write() stores a copy: changing the caller's keys and values afterwards changes nothing"],
  },
  {
    name: 'same-size overwrites of large values lost',
    bug: 'an overwrite with a value of the same size is done in place, which keeps the old bytes of values over 1 KiB',
    open: sameSizeLargeOverwriteLost,
    mustFail: ['300 values of 0 B to 16 KiB through same-size and resized overwrites, a snapshot, deletes one at a time and a range delete leaving a short tail, and reopen'],
  },
  {
    name: 'snapshot iterators resume in the live store after a write',
    bug: 'a snapshot iterator finds its place again after the store changed by key in the live tree, so its later chunks read live entries',
    open: snapshotIteratorsResumeLive,
    mustFail: [STRUCTURE_SPLITS],
    onlyGroup: STRUCTURE_GROUP,
  },
  {
    name: 'repeated same-size overwrites of large values reach snapshots',
    bug: 'copy on write shares the large values of a copied page, so the second same-size overwrite of a value over 1 KiB after a snapshot changes it in the snapshot',
    open: repeatedLargeOverwritesReachSnapshots,
    mustFail: [STRUCTURE_VALUES],
    onlyGroup: STRUCTURE_GROUP,
  },
  {
    name: 'a large range delete empties pages snapshots share',
    bug: 'a range delete of over a quarter of a keyspace of over 1000 keys empties the dropped pages in place, so open snapshots lose those keys',
    open: largeRangeDeleteEmptiesSnapshots,
    mustFail: [STRUCTURE_SPLITS],
    onlyGroup: STRUCTURE_GROUP,
  },
  {
    name: 'large batches applied in slices',
    bug: 'write() validates the whole batch, then applies a batch of over 1024 ops in slices of 1024 with a turn of the event loop between them, so reads see part of a large batch',
    open: writesInSlices(1024, 1024),
    mustFail: ['reads and snapshots taken while a write() of 4100 puts is in flight see all of the batch or none of it'],
  },
  {
    name: 'last point read kept across range deletes',
    bug: 'get remembers its last key and value, forgotten when put, del or write() change that key but not by clear() or delRange',
    open: lastReadKeptAcrossRangeDeletes,
    mustFail: ['get: a key read alone, then deleted by a clear or delRange of all or most keys, reads as missing'],
  },
  {
    name: 'later single deletes leak into a snapshot',
    bug: 'a snapshot undoes only the first 8 single deletes made after it (a bounded undo log); later ones show in its reads, as when a live page borrows from a page the snapshot shares',
    open: laterDeletesLeakIntoSnapshots,
    mustFail: ['snapshots taken every 10 deletes while two in three of 600 keys written in shuffled order go one at a time: each reads exactly the keys of its moment'],
  },
  {
    name: 'branch borrows misroute keys',
    bug: 'after a keyspace of over 4096 keys loses 1024 one at a time, point reads miss the keys a branch borrowed from its neighbour (the separator moved the wrong way)',
    open: branchBorrowMisroutes,
    mustFail: ['5000 keys, three in four deleted one at a time from the upper half and then the lower half: every point read path finds exactly the rest'],
  },
];
