/** Building blocks the engine workloads share: loading, timed batches, timed reads, scans. */
import type { BatchOp, KvDriver, ScanOptions } from '../driver.js';
import type { LatencyHistogram } from '../stats/histogram.js';
import { SampledTimer } from '../stats/sampled-timer.js';
import { expectedTag, makeKey, makeValue, valueTag } from '../keys.js';
import { expectEqual, ValidationError } from '../validation.js';
import { Random } from '../random.js';

/** db_bench's write batch size for the batched fills. */
export const BATCH_SIZE = 1000;
/** Entries per iterator chunk in scans. */
export const SCAN_CHUNK = 1000;

export function putBatches(ids: ArrayLike<number>, version: number, valueSize: number, batchSize = BATCH_SIZE): BatchOp[][] {
  const batches: BatchOp[][] = [];
  for (let start = 0; start < ids.length; start += batchSize) {
    const end = Math.min(start + batchSize, ids.length);
    const batch: BatchOp[] = new Array(end - start);
    for (let i = start; i < end; i++) {
      const id = ids[i]!;
      batch[i - start] = { type: 'put', key: makeKey(id), value: makeValue(id, version, valueSize) };
    }
    batches.push(batch);
  }
  return batches;
}

export function ascendingIds(n: number): Uint32Array {
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) ids[i] = i;
  return ids;
}

/** `count` ids drawn uniformly (with repeats) from 0..n-1, the keys random reads ask for. */
export function randomIds(seed: number, count: number, n: number): Uint32Array {
  const random = new Random(seed);
  const ids = new Uint32Array(count);
  for (let i = 0; i < count; i++) ids[i] = random.nextInt(n);
  return ids;
}

/** Untimed: writes ids 0..n-1 at `version` in sequential batches. */
export async function load(driver: KvDriver, n: number, valueSize: number, version = 0): Promise<void> {
  for (const batch of putBatches(ascendingIds(n), version, valueSize)) await driver.write(batch, false);
}

/**
 * Timed: writes each batch. A batch is one operation for the engine but `batch.length`
 * operations for the report, so each batch records its latency divided by its size, once per
 * entry: percentiles of a batched row are per-entry amortised costs.
 */
export async function timedBatches(driver: KvDriver, batches: readonly BatchOp[][], sync: boolean, latency: LatencyHistogram): Promise<void> {
  let last = performance.now();
  for (const batch of batches) {
    const pending = driver.write(batch, sync);
    if (pending) await pending;
    const now = performance.now();
    latency.record(((now - last) * 1000) / batch.length, batch.length);
    last = now;
  }
}

export interface ReadTally {
  found: number;
  tagSum: number;
}

/** Point reads time one read in this many (see SampledTimer). */
export const READ_SAMPLE_EVERY = 8;

/** Timed: reads every key, one operation each, without awaiting when the driver reads synchronously. */
export async function timedReads(driver: KvDriver, keys: readonly Uint8Array[], latency: LatencyHistogram): Promise<ReadTally> {
  let found = 0;
  let tagSum = 0;
  const getSync = driver.getSync;
  const timer = new SampledTimer(latency, READ_SAMPLE_EVERY);
  for (const key of keys) {
    const sampled = timer.begin();
    const value = getSync ? getSync(key) : await driver.get(key);
    if (sampled) timer.end();
    if (value !== undefined) {
      found++;
      tagSum = (tagSum + valueTag(value)) | 0;
    }
  }
  return { found, tagSum };
}

/** Runs `body` inside the driver's read phase, if it has one. */
export async function inReadPhase<T>(driver: KvDriver, body: () => Promise<T>): Promise<T> {
  driver.beginReads?.();
  try {
    return await body();
  } finally {
    driver.endReads?.();
  }
}

export interface ScanTally {
  count: number;
  tagSum: number;
  /** Entries whose id was not the next one expected in order. */
  outOfOrder: number;
}

/**
 * Scans with a cursor in chunks. When `latency` is given, each chunk records its latency
 * divided by its size, once per entry. `firstId`/`step` give the id order expected.
 */
export async function scan(
  driver: KvDriver,
  options: ScanOptions,
  firstId: number,
  step: 1 | -1,
  latency?: LatencyHistogram,
): Promise<ScanTally> {
  const tally: ScanTally = { count: 0, tagSum: 0, outOfOrder: 0 };
  let expectedId = firstId;
  const visit = (_key: Uint8Array, value: Uint8Array) => {
    const id = ((value[0]! << 24) | (value[1]! << 16) | (value[2]! << 8) | value[3]!) >>> 0;
    if (id !== expectedId) tally.outOfOrder++;
    expectedId = id + step;
    tally.tagSum = (tally.tagSum + valueTag(value)) | 0;
  };
  const cursor = driver.cursor(options);
  try {
    let last = performance.now();
    for (;;) {
      let got = cursor.read(SCAN_CHUNK, visit);
      if (typeof got !== 'number') got = await got;
      if (got === 0) break;
      tally.count += got;
      if (latency) {
        const now = performance.now();
        latency.record(((now - last) * 1000) / got, got);
        last = now;
      }
    }
  } finally {
    const closing = cursor.close();
    if (closing) await closing;
  }
  return tally;
}

/** The tag sum a correct read of each id (at `version`) produces. */
export function expectedTagSum(ids: ArrayLike<number>, version: number, valueSize: number): number {
  let sum = 0;
  for (let i = 0; i < ids.length; i++) sum = (sum + expectedTag(ids[i]!, version, valueSize)) | 0;
  return sum;
}

/** Untimed check that the store holds exactly ids 0..n-1 at `version`, in order. */
export async function verifyContents(driver: KvDriver, n: number, version: number, valueSize: number): Promise<void> {
  const tally = await scan(driver, {}, 0, 1);
  expectEqual('entries in the store', tally.count, n);
  expectEqual('entries out of order', tally.outOfOrder, 0);
  if (tally.tagSum !== expectedTagSum(ascendingIds(n), version, valueSize)) {
    throw new ValidationError(`store contents checksum mismatch: some values are not the ones written (version ${version})`);
  }
}
