/**
 * A live keyspace: the reads of reader.ts plus writes, which go through the engine's writer so
 * that every write shares its ordering and durability bookkeeping.
 */
import type { KeyspacePrimitives, NormalizedRange } from '@tidekv/core';
import type { RegisteredKeyspace } from './keyspace-registry.js';
import { LevelReads } from './reader.js';
import type { LevelDb } from './types.js';
import type { LevelWriter } from './writer.js';

/** The keyspace's reads plus writes; methods shared by every keyspace (see LevelReads). */
export class LevelKeyspace extends LevelReads implements KeyspacePrimitives {
  readonly #keyspace: RegisteredKeyspace;
  readonly #writer: LevelWriter;

  constructor(db: LevelDb, keyspace: RegisteredKeyspace, writer: LevelWriter) {
    super(db, keyspace, undefined);
    this.#keyspace = keyspace;
    this.#writer = writer;
  }

  put(key: Uint8Array, value: Uint8Array, sync: boolean): void | Promise<void> {
    return this.#writer.put(this.#keyspace, key, value, sync);
  }

  del(key: Uint8Array, sync: boolean): void | Promise<void> {
    return this.#writer.del(this.#keyspace, key, sync);
  }

  clear(range: NormalizedRange, sync: boolean): void | Promise<void> {
    return this.#writer.write([{ type: 'delRange', keyspace: this.#keyspace.name, range }], sync);
  }
}
