/**
 * @tidekv/memory: the in-memory tidekv storage engine. Ordered copy-on-write B+trees, one
 * per keyspace, with O(1) snapshots; optionally persisted to a checksummed snapshot file.
 */
import { engineFactory, type EngineFactory, type StorageEngine } from '@tidekv/core';
import { EPHEMERAL_CAPABILITIES } from './capabilities.js';
import { MemoryEngine } from './engine.js';
import type { MemoryOptions } from './options.js';

export type { MemoryOptions } from './options.js';
export { MAX_KEY_SIZE, MAX_VALUE_SIZE, EPHEMERAL_CAPABILITIES, PERSISTENT_CAPABILITIES } from './capabilities.js';
export { SNAPSHOT_FILE, LOCK_FILE } from './persist/persistence.js';

/**
 * Opens a memory engine. Without `path` it is ephemeral; with `path` (a directory) it loads
 * and writes `<path>/tidekv-memory.snapshot` and holds `<path>/tidekv-memory.lock`.
 */
export function openMemory(options?: MemoryOptions): Promise<StorageEngine> {
  return MemoryEngine.open(options);
}

/**
 * The factory the conformance suite and the benchmark use. Its `capabilities` are the
 * ephemeral ones (what `open({})` gives); an engine opened with a `path` reports
 * `persistent: true` in its own `capabilities`.
 */
export const memoryEngine: EngineFactory<MemoryOptions> = engineFactory('memory', EPHEMERAL_CAPABILITIES, (options: MemoryOptions) => MemoryEngine.open(options));
