/**
 * Options of openLevel(), validated strictly: an unknown option or a wrong type is an
 * INVALID_OPTION error, never silently ignored. Numeric limits are LevelDB's own: it would
 * otherwise clip out-of-range values without saying so.
 */
import { booleanOption, integerOption, optionsObject, pathOption } from '@tidekv/core';

export interface LevelOptions {
  /** Directory of the database (created, with its parents, when missing). Required. */
  path: string;
  /** Create the database when `path` holds none. Default true; false makes a missing database an IO_ERROR. */
  createIfMissing?: boolean;
  /** Snappy-compress table blocks. Default true. */
  compression?: boolean;
  /** Bytes of LevelDB's block cache. Default 8 MiB. */
  cacheSize?: number;
  /** Bytes of the in-memory write buffer (memtable) before it becomes a table file. 64 KiB to 1 GiB; default 4 MiB. */
  writeBufferSize?: number;
  /** Approximate bytes per table block. 1 KiB to 4 MiB; default 4 KiB. */
  blockSize?: number;
  /** Table files LevelDB keeps open. 74 to 50000; default 1000. */
  maxOpenFiles?: number;
  /** Bytes per table file before LevelDB starts a new one. 1 MiB to 1 GiB; default 2 MiB. */
  maxFileSize?: number;
}

export interface ResolvedLevelOptions {
  path: string;
  createIfMissing: boolean;
  compression: boolean;
  cacheSize: number;
  writeBufferSize: number;
  blockSize: number;
  maxOpenFiles: number;
  maxFileSize: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** [default, min, max] of each numeric option. */
const NUMERIC: Record<string, [number, number, number]> = {
  cacheSize: [8 * MiB, 0, 2 ** 32 - 1],
  writeBufferSize: [4 * MiB, 64 * KiB, 1 * GiB],
  blockSize: [4 * KiB, 1 * KiB, 4 * MiB],
  maxOpenFiles: [1000, 74, 50000],
  maxFileSize: [2 * MiB, 1 * MiB, 1 * GiB],
};
const BOOLEAN: Record<string, boolean> = { createIfMissing: true, compression: true };

const KNOWN = new Set(['path', ...Object.keys(NUMERIC), ...Object.keys(BOOLEAN)]);

export function resolveLevelOptions(input: unknown): ResolvedLevelOptions {
  const options = optionsObject(input, 'level', KNOWN, 'a path');
  const resolved: Record<string, unknown> = { path: pathOption(options, 'path', true) };
  for (const [name, fallback] of Object.entries(BOOLEAN)) resolved[name] = booleanOption(options, name, fallback);
  for (const [name, [fallback, min, max]] of Object.entries(NUMERIC)) resolved[name] = integerOption(options, name, fallback, min, max);
  return resolved as unknown as ResolvedLevelOptions;
}
