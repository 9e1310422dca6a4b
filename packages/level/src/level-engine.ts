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
import type { KeyspaceRegistry, RegisteredKeyspace } from './keyspace-registry.js';
import { LevelKeyspace, type KeyspaceWriter } from './level-keyspace.js';
import { LevelSnapshot } from './level-snapshot.js';
import type { LevelDb, NativeOp } from './level-types.js';
import { fromNative } from './native-errors.js';
import { expandRangeDeletes } from './range-delete.js';
import { WriteGate } from './write-gate.js';

const SYNC = Object.freeze({ sync: true });
/** classic-level's write options: undefined takes its fast path. */
const nativeWriteOptions = (sync: boolean) => (sync ? SYNC : (undefined as never));

/**
 * Written (as a delete) with sync to fsync the log. Stored keys of keyspaces start with a
 * byte >= 0x01, so this meta key (0x00 'f') is in no keyspace.
 */
const FLUSH_MARKER = Buffer.from([0x00, 0x66]);
/**
 * A key range that holds no key at all ([0x00, 0x00]: every stored key is longer): compacting
 * it makes LevelDB flush its memtable to a synced table file and do nothing else.
 */
const EMPTY_RANGE_KEY = Buffer.from([0x00]);

export class LevelEngine implements StorageEngine, KeyspaceWriter {
  readonly capabilities: Capabilities = LEVEL_CAPABILITIES;
  readonly #db: LevelDb;
  readonly #lifecycle = new Lifecycle('engine');
  readonly #registry: KeyspaceRegistry;
  readonly #keyspaces = new Map<string, LevelKeyspace>();
  readonly #gate = new WriteGate();
  readonly #flushPolicy: FlushPolicy;

  constructor(db: LevelDb, registry: KeyspaceRegistry, writeBufferSize: number) {
    this.#db = db;
    this.#registry = registry;
    this.#flushPolicy = new FlushPolicy(writeBufferSize);
  }

  keyspace(name: string): Keyspace {
    this.#lifecycle.assertOpen();
    let keyspace = this.#keyspaces.get(name);
    if (!keyspace) {
      assertKeyspaceName(name);
      keyspace = new LevelKeyspace(this.#db, this.#registry.get(name), this.#lifecycle, this);
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
    return this.#gate.shared(() => this.#writePointOps(resolved, sync));
  }

  /**
   * The resolved ops are fresh objects owned by this call, so their keys are swapped for
   * stored keys in place and the array goes to LevelDB as it is: no second object per op.
   */
  #writePointOps(ops: ResolvedWriteOp[], sync: boolean): Promise<void> {
    let keyspace: RegisteredKeyspace | undefined;
    let unregistered: RegisteredKeyspace[] | undefined;
    for (const op of ops as (ResolvedWriteOp & { type: 'put' | 'del' })[]) {
      if (keyspace?.name !== op.keyspace) {
        keyspace = this.#registry.get(op.keyspace);
        if (!keyspace.registered) {
          unregistered ??= [];
          if (!unregistered.includes(keyspace)) unregistered.push(keyspace);
        }
      }
      op.key = keyspace.wrap(op.key);
    }
    return this.#batch(ops as unknown as NativeOp[], sync, unregistered);
  }

  async #writeWithRanges(ops: readonly ResolvedWriteOp[], sync: boolean): Promise<void> {
    let expanded;
    try {
      expanded = await expandRangeDeletes(this.#db, this.#registry, ops);
    } catch (error) {
      throw fromNative(error, 'range read');
    }
    if (expanded.ops.length === 0) return;
    const unregistered = [...expanded.touched].filter((keyspace) => !keyspace.registered);
    await this.#batch(expanded.ops, sync, unregistered);
  }

  /**
   * Writes one native batch. The registry entry of each keyspace written for the first time
   * rides in the same batch, so the data is never stored without it.
   */
  async #batch(batch: NativeOp[], sync: boolean, unregistered?: RegisteredKeyspace[]): Promise<void> {
    if (unregistered) for (const keyspace of unregistered) batch.push(keyspace.entry);
    const policy = this.#flushPolicy;
    for (const op of batch) policy.add(op.key.length, op.type === 'put' ? op.value.length : 0);
    try {
      await this.#db.batch(batch as never, nativeWriteOptions(sync));
    } catch (error) {
      throw fromNative(error, 'batch');
    }
    if (unregistered) for (const keyspace of unregistered) keyspace.registered = true;
  }

  putOne(keyspace: RegisteredKeyspace, key: Uint8Array, value: Uint8Array, sync: boolean): Promise<void> {
    const stored = keyspace.wrap(key);
    if (!keyspace.registered) {
      return this.#gate.shared(() => this.#batch([{ type: 'put', key: stored, value }], sync, [keyspace]));
    }
    this.#flushPolicy.add(stored.length, value.length);
    return this.#gate.shared(() =>
      this.#db.put(stored, value, nativeWriteOptions(sync)).catch((error: unknown) => {
        throw fromNative(error, 'put');
      }),
    );
  }

  delOne(keyspace: RegisteredKeyspace, key: Uint8Array, sync: boolean): Promise<void> {
    const stored = keyspace.wrap(key);
    if (!keyspace.registered) {
      return this.#gate.shared(() => this.#batch([{ type: 'del', key: stored }], sync, [keyspace]));
    }
    this.#flushPolicy.add(stored.length, 0);
    return this.#gate.shared(() =>
      this.#db.del(stored, nativeWriteOptions(sync)).catch((error: unknown) => {
        throw fromNative(error, 'del');
      }),
    );
  }

  clearRange(keyspace: string, range: NormalizedRange, sync: boolean): Promise<void> {
    return this.#gate.exclusive(() => this.#writeWithRanges([{ type: 'delRange', keyspace, range }], sync));
  }

  snapshot(): Snapshot {
    this.#lifecycle.assertOpen();
    const snapshot: LevelSnapshot = new LevelSnapshot(this.#db, this.#registry, () =>
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
        const mark = policy.mark;
        await this.#db.compactRange(EMPTY_RANGE_KEY, EMPTY_RANGE_KEY);
        policy.flushed(mark);
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
