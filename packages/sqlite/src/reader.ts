/**
 * The read half of a keyspace, shared by live keyspaces (main connection) and snapshot views
 * (a connection holding an open read transaction).
 */
import {
  Lifecycle,
  assertKey,
  assertKeys,
  normalizeIterateRange,
  toHalfOpen,
  type ChunkSource,
  type Entry,
  type EntryIterator,
  type IterateOptions,
  type Range,
  type ReadableKeyspace,
} from '@tidekv/core';
import { MAX_KEY_SIZE } from './capabilities.js';
import { toTidekvError } from './errors.js';
import { EMPTY_SOURCE, PAGE_SIZE, PageReader, readPagesSync } from './pages.js';
import type { ReadBurst } from './read-burst.js';
import type { TableStatements } from './statements.js';

export class KeyspaceReader implements ReadableKeyspace {
  readonly name: string;
  /** undefined: the table does not exist in this view (a keyspace newer than a snapshot). */
  protected readonly statements: TableStatements | undefined;
  protected readonly lifecycle: Lifecycle;
  /** Set on the main connection only; a snapshot is already inside its own transaction. */
  readonly #burst: ReadBurst | undefined;
  readonly #assertOpen: () => void;

  constructor(name: string, statements: TableStatements | undefined, lifecycle: Lifecycle, burst: ReadBurst | undefined) {
    this.name = name;
    this.statements = statements;
    this.lifecycle = lifecycle;
    this.#burst = burst;
    this.#assertOpen = () => lifecycle.assertOpen();
  }

  getSync(key: Uint8Array): Uint8Array | undefined {
    this.lifecycle.assertOpen();
    assertKey(key, MAX_KEY_SIZE);
    if (this.statements === undefined) return undefined;
    try {
      this.#burst?.enter();
      return this.statements.get.get(key) as Uint8Array | undefined;
    } catch (error) {
      throw toTidekvError(error, 'get');
    }
  }

  get(key: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      this.lifecycle.assertOpen();
      assertKey(key, MAX_KEY_SIZE);
      if (this.statements === undefined) return Promise.resolve(undefined);
      this.#burst?.enter();
      return Promise.resolve(this.statements.get.get(key) as Uint8Array | undefined);
    } catch (error) {
      return Promise.reject(toTidekvError(error, 'get'));
    }
  }

  getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    try {
      this.lifecycle.assertOpen();
      assertKeys(keys, MAX_KEY_SIZE);
      const out = new Array<Uint8Array | undefined>(keys.length).fill(undefined);
      const statements = this.statements;
      if (statements !== undefined) {
        this.#burst?.enter();
        const get = statements.get;
        for (let i = 0; i < keys.length; i++) out[i] = get.get(keys[i]) as Uint8Array | undefined;
      }
      return Promise.resolve(out);
    } catch (error) {
      return Promise.reject(toTidekvError(error, 'getMany'));
    }
  }

  iterate(range?: IterateOptions): EntryIterator {
    this.lifecycle.assertOpen();
    const normalized = normalizeIterateRange(range);
    const source = this.#source(normalized);
    return this.lifecycle.iterator(source, { limit: normalized.limit, signal: range?.signal, chunkSize: PAGE_SIZE });
  }

  iterateSync(range?: Range): Iterable<Entry> {
    this.lifecycle.assertOpen();
    const normalized = normalizeIterateRange(range);
    return readPagesSync(this.#source(normalized), normalized.limit, this.#assertOpen);
  }

  #source(range: ReturnType<typeof normalizeIterateRange>): ChunkSource {
    if (range.empty || this.statements === undefined) return EMPTY_SOURCE;
    return new Pages(new PageReader(this.statements, toHalfOpen(range), range.reverse), this.#burst);
  }
}

/** Reads each page inside the connection's read burst (if any), mapping native errors. */
class Pages implements ChunkSource {
  readonly #reader: PageReader;
  readonly #burst: ReadBurst | undefined;
  constructor(reader: PageReader, burst: ReadBurst | undefined) {
    this.#reader = reader;
    this.#burst = burst;
  }
  read(max: number): Entry[] {
    try {
      this.#burst?.enter();
      return this.#reader.read(max);
    } catch (error) {
      throw toTidekvError(error, 'iterate');
    }
  }
}
