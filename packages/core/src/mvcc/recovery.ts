/**
 * Opening a store: read `meta`, replay the WAL records the engine lacks into the engine, and
 * rebuild the key index from the `rev` keyspace. The current revision is the largest of the
 * recorded one, the last revision seen and the scheduled compaction, so it never goes back.
 */
import { TidekvError } from '../errors.js';
import { encodeRevisionKey, type Revision } from '../codec/revision-key.js';
import { latin1Image } from '../codec/bytes.js';
import type { Keyspace, StorageEngine, WriteOp } from '../engine/types.js';
import type { CommitLog, LeaseOp } from './commit-log.js';
import type { KeyValue } from './kv.js';
import type { LeaseRecord } from './lease/lease.js';
import { decodeLeaseRecord, encodeLeaseKey, encodeLeaseRecord } from './lease/lease-record.js';
import { KeyIndex, type RestoredPut } from './key-index.js';
import { KeyTree } from './key-tree.js';
import {
  LEASE_KEYSPACE,
  META_KEYSPACE,
  META_KEYS,
  REV_KEYSPACE,
  decodeMetaValue,
  encodeMetaValue,
  encodeKeyValue,
  RecordBatch,
  scanRevisionRecord,
  tombstoneKeyValue,
  type MetaName,
  type ScannedRecord,
} from './layout.js';

export interface StoredMeta {
  revision: number;
  /** -1 when none. */
  scheduledCompact: number;
  finishedCompact: number;
  appliedLsn: number;
}

export async function readMeta(meta: Keyspace): Promise<StoredMeta> {
  const names: MetaName[] = ['revision', 'scheduledCompact', 'finishedCompact', 'appliedLsn'];
  const values = await meta.getMany(names.map((name) => META_KEYS[name]));
  const read = (i: number, fallback: number) => (values[i] === undefined ? fallback : decodeMetaValue(names[i]!, values[i]!));
  return { revision: read(0, 1), scheduledCompact: read(1, -1), finishedCompact: read(2, -1), appliedLsn: read(3, 0) };
}

const REPLAY_BATCH_BYTES = 4 << 20;

/**
 * What the key index needs of each replayed change, kept beyond the log's read buffer: one
 * column per field rather than an object per change (a replay of a whole log makes millions).
 */
export class ReplayedChanges {
  readonly #revisions: Revision[] = [];
  readonly #images: string[] = [];
  /** Four per change: tombstone (1) or put (0), createRevision, version, lease. */
  readonly #numbers: number[] = [];

  get length(): number {
    return this.#revisions.length;
  }

  /** The revision of the first change. */
  get first(): Revision | undefined {
    return this.#revisions[0];
  }

  push(revision: Revision, tombstone: boolean, image: string, createRevision: number, version: number, lease: number): void {
    this.#revisions.push(revision);
    this.#images.push(image);
    this.#numbers.push(tombstone ? 1 : 0, createRevision, version, lease);
  }

  /** Hands every change, in order, to `apply`. */
  forEach(apply: (revision: Revision, tombstone: boolean, image: string, createRevision: number, version: number, lease: number) => void): void {
    const numbers = this.#numbers;
    for (let i = 0; i < this.#revisions.length; i++) {
      apply(this.#revisions[i]!, numbers[4 * i] === 1, this.#images[i]!, numbers[4 * i + 1]!, numbers[4 * i + 2]!, numbers[4 * i + 3]!);
    }
  }

  clear(): void {
    this.#revisions.length = 0;
    this.#images.length = 0;
    this.#numbers.length = 0;
  }
}

/**
 * Applies the log's commits after meta.appliedLsn to the engine. Returns the new revision and
 * applied LSN, and appends every replayed change to `replayed`, in order, so rebuildIndex
 * takes them from there instead of reading them back from the engine.
 */
export async function replayLog(engine: StorageEngine, log: CommitLog, meta: StoredMeta, replayed = new ReplayedChanges()): Promise<{ revision: number; appliedLsn: number }> {
  let { revision, appliedLsn } = meta;
  let ops: WriteOp[] = [];
  let bytes = 0;
  const records = new RecordBatch();
  const flush = async () => {
    if (ops.length === 0) return;
    ops.push(
      { type: 'put', keyspace: META_KEYSPACE, key: META_KEYS.revision, value: encodeMetaValue('revision', revision) },
      { type: 'put', keyspace: META_KEYSPACE, key: META_KEYS.appliedLsn, value: encodeMetaValue('appliedLsn', appliedLsn) },
    );
    await engine.write(ops);
    ops = [];
    bytes = 0;
  };
  for await (const commit of log.replay(meta.appliedLsn)) {
    if (commit.compact !== undefined) {
      if (commit.compact > meta.scheduledCompact) {
        ops.push({ type: 'put', keyspace: META_KEYSPACE, key: META_KEYS.scheduledCompact, value: encodeMetaValue('scheduledCompact', commit.compact) });
      }
      appliedLsn = commit.lsn;
      continue;
    }
    ops.push(...leaseWrites(commit.leaseOps));
    if (commit.revision === 0) {
      appliedLsn = commit.lsn;
      continue;
    }
    if (commit.revision !== revision + 1) {
      throw new TidekvError('CORRUPTION', `WAL record ${commit.lsn} holds revision ${commit.revision}, but the store is at ${revision}`, {
        details: { lsn: commit.lsn, revision: commit.revision, current: revision },
      });
    }
    for (const change of commit.changes) {
      const { kv } = change;
      const op = records.put(change.revision, change.tombstone, change.body ?? encodeKeyValue(change.tombstone ? tombstoneKeyValue(kv.key) : kv));
      ops.push(op);
      bytes += op.key.length + op.value.length;
      replayed.push(change.revision, change.tombstone, latin1Image(kv.key), kv.createRevision, kv.version, kv.lease);
    }
    revision = commit.revision;
    appliedLsn = commit.lsn;
    if (bytes >= REPLAY_BATCH_BYTES) await flush();
  }
  await flush();
  return { revision, appliedLsn };
}

/** The `lease` keyspace writes of a commit's lease ops. */
export function leaseWrites(leaseOps: readonly LeaseOp[]): WriteOp[] {
  return leaseOps.map((op): WriteOp => {
    if (op.type === 'delete') return { type: 'del', keyspace: LEASE_KEYSPACE, key: encodeLeaseKey(op.id) };
    const [key, value] = encodeLeaseRecord(op.record);
    return { type: 'put', keyspace: LEASE_KEYSPACE, key, value };
  });
}

/** Every stored lease record, verified. */
export async function readLeases(lease: Keyspace): Promise<LeaseRecord[]> {
  const records: LeaseRecord[] = [];
  for await (const [key, value] of lease.iterate()) records.push(decodeLeaseRecord(key, value));
  return records;
}

/** Entries read per step of the rebuild; between steps the event loop gets a turn. */
const REBUILD_CHUNK = 8192;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Sees every change the index is rebuilt from, in revision order: leases re-attach their keys from it. */
export type RecordVisitor = (tombstone: boolean, lease: number, image: string) => void;

/**
 * Gathers the key indexes from changes fed in revision order. They come in revision order,
 * not key order: each key's index is found through a Map of latin1 images, and the tree is
 * built once at the end, bottom-up from the sorted keys (KeyTree.fromIndexes), instead of one
 * tree insert per key.
 */
class IndexRebuild {
  readonly byImage = new Map<string, KeyIndex>();
  lastRevision = 0;
  readonly #onRecord: RecordVisitor | undefined;
  // Never changed once made: keys restored from puts of one commit at the same version (a
  // bulk load's) share one RestoredPut.
  #put: RestoredPut = { ver: 0, created: { main: 0, sub: 0 } };
  // The greatest key seen so far: a key above it is new without a Map lookup (keys written in
  // ascending order, as bulk loads often are, cost one Map operation each instead of two).
  #greatest = '';
  /** True while every new key came above all before it: then byImage's order is key order. */
  #ordered = true;

  constructor(onRecord: RecordVisitor | undefined) {
    this.#onRecord = onRecord;
  }

  /** One change; `revision` is kept by the index. */
  apply(revision: Revision, tombstone: boolean, image: string, createRevision: number, version: number, lease: number): void {
    const above = image > this.#greatest;
    let index = above ? undefined : this.byImage.get(image);
    if (above) this.#greatest = image;
    if (!index) {
      // The first record left of a key may follow compacted ones: it says where its generation began.
      if (tombstone) index = KeyIndex.restoredTombstone(image, revision);
      else {
        const put = this.#put;
        index = KeyIndex.restored(image, put.created.main === createRevision && put.ver === version ? put : (this.#put = { ver: version, created: { main: createRevision, sub: 0 } }), revision);
      }
      if (!above) this.#ordered = false;
      this.byImage.set(image, index);
    } else if (tombstone) {
      if (!index.live) throw new TidekvError('CORRUPTION', `revision ${revision.main}.${revision.sub} deletes a key that does not exist`, { details: { revision: revision.main, key: index.key } });
      index.tombstone(revision);
    } else {
      index.put(revision);
    }
    this.#onRecord?.(tombstone, lease, image);
    this.lastRevision = revision.main;
  }

  /** The key tree over every index gathered. */
  tree(): KeyTree {
    return KeyTree.fromIndexes(this.byImage, this.#ordered);
  }

  /** A stored record, verified (scanRevisionRecord): the only objects it leaves are its revision and, for a new key, the key's index. */
  applyStored(key: Uint8Array, value: Uint8Array, scratch: ScannedRecord): void {
    scanRevisionRecord(key, value, scratch);
    this.apply({ main: scratch.main, sub: scratch.sub }, scratch.tombstone, scratch.image, scratch.createRevision, scratch.version, scratch.lease);
  }
}

/**
 * Rebuilds the key index from every stored revision, verifying each, and then from the
 * changes `replayLog` just wrote (the engine holds them too, but they need not be read back:
 * the log's records are checksummed, and the scan stops before the first of them).
 * `onRecord`, when given, sees every change in revision order. An engine that reads
 * synchronously is scanned with iterateSync, without a promise per chunk; another in chunks
 * of REBUILD_CHUNK entries.
 */
export async function rebuildIndex(rev: Keyspace, onRecord?: RecordVisitor, replayed = new ReplayedChanges()): Promise<{ tree: KeyTree; lastRevision: number }> {
  const rebuild = new IndexRebuild(onRecord);
  const scratch: ScannedRecord = { main: 0, sub: 0, tombstone: false, image: '', createRevision: 0, version: 0, lease: 0 };
  const first = replayed.first;
  const stored = first ? { lt: encodeRevisionKey({ main: first.main, sub: 0 }) } : {};
  if (rev.iterateSync) {
    let count = 0;
    for (const [key, value] of rev.iterateSync(stored)) {
      rebuild.applyStored(key, value, scratch);
      if (++count % REBUILD_CHUNK === 0) await nextTurn();
    }
  } else {
    const iterator = rev.iterate(stored);
    try {
      for (;;) {
        const entries = await iterator.nextv(REBUILD_CHUNK);
        if (entries.length === 0) break;
        for (let i = 0; i < entries.length; i++) rebuild.applyStored(entries[i]![0], entries[i]![1], scratch);
      }
    } finally {
      await iterator.close();
    }
  }
  replayed.forEach((revision, tombstone, image, createRevision, version, lease) => rebuild.apply(revision, tombstone, image, createRevision, version, lease));
  return { tree: rebuild.tree(), lastRevision: rebuild.lastRevision };
}
