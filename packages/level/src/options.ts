/**
 * Options of openLevel(), validated strictly: an unknown option or a wrong type is an
 * INVALID_OPTION error, never silently ignored. Numeric limits are LevelDB's own: it would
 * otherwise clip out-of-range values without saying so.
 */
import { TidekvError, describeValue } from '@tidekv/core';

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

function invalid(message: string): TidekvError {
  return new TidekvError('INVALID_OPTION', message);
}

export function resolveLevelOptions(input: unknown): ResolvedLevelOptions {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalid(`options must be an object with a path, got ${describeValue(input)}`);
  }
  const options = input as Record<string, unknown>;
  for (const name of Object.keys(options)) {
    if (name !== 'path' && !(name in NUMERIC) && !(name in BOOLEAN)) {
      throw invalid(`unknown option '${name}'`);
    }
  }

  const path = options.path;
  if (typeof path !== 'string' || path.length === 0) {
    throw invalid(`options.path must be a non-empty string, got ${describeValue(path)}`);
  }
  if (path.includes('\u0000')) throw invalid('options.path must not contain a NUL character');

  const resolved: Record<string, unknown> = { path };
  for (const [name, fallback] of Object.entries(BOOLEAN)) {
    const value = options[name] ?? fallback;
    if (typeof value !== 'boolean') throw invalid(`options.${name} must be a boolean, got ${describeValue(value)}`);
    resolved[name] = value;
  }
  for (const [name, [fallback, min, max]] of Object.entries(NUMERIC)) {
    const value = options[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw invalid(`options.${name} must be an integer from ${min} to ${max}, got ${describeValue(value)}`);
    }
    resolved[name] = value;
  }
  return resolved as unknown as ResolvedLevelOptions;
}
