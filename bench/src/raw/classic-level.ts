/**
 * Raw LevelDB baseline: classic-level used directly, through its fastest idiomatic calls:
 * getSync for reads, one `batch` per batch, iterators read with nextv.
 */
import { ClassicLevel } from 'classic-level';
import type { KvDriver, OpenOptions } from '../driver.js';
import { libraryBaseline } from './library-baseline.js';
import { levelDriver, type LevelDb } from './level-driver.js';

async function openClassicLevel({ dir }: OpenOptions): Promise<KvDriver> {
  const db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  // The default (16 KiB) would cut each nextv(1000) of ~116-byte entries into several
  // native calls; 1 MiB lets one call fill the chunk.
  return levelDriver(db as unknown as LevelDb, { highWaterMarkBytes: 1 << 20 });
}

export const classicLevelRaw = libraryBaseline(
  'classic-level',
  'getSync, batch, iterator nextv with a 1 MiB highWaterMarkBytes; sync writes pass { sync: true }',
  openClassicLevel,
);
