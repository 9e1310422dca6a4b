/** A live keyspace: reads of the current state plus writes through the engine's writer. */
import type { KeyspacePrimitives, NormalizedRange } from '@tidekv/core';
import { LmdbReads } from './reader.js';
import type { Store } from './types.js';
import type { Writer } from './writer.js';

/** Methods shared by every keyspace of every engine (see LmdbReads). */
export class LmdbKeyspace extends LmdbReads implements KeyspacePrimitives {
  readonly #name: string;
  readonly #writer: Writer;

  constructor(name: string, store: Store, writer: Writer) {
    super(store, undefined);
    this.#name = name;
    this.#writer = writer;
  }

  put(key: Uint8Array, value: Uint8Array, sync: boolean): Promise<void> | undefined {
    return this.#writer.put(this.store, key, value, sync);
  }

  del(key: Uint8Array, sync: boolean): Promise<void> | undefined {
    return this.#writer.del(this.store, key, sync);
  }

  clear(range: NormalizedRange, sync: boolean): Promise<void> | undefined {
    if (range.lower === undefined && range.upper === undefined) return this.#writer.clearAll(this.store, sync);
    return this.#writer.write([{ type: 'delRange', keyspace: this.#name, range }], [this.store], sync);
  }
}
