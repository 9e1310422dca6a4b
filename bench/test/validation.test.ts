/**
 * Every workload checks its own results: it passes on correct drivers (the real raw
 * libraries, on real files) and fails loudly on drivers that skip or corrupt work.
 */
import { describe, expect, it } from 'vitest';
import { runOnce, runBench } from '../src/runner.js';
import { WORKLOADS, type Workload } from '../src/workloads/index.js';
import type { KvDriver, LogDriver, Subject } from '../src/driver.js';
import { sortedArrayRaw } from '../src/raw/sorted-array.js';
import { memoryLevelRaw } from '../src/raw/memory-level.js';
import { classicLevelRaw } from '../src/raw/classic-level.js';
import { lmdbRaw } from '../src/raw/lmdb.js';
import { betterSqlite3Raw } from '../src/raw/better-sqlite3.js';
import { fsLogRaw } from '../src/raw/fs-log.js';
import { ValidationError } from '../src/validation.js';
import { buildResultsFile } from '../src/report/json.js';
import { collectEnvironment } from '../src/env.js';
import { BACKENDS } from '../src/backends/registry.js';
import { testBackend } from './fixtures/test-backend.js';

const engineWorkloads = WORKLOADS.filter((w) => w.kind === 'engine');
const logWorkloads = WORKLOADS.filter((w) => w.kind === 'log');
const config = (workload: Workload, n: number) => ({ n: workload.scale(n), valueSize: 100, seed: 99 });
const byName = (name: string) => WORKLOADS.find((w) => w.name === name)!;

function broken(mutate: (driver: KvDriver) => KvDriver): Subject<KvDriver> {
  return { ...sortedArrayRaw, label: 'broken', open: async (options) => mutate(await sortedArrayRaw.open(options)) };
}

describe('workloads validate on correct drivers', () => {
  for (const subject of [sortedArrayRaw, memoryLevelRaw, classicLevelRaw, lmdbRaw, betterSqlite3Raw]) {
    it(`every engine workload passes on ${subject.label}`, async () => {
      for (const workload of engineWorkloads) {
        const result = await runOnce(workload, subject, config(workload, 400));
        expect(result.ops, workload.name).toBeGreaterThan(0);
        expect(result.histogram.count, workload.name).toBeGreaterThanOrEqual(result.ops > 0 ? 1 : 0);
        expect(result.elapsedMs).toBeGreaterThan(0);
      }
    });
  }

  it('every log workload passes on the tidekv Wal (group commit)', async () => {
    const subject = await BACKENDS.find((b) => b.name === 'wal')!.adapter();
    for (const workload of logWorkloads) {
      const result = await runOnce(workload, subject as Subject<LogDriver>, config(workload, 400));
      expect(result.histogram.count, workload.name).toBe(result.ops);
    }
  });

  it('every log workload passes on the raw fs log', async () => {
    for (const workload of logWorkloads) {
      const result = await runOnce(workload, fsLogRaw, config(workload, 400));
      expect(result.histogram.count, workload.name).toBe(result.ops);
    }
  });
});

describe('workloads flag drivers that skip or corrupt work', () => {
  const cases: [string, string, (d: KvDriver) => KvDriver][] = [
    ['fillseq', 'entries in the store', (d) => ({ ...d, write: (ops, sync) => d.write(ops.slice(0, -1), sync) })],
    ['fillrandom', 'entries in the store', (d) => ({ ...d, write: (ops, sync) => d.write(ops.slice(1), sync) })],
    ['overwrite', 'checksum', (d) => ({ ...d, write: (ops, sync) => d.write(ops.filter((op) => d.getSync!(op.key) === undefined), sync) })],
    ['readrandom', 'keys found', (d) => ({ ...d, getSync: () => undefined })],
    ['readrandom', 'value checksum', (d) => ({ ...d, getSync: () => d.getSync!(Buffer.from('0000000000000000')) })],
    ['readmissing', 'absent keys found', (d) => ({ ...d, getSync: () => Buffer.alloc(100) })],
    ['readseq', 'entries scanned', (d) => ({ ...d, cursor: (o) => d.cursor({ ...o, limit: 10 }) })],
    ['readreverse', 'out of order', (d) => ({ ...d, cursor: (o) => d.cursor({ ...o, reverse: false }) })],
    ['seekrandom', 'seeks that found their key', (d) => ({ ...d, cursor: (o) => d.cursor({ ...o, limit: 0 }) })],
    ['deleterandom', 'entries left', (d) => ({ ...d, del: () => undefined })],
    ['fillsync', 'entries in the store', (d) => ({ ...d, put: () => undefined })],
    ['ycsb-a', 'read value checksum', (d) => ({ ...d, put: () => undefined })],
    ['ycsb-e', 'entries scanned', (d) => ({ ...d, cursor: (o) => d.cursor({ ...o, limit: 1 }) })],
  ];
  for (const [name, message, mutate] of cases) {
    it(`${name}: a driver that gets it wrong fails with '${message}'`, async () => {
      const workload = byName(name);
      const failure = runOnce(workload, broken(mutate), config(workload, 500));
      await expect(failure).rejects.toBeInstanceOf(ValidationError);
      await expect(failure).rejects.toThrow(message);
    });
  }

  it('wal-append: a log that loses a record fails', async () => {
    const lossy: Subject<LogDriver> = {
      ...fsLogRaw,
      open: async (options) => {
        const driver = await fsLogRaw.open(options);
        let appended = 0;
        return { ...driver, append: (payload) => (++appended === 7 ? undefined : driver.append(payload)) };
      },
    };
    await expect(runOnce(byName('wal-append-16'), lossy, config(byName('wal-append-16'), 2000))).rejects.toThrow('records replayed');
  });

  it('a failed row is reported as a failure with no numbers, beside its healthy raw row', async () => {
    const backend = testBackend('memory', [sortedArrayRaw], async () => ({ ...broken((d) => ({ ...d, getSync: () => undefined })), variant: 'adapter', role: 'primary' }));
    const outcome = await runBench([byName('readrandom')], [backend], { n: 300, valueSize: 100, runs: 3, seed: 1, warmup: true });
    const [adapter, raw] = outcome.rows;
    expect(adapter!.error).toMatch(/^ValidationError: keys found: expected \d+, got 0$/);
    expect(adapter!.summary).toBeUndefined();
    expect(raw!.summary?.runs).toHaveLength(3);
    const file = buildResultsFile(collectEnvironment({}), outcome.rows, []);
    expect(file.failures).toEqual([{ workload: 'readrandom', backend: 'memory', variant: 'adapter', library: 'broken', error: adapter!.error }]);
    expect(file.results.map((r) => r.variant)).toEqual([]);
    expect(file.references.map((r) => r.workload)).toEqual(['readrandom']);
  });
});
