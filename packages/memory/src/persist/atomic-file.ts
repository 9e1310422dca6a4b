/**
 * Replaces a file so that a crash at any moment leaves either the old or the new content,
 * never a mix: write a temporary file, fsync it, rename it over the target, fsync the
 * directory so the rename itself is durable.
 */
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ioError } from './io-error.js';

export function tempPathOf(target: string): string {
  return `${target}.tmp`;
}

export async function replaceFileAtomically(dir: string, name: string, data: Uint8Array): Promise<void> {
  const target = join(dir, name);
  const temp = tempPathOf(target);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw ioError('writing snapshot', error, target);
  }
  await syncDirectory(dir);
}

export async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw ioError('syncing directory', error, dir);
  }
}
