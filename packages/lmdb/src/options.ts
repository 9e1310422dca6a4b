/**
 * Open options and their validation. Anything unknown or mistyped fails INVALID_OPTION
 * before a file is touched.
 */
import { TidekvError, describeValue } from '@tidekv/core';

export interface LmdbOptions {
  /** Directory of the LMDB environment (created if missing). Required. */
  path: string;
  /**
   * Most keyspaces the environment can hold; each keyspace is one LMDB named database.
   * Fixed when the environment is first opened in a process. Default 64, at most 10000.
   */
  maxKeyspaces?: number;
  /** Most concurrent read transactions across all processes. Default 126 (LMDB's default). */
  maxReaders?: number;
  /**
   * When commits reach the disk. `flush()` and `{ sync: true }` are durable in both modes.
   * - 'commit' (default): every commit is synced right after it becomes visible, off the
   *   main thread (lmdb-js overlapping sync). A crash of the process or the machine never
   *   corrupts the environment and loses at most the commits not yet synced.
   * - 'flush': commits are not synced; only `flush()` and `{ sync: true }` sync (LMDB
   *   MDB_NOSYNC). Several times faster for writes when fsync is slow. A process crash loses
   *   nothing, but an OS crash or power failure before the next flush can lose or CORRUPT
   *   the environment. Every opener of one environment must use the same mode.
   */
  durability?: Durability;
}

export type Durability = 'commit' | 'flush';

export interface ResolvedLmdbOptions {
  path: string;
  maxKeyspaces: number;
  maxReaders: number;
  durability: Durability;
}

export const DEFAULT_MAX_KEYSPACES = 64;
export const MAX_MAX_KEYSPACES = 10_000;
export const DEFAULT_MAX_READERS = 126;
const MAX_MAX_READERS = 100_000;

const KNOWN = new Set(['path', 'maxKeyspaces', 'maxReaders', 'durability']);

function integerOption(options: Record<string, unknown>, name: string, fallback: number, max: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new TidekvError('INVALID_OPTION', `options.${name} must be an integer from 1 to ${max}, got ${describeValue(value)}`);
  }
  return value;
}

export function resolveOptions(input: unknown): ResolvedLmdbOptions {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TidekvError('INVALID_OPTION', `lmdb options must be an object with a path, got ${describeValue(input)}`);
  }
  const options = input as Record<string, unknown>;
  for (const name of Object.keys(options)) {
    if (!KNOWN.has(name)) {
      throw new TidekvError('INVALID_OPTION', `unknown lmdb option '${name}' (known: ${[...KNOWN].join(', ')})`);
    }
  }
  const { path } = options;
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
    throw new TidekvError('INVALID_OPTION', `options.path must be a non-empty directory path, got ${describeValue(path)}`);
  }
  const { durability = 'commit' } = options;
  if (durability !== 'commit' && durability !== 'flush') {
    throw new TidekvError('INVALID_OPTION', `options.durability must be 'commit' or 'flush', got ${describeValue(durability)}`);
  }
  return {
    path,
    durability,
    maxKeyspaces: integerOption(options, 'maxKeyspaces', DEFAULT_MAX_KEYSPACES, MAX_MAX_KEYSPACES),
    maxReaders: integerOption(options, 'maxReaders', DEFAULT_MAX_READERS, MAX_MAX_READERS),
  };
}
