import { resolve } from 'node:path';
import { TidekvError, describeValue } from '@tidekv/core';

export interface SqliteOptions {
  /**
   * A directory, created if missing. tidekv keeps its database in `<path>/tidekv.sqlite`
   * (plus SQLite's `-wal` and `-shm` files) and its lock file `<path>/tidekv.lock` (core's DirectoryLock).
   */
  path: string;
}

const KNOWN_OPTIONS = new Set(['path']);

/** Validates user options; returns them with `path` made absolute. */
export function validateSqliteOptions(options: unknown): SqliteOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TidekvError('INVALID_OPTION', `options must be an object with a path, got ${describeValue(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) throw new TidekvError('INVALID_OPTION', `unknown option '${name}'`);
  }
  const { path } = options as { path?: unknown };
  if (typeof path !== 'string' || path.length === 0) {
    throw new TidekvError('INVALID_OPTION', `options.path must be a non-empty string, got ${describeValue(path)}`);
  }
  if (path.includes('\0')) {
    throw new TidekvError('INVALID_OPTION', 'options.path must not contain a NUL character');
  }
  return { path: resolve(path) };
}
