/**
 * Opening a LevelDB engine, and the factory the conformance suite and the benchmark use.
 */
import type { EngineFactory, StorageEngine } from '@tidekv/core';
import { ClassicLevel } from 'classic-level';
import { LEVEL_CAPABILITIES } from './capabilities.js';
import { LevelEngine } from './level-engine.js';
import { KeyspaceRegistry } from './keyspace-registry.js';
import type { LevelDb } from './level-types.js';
import { fromOpenFailure } from './native-errors.js';
import { resolveLevelOptions, type LevelOptions } from './options.js';

/**
 * Opens (creating by default) the LevelDB database at `options.path`. Fails LOCKED when the
 * location is already open, in this process or another.
 */
export async function openLevel(options: LevelOptions): Promise<StorageEngine> {
  const { path, ...native } = resolveLevelOptions(options);
  let db: LevelDb;
  try {
    db = new ClassicLevel<Uint8Array, Uint8Array>(path, {
      ...native,
      errorIfExists: false,
      keyEncoding: 'view',
      valueEncoding: 'view',
    });
    await db.open();
  } catch (error) {
    throw fromOpenFailure(error, path);
  }
  let registry: KeyspaceRegistry;
  try {
    registry = await KeyspaceRegistry.load(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw fromOpenFailure(error, path);
  }
  return new LevelEngine(db, registry, native.writeBufferSize);
}

export const levelEngine: EngineFactory<LevelOptions> = Object.freeze({
  name: 'level',
  capabilities: LEVEL_CAPABILITIES,
  open: openLevel,
});
