/** Options of `openMemory` and `memoryEngine.open`, validated up front. */
import { resolve } from 'node:path';
import { optionsObject, pathOption } from '@tidekv/core';

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

export function resolveMemoryOptions(input: unknown): ResolvedMemoryOptions {
  if (input === undefined) return { path: undefined };
  const path = pathOption(optionsObject(input, 'memory', KNOWN), 'path', false);
  return { path: path === undefined ? undefined : resolve(path) };
}
