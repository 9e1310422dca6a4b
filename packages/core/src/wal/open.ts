/**
 * Opening a log: the one internal open function, which takes the file system (the real one
 * from Wal.open, a fault-injecting one in tests). It validates the directory, takes the
 * lock, runs recovery (recovery.ts) and hands the result to the Wal.
 */
import { TidekvError, describeValue } from '../errors.js';
import type { FileSystem } from '../fs/file-system.js';
import { ioError } from '../fs/io-error.js';
import { DirectoryLock } from '../fs/lock.js';
import { DedupWindow } from './dedup.js';
import { LOCK_FILE } from './format.js';
import { type WalOptions, resolveWalOptions } from './options.js';
import { assertWalDirectory, recover } from './recovery.js';
import { Wal } from './wal.js';

/** IO_ERROR for a failed file-system call on the log in `dir`. */
export function walIoError(dir: string, what: string, error: unknown): TidekvError {
  return ioError(`WAL ${what} in`, error, dir, { dir });
}

export async function openWal(fileSystem: FileSystem, dir: unknown, input: unknown): Promise<Wal> {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new TidekvError('INVALID_ARGUMENT', `WAL directory must be a non-empty string, got ${describeValue(dir)}`);
  }
  const options = resolveWalOptions(input);
  try {
    const stat = await fileSystem.stat(dir);
    if (!stat.isDirectory()) throw new TidekvError('INVALID_ARGUMENT', `${dir} exists and is not a directory`, { details: { dir } });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw walIoError(dir, 'stat', error);
    await fileSystem.mkdir(dir).catch((e: unknown) => {
      throw walIoError(dir, 'mkdir', e);
    });
  }
  // Refuse a foreign directory before leaving a LOCK file in it.
  assertWalDirectory(
    dir,
    await fileSystem.readdir(dir).catch((e: unknown) => {
      throw walIoError(dir, 'readdir', e);
    }),
  );
  const lock = await DirectoryLock.acquire(fileSystem, dir, { file: LOCK_FILE, what: 'the WAL' });
  let tailFd: number | undefined;
  try {
    const dedup = new DedupWindow(options.dedupWindow);
    const { segments, checkpoint, limit, lastLsn, report } = await recover(fileSystem, dir, options.recovery, dedup);
    const tail = segments.at(-1);
    if (tail) tailFd = await fileSystem.open(tail.path, 'r+');
    return new Wal({ dir, options, fileSystem, lock, dedup, segments, tailFd, lastLsn, checkpointLsn: checkpoint.lsn, limit, recovery: report });
  } catch (error) {
    if (tailFd !== undefined) await fileSystem.close(tailFd).catch(() => undefined);
    await lock.release();
    throw walIoError(dir, 'open', error);
  }
}
