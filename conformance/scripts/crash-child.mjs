#!/usr/bin/env node
// Child process for the tidekv conformance crash test. It opens an engine through an
// EngineFactory from a built module, writes deterministic batches, flushes now and then,
// and prints "flushed <batch>" after each flush resolves. The parent kills it with SIGKILL
// and then checks that every flushed batch survived.
//
// The lock cases use it too: mode 'try-open' opens, prints "opened" (then closes) or
// "error <code>", and exits; mode 'hold' opens, prints "open" and waits to be killed.
//
// usage: node crash-child.mjs '<json>'
//   { module, factory, options, path, keyspace, keyspaces?, round,
//     mode: 'loop' | 'sync-writes' | 'flush-once' | 'sync-put' | 'sync-del' | 'sync-clear' | 'sync-delete-batches'
//       | 'overlap-flush'
//       | 'try-open' | 'hold', batchSize, flushEvery, entries }
//
// With `keyspaces`, writes take turns over them: entry j of a batch (or single operation n)
// goes to keyspaces[j % length], and each batch's counter to the first, so every batch
// spans them all.
// 'sync-put' puts key (round, n, 0) with put(..., { sync: true }) one at a time and prints
// "flushed <n>" after each; 'sync-del' and 'sync-clear' first write keys 0..entries-1 and
// flush, then delete them one at a time with del or clear({ gte, lte }) and { sync: true };
// 'sync-delete-batches' does the same through write() batches holding only that delete, a
// del and a delRange in turn (in pairs, so each reaches every keyspace).
// 'overlap-flush' writes entries/batchSize batches, each followed by a flush() it does not
// wait for, prints "flushed <batch>" as each resolves, then waits to be killed.
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';

const config = JSON.parse(process.argv[2] ?? '{}');

/** Key of entry j in batch b of round r: [r][b: u32 big-endian][j: u16 big-endian]. */
export function crashKey(round, batch, j) {
  const key = new Uint8Array(7);
  const view = new DataView(key.buffer);
  key[0] = round;
  view.setUint32(1, batch);
  view.setUint16(5, j);
  return key;
}

/** A value whose length and bytes both depend on (round, batch, j). */
export function crashValue(round, batch, j) {
  const length = 16 + ((batch * 31 + j * 7 + round) % 97);
  const value = new Uint8Array(length);
  for (let i = 0; i < length; i++) value[i] = (round * 13 + batch * 7 + j * 3 + i) & 0xff;
  return value;
}

/** The key each batch overwrites with its own number, checking overwrite order survives. */
export function counterKey(round) {
  return Uint8Array.of(0xff, round);
}

function counterValue(batch) {
  const value = new Uint8Array(4);
  new DataView(value.buffer).setUint32(0, batch);
  return value;
}

function say(line) {
  process.stdout.write(`${line}\n`);
}

async function main() {
  const specifier = isAbsolute(config.module) ? pathToFileURL(config.module).href : config.module;
  const loaded = await import(specifier);
  const factory = loaded[config.factory] ?? loaded.default?.[config.factory];
  if (!factory || typeof factory.open !== 'function') {
    throw new Error(`${config.module} does not export an EngineFactory named '${config.factory}'`);
  }
  if (config.mode === 'try-open') {
    let engine;
    try {
      engine = await factory.open({ ...(config.options ?? {}), path: config.path });
    } catch (error) {
      say(`error ${error?.code ?? error?.message}`);
      return;
    }
    say('opened');
    await engine.close();
    return;
  }
  const engine = await factory.open({ ...(config.options ?? {}), path: config.path });
  if (config.mode === 'hold') {
    say('open');
    setInterval(() => {}, 1 << 30); // wait to be killed
    return;
  }
  // writes take turns over the keyspaces: entry j (or single operation n) goes to keyspaces[j % length]
  const keyspaces = config.keyspaces ?? [config.keyspace];
  const keyspaceOf = (n) => keyspaces[n % keyspaces.length];
  const batchOps = (batch) => {
    const ops = [];
    for (let j = 0; j < config.batchSize; j++) ops.push({ type: 'put', keyspace: keyspaceOf(j), key: crashKey(config.round, batch, j), value: crashValue(config.round, batch, j) });
    ops.push({ type: 'put', keyspace: keyspaces[0], key: counterKey(config.round), value: counterValue(batch) });
    return ops;
  };
  say('open');

  if (config.mode === 'flush-once') {
    let batch = 0;
    for (; batch * config.batchSize < config.entries; batch++) await engine.write(batchOps(batch));
    await engine.flush();
    say(`flushed ${batch - 1}`);
    setInterval(() => {}, 1 << 30); // wait to be killed
    return;
  }

  const single = (n) => crashKey(config.round, n, 0);
  if (config.mode === 'sync-put') {
    for (let n = 0; ; n++) {
      await engine.keyspace(keyspaceOf(n)).put(single(n), crashValue(config.round, n, 0), { sync: true });
      say(`flushed ${n}`);
    }
  }

  if (config.mode === 'sync-del' || config.mode === 'sync-clear' || config.mode === 'sync-delete-batches') {
    for (let from = 0; from < config.entries; from += 100) {
      const ops = [];
      for (let n = from; n < Math.min(from + 100, config.entries); n++) ops.push({ type: 'put', keyspace: keyspaceOf(n), key: single(n), value: crashValue(config.round, n, 0) });
      await engine.write(ops);
    }
    await engine.flush();
    for (let n = 0; n < config.entries; n++) {
      const keyspace = keyspaceOf(n);
      const ks = engine.keyspace(keyspace);
      if (config.mode === 'sync-del') await ks.del(single(n), { sync: true });
      else if (config.mode === 'sync-clear') await ks.clear({ gte: single(n), lte: single(n) }, { sync: true });
      else if ((n >> 1) % 2 === 0) await engine.write([{ type: 'del', keyspace, key: single(n) }], { sync: true });
      else await engine.write([{ type: 'delRange', keyspace, range: { gte: single(n), lte: single(n) } }], { sync: true });
      say(`flushed ${n}`);
    }
    setInterval(() => {}, 1 << 30); // wait to be killed
    return;
  }

  if (config.mode === 'overlap-flush') {
    // every batch is followed by a flush nobody waits for, so many flushes overlap
    const flushes = [];
    for (let batch = 0; batch * config.batchSize < config.entries; batch++) {
      await engine.write(batchOps(batch));
      flushes.push(engine.flush().then(() => say(`flushed ${batch}`)));
    }
    await Promise.all(flushes);
    setInterval(() => {}, 1 << 30); // wait to be killed
    return;
  }

  if (config.mode === 'sync-writes') {
    // every write is acknowledged only once durable, so each one counts as flushed
    for (let batch = 0; ; batch++) {
      await engine.write(batchOps(batch), { sync: true });
      say(`flushed ${batch}`);
    }
  }

  for (let batch = 0; ; batch++) {
    await engine.write(batchOps(batch));
    if (batch % config.flushEvery === config.flushEvery - 1) {
      await engine.flush();
      say(`flushed ${batch}`);
    }
  }
}

main().catch((error) => {
  process.stderr.write(`crash child failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
