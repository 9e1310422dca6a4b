/**
 * Every write of a LevelDB engine goes through here: point writes run concurrently, batches
 * with range deletes run alone (WriteGate), the registry entry of a keyspace rides in the
 * batch of its first write, and FlushPolicy counts the bytes flush() must cover.
 */
import type { ResolvedWriteOp } from '@tidekv/core';
import { FlushPolicy } from './flush-policy.js';
import type { KeyspaceRegistry, RegisteredKeyspace } from './keyspace-registry.js';
import { expandRangeDeletes } from './range-delete.js';
import type { LevelDb, NativeOp } from './types.js';
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

export class LevelWriter {
  readonly #db: LevelDb;
  readonly #registry: KeyspaceRegistry;
  readonly #gate = new WriteGate();
  readonly #flushPolicy: FlushPolicy;

  constructor(db: LevelDb, registry: KeyspaceRegistry, writeBufferSize: number) {
    this.#db = db;
    this.#registry = registry;
    this.#flushPolicy = new FlushPolicy(writeBufferSize);
  }

  write(ops: ResolvedWriteOp[], sync: boolean): Promise<void> {
    for (const op of ops) {
      if (op.type === 'delRange') return this.#gate.exclusive(() => this.#writeWithRanges(ops, sync));
    }
    return this.#gate.shared(() => this.#writePointOps(ops, sync));
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
    const expanded = await expandRangeDeletes(this.#db, this.#registry, ops);
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
    await this.#db.batch(batch as never, nativeWriteOptions(sync));
    if (unregistered) for (const keyspace of unregistered) keyspace.registered = true;
  }

  put(keyspace: RegisteredKeyspace, key: Uint8Array, value: Uint8Array, sync: boolean): Promise<void> {
    const stored = keyspace.wrap(key);
    if (!keyspace.registered) {
      return this.#gate.shared(() => this.#batch([{ type: 'put', key: stored, value }], sync, [keyspace]));
    }
    this.#flushPolicy.add(stored.length, value.length);
    return this.#gate.shared(() => this.#db.put(stored, value, nativeWriteOptions(sync)));
  }

  del(keyspace: RegisteredKeyspace, key: Uint8Array, sync: boolean): Promise<void> {
    const stored = keyspace.wrap(key);
    if (!keyspace.registered) {
      return this.#gate.shared(() => this.#batch([{ type: 'del', key: stored }], sync, [keyspace]));
    }
    this.#flushPolicy.add(stored.length, 0);
    return this.#gate.shared(() => this.#db.del(stored, nativeWriteOptions(sync)));
  }

  /** Makes every acknowledged write durable; see FlushPolicy for why there are two ways. */
  async flush(): Promise<void> {
    const policy = this.#flushPolicy;
    if (policy.needsFullFlush) {
      const mark = policy.mark;
      await this.#db.compactRange(EMPTY_RANGE_KEY, EMPTY_RANGE_KEY);
      policy.flushed(mark);
    } else {
      policy.add(FLUSH_MARKER.length, 0);
      await this.#db.del(FLUSH_MARKER, SYNC);
    }
  }

  /** A flush once the writes in flight have finished, holding later ones back. */
  flushAlone(): Promise<void> {
    return this.#gate.exclusive(() => this.flush());
  }
}
