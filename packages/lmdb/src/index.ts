/**
 * @tidekv/lmdb: a tidekv storage engine over LMDB (lmdb-js). Keyspaces are LMDB named
 * databases in one environment; reads are synchronous memory-mapped lookups; writes are
 * batched by lmdb-js into one transaction per event turn.
 */
import { engineFactory, type EngineFactory, type StorageEngine } from '@tidekv/core';
import { LMDB_CAPABILITIES } from './capabilities.js';
import { LmdbEngine } from './engine.js';
import type { LmdbOptions } from './options.js';

export type { LmdbOptions } from './options.js';
export { LMDB_CAPABILITIES } from './capabilities.js';
export { MAX_KEY_SIZE as LMDB_MAX_KEY_SIZE } from './key-mapping.js';

/** Opens (creating if needed) the LMDB environment in the directory `options.path`. */
export function openLmdb(options: LmdbOptions): Promise<StorageEngine> {
  return LmdbEngine.open(options);
}

export const lmdbEngine: EngineFactory<LmdbOptions> = engineFactory('lmdb', LMDB_CAPABILITIES, openLmdb);
