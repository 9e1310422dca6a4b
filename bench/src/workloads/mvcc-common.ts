/**
 * The MVCC workloads run tidekv's MvccStore (with its WAL, group commit) over the adapter's
 * engine, and beside it the same backend's raw library doing the equivalent plain writes
 * and reads, so the ratio shows what MVCC costs. The raw side has no revisions, no history
 * and no WAL: its rows say so in their durability ('none').
 */
import { MvccStore, type KV } from '@tidekv/core';
import type { Durability, KvDriver, Variant } from '../driver.js';
import { makeKey, makeValue } from '../keys.js';
import type { LatencyHistogram } from '../stats/histogram.js';
import { ValidationError } from '../validation.js';

/** Puts per txn when loading a store (etcd's txn op limit is 128). */
const LOAD_TXN_OPS = 100;

export const mvccDurability = (variant: Variant): Durability => (variant === 'adapter' ? 'group' : 'none');

/** An MvccStore over the adapter driver's engine, or undefined for a raw driver. */
export async function openMvcc(driver: KvDriver): Promise<KV | undefined> {
  if (!driver.mvcc) return undefined;
  return MvccStore.open({ engine: driver.mvcc.engine, wal: { dir: driver.mvcc.walDir } });
}

/**
 * Txns in flight while loading. Sequential txns would each wait for their own WAL fsync
 * (a 100k-key store took seconds to load per run); with several in flight, group commit
 * shares one fsync among them. Revision order may differ from id order, which no workload
 * relies on: each reads `store.revision` after the load.
 */
const LOAD_IN_FLIGHT = 32;

/** Untimed: puts ids 0..n-1 at `version` in txns of 100 puts (one revision each), or plain batches on the raw side. */
export async function loadMvcc(store: KV | undefined, driver: KvDriver, n: number, valueSize: number, version = 0): Promise<void> {
  const load = async (start: number) => {
    const ids = Array.from({ length: Math.min(LOAD_TXN_OPS, n - start) }, (_, i) => start + i);
    const puts = ids.map((id) => ({ type: 'put' as const, key: makeKey(id), value: makeValue(id, version, valueSize) }));
    if (store) {
      await store.txn({ success: puts });
    } else {
      const pending = driver.write(puts, false);
      if (pending) await pending;
    }
  };
  if (!store) {
    for (let start = 0; start < n; start += LOAD_TXN_OPS) await load(start);
    return;
  }
  let next = 0;
  const loader = async () => {
    while (next < n) {
      const start = next;
      next += LOAD_TXN_OPS;
      await load(start);
    }
  };
  await Promise.all(Array.from({ length: LOAD_IN_FLIGHT }, loader));
}

/** Runs `total` operations from `clients` concurrent loops, timing each from issue to completion. */
export async function concurrently(clients: number, total: number, latency: LatencyHistogram, op: (i: number) => Promise<unknown> | unknown): Promise<void> {
  let next = 0;
  const client = async () => {
    while (next < total) {
      const i = next++;
      const start = performance.now();
      const pending = op(i);
      if (pending instanceof Promise) await pending;
      latency.record((performance.now() - start) * 1000);
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, total) }, client));
}

export async function closeMvcc(store: KV | undefined): Promise<void> {
  await store?.close();
}

export function expectAtLeast(what: string, actual: number, minimum: number): void {
  if (actual < minimum) throw new ValidationError(`${what}: expected at least ${minimum}, got ${actual}`);
}
