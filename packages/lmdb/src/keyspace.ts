/** A live keyspace: reads of the current state plus writes through the engine's writer. */
import type { KeyspacePrimitives } from '@tidekv/core';
import { lmdbReads } from './reader.js';
import type { Store } from './types.js';
import type { Writer } from './writer.js';

export function lmdbKeyspace(name: string, store: Store, writer: Writer): KeyspacePrimitives {
  return {
    ...lmdbReads(store, undefined),
    put: (key, value, sync) => writer.put(store, key, value, sync),
    del: (key, sync) => writer.del(store, key, sync),
    clear(range, sync) {
      if (range.lower === undefined && range.upper === undefined) return writer.clearAll(store, sync);
      return writer.write([{ type: 'delRange', keyspace: name, range }], [store], sync);
    },
  };
}
