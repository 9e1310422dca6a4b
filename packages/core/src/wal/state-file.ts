/**
 * The small files beside the segments that record the log's state (CHECKPOINT, LIMIT): each
 * is read whole and decoded, and replaced crash-safely (fs/replace-file.ts). A file that does
 * not decode (or is absurdly large) is CORRUPTION naming it.
 */
import path from 'node:path';
import { TidekvError } from '../errors.js';
import { type FileSystem, readWholeFile } from '../fs/file-system.js';

/** The decoded content of `dir/name`; undefined when the file does not exist. */
export async function readStateFile<T>(
  fileSystem: FileSystem,
  dir: string,
  name: string,
  maxBytes: number,
  decode: (bytes: Buffer) => T | undefined,
): Promise<T | undefined> {
  const file = path.join(dir, name);
  let bytes: Buffer | undefined;
  try {
    bytes = await readWholeFile(fileSystem, file, maxBytes);
    if (bytes === undefined) return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EFBIG') throw error;
  }
  const state = bytes && decode(bytes);
  if (!state) {
    throw new TidekvError('CORRUPTION', `the WAL ${name} file ${file} is damaged`, {
      details: { segment: name, offset: 0, reason: 'checksum' },
    });
  }
  return state;
}
