#!/usr/bin/env node
/**
 * Heap per key of the MVCC key index: an MvccStore over lmdb (whose data lives outside the JS
 * heap) holding `count` keys of 16 bytes, written in txns of 100 puts, then reopened, so the
 * index is the one recovery builds. `heapUsed` after full GCs with the reopened store, minus
 * that of an empty reopened store, divided by `count`; once with one revision per key and
 * once with three (two overwrites). Needs --expose-gc.
 * Run after `pnpm build`:  node --expose-gc bench/scripts/key-index-heap.mjs [count=100000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { builtPackage, heapUsed } from './heap.mjs';

const { MvccStore } = await builtPackage('core');
const { lmdbEngine } = await builtPackage('lmdb');
const count = Number(process.argv[2] ?? 100000);

const key = (i) => String(i).padStart(16, '0');

/** Heap of a store reopened over `keys` keys written `versions` times each. */
async function reopenedHeap(keys, versions) {
  const dir = mkdtempSync(join(tmpdir(), 'tidekv-key-index-heap-'));
  const open = async () => MvccStore.open({ engine: await lmdbEngine.open({ path: dir }), wal: false });
  try {
    const store = await open();
    for (let version = 0; version < versions; version++) {
      for (let start = 0; start < keys; start += 100) {
        const success = [];
        for (let i = start; i < Math.min(start + 100, keys); i++) success.push({ type: 'put', key: key(i), value: `value ${version}` });
        await store.txn({ success });
      }
    }
    await store.close();
    const reopened = await open();
    const heap = heapUsed();
    await reopened.close();
    return heap;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Warm up first, so code and object shapes are not counted.
await reopenedHeap(1000, 1);
for (const versions of [1, 3]) {
  const empty = await reopenedHeap(0, versions);
  const full = await reopenedHeap(count, versions);
  console.log(`${versions} revision${versions > 1 ? 's' : ' '} per key: ${Math.round((full - empty) / count)} B of heap per key in the key index (${count} keys)`);
}
