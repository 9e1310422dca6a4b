/**
 * The directory an engine lives in. Every adapter with files checks it the same way, so one
 * misuse gets one code everywhere: a `path` that names a file (or has a file where a parent
 * directory should be) is INVALID_OPTION; a missing directory that may not be created, and
 * any other failure, is IO_ERROR.
 */
import { TidekvError } from '../errors.js';
import type { FileSystem } from './file-system.js';
import { ioError } from './io-error.js';

function notADirectory(path: string, cause?: unknown): TidekvError {
  return new TidekvError('INVALID_OPTION', `options.path must be a directory, but ${path} is a file`, {
    cause,
    details: { path },
  });
}

/** Makes sure `path` is a directory, creating it (and its parents) when `create` is true. */
export async function prepareDirectory(fileSystem: FileSystem, path: string, create: boolean): Promise<void> {
  if (create) {
    try {
      await fileSystem.mkdir(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTDIR') throw notADirectory(path, error);
      throw ioError('creating directory', error, path);
    }
  }
  let info: { isDirectory(): boolean };
  try {
    info = await fileSystem.stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw notADirectory(path, error);
    throw ioError('opening directory', error, path);
  }
  if (!info.isDirectory()) throw notADirectory(path);
}
