/**
 * Raw in-memory baseline: memory-level (the Level ecosystem's in-memory store) used directly:
 * getSync, one `batch` per batch, iterators read with nextv.
 */
import { MemoryLevel } from 'memory-level';
import type { KvDriver, Subject } from '../driver.js';
import { libraryVersion } from '../versions.js';
import { levelDriver, type LevelDb } from './level-driver.js';

async function openMemoryLevel(): Promise<KvDriver> {
  const db = new MemoryLevel<Buffer, Buffer>({ keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  return levelDriver(db as unknown as LevelDb);
}

export const memoryLevelRaw: Subject<KvDriver> = {
  variant: 'raw',
  role: 'primary',
  label: `memory-level ${libraryVersion('memory-level')}`,
  note: 'getSync, batch, iterator nextv; nothing is durable',
  open: openMemoryLevel,
};
