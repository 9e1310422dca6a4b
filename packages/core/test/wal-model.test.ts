/**
 * Model-based test: random appends (concurrent or not, some with ids), checkpoints, clean
 * reopens and crashes (the machine dies after a random number of file-system calls, with
 * unsynced bytes and directory changes randomly lost) against a model of what was written
 * and acknowledged. After every reopen: acknowledged ⊆ recovered; recovered is a dense
 * run of LSNs whose payloads are exactly what was written at those LSNs (so a prefix of
 * the written order: no holes, reorders or duplicates).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Wal } from '../src/index.js';
import { forgetProcessClaim } from '../src/fs/lock.js';
import { LOCK_FILE } from '../src/wal/format.js';
import type { WalOptions } from '../src/wal/options.js';
import { abandonWal, openWalWith } from '../src/wal/wal.js';
import { CrashFs, prng } from '../src/fs/crash-fs.js';
import { readAll, tempWalDir } from './fixtures/wal-helpers.js';

type Op =
  | { kind: 'append'; sizes: number[]; concurrent: boolean; ids: boolean }
  | { kind: 'checkpoint'; fraction: number };

interface Epoch {
  ops: Op[];
  /** Calls until the machine dies; undefined: the epoch ends with a clean close. */
  crashAfter: number | undefined;
  power: boolean;
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('append' as const), sizes: fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 12 }), concurrent: fc.boolean(), ids: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('checkpoint' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }) },
);
const epochArb: fc.Arbitrary<Epoch> = fc.record({
  ops: fc.array(opArb, { minLength: 1, maxLength: 6 }),
  crashAfter: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined, freq: 2 }),
  power: fc.boolean(),
});
const optionsArb = fc.record({
  sync: fc.constantFrom('group' as const, 'always' as const),
  segmentBytes: fc.constantFrom(4096, 8192, 1 << 20),
  maxBatchBytes: fc.constantFrom(512, 4096, 1 << 20),
  dedupWindow: fc.constantFrom(0, 8),
  preallocate: fc.boolean(),
});

let counter = 0;
function uniquePayload(size: number): Buffer {
  const buf = Buffer.alloc(size, counter & 0xff);
  if (size >= 6) buf.writeUIntBE(++counter, 0, 6);
  return buf;
}

async function runModel(options: WalOptions, epochs: Epoch[], fsSeed: number): Promise<void> {
  const dir = tempWalDir();
  /** lsn -> payload of every append that got an LSN and was not lost in a crash. */
  const written = new Map<number, Buffer>();
  const acked = new Set<number>();
  let checkpointed = 0;
  let idCounter = 0;

  for (const [index, epoch] of epochs.entries()) {
    const crashFs = new CrashFs(epoch.crashAfter ?? Infinity, epoch.power ? 'power' : 'process', prng(fsSeed + index));
    let wal: Wal | undefined;
    const run = async () => {
      wal = await openWalWith(crashFs, dir, options);
      for (const op of epoch.ops) {
        if (op.kind === 'checkpoint') {
          const lsn = Math.floor(op.fraction * wal.durableLsn);
          await wal.checkpoint(lsn);
          checkpointed = Math.max(checkpointed, lsn);
          continue;
        }
        const appends = op.sizes.map((size) => {
          const payload = uniquePayload(size);
          const before = wal!.lastLsn;
          // Every third id repeats an earlier one, so duplicates happen.
          const id = op.ids ? `id-${idCounter % 3 === 2 ? idCounter - 2 : idCounter}` : undefined;
          idCounter++;
          const promise = wal!.append(payload, id === undefined ? undefined : { id });
          if (wal!.lastLsn > before) written.set(wal!.lastLsn, payload);
          return promise.then((result) => {
            acked.add(result.lsn);
          });
        });
        if (op.concurrent) await Promise.all(appends);
        else for (const append of appends) await append;
      }
      await wal.close();
    };
    await Promise.race([run(), crashFs.died]);
    if (crashFs.dead) {
      if (wal) abandonWal(wal);
      forgetProcessClaim(dir, LOCK_FILE);
      await crashFs.crash();
    }

    const reopened = await Wal.open(dir, options);
    try {
      const records = await readAll(reopened, 1);
      const lsns = records.map((r) => r.lsn);
      if (lsns.length > 0) expect(lsns).toEqual(Array.from({ length: lsns.length }, (_, i) => lsns[0]! + i));
      for (const record of records) {
        expect(written.has(record.lsn), `LSN ${record.lsn} was never written`).toBe(true);
        expect(record.payload.equals(written.get(record.lsn)!), `payload of LSN ${record.lsn}`).toBe(true);
      }
      expect(reopened.checkpointLsn).toBeGreaterThanOrEqual(checkpointed);
      const recovered = new Set(lsns);
      for (const lsn of acked) {
        if (lsn > reopened.checkpointLsn) expect(recovered.has(lsn), `acknowledged LSN ${lsn} lost`).toBe(true);
      }
      if (lsns.length > 0) expect(lsns[0]).toBeLessThanOrEqual(reopened.checkpointLsn + 1);
      // What was never acknowledged and is not recovered is gone: its LSNs will be reused.
      for (const lsn of [...written.keys()]) if (lsn > reopened.lastLsn) written.delete(lsn);
      checkpointed = reopened.checkpointLsn;
    } finally {
      await reopened.close();
    }
  }
}

describe('WAL model', () => {
  it('appends, checkpoints, clean reopens and crashes keep acknowledged ⊆ recovered, as a prefix', async () => {
    const seed = Number(process.env.TIDEKV_SEED ?? Date.now());
    const numRuns = Number(process.env.TIDEKV_RUNS ?? 40);
    console.log('fast-check seed', seed, 'runs', numRuns);
    await fc.assert(
      fc.asyncProperty(optionsArb, fc.array(epochArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 2 ** 30 }), runModel),
      // Shrinking a crash counterexample can take long: report the best one found in time.
      { seed, numRuns, interruptAfterTimeLimit: 30_000 },
    );
  }, 120_000);
});
