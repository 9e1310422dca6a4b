/** Options of `openMemory` and `memoryEngine.open`, validated up front. */
import { resolve } from 'node:path';
import { TidekvError, describeValue } from '@tidekv/core';

export interface MemoryOptions {
  /**
   * A directory to persist to. Absent: the store lives only in memory. Present: the
   * directory is created if needed, locked against a second opener, loaded from its
   * snapshot file, and written back on `flush()`, on `sync: true` writes and on `close()`.
   */
  path?: string | undefined;
}

export interface ResolvedMemoryOptions {
  /** Absolute directory, or undefined for an ephemeral store. */
  path: string | undefined;
}

const KNOWN = new Set(['path']);

export function resolveMemoryOptions(options: unknown): ResolvedMemoryOptions {
  if (options === undefined) return { path: undefined };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TidekvError('INVALID_OPTION', `memory options must be an object, got ${describeValue(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN.has(name)) throw new TidekvError('INVALID_OPTION', `unknown memory option '${name}'`);
  }
  const { path } = options as MemoryOptions;
  if (path === undefined) return { path: undefined };
  if (typeof path !== 'string' || path.length === 0 || path.includes('\0')) {
    throw new TidekvError('INVALID_OPTION', `options.path must be a non-empty directory path, got ${describeValue(path)}`);
  }
  return { path: resolve(path) };
}
