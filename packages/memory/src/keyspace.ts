/** A live keyspace: reads see every acknowledged write; writes go straight into its tree. */
import type { KeyspacePrimitives } from '@tidekv/core';
import { treeReads } from './reader.js';
import type { Store } from './store.js';

/** `settle` makes the writes applied so far durable (a persistent engine's flush). */
export function memoryKeyspace(name: string, store: Store, settle: () => void | Promise<void>): KeyspacePrimitives {
  // A keyspace's tree is created with it and never replaced (clear and load work in place).
  const tree = store.tree(name);
  return {
    ...treeReads(
      (key) => tree.get(key),
      () => tree.view(),
    ),
    put(key, value, sync) {
      store.put(name, key, value);
      if (sync) return settle();
    },
    del(key, sync) {
      store.del(name, key);
      if (sync) return settle();
    },
    clear(range, sync) {
      store.deleteRange(name, range);
      if (sync) return settle();
    },
  };
}
