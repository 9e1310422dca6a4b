/**
 * Snapshot persistence for one open directory: loading at open, writing on flush/close.
 * Flushes run one at a time; a flush that finds nothing changed since the last one
 * written skips the write, so back-to-back `sync: true` writes share one file write.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TidekvError } from '@tidekv/core';
import type { Store } from '../store.js';
import { replaceFileAtomically, tempPathOf } from './atomic-file.js';
import { ioError } from './io-error.js';
import { acquireLock, type DirectoryLock } from './lock.js';
import { decodeSnapshot, encodeSnapshot } from './snapshot-format.js';

export const SNAPSHOT_FILE = 'tidekv-memory.snapshot';

export class Persistence {
  readonly dir: string;
  readonly #lock: DirectoryLock;
  readonly #store: Store;
  /** Store version the file on disk reflects. */
  #written: number;
  #tail: Promise<void> = Promise.resolve();

  private constructor(dir: string, lock: DirectoryLock, store: Store) {
    this.dir = dir;
    this.#lock = lock;
    this.#store = store;
    this.#written = store.version;
  }

  /** Locks `dir` (creating it if needed) and loads its snapshot into `store`. */
  static async open(dir: string, store: Store): Promise<Persistence> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw ioError('creating directory', error, dir);
    }
    const lock = await acquireLock(dir);
    try {
      const file = join(dir, SNAPSHOT_FILE);
      // A temp file is what a crash mid-flush leaves behind; the real file is intact.
      await rm(tempPathOf(file), { force: true });
      let bytes: Buffer | undefined;
      try {
        bytes = await readFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError('reading snapshot', error, file);
      }
      if (bytes !== undefined) {
        for (const [name, { bytes: source, offsets }] of decodeSnapshot(bytes, file)) store.tree(name).load(source, offsets);
      }
      return new Persistence(dir, lock, store);
    } catch (error) {
      await lock.release().catch(() => undefined);
      throw error instanceof TidekvError ? error : ioError('opening', error, dir);
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
    await replaceFileAtomically(this.dir, SNAPSHOT_FILE, bytes);
    this.#written = version;
  }
}
