/**
 * Snapshot persistence for one open directory: loading at open, writing on flush/close.
 * Flushes run one at a time; a flush that finds nothing changed since the last one
 * written skips the write, so back-to-back `sync: true` writes share one file write.
 */
import { join } from 'node:path';
import {
  DirectoryLock,
  type FileSystem,
  ioError,
  prepareDirectory,
  readWholeFile,
  removeFile,
  replaceFile,
  tempPathOf,
} from '@tidekv/core';
import type { Store } from '../store.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot-format.js';

export const SNAPSHOT_FILE = 'tidekv-memory.snapshot';
export const LOCK_FILE = 'tidekv-memory.lock';

export class Persistence {
  readonly dir: string;
  readonly #fs: FileSystem;
  readonly #lock: DirectoryLock;
  readonly #store: Store;
  /** Store version the file on disk reflects. */
  #written: number;
  #tail: Promise<void> = Promise.resolve();

  private constructor(fileSystem: FileSystem, dir: string, lock: DirectoryLock, store: Store) {
    this.#fs = fileSystem;
    this.dir = dir;
    this.#lock = lock;
    this.#store = store;
    this.#written = store.version;
  }

  /** Locks `dir` (creating it if needed) and loads its snapshot into `store`. */
  static async open(fileSystem: FileSystem, dir: string, store: Store): Promise<Persistence> {
    await prepareDirectory(fileSystem, dir, true);
    const lock = await DirectoryLock.acquire(fileSystem, dir, { file: LOCK_FILE, what: 'the memory store' });
    try {
      const file = join(dir, SNAPSHOT_FILE);
      let bytes: Buffer | undefined;
      try {
        // A temp file is what a crash mid-flush leaves behind; the real file is intact.
        await removeFile(fileSystem, tempPathOf(file));
        bytes = await readWholeFile(fileSystem, file);
      } catch (error) {
        throw ioError('reading snapshot', error, file);
      }
      if (bytes !== undefined) {
        for (const [name, { bytes: source, offsets }] of decodeSnapshot(bytes, file)) store.tree(name).load(source, offsets);
      }
      return new Persistence(fileSystem, dir, lock, store);
    } catch (error) {
      await lock.release().catch(() => undefined);
      throw ioError('opening', error, dir);
    }
  }

  /** Writes the store's current state unless the file already has it. */
  flush(): Promise<void> {
    const run = this.#tail.then(() => this.#writeIfChanged());
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Final flush, then the lock goes (even when the flush failed). */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.#lock.release();
    }
  }

  async #writeIfChanged(): Promise<void> {
    const version = this.#store.version;
    if (version === this.#written) return;
    // Freezing is O(keyspaces); writes made while the file is written are not in it and
    // leave the store dirty for the next flush.
    const bytes = encodeSnapshot(this.#store.views());
    try {
      await replaceFile(this.#fs, this.dir, SNAPSHOT_FILE, bytes);
    } catch (error) {
      // The old file is intact and the store stays dirty: the next flush writes it all again.
      throw ioError('writing snapshot', error, join(this.dir, SNAPSHOT_FILE));
    }
    this.#written = version;
  }
}
