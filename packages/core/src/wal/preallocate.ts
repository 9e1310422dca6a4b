/**
 * Prepares the next segment ahead of need: a temp file zero-filled to the segment size and
 * synced, so that after rotation appends overwrite allocated, written space and their
 * fdatasync has no file-size change (no journal commit) to wait for. Best effort: if it
 * fails or is not ready in time, rotation creates a plain file instead.
 */
import path from 'node:path';
import { type FileSystem, writeFully } from '../fs/file-system.js';

/** The next segment while it is being zero-filled (a temp file until rotation renames it). */
export const PREPARED_SEGMENT = 'prepared.wal.tmp';
/** Segments larger than this are not preallocated: zero-filling them would take too long. */
export const MAX_PREALLOCATE_BYTES = 256 << 20;
const ZERO_CHUNK_BYTES = 1 << 20;

interface Preparation {
  fd: number | undefined;
  ready: boolean;
  stopped: boolean;
  done: Promise<void>;
}

export class SegmentPreparer {
  readonly path: string;
  #current: Preparation | undefined;

  constructor(
    private readonly fileSystem: FileSystem,
    dir: string,
    private readonly segmentBytes: number,
    private readonly durable: boolean,
  ) {
    this.path = path.join(dir, PREPARED_SEGMENT);
  }

  /** Starts zero-filling unless a preparation is already under way or waiting to be used. */
  start(): void {
    if (this.#current) return;
    const preparation: Preparation = { fd: undefined, ready: false, stopped: false, done: Promise.resolve() };
    this.#current = preparation;
    preparation.done = this.#fill(preparation);
  }

  async #fill(preparation: Preparation): Promise<void> {
    try {
      preparation.fd = await this.fileSystem.open(this.path, 'w');
      const zeros = Buffer.alloc(Math.min(ZERO_CHUNK_BYTES, this.segmentBytes));
      for (let at = 0; at < this.segmentBytes && !preparation.stopped; at += zeros.length) {
        await writeFully(this.fileSystem, preparation.fd, zeros, 0, Math.min(zeros.length, this.segmentBytes - at), at);
      }
      if (this.durable && !preparation.stopped) await this.fileSystem.datasync(preparation.fd);
      preparation.ready = !preparation.stopped;
    } catch {
      // Not preallocating is only slower: forget this one.
      if (this.#current === preparation) this.#current = undefined;
      if (preparation.fd !== undefined) await this.fileSystem.close(preparation.fd).catch(() => undefined);
      preparation.fd = undefined;
    }
  }

  /** The descriptor of a ready, zero-filled file at `this.path`, handed over to the caller; or undefined. */
  take(): number | undefined {
    const preparation = this.#current;
    if (!preparation?.ready) return undefined;
    this.#current = undefined;
    return preparation.fd;
  }

  /** Stops any preparation and removes its file (on close). */
  async discard(): Promise<void> {
    const preparation = this.#current;
    if (!preparation) return;
    this.#current = undefined;
    preparation.stopped = true;
    await preparation.done;
    if (preparation.fd !== undefined) await this.fileSystem.close(preparation.fd).catch(() => undefined);
    await this.fileSystem.unlink(this.path).catch(() => undefined);
  }
}
