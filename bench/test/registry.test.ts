import { describe, expect, it } from 'vitest';
import { BACKENDS, BackendUnavailableError, loadFactory } from '../src/backends/registry.js';
import { testBackend } from './fixtures/test-backend.js';
import { describeRuns, runBench } from '../src/runner.js';
import { DEFAULT_RUNS } from '../src/options.js';
import { WORKLOADS } from '../src/workloads/index.js';
import { sortedArrayRaw } from '../src/raw/sorted-array.js';
import { memoryLevelRaw } from '../src/raw/memory-level.js';
import { Progress } from '../src/progress.js';

describe('backend registry', () => {
  it('registers memory, level, lmdb, sqlite and wal, each with exactly one primary raw baseline', () => {
    expect(BACKENDS.map((b) => b.name)).toEqual(['memory', 'level', 'lmdb', 'sqlite', 'wal']);
    for (const backend of BACKENDS) {
      expect(backend.raw.filter((s) => s.role === 'primary'), backend.name).toHaveLength(1);
      for (const subject of backend.raw) expect(subject.variant).toBe('raw');
    }
    expect(BACKENDS.find((b) => b.name === 'memory')!.raw.map((s) => s.role)).toEqual(['primary', 'reference', 'reference']);
  });

  it('explains why an adapter cannot be loaded', async () => {
    await expect(loadFactory('@tidekv/no-such-adapter', 'x')).rejects.toThrow(BackendUnavailableError);
    await expect(loadFactory('@tidekv/no-such-adapter', 'x')).rejects.toThrow(/cannot load @tidekv\/no-such-adapter \(is it built\? run `pnpm build`\)/);
    await expect(loadFactory('@tidekv/core', 'noSuchEngine')).rejects.toThrow("@tidekv/core does not export 'noSuchEngine' (yet)");
    await expect(loadFactory('@tidekv/core', 'TidekvError')).rejects.toThrow(/is not an EngineFactory/);
  });

  it('skips an adapter that cannot be loaded, with a message, and still runs its raw baseline', async () => {
    const backend = testBackend('future', [sortedArrayRaw], () => Promise.reject(new BackendUnavailableError('@tidekv/future is not built')));
    let messages = '';
    const progress = new Progress({ write: (t: string) => (messages += t), isTTY: false });
    const outcome = await runBench([WORKLOADS.find((w) => w.name === 'readseq')!], [backend], { n: 200, valueSize: 100, runs: 3, seed: 1, warmup: false }, progress);
    expect(messages).toContain('skipping the future adapter: @tidekv/future is not built; its raw baseline still runs');
    expect(outcome.rows.map((r) => `${r.variant}/${r.label}`)).toEqual(['raw/sorted array (JS)']);
    expect(outcome.skips).toEqual([{ workload: 'readseq', backend: 'future', reason: 'adapter unavailable: @tidekv/future is not built' }]);
  });

  it('without --runs, a workload with defaultRuns gets that many runs and the others DEFAULT_RUNS; --runs overrides both', async () => {
    const backend = testBackend('m', [sortedArrayRaw], () => Promise.reject(new BackendUnavailableError('x')));
    const readseq = WORKLOADS.find((w) => w.name === 'readseq')!;
    const fewer = { ...readseq, name: 'readseq-fewer', defaultRuns: 2 };
    const runsPerRow = async (runs: number | undefined) =>
      (await runBench([readseq, fewer], [backend], { n: 200, valueSize: 100, runs, seed: 1, warmup: false })).rows.map((r) => `${r.workload}:${r.summary?.runs.length}`);
    expect(await runsPerRow(undefined)).toEqual([`readseq:${DEFAULT_RUNS}`, 'readseq-fewer:2']);
    expect(await runsPerRow(4)).toEqual(['readseq:4', 'readseq-fewer:4']);
    expect(describeRuns(undefined, [readseq, fewer])).toBe(`${DEFAULT_RUNS} (2 for readseq-fewer)`);
    expect(describeRuns(undefined, [readseq])).toBe(String(DEFAULT_RUNS));
    expect(describeRuns(4, [readseq, fewer])).toBe('4');
  });

  it('skips durable workloads on a backend that cannot be durable', async () => {
    const backend = testBackend('volatile', [sortedArrayRaw], async () => ({ ...sortedArrayRaw, variant: 'adapter', role: 'primary' }));
    const outcome = await runBench([WORKLOADS.find((w) => w.name === 'fillsync')!], [backend], { n: 200, valueSize: 100, runs: 3, seed: 1, warmup: false });
    expect(outcome.rows).toEqual([]);
    expect(outcome.skips).toEqual([{ workload: 'fillsync', backend: 'volatile', reason: 'the backend cannot make writes durable' }]);
  });

  it('does not run a subject on the workloads it skips (the sorted array on fillrandom)', async () => {
    const backend = testBackend('m', [memoryLevelRaw, sortedArrayRaw], () => Promise.reject(new BackendUnavailableError('x')));
    const pick = (name: string) => WORKLOADS.find((w) => w.name === name)!;
    const outcome = await runBench([pick('fillrandom'), pick('fillseq')], [backend], { n: 200, valueSize: 100, runs: 3, seed: 1, warmup: false });
    expect(outcome.rows.map((r) => `${r.workload}/${r.label}`)).toEqual([
      `fillrandom/${memoryLevelRaw.label}`,
      `fillseq/${memoryLevelRaw.label}`,
      'fillseq/sorted array (JS)',
    ]);
  });
});
