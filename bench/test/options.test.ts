import { describe, expect, it } from 'vitest';
import { parseCli, parseCount, usage, UsageError, DEFAULT_N, QUICK_N, FULL_N, DEFAULT_RUNS } from '../src/options.js';
import { knownNames } from '../src/main.js';

const known = knownNames();
const parse = (...args: string[]) => parseCli(args, known);

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('parseCli', () => {
  it('has defaults for every option', () => {
    const o = parse();
    expect(o).toMatchObject({ help: false, backends: [], workloads: [], n: DEFAULT_N, valueSize: 100, runs: undefined, warmup: true, out: undefined, adapters: [], preset: 'default' });
    expect(DEFAULT_RUNS).toBeGreaterThanOrEqual(3);
  });

  it('reads every option', () => {
    const o = parse('--backends', 'level,lmdb', '--workloads', 'fillseq,readseq', '--n', '5k', '--value-size', '64', '--runs', '5', '--out', 'x', '--seed', '7', '--no-warmup', '--adapter', './a.js#f', '--adapter', './b.js');
    expect(o).toMatchObject({ backends: ['level', 'lmdb'], workloads: ['fillseq', 'readseq'], n: 5000, valueSize: 64, runs: 5, out: 'x', seed: 7, warmup: false, adapters: ['./a.js#f', './b.js'] });
  });

  it('expands workload groups and removes duplicates', () => {
    expect(parse('--workloads', 'ycsb,ycsb-a').workloads).toEqual(['ycsb-a', 'ycsb-b', 'ycsb-c', 'ycsb-d', 'ycsb-e', 'ycsb-f']);
    expect(parse('--workloads', 'wal').workloads).toEqual(['wal-append-1', 'wal-append-16', 'wal-append-256', 'wal-replay']);
    expect(parse('--workloads', 'dbbench').workloads).toContain('fillsync');
  });

  it('ignores one leading -- forwarded by a script runner', () => {
    expect(parse('--', '--quick').n).toBe(QUICK_N);
    expect(usageError(() => parse('--quick', '--', '--full')).message).toMatch(/--full/);
  });

  it('--quick and --full set n; an explicit --n wins', () => {
    expect(parse('--quick').n).toBe(QUICK_N);
    expect(parse('--full').n).toBe(FULL_N);
    expect(parse('--full', '--n', '1234').n).toBe(1234);
    expect(parse('--full').preset).toBe('full');
  });

  it('knows every registered backend and workload', () => {
    expect(known.backends).toEqual(['memory', 'level', 'lmdb', 'sqlite', 'wal']);
    for (const w of ['fillseq', 'fillrandom', 'overwrite', 'readrandom', 'readmissing', 'readseq', 'readreverse', 'seekrandom', 'deleterandom', 'fillsync', 'ycsb-a', 'ycsb-f', 'wal-append-1', 'wal-append-16', 'wal-append-256', 'wal-replay']) {
      expect(known.workloads).toContain(w);
    }
  });

  it('rejects unknown options, backends and workloads with exit code 2', () => {
    expect(usageError(() => parse('--bogus')).message).toMatch(/bogus/);
    expect(usageError(() => parse('stray')).message).toMatch(/stray/);
    expect(usageError(() => parse('--backends', 'memory,redis')).message).toBe("unknown backend 'redis'; known backends: memory, level, lmdb, sqlite, wal");
    expect(usageError(() => parse('--workloads', 'fillseq,fillfast')).message).toMatch(/^unknown workload 'fillfast'; known workloads: fillseq, /);
    expect(usageError(() => parse('--backends', 'memory,,level')).message).toMatch(/empty name/);
  });

  it('rejects bad numbers and contradictions', () => {
    expect(usageError(() => parse('--n', '0')).message).toMatch(/--n must be an integer >= 1/);
    expect(usageError(() => parse('--n', 'lots')).message).toMatch(/--n must be a whole number/);
    expect(usageError(() => parse('--n', '1.5')).message).toMatch(/whole number/);
    expect(usageError(() => parse('--n', '-3')).message).toMatch(/whole number|argument/);
    expect(usageError(() => parse('--runs', '0')).message).toMatch(/--runs/);
    expect(usageError(() => parse('--value-size', '4')).message).toMatch(/--value-size must be an integer >= 8/);
    expect(usageError(() => parse('--quick', '--full')).message).toBe('--quick and --full cannot be combined');
    expect(usageError(() => parse('--out', ' ')).message).toMatch(/--out/);
    expect(usageError(() => parse('--n')).message).toMatch(/argument missing|--n/);
  });

  it('parses counts with separators and suffixes', () => {
    expect(parseCount('100_000', 'n')).toBe(100_000);
    expect(parseCount('2M', 'n')).toBe(2_000_000);
    expect(parseCount('0', 'seed', 0)).toBe(0);
    expect(() => parseCount('9'.repeat(20), 'n')).toThrow(UsageError);
  });

  it('documents every option in --help', () => {
    const text = usage(known);
    for (const option of ['--backends', '--workloads', '--n', '--value-size', '--runs', '--out', '--quick', '--full', '--adapter', '--help', '--seed', '--no-warmup']) {
      expect(text).toContain(option);
    }
  });
});
