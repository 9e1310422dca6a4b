/**
 * Open options and their validation. Anything unknown or mistyped fails INVALID_OPTION
 * before a file is touched.
 */
import { integerOption, oneOfOption, optionsObject, pathOption } from '@tidekv/core';

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
const DURABILITIES: readonly Durability[] = ['commit', 'flush'];

export function resolveLmdbOptions(input: unknown): ResolvedLmdbOptions {
  const options = optionsObject(input, 'lmdb', KNOWN, 'a path');
  return {
    path: pathOption(options, 'path', true),
    durability: oneOfOption(options, 'durability', DURABILITIES, 'commit'),
    maxKeyspaces: integerOption(options, 'maxKeyspaces', DEFAULT_MAX_KEYSPACES, 1, MAX_MAX_KEYSPACES),
    maxReaders: integerOption(options, 'maxReaders', DEFAULT_MAX_READERS, 1, MAX_MAX_READERS),
  };
}
