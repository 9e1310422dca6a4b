/**
 * flush(), sync writes and close. Whether bytes reached the disk cannot be observed without
 * cutting power; what can be observed is which of the two flush paths ran (see FlushPolicy):
 * the cheap one leaves the data in the log, the full one moves it into a table file.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLevel } from '@tidekv/level';
import { FlushPolicy } from '../src/flush-policy.js';
import { bytes, tempDir, text } from './temp-dir.js';

const files = (path: string, suffix: string) => readdirSync(path).filter((f) => f.endsWith(suffix));
const logBytes = (path: string) => files(path, '.log').reduce((sum, f) => sum + statSync(join(path, f)).size, 0);

describe('FlushPolicy', () => {
  it('asks for a full flush only once the counted bytes could have filled the write buffer', () => {
    const policy = new FlushPolicy(4 * 1024 * 1024);
    expect(policy.needsFullFlush).toBe(false);
    for (let i = 0; i < 1000; i++) policy.add(18, 100);
    expect(policy.needsFullFlush).toBe(false);
    for (let i = 0; i < 20_000; i++) policy.add(18, 100);
    expect(policy.needsFullFlush).toBe(true);
  });

  it('forgets only what a full flush covered', () => {
    const policy = new FlushPolicy(1024 * 1024);
    for (let i = 0; i < 5000; i++) policy.add(18, 100);
    const atStart = policy.mark;
    policy.add(18, 100); // arrives while the flush runs
    policy.flushed(atStart);
    expect(policy.uncovered).toBe(18 + 100 + 136);
    expect(policy.needsFullFlush).toBe(false);
  });

  it('keeps the furthest start when concurrent full flushes finish out of order', () => {
    const policy = new FlushPolicy(1024 * 1024);
    for (let i = 0; i < 5000; i++) policy.add(18, 100);
    const first = policy.mark;
    for (let i = 0; i < 5000; i++) policy.add(18, 100);
    const second = policy.mark;
    policy.add(18, 100);
    policy.flushed(second);
    policy.flushed(first); // finishing later does not move coverage back, nor forward
    expect(policy.uncovered).toBe(18 + 100 + 136);
    for (let i = 0; i < 10_000; i++) policy.add(18, 100);
    expect(policy.needsFullFlush).toBe(true);
  });

  it('is always full with the smallest write buffer', () => {
    expect(new FlushPolicy(64 * 1024).needsFullFlush).toBe(true);
  });
});

describe('flush', () => {
  it('after a few writes, syncs the log and leaves the data there (no table file)', async () => {
    const path = tempDir();
    const engine = await openLevel({ path });
    await engine.keyspace('default').put(bytes('a'), bytes('1'));
    await engine.flush();
    expect(files(path, '.ldb')).toEqual([]);
    expect(logBytes(path)).toBeGreaterThan(0);
    await engine.close();
  });

  it('after more than the write buffer holds, writes the memtable to a table file and empties the log', async () => {
    const path = tempDir();
    const engine = await openLevel({ path, writeBufferSize: 256 * 1024 });
    const ks = engine.keyspace('default');
    for (let i = 0; i < 30; i++) {
      await engine.write(Array.from({ length: 100 }, (_, j) => ({ type: 'put' as const, key: bytes(`k${i}-${j}`), value: new Uint8Array(100) })));
    }
    await engine.flush();
    expect(files(path, '.ldb').length).toBeGreaterThan(0);
    expect(logBytes(path)).toBe(0);
    expect(text(await ks.get(bytes('k29-99')))).toBe('\u0000'.repeat(100));
    // The next flush has little to cover again: the cheap path.
    await ks.put(bytes('after'), bytes('x'));
    await engine.flush();
    expect(logBytes(path)).toBeGreaterThan(0);
    await engine.close();
  });

  it('fails NOT_OPEN after close', async () => {
    const engine = await openLevel({ path: tempDir() });
    await engine.close();
    await expect(engine.flush()).rejects.toMatchObject({ code: 'NOT_OPEN' });
  });
});

describe('sync writes and close', () => {
  it('accepts sync: true on put, del, clear and write, and rejects a non-boolean sync', async () => {
    const path = tempDir();
    const engine = await openLevel({ path });
    const ks = engine.keyspace('default');
    await ks.put(bytes('a'), bytes('1'), { sync: true });
    await engine.write([{ type: 'put', key: bytes('b'), value: bytes('2') }], { sync: true });
    await ks.del(bytes('a'), { sync: true });
    await ks.clear({ gte: bytes('c') }, { sync: true });
    for (const bad of [{ sync: 'yes' }, { sync: 1 }, null, 'sync']) {
      await expect(ks.put(bytes('x'), bytes('y'), bad as never)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
      await expect(engine.write([{ type: 'put', key: bytes('x'), value: bytes('y') }], bad as never)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    }
    expect(await ks.get(bytes('x'))).toBeUndefined();
    await engine.close();
  });

  it('close waits for writes in flight, and everything written is there after reopen', async () => {
    const path = tempDir();
    const engine = await openLevel({ path });
    const ks = engine.keyspace('default');
    const writes = Array.from({ length: 50 }, (_, i) => ks.put(bytes(`k${i}`), bytes(`v${i}`)));
    const closing = engine.close();
    await Promise.all(writes);
    await closing;
    await expect(ks.put(bytes('late'), bytes('x'))).rejects.toMatchObject({ code: 'NOT_OPEN' });
    const again = await openLevel({ path });
    expect(await again.keyspace('default').iterate().all()).toHaveLength(50);
    await again.close();
  });
});
