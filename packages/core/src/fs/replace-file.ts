/**
 * Replaces a file so that a crash at any moment leaves either the old or the new content,
 * never a mix: write a temporary file beside it, fsync it, rename it over the target, fsync
 * the directory so the rename itself is durable. A crash leaves at most the temporary file,
 * which the next opener removes (`tempPathOf`).
 */
import path from 'node:path';
import { type FileSystem, removeFile, syncDirectory, writeFully } from './file-system.js';

export function tempPathOf(target: string): string {
  return `${target}.tmp`;
}

/**
 * Writes `bytes` as `dir/name`. `durable: false` skips both fsyncs (for callers whose sync
 * mode promises nothing across a power loss). Throws the raw file-system error; on failure
 * the temporary file is removed and the old file is untouched.
 */
export async function replaceFile(fileSystem: FileSystem, dir: string, name: string, bytes: Uint8Array, durable = true): Promise<void> {
  const target = path.join(dir, name);
  const temp = tempPathOf(target);
  try {
    const fd = await fileSystem.open(temp, 'w');
    try {
      await writeFully(fileSystem, fd, bytes, 0, bytes.length, 0);
      if (durable) await fileSystem.datasync(fd);
    } finally {
      await fileSystem.close(fd);
    }
    await fileSystem.rename(temp, target);
  } catch (error) {
    await removeFile(fileSystem, temp).catch(() => undefined);
    throw error;
  }
  if (durable) await syncDirectory(fileSystem, dir);
}
