/**
 * I/O failures while persisting, injected through core's fault-injection file system (the
 * same one the WAL's fault tests use) and on a really full file system (a small tmpfs).
 * The rule: a failed flush rejects IO_ERROR, the file on disk keeps the last flushed state
 * (never a mix), and the engine refuses writes and flushes until it is reopened; close()
 * still writes the whole store (the snapshot is always a complete image) and releases the lock.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CrashFs, FaultFs, type FsOp, nodeFileSystem } from '@tidekv/core';
// Internal to core: forgetting this process's claim on a lock, as the process dying would.
import { forgetProcessClaim } from '../../core/src/fs/lock.js';
import { prng } from '../../core/src/fs/crash-fs.js';
import { MemoryEngine } from '../src/engine.js';
import { LOCK_FILE, SNAPSHOT_FILE, openMemory } from '../src/index.js';
import { b, expectCode, tempDir } from './helpers.js';

const FAULTS: Array<[FsOp, string]> = [
  ['write', 'EIO'],
  ['write', 'ENOSPC'],
  ['datasync', 'EIO'],
  ['datasync', 'ENOSPC'],
  ['rename', 'EIO'],
  ['fsync', 'EIO'], // the directory fsync after the rename
];

async function contents(dir: string): Promise<Array<[number, number]>> {
  const engine = await openMemory({ path: dir });
  const entries = await engine.keyspace('default').iterate().all();
  await engine.close();
  return entries.map(([key, value]) => [key[0]!, value[0]!]);
}

describe('memory persistence under injected I/O faults', () => {
  for (const [op, code] of FAULTS) {
    it(`a flush failing on ${op} (${code}) rejects IO_ERROR, keeps the last flushed file, refuses writes; close() writes it all`, async () => {
      const dir = await tempDir();
      const faulty = new FaultFs();
      const engine = await MemoryEngine.open({ path: dir }, faulty);
      const ks = engine.keyspace('default');
      await ks.put(b(1), b(10));
      await engine.flush();
      await ks.put(b(2), b(20));
      faulty.fault = { op, nth: (faulty.calls[op] ?? 0) + 1, code };
      const error = await expectCode(() => engine.flush(), 'IO_ERROR');
      expect(error.details).toMatchObject({ code });
      expect((error.cause as NodeJS.ErrnoException).code).toBe(code);
      const refused = await expectCode(() => ks.put(b(3), b(30), { sync: true }), 'IO_ERROR');
      expect(refused.details).toMatchObject({ poisoned: true });
      await expectCode(() => engine.flush(), 'IO_ERROR');
      if (op !== 'fsync') expect(readdirSync(dir).sort()).toEqual([LOCK_FILE, SNAPSHOT_FILE]); // no temp file left
      faulty.fault = undefined;
      await engine.close();
      expect(await contents(dir)).toEqual([[1, 10], [2, 20]]);
    });
  }

  it('a close whose final flush fails rejects IO_ERROR, releases the lock, and leaves the last flushed state', async () => {
    const dir = await tempDir();
    const faulty = new FaultFs();
    const engine = await MemoryEngine.open({ path: dir }, faulty);
    await engine.keyspace('default').put(b(1), b(10));
    await engine.flush();
    await engine.keyspace('default').put(b(2), b(20));
    faulty.fault = { op: 'write', nth: (faulty.calls.write ?? 0) + 1, code: 'ENOSPC' };
    await expectCode(() => engine.close(), 'IO_ERROR');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(await contents(dir)).toEqual([[1, 10]]);
  });

  for (const [op, code] of [['read', 'EIO'], ['open', 'EACCES'], ['link', 'EIO']] as Array<[FsOp, string]>) {
    it(`an open failing on ${op} (${code}) is IO_ERROR and leaves no lock behind`, async () => {
      const dir = await tempDir();
      const first = await openMemory({ path: dir });
      await first.keyspace('default').put(b(1), b(10));
      await first.close();
      const faulty = new FaultFs(nodeFileSystem, { op, nth: 1, code });
      const error = await expectCode(() => MemoryEngine.open({ path: dir }, faulty), 'IO_ERROR');
      expect(error.details).toMatchObject({ code });
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
      expect(await contents(dir)).toEqual([[1, 10]]);
    });
  }
});

const isRoot = process.getuid?.() === 0;

describe('memory persistence on a full file system (4 MiB tmpfs)', () => {
  it.skipIf(!isRoot)('a flush that runs out of space is IO_ERROR ENOSPC and keeps the last flushed file; after a reopen space can be freed', async () => {
    const mount = mkdtempSync(join(tmpdir(), 'tidekv-memory-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]);
    try {
      const dir = join(mount, 'store');
      const engine = await openMemory({ path: dir });
      const ks = engine.keyspace('default');
      await ks.put(b(1), b(10));
      await engine.flush();
      // 3 MiB of values: the snapshot plus its temp copy cannot both fit in 4 MiB.
      const big = new Uint8Array(64 * 1024).fill(7);
      for (let i = 0; i < 48; i++) await ks.put(Uint8Array.of(2, i), big);
      await engine.flush(); // 3 MiB alone fits
      await ks.put(b(3), b(30));
      const error = await expectCode(() => engine.flush(), 'IO_ERROR');
      expect(error.details).toMatchObject({ code: 'ENOSPC' });
      expect(error.message).toContain('no space left');
      expect(readdirSync(dir).sort()).toEqual([LOCK_FILE, SNAPSHOT_FILE]);
      await expectCode(() => ks.put(b(4), b(40)), 'IO_ERROR'); // refused until reopened
      await expectCode(() => engine.close(), 'IO_ERROR'); // its final flush still does not fit
      const reopened = await openMemory({ path: dir });
      expect(await reopened.keyspace('default').get(b(1))).toEqual(b(10));
      expect(await reopened.keyspace('default').get(b(3))).toBeUndefined(); // never flushed
      await reopened.keyspace('default').clear({ prefix: Uint8Array.of(2) });
      await reopened.close();
      expect(await contents(dir)).toEqual([[1, 10]]);
    } finally {
      execFileSync('umount', [mount]);
      rmSync(mount, { recursive: true, force: true });
    }
  });
});

describe('memory persistence through a simulated power loss at every file-system call', () => {
  it('reopens with the last acknowledged state or a later one, never damaged, whatever call the crash hits', async () => {
    const seed = Number(process.env.TIDEKV_SEED ?? Date.now());
    console.log('memory crash-step seed', seed);
    const workload = async (fileSystem: CrashFs, dir: string, state: { flushed: boolean; closed: boolean }) => {
      const engine = await MemoryEngine.open({ path: dir }, fileSystem);
      await engine.keyspace('default').put(b(2), b(20));
      await engine.flush();
      state.flushed = true;
      await engine.keyspace('default').put(b(3), b(30));
      await engine.close();
      state.closed = true;
    };
    const seeded = async () => {
      const dir = await tempDir();
      const engine = await openMemory({ path: dir });
      await engine.keyspace('default').put(b(1), b(10));
      await engine.close();
      return dir;
    };
    const counter = new CrashFs(Infinity, 'process');
    await workload(counter, await seeded(), { flushed: false, closed: false });
    const total = counter.count;
    expect(total).toBeGreaterThan(15);
    for (let n = 0; n <= total; n++) {
      const dir = await seeded();
      const crashFs = new CrashFs(n, 'power', prng(seed + n));
      const state = { flushed: false, closed: false };
      await Promise.race([workload(crashFs, dir, state), crashFs.died]);
      const log = await crashFs.crash();
      forgetProcessClaim(dir, LOCK_FILE); // the crashed engine never released its claim
      const context = `step ${n} of ${total} (seed ${seed}): ${log.join('; ')}`;
      const found = await contents(dir).catch((error: Error) => {
        throw new Error(`${context}: reopen failed: ${error.message}`);
      });
      const acknowledged: Array<[number, number]> = [[1, 10]];
      if (state.flushed) acknowledged.push([2, 20]);
      if (state.closed) acknowledged.push([3, 30]);
      const states = [[[1, 10]], [[1, 10], [2, 20]], [[1, 10], [2, 20], [3, 30]]];
      expect(states.slice(acknowledged.length - 1), context).toContainEqual(found);
    }
  });
});
