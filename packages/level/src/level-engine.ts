/**
 * The StorageEngine over one LevelDB database (classic-level). Keyspaces are key prefixes
 * inside it, so a write across keyspaces is one native batch and therefore atomic.
 */
import {
  Lifecycle,
  assertKeyspaceName,
  assertWriteOptions,
  resolveWriteOps,
  type Capabilities,
  type Keyspace,
  type NormalizedRange,
  type ResolvedWriteOp,
  type Snapshot,
  type StorageEngine,
  type WriteOp,
  type WriteOptions,
} from '@tidekv/core';
import { LEVEL_CAPABILITIES } from './capabilities.js';
import { FlushPolicy } from './flush-policy.js';
import type { KeyspacePrefix } from './keyspace-prefix.js';
import { KeyspacePrefixes } from './keyspace-prefixes.js';
import { LevelKeyspace, type KeyspaceWriter } from './level-keyspace.js';
import type { LevelDb } from './level-reader.js';
import { LevelSnapshot } from './level-snapshot.js';
import { fromNative } from './native-errors.js';
import { expandRangeDeletes, type NativeOp } from './range-delete.js';
import { WriteGate } from './write-gate.js';

const SYNC = Object.freeze({ sync: true });

/**
 * Written (as a delete) with sync to fsync the log. Every keyspace prefix starts with a
 * letter, digit, '_' or '-', so this key, starting with 0x00, is in no keyspace.
 */
const FLUSH_MARKER = Buffer.from('\u0000tidekv-flush', 'latin1');
/**
 * A key range that holds no key at all ([0x00, 0x00] — keyspace keys start higher): compacting
 * it makes LevelDB flush its memtable to a synced table file and do nothing else.
 */
const EMPTY_RANGE_KEY = Buffer.from([0x00]);

export class LevelEngine implements StorageEngine, KeyspaceWriter {
  readonly capabilities: Capabilities = LEVEL_CAPABILITIES;
  readonly #db: LevelDb;
  readonly #lifecycle = new Lifecycle('engine');
  readonly #prefixes = new KeyspacePrefixes();
  readonly #keyspaces = new Map<string, LevelKeyspace>();
  readonly #gate = new WriteGate();
  readonly #flushPolicy: FlushPolicy;

  constructor(db: LevelDb, writeBufferSize: number) {
    this.#db = db;
    this.#flushPolicy = new FlushPolicy(writeBufferSize);
  }

  keyspace(name: string): Keyspace {
    this.#lifecycle.assertOpen();
    let keyspace = this.#keyspaces.get(name);
    if (!keyspace) {
      assertKeyspaceName(name);
      keyspace = new LevelKeyspace(this.#db, this.#prefixes.get(name), this.#lifecycle, this);
      this.#keyspaces.set(name, keyspace);
    }
    return keyspace;
  }

  async write(ops: readonly WriteOp[], options?: WriteOptions): Promise<void> {
    this.#lifecycle.assertOpen();
    assertWriteOptions(options);
    const resolved = resolveWriteOps(ops, LEVEL_CAPABILITIES);
    if (resolved.length === 0) return;
    const sync = options?.sync === true;
    for (const op of resolved) {
      if (op.type === 'delRange') return this.#gate.exclusive(() => this.#writeWithRanges(resolved, sync));
    }
    return this.#gate.shared(() => this.#batch(this.#toNativeInPlace(resolved), sync));
  }

  /**
   * The resolved ops are fresh objects owned by this call, so their keys are swapped for
   * stored keys in place and the array goes to LevelDB as it is: no second object per op.
   */
  #toNativeInPlace(ops: ResolvedWriteOp[]): NativeOp[] {
    let prefix: KeyspacePrefix | undefined;
    for (const op of ops as (ResolvedWriteOp & { type: 'put' | 'del' })[]) {
      if (prefix?.name !== op.keyspace) prefix = this.#prefixes.get(op.keyspace);
      op.key = prefix.wrap(op.key);
    }
    return ops as unknown as NativeOp[];
  }

  async #writeWithRanges(ops: readonly ResolvedWriteOp[], sync: boolean): Promise<void> {
    let batch: NativeOp[];
    try {
      batch = await expandRangeDeletes(this.#db, this.#prefixes, ops);
    } catch (error) {
      throw fromNative(error, 'range read');
    }
    if (batch.length > 0) await this.#batch(batch, sync);
  }

  async #batch(batch: NativeOp[], sync: boolean): Promise<void> {
    const policy = this.#flushPolicy;
    for (const op of batch) policy.add(op.key.length, op.type === 'put' ? op.value.length : 0);
    try {
      await this.#db.batch(batch as never, sync ? SYNC : (undefined as never));
    } catch (error) {
      throw fromNative(error, 'batch');
    }
  }

  putOne(prefix: KeyspacePrefix, key: Uint8Array, value: Uint8Array, sync: boolean): Promise<void> {
    const stored = prefix.wrap(key);
    this.#flushPolicy.add(stored.length, value.length);
    return this.#gate.shared(() =>
      this.#db.put(stored, value, sync ? SYNC : (undefined as never)).catch((error: unknown) => {
        throw fromNative(error, 'put');
      }),
    );
  }

  delOne(prefix: KeyspacePrefix, key: Uint8Array, sync: boolean): Promise<void> {
    const stored = prefix.wrap(key);
    this.#flushPolicy.add(stored.length, 0);
    return this.#gate.shared(() =>
      this.#db.del(stored, sync ? SYNC : (undefined as never)).catch((error: unknown) => {
        throw fromNative(error, 'del');
      }),
    );
  }

  clearRange(keyspace: string, range: NormalizedRange, sync: boolean): Promise<void> {
    return this.#gate.exclusive(() => this.#writeWithRanges([{ type: 'delRange', keyspace, range }], sync));
  }

  snapshot(): Snapshot {
    this.#lifecycle.assertOpen();
    const snapshot: LevelSnapshot = new LevelSnapshot(this.#db, this.#prefixes, () =>
      this.#lifecycle.untrack(snapshot),
    );
    this.#lifecycle.track(snapshot);
    return snapshot;
  }

  async flush(): Promise<void> {
    this.#lifecycle.assertOpen();
    await this.#flushNow();
  }

  /** See FlushPolicy for why there are two ways. */
  async #flushNow(): Promise<void> {
    const policy = this.#flushPolicy;
    try {
      if (policy.needsFullFlush) {
        const counted = policy.counted;
        await this.#db.compactRange(EMPTY_RANGE_KEY, EMPTY_RANGE_KEY);
        policy.flushed(counted);
      } else {
        policy.add(FLUSH_MARKER.length, 0);
        await this.#db.del(FLUSH_MARKER, SYNC);
      }
    } catch (error) {
      throw fromNative(error, 'flush');
    }
  }

  /** Waits for writes in flight, makes everything durable (as flush does), then closes. */
  close(): Promise<void> {
    return this.#lifecycle.close(async () => {
      let flushError: unknown;
      try {
        await this.#gate.exclusive(() => this.#flushNow());
      } catch (error) {
        flushError = error;
      }
      try {
        await this.#db.close();
      } catch (error) {
        throw fromNative(error, 'close');
      }
      if (flushError !== undefined) throw flushError;
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
