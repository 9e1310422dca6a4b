/**
 * One idle, empty store per subject, open for the whole of a (workload, backend) pair.
 *
 * The runner forces a full GC before every run, and every run opens a fresh store. Without a
 * resident store nothing of the previous run's objects is alive at that GC, so V8 drops the
 * hidden classes of everything the subject implements in JavaScript (an adapter's engine,
 * keyspace, statements and writer objects) and deoptimizes the code compiled against them:
 * each run then starts on cold code, re-learned by the JIT inside the timed region (measured
 * on SQLite seekrandom: ~17 hot functions deoptimized per run, the adapter at ~0.7x raw on
 * the main thread, ~1.0x with a resident store). An application keeps its store open; the
 * resident store stands in for that. Raw subjects get one too, so both sides are treated
 * alike (a native library's objects keep their classes either way).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subject } from './driver.js';

interface Closable {
  close(): Promise<void>;
}

/** Opens a resident store for each subject that can open one; returns the function closing them all. */
export async function openResidents(subjects: readonly Subject<Closable>[], durable: boolean, tmpRoot = tmpdir()): Promise<() => Promise<void>> {
  const open: { driver: Closable; dir: string }[] = [];
  for (const subject of subjects) {
    const dir = await mkdtemp(join(tmpRoot, 'tidekv-bench-resident-'));
    try {
      open.push({ driver: await subject.open({ dir, durable }), dir });
    } catch {
      // A subject that cannot open a second store runs without one, as before.
      await rm(dir, { recursive: true, force: true });
    }
  }
  return async () => {
    for (const { driver, dir } of open) {
      await driver.close().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  };
}
