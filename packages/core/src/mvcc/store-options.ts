/** MvccStore.open's options, their defaults and their validation (nothing is opened before all pass). */
import { TidekvError } from '../errors.js';
import { describeValue } from '../errors.js';
import type { StorageEngine } from '../engine/types.js';
import { WAL_DEFAULTS, resolveWalOptions } from '../wal/options.js';
import { COMMIT_LOG_OPTION_NAMES, type CommitLogOptions } from './commit-log.js';
import { systemClock, type Clock } from './clock.js';
import { checkCompactorOptions, type CompactorOptions } from './compactor.js';
import type { WatcherGroupOptions } from './watcher-group.js';

export interface MvccStoreOptions {
  /** An open engine; the store owns it from now on and closes it on close(). */
  engine: StorageEngine;
  /** A write-ahead log in `dir` (commits durable on fsync of the log), or false (each commit a synced engine write). */
  wal: CommitLogOptions | false;
  /** Automatic compaction (etcd's --auto-compaction-mode / --auto-compaction-retention). */
  compactor?: CompactorOptions;
  /** Most operations in one list of a txn (compare, success or failure). Default 128, as etcd. */
  maxTxnOps?: number;
  /** Revisions examined per physical-compaction batch. Default 1000. */
  compactionBatchSize?: number;
  /** Pause between physical-compaction batches, in ms. Default 10, as etcd. */
  compactionPauseMs?: number;
  /** Leases: the clock that expires them, the TTL floor, how often remaining TTLs are checkpointed. */
  lease?: LeaseStoreOptions;
  /** Watch: per-watcher queue bounds, catch-up batch size, progress period and the clock that times it. */
  watch?: WatcherGroupOptions;
}

export interface LeaseStoreOptions {
  /** Default: real time with unref'd timers. */
  clock?: Clock;
  /** Grants below this TTL get it, in seconds. Default 2 (etcd's minimum with its default timings). */
  minTtlSeconds?: number;
  /** How often remaining TTLs are written, in ms (they are also written by close()). Default 300000, as etcd. */
  checkpointIntervalMs?: number;
}

export interface ResolvedStoreOptions {
  engine: StorageEngine;
  wal: (CommitLogOptions & { checkpointBytes: number; checkpointIntervalMs: number }) | false;
  compactor: CompactorOptions | undefined;
  maxTxnOps: number;
  compactionBatchSize: number;
  compactionPauseMs: number;
  lease: { clock: Clock; minTtlSeconds?: number; checkpointIntervalMs?: number };
  watch: WatcherGroupOptions;
}

const NAMES = ['engine', 'wal', 'compactor', 'maxTxnOps', 'compactionBatchSize', 'compactionPauseMs', 'lease', 'watch'];
const LEASE_NAMES = ['clock', 'minTtlSeconds', 'checkpointIntervalMs'];
const WATCH_COUNTS = ['maxQueuedEvents', 'maxQueuedBytes', 'maxResponseEvents', 'catchUpBatchEvents', 'progressIntervalMs'];
const WATCH_NAMES = [...WATCH_COUNTS, 'clock'];

function section(options: Record<string, unknown>, name: string, names: string[]): Record<string, unknown> {
  const value = options[name];
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TidekvError('INVALID_OPTION', `options.${name} must be an object, got ${describeValue(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!names.includes(key)) throw new TidekvError('INVALID_OPTION', `options.${name}: unknown option '${key}'`);
  }
  return value as Record<string, unknown>;
}

/** Only the options given, checked: absent ones keep their component's default. */
function integers(options: Record<string, unknown>, names: string[], min: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of names) {
    if (options[name] !== undefined) out[name] = integer(options, name, min, 0, name.endsWith('Ms') ? 2 ** 31 - 1 : Number.MAX_SAFE_INTEGER);
  }
  return out;
}

function checkClock(clock: unknown, where: string): Clock {
  if (clock === undefined) return systemClock;
  const c = clock as Partial<Clock> | null;
  if (c === null || typeof c !== 'object' || typeof c.now !== 'function' || typeof c.setTimeout !== 'function' || typeof c.clearTimeout !== 'function') {
    throw new TidekvError('INVALID_OPTION', `options.${where}.clock must have now(), setTimeout() and clearTimeout()`);
  }
  return clock as Clock;
}

function integer(options: Record<string, unknown>, name: string, min: number, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new TidekvError('INVALID_OPTION', `options.${name} must be an integer from ${min} to ${max}, got ${describeValue(value)}`);
  }
  return value;
}

function checkEngine(engine: unknown): StorageEngine {
  const e = engine as Partial<StorageEngine> | null;
  const ok =
    e !== null &&
    typeof e === 'object' &&
    typeof e.keyspace === 'function' &&
    typeof e.write === 'function' &&
    typeof e.flush === 'function' &&
    typeof e.close === 'function' &&
    typeof e.capabilities === 'object';
  if (!ok) throw new TidekvError('INVALID_OPTION', `options.engine must be an open StorageEngine, got ${describeValue(engine)}`);
  return engine as StorageEngine;
}

export function resolveStoreOptions(input: unknown): ResolvedStoreOptions {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TidekvError('INVALID_OPTION', `MvccStore.open takes an options object, got ${describeValue(input)}`);
  }
  const options = input as Record<string, unknown>;
  for (const name of Object.keys(options)) {
    if (!NAMES.includes(name)) throw new TidekvError('INVALID_OPTION', `MvccStore.open: unknown option '${name}'`);
  }
  const engine = checkEngine(options.engine);
  let wal: ResolvedStoreOptions['wal'];
  if (options.wal === false) wal = false;
  else if (options.wal !== null && typeof options.wal === 'object' && !Array.isArray(options.wal)) {
    const { dir, checkpointBytes: _b, checkpointIntervalMs: _i, ...walOptions } = options.wal as Record<string, unknown>;
    if (typeof dir !== 'string' || dir.length === 0) throw new TidekvError('INVALID_OPTION', `options.wal.dir must be a non-empty string, got ${describeValue(dir)}`);
    for (const name of Object.keys(walOptions)) {
      if (!(name in WAL_DEFAULTS) && !(COMMIT_LOG_OPTION_NAMES as readonly string[]).includes(name)) {
        throw new TidekvError('INVALID_OPTION', `options.wal: unknown option '${name}'`);
      }
    }
    resolveWalOptions(walOptions);
    const walInput = options.wal as Record<string, unknown>;
    wal = {
      ...(options.wal as CommitLogOptions),
      checkpointBytes: integer(walInput, 'checkpointBytes', 1, 64 << 20),
      checkpointIntervalMs: integer(walInput, 'checkpointIntervalMs', 0, 60_000, 2 ** 31 - 1),
    };
  } else {
    throw new TidekvError('INVALID_OPTION', `options.wal must be { dir, ... } or false, got ${describeValue(options.wal)}`);
  }
  return {
    engine,
    wal,
    compactor: checkCompactorOptions(options.compactor),
    maxTxnOps: integer(options, 'maxTxnOps', 1, 128),
    compactionBatchSize: integer(options, 'compactionBatchSize', 1, 1000),
    compactionPauseMs: integer(options, 'compactionPauseMs', 0, 10, 60_000),
    lease: resolveLease(section(options, 'lease', LEASE_NAMES)),
    watch: resolveWatch(section(options, 'watch', WATCH_NAMES)),
  };
}

function resolveLease(lease: Record<string, unknown>): ResolvedStoreOptions['lease'] {
  return { clock: checkClock(lease.clock, 'lease'), ...integers(lease, ['minTtlSeconds'], 0), ...integers(lease, ['checkpointIntervalMs'], 1) };
}

function resolveWatch(watch: Record<string, unknown>): WatcherGroupOptions {
  return { ...integers(watch, WATCH_COUNTS, 1), clock: checkClock(watch.clock, 'watch') };
}
