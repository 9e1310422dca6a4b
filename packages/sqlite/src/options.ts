import { resolve } from 'node:path';
import { optionsObject, pathOption } from '@tidekv/core';

export interface SqliteOptions {
  /**
   * A directory, created if missing. tidekv keeps its database in `<path>/tidekv.sqlite`
   * (plus SQLite's `-wal` and `-shm` files) and its lock file `<path>/tidekv.lock` (core's DirectoryLock).
   */
  path: string;
}

const KNOWN = new Set(['path']);

/** Validates user options; returns them with `path` made absolute. */
export function resolveSqliteOptions(input: unknown): SqliteOptions {
  return { path: resolve(pathOption(optionsObject(input, 'sqlite', KNOWN, 'a path'), 'path', true)) };
}
