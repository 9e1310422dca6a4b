/**
 * Raw in-memory baseline: memory-level (the Level ecosystem's in-memory store) used directly:
 * getSync, one `batch` per batch, iterators read with nextv.
 */
import { MemoryLevel } from 'memory-level';
import type { KvDriver } from '../driver.js';
import { libraryBaseline } from './library-baseline.js';
import { levelDriver, type LevelDb } from './level-driver.js';

async function openMemoryLevel(): Promise<KvDriver> {
  const db = new MemoryLevel<Buffer, Buffer>({ keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  return levelDriver(db as unknown as LevelDb);
}

export const memoryLevelRaw = libraryBaseline('memory-level', 'getSync, batch, iterator nextv; nothing is durable', openMemoryLevel);
