/**
 * Sibling entry points as data: every way the contract offers to read a range, read a key,
 * put, delete or delete a range. A case written once over one of these tables holds every
 * sibling to the same property, so a behaviour checked through one path is checked on all.
 */
import type { Entry, Range, ReadableKeyspace } from '@tidekv/core';
import type { Case, CaseContext } from '../case.js';

type Skip = Case['skip'];

const noSyncReads: Skip = (caps) => (caps.syncReads ? false : 'capabilities.syncReads is false');
const noGetSync: Skip = (_caps, options) => (options.getSync ? false : 'keyspace.getSync is absent');
const noSnapshots: Skip = (caps) => (caps.snapshots ? false : 'capabilities.snapshots is false');
const noSnapshotSyncReads: Skip = (caps) =>
  !caps.snapshots ? 'capabilities.snapshots is false' : !caps.syncReads ? 'capabilities.syncReads is false' : false;

/** Runs `body` on a snapshot of the engine, closing the snapshot afterwards. */
async function inSnapshot<T>(ctx: CaseContext, body: (view: ReadableKeyspace) => Promise<T> | T): Promise<T> {
  const snapshot = ctx.engine.snapshot!();
  try {
    return await body(snapshot.keyspace(ctx.pass.keyspace));
  } finally {
    await snapshot.close();
  }
}

export interface RangeReadPath {
  name: string;
  skip?: Skip;
  /** Every entry `range` selects (honouring reverse and limit), in iteration order. */
  read(ctx: CaseContext, range?: Range): Promise<Entry[]>;
}

async function drainNextv(view: ReadableKeyspace, range: Range | undefined, size: number): Promise<Entry[]> {
  const it = view.iterate(range);
  const out: Entry[] = [];
  try {
    for (;;) {
      const chunk = await it.nextv(size);
      if (chunk.length === 0) return out;
      out.push(...chunk);
    }
  } finally {
    await it.close();
  }
}

/** Every way to read a range, live and in a snapshot. */
export const RANGE_READ_PATHS: RangeReadPath[] = [
  { name: 'iterate().all()', read: (ctx, range) => ctx.ks.iterate(range).all() },
  {
    name: 'for await over iterate()',
    async read(ctx, range) {
      const out: Entry[] = [];
      for await (const entry of ctx.ks.iterate(range)) out.push(entry);
      return out;
    },
  },
  {
    name: 'next() over iterate()',
    async read(ctx, range) {
      const it = ctx.ks.iterate(range);
      const out: Entry[] = [];
      try {
        for (let entry = await it.next(); entry !== undefined; entry = await it.next()) out.push(entry);
      } finally {
        await it.close();
      }
      return out;
    },
  },
  // An odd chunk size, so chunk edges fall off the powers of two an adapter reads by.
  { name: 'nextv(97) over iterate()', read: (ctx, range) => drainNextv(ctx.ks, range, 97) },
  { name: 'iterateSync', skip: noSyncReads, read: async (ctx, range) => [...ctx.ks.iterateSync!(range)] },
  { name: "a snapshot's iterate()", skip: noSnapshots, read: (ctx, range) => inSnapshot(ctx, (view) => view.iterate(range).all()) },
  {
    name: "a snapshot's iterateSync",
    skip: noSnapshotSyncReads,
    read: (ctx, range) => inSnapshot(ctx, (view) => [...view.iterateSync!(range)]),
  },
];

export interface PointReadPath {
  name: string;
  skip?: Skip;
  /** The values of `keys`, in order, undefined where missing. */
  read(ctx: CaseContext, keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
}

async function eachKey(view: ReadableKeyspace, keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
  const out: (Uint8Array | undefined)[] = [];
  for (const key of keys) out.push(await view.get(key));
  return out;
}

/** Every way to read single keys, live and in a snapshot. */
export const POINT_READ_PATHS: PointReadPath[] = [
  { name: 'get', read: (ctx, keys) => eachKey(ctx.ks, keys) },
  { name: 'getMany', read: (ctx, keys) => ctx.ks.getMany(keys) },
  { name: 'getSync', skip: noGetSync, read: async (ctx, keys) => keys.map((key) => ctx.ks.getSync!(key)) },
  { name: "a snapshot's get", skip: noSnapshots, read: (ctx, keys) => inSnapshot(ctx, (view) => eachKey(view, keys)) },
  { name: "a snapshot's getMany", skip: noSnapshots, read: (ctx, keys) => inSnapshot(ctx, (view) => view.getMany(keys)) },
  {
    name: "a snapshot's getSync",
    skip: noSnapshotSyncReads,
    read: (ctx, keys) => inSnapshot(ctx, (view) => keys.map((key) => view.getSync!(key))),
  },
];

export interface PutPath {
  name: string;
  put(ctx: CaseContext, entries: readonly Entry[], sync?: boolean): Promise<void>;
}

/** Every way to put entries. */
export const PUT_PATHS: PutPath[] = [
  {
    name: 'put',
    async put(ctx, entries, sync) {
      for (const [key, value] of entries) await ctx.ks.put(key, value, sync === undefined ? undefined : { sync });
    },
  },
  {
    name: 'write()',
    put: (ctx, entries, sync) => ctx.engine.write(entries.map(([key, value]) => ctx.put(key, value)), sync === undefined ? undefined : { sync }),
  },
];

export interface DeletePath {
  name: string;
  del(ctx: CaseContext, keys: readonly Uint8Array[], sync?: boolean): Promise<void>;
}

/** Every way to delete single keys. */
export const DELETE_PATHS: DeletePath[] = [
  {
    name: 'del',
    async del(ctx, keys, sync) {
      for (const key of keys) await ctx.ks.del(key, sync === undefined ? undefined : { sync });
    },
  },
  { name: 'write() del', del: (ctx, keys, sync) => ctx.engine.write(keys.map((key) => ctx.del(key)), sync === undefined ? undefined : { sync }) },
];

export interface RangeDeletePath {
  name: string;
  clear(ctx: CaseContext, range: Range, sync?: boolean): Promise<void>;
}

/** Every way to delete a range. */
export const RANGE_DELETE_PATHS: RangeDeletePath[] = [
  { name: 'clear', clear: (ctx, range, sync) => ctx.ks.clear(range, sync === undefined ? undefined : { sync }) },
  {
    name: 'write() delRange',
    clear: (ctx, range, sync) => ctx.engine.write([ctx.delRange(range)], sync === undefined ? undefined : { sync }),
  },
];
