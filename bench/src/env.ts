/** The environment header: what machine, runtime, libraries and commit produced the numbers. */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, freemem, platform, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { libraryVersion } from './versions.js';

export interface Environment {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  os: string;
  node: string;
  libraries: Record<string, string>;
  gitCommit: string;
  gitDirty: boolean;
  options: Record<string, unknown>;
  /** The raw library each backend's raw rows measure. */
  baselines: Record<string, string[]>;
  /** Backends or workloads that did not run, and why. */
  skipped: string[];
  /** What one clock read costs on this machine (ns): why fast loops sample their latencies. */
  clockReadNs?: number;
  totalSeconds?: number;
}

const LIBRARIES = ['classic-level', 'lmdb', 'better-sqlite3', 'memory-level', '@tidekv/core', '@tidekv/memory', '@tidekv/level', '@tidekv/lmdb', '@tidekv/sqlite'];

function git(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);

export function collectEnvironment(options: Record<string, unknown>, now = new Date()): Environment {
  const cwd = dirname(here);
  const cpuList = cpus();
  const status = git(['status', '--porcelain', '--untracked-files=no'], cwd);
  return {
    date: now.toISOString(),
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    freeMemoryGiB: +(freemem() / 2 ** 30).toFixed(1),
    os: `${platform()} ${release()}`,
    node: process.version,
    libraries: Object.fromEntries(LIBRARIES.map((name) => [name, libraryVersion(name)])),
    gitCommit: git(['rev-parse', '--short=12', 'HEAD'], cwd) ?? 'unknown',
    gitDirty: status !== undefined && status.length > 0,
    options,
    baselines: {},
    skipped: [],
  };
}
