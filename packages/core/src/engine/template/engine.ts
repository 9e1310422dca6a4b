/**
 * The public surface of every tidekv engine, written once. An adapter extends BaseEngine and
 * supplies its backend's primitives: keyspace and snapshot primitives, an atomic batch, a
 * flush and a release. The template validates every input before anything is written, checks
 * the lifecycle, refuses writes after a failed one (WriteGuard), converts errors with the
 * adapter's `toError`, and binds iterators and snapshots to the engine so close() closes them.
 */
import { TidekvError } from '../../errors.js';
import { Lifecycle } from '../lifecycle.js';
import type { Capabilities, Keyspace, Snapshot, StorageEngine, WriteOp, WriteOptions } from '../types.js';
import { assertKeyspaceName, assertWriteOptions, resolveWriteOps, type ResolvedWriteOp } from '../validate.js';
import { EngineKeyspace, type WriteContext } from './keyspace.js';
import type { KeyspacePrimitives, SnapshotPrimitives } from './primitives.js';
import { EngineSnapshot } from './snapshot.js';
import { WriteGuard } from './write-guard.js';

const RESOLVED = Promise.resolve();

/** Any failure that is not already a TidekvError becomes IO_ERROR, keeping its cause. */
export function toIoError(error: unknown, doing: string): TidekvError {
  if (error instanceof TidekvError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TidekvError('IO_ERROR', `${doing} failed: ${message}`, { cause: error });
}

export abstract class BaseEngine implements StorageEngine {
  readonly capabilities: Capabilities;
  readonly #lifecycle = new Lifecycle('engine');
  readonly #guard: WriteGuard;
  readonly #context: WriteContext;
  readonly #keyspaces = new Map<string, EngineKeyspace>();

  protected constructor(capabilities: Capabilities) {
    this.capabilities = capabilities;
    const toError = (error: unknown, doing: string) => this.toError(error, doing);
    this.#guard = new WriteGuard(toError);
    this.#context = { lifecycle: this.#lifecycle, capabilities, toError, guard: this.#guard };
  }

  /** The primitives of keyspace `name` (a valid name), created on first use. */
  protected abstract keyspacePrimitives(name: string): KeyspacePrimitives;
  /** Applies a validated, non-empty batch atomically, durable on return when `sync`. */
  protected abstract writeBatch(ops: ResolvedWriteOp[], sync: boolean): void | Promise<void>;
  /** A consistent read view of every keyspace as of now. */
  protected abstract snapshotPrimitives(): SnapshotPrimitives;
  /** Makes everything acknowledged so far durable. */
  protected abstract flushAll(): void | Promise<void>;
  /** Releases the backend, once, after open iterators and snapshots are closed. */
  protected abstract release(): void | Promise<void>;

  /** The adapter's mapping of native failures to TidekvErrors; TidekvErrors pass through. */
  protected toError(error: unknown, doing: string): TidekvError {
    return toIoError(error, doing);
  }

  /** True once a write or flush failed: the engine refuses writes until reopened. */
  protected get writesFailed(): boolean {
    return this.#guard.failure !== undefined;
  }

  keyspace(name: string): Keyspace {
    this.#lifecycle.assertOpen();
    let keyspace = this.#keyspaces.get(name);
    if (keyspace === undefined) {
      assertKeyspaceName(name);
      let primitives: KeyspacePrimitives;
      try {
        primitives = this.keyspacePrimitives(name);
      } catch (error) {
        throw this.toError(error, `open keyspace '${name}'`);
      }
      keyspace = new EngineKeyspace(name, this.#context, primitives);
      this.#keyspaces.set(name, keyspace);
    }
    return keyspace;
  }

  write(ops: readonly WriteOp[], options?: WriteOptions): Promise<void> {
    let resolved: ResolvedWriteOp[];
    try {
      this.#lifecycle.assertOpen();
      assertWriteOptions(options);
      resolved = resolveWriteOps(ops, this.capabilities);
      this.#guard.assertWritable();
    } catch (error) {
      return Promise.reject(error);
    }
    const sync = options?.sync === true;
    if (resolved.length === 0) return sync ? this.#guard.run(() => this.flushAll(), 'flush') : RESOLVED;
    return this.#guard.run(() => this.writeBatch(resolved, sync), 'write');
  }

  snapshot(): Snapshot {
    this.#lifecycle.assertOpen();
    let primitives: SnapshotPrimitives;
    try {
      primitives = this.snapshotPrimitives();
    } catch (error) {
      throw this.toError(error, 'snapshot');
    }
    const snapshot: EngineSnapshot = new EngineSnapshot(primitives, this.capabilities, this.#context.toError, () =>
      this.#lifecycle.untrack(snapshot),
    );
    this.#lifecycle.track(snapshot);
    return snapshot;
  }

  flush(): Promise<void> {
    try {
      this.#lifecycle.assertOpen();
      this.#guard.assertWritable();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#guard.run(() => this.flushAll(), 'flush');
  }

  close(): Promise<void> {
    return this.#lifecycle.close(async () => {
      try {
        await this.release();
      } catch (error) {
        throw this.toError(error, 'close');
      }
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
