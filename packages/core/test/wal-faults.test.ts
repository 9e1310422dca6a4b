/**
 * Injected I/O failures (poisoning) and simulated crashes at every file-system step of
 * writing, rotation and checkpoint, on real files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TidekvError, Wal } from '../src/index.js';
import { frameLength } from '../src/wal/format.js';
import { nodeFileSystem } from '../src/fs/file-system.js';
import { forgetProcessClaim } from '../src/fs/lock.js';
import { LOCK_FILE } from '../src/wal/format.js';
import { abandonWal, openWalWith } from '../src/wal/wal.js';
import { FaultFs } from '../src/fs/fault-fs.js';
import { CrashFs, prng } from '../src/fs/crash-fs.js';
import { appendEach, payloadFor, readAll, segmentFiles, tempWalDir } from './fixtures/wal-helpers.js';

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

async function settleAll<T>(promises: Promise<T>[]) {
  return Promise.allSettled(promises);
}

function expectPoisoned(result: PromiseSettledResult<unknown>, code: string): void {
  expect(result.status).toBe('rejected');
  const error = (result as PromiseRejectedResult).reason as TidekvError;
  expect(error).toBeInstanceOf(TidekvError);
  expect(error.code).toBe('WAL_POISONED');
  expect(error.details).toMatchObject({ code });
  expect((error.cause as NodeJS.ErrnoException).code).toBe(code);
}

async function reopenAndRead(dir: string) {
  const wal = await Wal.open(dir);
  const records = await readAll(wal, 1);
  for (const r of records) expect(r.payload.equals(payloadFor(r.lsn))).toBe(true);
  return { wal, lsns: records.map((r) => r.lsn) };
}

describe('WAL poisoning', () => {
  for (const [op, code] of [['write', 'EIO'], ['datasync', 'EIO'], ['write', 'ENOSPC'], ['datasync', 'ENOSPC']] as const) {
    it(`a failed ${op} (${code}) rejects the group, pending and later appends until reopen`, async () => {
      const dir = tempWalDir();
      const faulty = new FaultFs();
      const wal = await openWalWith(faulty, dir);
      await appendEach(wal, 1, 5);
      faulty.fault = { op, nth: (faulty.calls[op] ?? 0) + 1, code };
      const results = await settleAll(range(6, 15).map((i) => wal.append(payloadFor(i))));
      for (const result of results) expectPoisoned(result, code);
      expect(wal.poisoned).toBe(true);
      expectPoisoned((await settleAll([wal.append(payloadFor(16))]))[0]!, code);
      expectPoisoned((await settleAll([wal.checkpoint(5)]))[0]!, code);
      const syncs = faulty.calls.datasync ?? 0;
      expect(wal.durableLsn).toBe(5);
      await wal.close();
      // fsync is never retried to turn the failure into an acknowledgement.
      expect(faulty.calls.datasync ?? 0).toBe(syncs);
      const { wal: reopened, lsns } = await reopenAndRead(dir);
      // Acknowledged records survive; the failed group may or may not (it was never acknowledged).
      expect(lsns.slice(0, 5)).toEqual(range(1, 5));
      expect(lsns).toEqual(range(1, lsns.length));
      expect((await reopened.append(payloadFor(lsns.length + 1))).lsn).toBe(lsns.length + 1);
      await reopened.close();
    });
  }

  it('appendInGroup: records appended together share one promise, resolved once all are durable; a failed group rejects it and later appends throw', async () => {
    const dir = tempWalDir();
    const faulty = new FaultFs();
    const wal = await openWalWith(faulty, dir);
    const first = range(1, 5).map((i) => wal.appendInGroup(payloadFor(i)));
    expect(first).toEqual(range(1, 5));
    const settled = wal.groupSettled();
    expect(wal.durableLsn).toBe(0);
    await settled;
    expect(wal.durableLsn).toBe(5);
    await expect(wal.groupSettled(), 'a group already durable').resolves.toBeUndefined();

    faulty.fault = { op: 'datasync', nth: (faulty.calls.datasync ?? 0) + 1, code: 'EIO' };
    wal.appendInGroup(payloadFor(6));
    const failing = wal.groupSettled();
    wal.appendInGroup(payloadFor(7));
    expect(wal.groupSettled(), 'one promise per group').toBe(failing);
    expectPoisoned((await settleAll([failing]))[0]!, 'EIO');
    expect(wal.durableLsn).toBe(5);
    expect(() => wal.appendInGroup(payloadFor(8))).toThrow(expect.objectContaining({ code: 'WAL_POISONED' }));
    expectPoisoned((await settleAll([wal.groupSettled()]))[0]!, 'EIO');
    await wal.close();
    const { wal: reopened, lsns } = await reopenAndRead(dir);
    expect(lsns.slice(0, 5)).toEqual(range(1, 5));
    await reopened.close();
  });

  it('a disk filling up mid-write (short write, then ENOSPC) poisons; the torn group is cut on reopen', async () => {
    const dir = tempWalDir();
    const faulty = new FaultFs();
    const wal = await openWalWith(faulty, dir);
    await appendEach(wal, 1, 5);
    faulty.fault = { op: 'write', nth: (faulty.calls.write ?? 0) + 1, code: 'ENOSPC', shortFirst: true };
    const results = await settleAll(range(6, 15).map((i) => wal.append(payloadFor(i))));
    for (const result of results) expectPoisoned(result, 'ENOSPC');
    await wal.close();
    const { wal: reopened, lsns } = await reopenAndRead(dir);
    expect(lsns).toEqual(range(1, lsns.length));
    expect(lsns.length).toBeGreaterThanOrEqual(5);
    expect(reopened.recovery.damage.every((d) => d.action === 'truncated')).toBe(true);
    await reopened.close();
  });

  it('a failure while creating the next segment poisons, and the leftover temp file is removed', async () => {
    const dir = tempWalDir();
    const faulty = new FaultFs();
    const wal = await openWalWith(faulty, dir, { segmentBytes: 4096 });
    await appendEach(wal, 1, 10, 300);
    faulty.fault = { op: 'rename', nth: (faulty.calls.rename ?? 0) + 1, code: 'EIO' };
    const results = await settleAll(range(11, 40).map((i) => wal.append(payloadFor(i, 300))));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeLessThan(30);
    for (const result of results.filter((r) => r.status === 'rejected')) expectPoisoned(result, 'EIO');
    const acked = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i + 11] : []));
    await wal.close();
    expect(fs.readdirSync(dir).some((n) => n.endsWith('.wal.tmp'))).toBe(true);
    const reopened = await Wal.open(dir);
    expect(reopened.recovery.removedFiles.some((n) => n.endsWith('.wal.tmp'))).toBe(true);
    const lsns = (await readAll(reopened, 1)).map((r) => r.lsn);
    expect(lsns).toEqual(range(1, 10 + acked.length));
    await reopened.close();
  });

  it('short writes are completed by looping', async () => {
    const dir = tempWalDir();
    const faulty = new FaultFs(nodeFileSystem, undefined, 7);
    const wal = await openWalWith(faulty, dir);
    await Promise.all(range(1, 50).map((i) => wal.append(payloadFor(i))));
    await wal.close();
    expect(faulty.calls.write).toBeGreaterThan((50 * frameLength(40)) / 7);
    const reopened = await Wal.open(dir, { recovery: 'strict' });
    expect((await readAll(reopened)).map((r) => r.lsn)).toEqual(range(1, 50));
    await reopened.close();
  });

  it('a failed checkpoint is an IO_ERROR that leaves the log usable and the old checkpoint in place', async () => {
    const dir = tempWalDir();
    const faulty = new FaultFs();
    const wal = await openWalWith(faulty, dir, { segmentBytes: 4096 });
    await appendEach(wal, 1, 40, 300);
    const before = segmentFiles(dir);
    faulty.fault = { op: 'rename', nth: (faulty.calls.rename ?? 0) + 1, code: 'EIO' };
    await expect(wal.checkpoint(30)).rejects.toMatchObject({ code: 'IO_ERROR' });
    faulty.fault = undefined;
    expect(wal.checkpointLsn).toBe(0);
    expect(wal.poisoned).toBe(false);
    expect(segmentFiles(dir)).toEqual(before);
    expect((await wal.append(payloadFor(41, 300))).lsn).toBe(41);
    await wal.checkpoint(30);
    expect(segmentFiles(dir).length).toBeLessThan(before.length);
    await wal.close();
  });

  it('an I/O error while recovering is IO_ERROR and releases the lock', async () => {
    const dir = tempWalDir();
    const wal = await Wal.open(dir);
    await appendEach(wal, 1, 5);
    await wal.close();
    const faulty = new FaultFs(nodeFileSystem, { op: 'read', nth: 1, code: 'EIO' });
    await expect(openWalWith(faulty, dir)).rejects.toMatchObject({ code: 'IO_ERROR', details: { code: 'EIO' } });
    expect(fs.existsSync(path.join(dir, 'LOCK'))).toBe(false);
    const again = await Wal.open(dir);
    expect(again.lastLsn).toBe(5);
    await again.close();
  });
});

/**
 * A workload that rotates segments twice and checkpoints, run against a machine that dies
 * after its n-th file-system call, for every n. After each crash (with unsynced bytes and
 * directory changes randomly lost) the log must open in the default mode with every
 * acknowledged record intact and no holes.
 */
describe('WAL crashes at every step of appending, rotation and checkpoint', () => {
  const SIZE = 500;
  async function workload(fileSystem: CrashFs | undefined, dir: string, state: { wal?: Wal; acked: number[]; checkpointed: number }) {
    const options = { segmentBytes: 4096, preallocate: true };
    const wal = fileSystem ? await openWalWith(fileSystem, dir, options) : await Wal.open(dir, options);
    state.wal = wal;
    for (let i = 1; i <= 12; i++) {
      await wal.append(payloadFor(i, SIZE));
      state.acked.push(i);
    }
    await wal.checkpoint(9);
    state.checkpointed = 9;
    await Promise.all(
      range(13, 20).map(async (i) => {
        await wal.append(payloadFor(i, SIZE));
        state.acked.push(i);
      }),
    );
    await wal.close();
  }

  it('recovers after a crash at each call (power loss)', async () => {
    const counter = new CrashFs(Infinity, 'process');
    await workload(counter, tempWalDir(), { acked: [], checkpointed: 0 });
    const total = counter.count;
    expect(total).toBeGreaterThan(40);
    const seed = Number(process.env.TIDEKV_SEED ?? Date.now());
    console.log('crash-step seed', seed, 'steps', total);
    let repaired = 0;
    for (let n = 0; n <= total; n++) {
      const dir = tempWalDir(`step-${n}`);
      const crashFs = new CrashFs(n, 'power', prng(seed + n));
      const state: { wal?: Wal; acked: number[]; checkpointed: number } = { acked: [], checkpointed: 0 };
      await Promise.race([workload(crashFs, dir, state), crashFs.died]);
      if (state.wal) abandonWal(state.wal);
      forgetProcessClaim(dir, LOCK_FILE); // the crash may have hit inside open, before there was a Wal
      const log = await crashFs.crash();
      const context = `step ${n} (seed ${seed}): ${log.join('; ')}`;
      let wal: Wal;
      try {
        wal = await Wal.open(dir, { segmentBytes: 4096 });
      } catch (error) {
        throw new Error(`${context}: reopen failed: ${(error as Error).message}`);
      }
      if (!wal.recovery.clean || wal.recovery.removedFiles.length > 0) repaired++;
      const records = await readAll(wal, 1);
      const lsns = records.map((r) => r.lsn);
      for (const r of records) expect(r.payload.equals(payloadFor(r.lsn, SIZE)), context).toBe(true);
      if (lsns.length > 0) expect(lsns, context).toEqual(range(lsns[0]!, lsns.at(-1)!));
      expect(wal.checkpointLsn, context).toBeGreaterThanOrEqual(state.checkpointed);
      for (const lsn of state.acked) {
        if (lsn > wal.checkpointLsn) expect(lsns, `${context}: acknowledged ${lsn}`).toContain(lsn);
      }
      expect(lsns[0] ?? wal.lastLsn + 1, context).toBeLessThanOrEqual(wal.checkpointLsn + 1);
      // The recovered log takes appends and reopens cleanly, even in strict mode.
      const next = wal.lastLsn + 1;
      expect((await wal.append(payloadFor(next, SIZE))).lsn).toBe(next);
      await wal.close();
      const strict = await Wal.open(dir, { recovery: 'strict', segmentBytes: 4096 });
      expect(strict.lastLsn, context).toBe(next);
      await strict.close();
    }
    console.log('crash steps that needed repair on reopen:', repaired, 'of', total + 1);
  });
});
