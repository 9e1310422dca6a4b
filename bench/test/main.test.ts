/**
 * The CLI end to end (in process): exit codes, messages, and a small real run that writes
 * the three result files, whose JSON must have exactly the documented shape.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/main.js';
import type { ResultsFile } from '../src/report/json.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const ADAPTER = './fixtures/third-party-engine.ts#thirdPartyEngine';
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    cwd: here,
  });
  return { code, stdout, stderr };
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tidekv-bench-test-'));
  dirs.push(dir);
  return dir;
}

const RESULT_KEYS = ['workload', 'backend', 'variant', 'durability', 'opsPerSec', 'usPerOp', 'mbPerSec', 'p50Us', 'p99Us', 'p999Us', 'maxUs', 'runs', 'wallSeconds'].sort();

describe('tidekv-bench', () => {
  it('--help prints usage and exits 0', async () => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: tidekv-bench/);
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--backends', 'redis'], /unknown backend 'redis'/],
    [['--workloads', 'fillfast'], /unknown workload 'fillfast'/],
    [['--n', 'x'], /--n must be a whole number/],
    [['--adapter', './missing-module.js#engine'], /--adapter .\/missing-module.js#engine: cannot load/],
    [['--adapter', './fixtures/third-party-engine.ts#missing'], /does not export 'missing'/],
    [['--adapter', './fixtures/third-party-engine.ts#notAFactory'], /is not an EngineFactory/],
    [['--adapter', './fixtures/third-party-engine.ts#'], /expects path#exportName/],
  ])('%j is a usage error: exit 2 with a clear message', async (args, message) => {
    const { code, stderr, stdout } = await cli(...(args as string[]));
    expect(code).toBe(2);
    expect(stderr).toMatch(message as RegExp);
    expect(stderr).toMatch(/--help/);
    expect(stdout).toBe('');
  });

  it('runs, prints the table and writes results.json (exact shape), results.md and chart.svg', async () => {
    const out = await tempDir();
    const { code, stdout, stderr } = await cli('--backends', 'wal', '--adapter', ADAPTER, '--workloads', 'fillseq,readrandom,wal-replay', '--n', '600', '--runs', '3', '--out', out);
    expect(stderr).not.toMatch(/FAILED/);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^tidekv bench {2}\S+ {2}commit /);
    expect(stdout).toMatch(/cpu: .+ cores/);
    expect(stdout).toMatch(/libraries: classic-level \d/);
    expect(stdout).toMatch(/workload +backend +subject +durability +ops\/s/);
    expect(stdout).toMatch(/targets: \d+\/\d+ met/);
    expect(stderr).toMatch(/\[ *\d+\/\d+ \d+s\] fillseq · thirdparty/);

    const file = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as ResultsFile;
    expect(Object.keys(file.env)).toEqual(expect.arrayContaining(['cpu', 'cores', 'memoryGiB', 'node', 'libraries', 'gitCommit', 'date']));
    expect(file.results.length).toBeGreaterThan(0);
    for (const result of file.results) {
      expect(Object.keys(result).sort()).toEqual(RESULT_KEYS);
      expect(['thirdparty', 'wal']).toContain(result.backend);
      expect(['adapter', 'raw']).toContain(result.variant);
      expect(['none', 'sync', 'group']).toContain(result.durability);
      for (const key of ['opsPerSec', 'usPerOp', 'mbPerSec', 'p50Us', 'p99Us', 'p999Us', 'maxUs'] as const) {
        expect(Number.isFinite(result[key]), key).toBe(true);
      }
      expect(result.opsPerSec).toBeGreaterThan(0);
      expect(result.runs).toHaveLength(3);
      // The row's wall time covers its timed runs and more (preparation, validation).
      expect(result.wallSeconds * 1000).toBeGreaterThanOrEqual(result.runs.reduce((sum, run) => sum + run.elapsedMs, 0) - 10);
      expect(result.p50Us).toBeLessThanOrEqual(result.p99Us);
      expect(result.p99Us).toBeLessThanOrEqual(result.p999Us);
      expect(result.p999Us).toBeLessThanOrEqual(result.maxUs);
    }
    // The third-party adapter has no raw baseline; the WAL rows come in adapter/raw pairs.
    expect(file.results.filter((r) => r.backend === 'thirdparty').map((r) => `${r.workload}/${r.variant}`)).toEqual(['fillseq/adapter', 'readrandom/adapter']);
    expect(file.results.filter((r) => r.backend === 'wal').map((r) => `${r.workload}/${r.variant}/${r.durability}`)).toEqual(['wal-replay/adapter/none', 'wal-replay/raw/none']);
    expect(file.references).toEqual([]);
    expect(file.failures).toEqual([]);
    expect(file.targets.find((t) => t.workload === 'wal-replay')?.status).toMatch(/met|below/);

    const md = await readFile(join(out, 'results.md'), 'utf8');
    expect(md).toMatch(/^# tidekv benchmark results/);
    expect(md).toMatch(/\| readrandom \| thirdparty \| adapter \| none \|/);
    const svg = await readFile(join(out, 'chart.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(file.results.length + file.references.length);
  });

  it('runs each registered adapter beside its raw baselines (memory: memory-level + the sorted array reference)', async () => {
    const out = await tempDir();
    const { code, stderr } = await cli('--backends', 'memory', '--workloads', 'readseq', '--n', '300', '--runs', '3', '--no-warmup', '--out', out);
    expect(stderr).not.toMatch(/FAILED|skipping/);
    expect(code).toBe(0);
    const file = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as ResultsFile;
    expect(file.results.map((r) => `${r.backend}/${r.variant}`)).toEqual(['memory/adapter', 'memory/raw']);
    expect(file.references.map((r) => r.library)).toEqual(['sorted array (JS)']);
    expect(file.env.baselines.memory).toEqual([
      expect.stringMatching(/^raw: memory-level /),
      expect.stringMatching(/^reference: memory-level .*\(buffers shared\)/),
      expect.stringMatching(/^reference: sorted array/),
    ]);
  });
});
