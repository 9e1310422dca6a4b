/**
 * The read surface of a keyspace, live or in a snapshot. Every method validates its whole
 * input and checks the owner is open before the adapter's primitive runs; native errors come
 * back as TidekvErrors; iterators are ChunkedIterators bound to the owner's lifecycle.
 * `iterateSync` is present exactly when the engine declares `syncReads`.
 */
import { TidekvError } from '../../errors.js';
import type { ChunkSource } from '../chunked-iterator.js';
import type { Lifecycle } from '../lifecycle.js';
import { normalizeIterateRange, type NormalizedIterateRange } from '../range.js';
import type { Capabilities, Entry, EntryIterator, IterateOptions, Range, ReadableKeyspace } from '../types.js';
import { assertKey, assertKeys } from '../validate.js';
import { EMPTY_SOURCE, type ReadPrimitives } from './primitives.js';
import type { ToError } from './write-guard.js';

/** What the readers of one engine or snapshot share. */
export interface ReadContext {
  readonly lifecycle: Lifecycle;
  readonly capabilities: Capabilities;
  readonly toError: ToError;
}

const SYNC_CHUNK = 256;

export class EngineReader implements ReadableKeyspace {
  readonly name: string;
  protected readonly lifecycle: Lifecycle;
  protected readonly capabilities: Capabilities;
  protected readonly toError: ToError;
  readonly #reads: ReadPrimitives;
  readonly #maxKeySize: number;
  readonly #iterateError = (error: unknown): TidekvError => this.toError(error, 'iterate');

  constructor(name: string, context: ReadContext, reads: ReadPrimitives) {
    this.name = name;
    this.lifecycle = context.lifecycle;
    this.capabilities = context.capabilities;
    this.toError = context.toError;
    this.#reads = reads;
    this.#maxKeySize = context.capabilities.maxKeySize;
    // The contract: iterateSync exists exactly when capabilities.syncReads says so.
    if (!context.capabilities.syncReads) Object.defineProperty(this, 'iterateSync', { value: undefined });
  }

  getSync(key: Uint8Array): Uint8Array | undefined {
    this.lifecycle.assertOpen();
    assertKey(key, this.#maxKeySize);
    try {
      return this.#reads.get(key);
    } catch (error) {
      throw this.toError(error, 'get');
    }
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      return Promise.resolve(this.getSync(key));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    try {
      this.lifecycle.assertOpen();
      assertKeys(keys, this.#maxKeySize);
      if (keys.length === 0) return Promise.resolve([]);
      const reads = this.#reads;
      if (reads.getMany === undefined) {
        const out = new Array<Uint8Array | undefined>(keys.length);
        for (let i = 0; i < keys.length; i++) out[i] = reads.get(keys[i]!);
        return Promise.resolve(out);
      }
      const out = reads.getMany(keys);
      if (Array.isArray(out)) return Promise.resolve(out);
      return out.then(undefined, (error: unknown) => {
        throw this.toError(error, 'getMany');
      });
    } catch (error) {
      return Promise.reject(this.toError(error, 'getMany'));
    }
  }

  iterate(range?: IterateOptions): EntryIterator {
    this.lifecycle.assertOpen();
    const normalized = normalizeIterateRange(range);
    const source = normalized.empty ? EMPTY_SOURCE : this.#open(normalized);
    return this.lifecycle.iterator(source, {
      limit: normalized.limit,
      signal: normalized.signal,
      chunkSize: this.#reads.chunkSize,
      mapError: this.#iterateError,
    });
  }

  iterateSync(range?: Range): Iterable<Entry> {
    this.lifecycle.assertOpen();
    // The same options as iterate: a signal is checked, and honoured between chunks.
    const normalized = normalizeIterateRange(range);
    if (normalized.empty) return [];
    const reads = this.#reads;
    if (reads.scanSync === undefined) return this.#scanChunks(this.#open(normalized), normalized);
    let entries: Iterable<Entry>;
    try {
      entries = reads.scanSync(normalized, this.lifecycle);
    } catch (error) {
      throw this.toError(error, 'iterate');
    }
    return normalized.signal === undefined ? entries : abortable(entries, normalized.signal);
  }

  #open(range: NormalizedIterateRange): ChunkSource {
    try {
      return this.#reads.open(range);
    } catch (error) {
      throw this.toError(error, 'iterate');
    }
  }

  /** Synchronous iteration over a source that answers synchronously; fails NOT_OPEN once the owner closes. */
  *#scanChunks(source: ChunkSource, range: NormalizedIterateRange): Generator<Entry, void, undefined> {
    const { signal } = range;
    let remaining = range.limit;
    try {
      while (remaining > 0) {
        this.lifecycle.assertOpen();
        if (signal?.aborted) throw new TidekvError('ABORTED', 'the iteration was aborted', { cause: signal.reason });
        let chunk: Entry[];
        try {
          chunk = source.read(Math.min(SYNC_CHUNK, remaining)) as Entry[];
        } catch (error) {
          throw this.toError(error, 'iterate');
        }
        if (chunk.length === 0) return;
        remaining -= chunk.length;
        yield* chunk;
      }
    } finally {
      void source.release?.();
    }
  }
}

/**
 * An adapter's own synchronous scan with the caller's signal checked before the first entry
 * and every SYNC_CHUNK entries after, as the template's chunked scan does.
 */
function* abortable(entries: Iterable<Entry>, signal: AbortSignal): Generator<Entry, void, undefined> {
  let count = 0;
  for (const entry of entries) {
    if (count++ % SYNC_CHUNK === 0 && signal.aborted) {
      throw new TidekvError('ABORTED', 'the iteration was aborted', { cause: signal.reason });
    }
    yield entry;
  }
  if (signal.aborted && count === 0) throw new TidekvError('ABORTED', 'the iteration was aborted', { cause: signal.reason });
}
