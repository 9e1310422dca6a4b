#!/usr/bin/env node
/**
 * Heap per idle watcher, as the core README states it: on an MvccStore over the memory engine,
 * `heapUsed` after full GCs before and after opening `count` idle watchers (each on a key or
 * prefix of its own, its key given as a string), divided by `count`. The watchers' key bytes
 * are included; the array that holds the streams is not. Needs --expose-gc.
 * Run after `pnpm build`:  node --expose-gc bench/scripts/watch-heap.mjs [count=20000]
 */

import { builtPackage, heapUsed } from './heap.mjs';

const { MvccStore } = await builtPackage('core');
const { openMemory } = await builtPackage('memory');
const count = Number(process.argv[2] ?? 20000);

/** [name, the key of watcher i, its options] */
const KINDS = [
  ['single key', (i) => `idle/${i}`, () => undefined],
  ['prefix', (i) => `idle/${i}/`, () => ({ prefix: true })],
  ['range', (i) => `idle/${i}/a`, (i) => ({ end: `idle/${i}/c` })],
];

for (const [name, key, options] of KINDS) {
  const store = await MvccStore.open({ engine: await openMemory(), wal: false });
  await store.put('x', 'y');
  // Warm up first, so code and object shapes are not counted.
  for (let i = 0; i < 100; i++) store.watch(key(count + i), options(count + i)).cancel();
  const streams = new Array(count);
  const before = heapUsed();
  for (let i = 0; i < count; i++) streams[i] = store.watch(key(i), options(i));
  const after = heapUsed();
  console.log(`${name.padEnd(10)} ${Math.round((after - before) / count)} B of heap per idle watcher (${count} watchers)`);
  for (const stream of streams) stream.cancel();
  await store.close();
}
