/**
 * Raw in-memory baseline: memory-level (the Level ecosystem's in-memory store) used directly:
 * getSync, one `batch` per batch, iterators read with nextv.
 *
 * memory-level keeps the caller's buffers as they are and hands out the ones it stores: a
 * caller changing a value after put, or a value it read, changes the store (checked: all
 * three do). The memory adapter promises the opposite (the conformance suite's aliasing
 * cases), so this baseline does the same work as the adapter: it copies every key and value
 * it stores and every key and value it returns, with Buffer.from (Node's pooled small
 * allocations, as the adapter copies into a shared slab).
 */
import { MemoryLevel } from 'memory-level';
import type { BatchOp, KvDriver, Subject, Visit } from '../driver.js';
import { libraryBaseline } from './library-baseline.js';
import { libraryVersion } from '../versions.js';
import { levelDriver, type LevelDb } from './level-driver.js';

const copy = (bytes: Uint8Array): Buffer => Buffer.from(bytes);
const copyOp = (op: BatchOp): BatchOp => (op.type === 'put' ? { type: 'put', key: copy(op.key), value: copy(op.value) } : op);

/** The Level driver with private copies in and out. */
function copying(driver: KvDriver): KvDriver {
  const getSync = driver.getSync!;
  return {
    ...driver,
    getSync: (key) => {
      const value = getSync(key);
      return value === undefined ? undefined : copy(value);
    },
    get: async (key) => {
      const value = await driver.get(key);
      return value === undefined ? undefined : copy(value);
    },
    put: (key, value, sync) => driver.put(copy(key), copy(value), sync),
    write: (ops, sync) => driver.write(ops.map(copyOp), sync),
    cursor: (options) => {
      const cursor = driver.cursor(options);
      return {
        read: (max: number, visit: Visit) => cursor.read(max, (key, value) => visit(copy(key), copy(value))),
        close: () => cursor.close(),
      };
    },
  };
}

async function openSharing(): Promise<KvDriver> {
  const db = new MemoryLevel<Buffer, Buffer>({ keyEncoding: 'buffer', valueEncoding: 'buffer' });
  await db.open();
  return levelDriver(db as unknown as LevelDb);
}

const openMemoryLevel = async (): Promise<KvDriver> => copying(await openSharing());

export const memoryLevelRaw = libraryBaseline(
  'memory-level',
  'getSync, batch, iterator nextv; copies every key and value in and out (as the adapter does: memory-level would share them); nothing is durable',
  openMemoryLevel,
);

/** The workloads memory-level as it is (sharing buffers) also runs: the memory adapter's fill goal is stated against it. */
export const SHARING_WORKLOADS: readonly string[] = ['fillseq', 'fillrandom'];

/**
 * memory-level used as it is, keeping and handing out the caller's buffers: a reference row
 * on the fills only, because the memory adapter's goal of several times memory-level's write
 * rate was set against it (the copying baseline above is the fairer denominator elsewhere).
 */
export const memoryLevelSharingRaw: Subject<KvDriver> = {
  variant: 'raw',
  role: 'reference',
  label: `memory-level ${libraryVersion('memory-level')} (buffers shared)`,
  note: 'as memory-level is used by default: stores and returns the caller\'s buffers, no copies; fills only',
  open: () => openSharing(),
  runsOnly: SHARING_WORKLOADS,
};
