/**
 * replay(): the log's records in LSN order as an async iterator. Reads a segment a chunk
 * (1 MiB) at a time through the frame reader recovery uses (frame-reader.ts) and hands out
 * payloads as views into the chunk, so there is no syscall and no copy per record; every
 * record's checksum is verified again on the way.
 */
import { TidekvError } from '../errors.js';
import { FRAME_HEADER_BYTES, SEGMENT_HEADER_BYTES } from './format.js';
import { frameInWindow, readFrame } from './frame-reader.js';
import type { FileSystem } from '../fs/file-system.js';
import { SegmentReader } from './segment-reader.js';

export interface WalRecord {
  lsn: number;
  /** A view into a read buffer: copy it if you keep many payloads for long. */
  payload: Uint8Array;
  /** The idempotency id given to append, if any. */
  id?: Uint8Array;
}

export interface ReplaySegment {
  name: string;
  path: string;
  salt: number;
  firstLsn: number;
  /** Bytes to read: the end of the last durable record when replay started. */
  size: number;
  skips: ReadonlyArray<{ start: number; end: number }>;
}

export interface ReplayOptions {
  /** First LSN to return. Default: the LSN after the checkpoint. */
  from?: number;
  /** Aborting ends the iteration with ABORTED. */
  signal?: AbortSignal;
}

const CHUNK_RECORDS = 256;

export class WalReplay implements AsyncIterableIterator<WalRecord>, AsyncDisposable {
  readonly #fileSystem: FileSystem;
  readonly #segments: ReplaySegment[];
  readonly #from: number;
  readonly #assertOpen: () => void;
  readonly #signal: AbortSignal | undefined;
  readonly #onClose: () => void;
  #index = -1;
  #fd: number | undefined;
  #reader: SegmentReader | undefined;
  #offset = 0;
  #skip = 0;
  #buffer: WalRecord[] = [];
  #position = 0;
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(fileSystem: FileSystem, segments: ReplaySegment[], from: number, assertOpen: () => void, signal: AbortSignal | undefined, onClose: () => void) {
    this.#fileSystem = fileSystem;
    this.#segments = segments;
    this.#from = from;
    this.#assertOpen = assertOpen;
    this.#signal = signal;
    this.#onClose = onClose;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<WalRecord>> {
    try {
      this.#assertOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#position < this.#buffer.length && !this.#closed) {
      return Promise.resolve({ value: this.#buffer[this.#position++]!, done: false });
    }
    const run = this.#queue.then(() => this.#nextSlow());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #nextSlow(): Promise<IteratorResult<WalRecord>> {
    if (this.#closed) return { value: undefined, done: true };
    try {
      if (this.#position >= this.#buffer.length) {
        this.#buffer = await this.#fill();
        this.#position = 0;
      }
      if (this.#position < this.#buffer.length) return { value: this.#buffer[this.#position++]!, done: false };
      await this.close();
      return { value: undefined, done: true };
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<WalRecord>> {
    await this.close();
    return { value: undefined, done: true };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#buffer = [];
    const fd = this.#fd;
    this.#fd = undefined;
    try {
      if (fd !== undefined) await this.#fileSystem.close(fd);
    } finally {
      this.#onClose();
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #openNext(): Promise<boolean> {
    if (this.#fd !== undefined) {
      const fd = this.#fd;
      this.#fd = undefined;
      await this.#fileSystem.close(fd);
    }
    this.#index++;
    const segment = this.#segments[this.#index];
    if (!segment) return false;
    this.#fd = await this.#fileSystem.open(segment.path, 'r');
    this.#reader = new SegmentReader(this.#fileSystem, this.#fd, segment.size);
    this.#offset = SEGMENT_HEADER_BYTES;
    this.#skip = 0;
    return true;
  }

  #corrupt(segment: ReplaySegment, offset: number, reason: string): TidekvError {
    return new TidekvError('CORRUPTION', `WAL segment ${segment.name} changed on disk since it was opened: ${reason} at offset ${offset}`, {
      details: { segment: segment.name, offset, reason },
    });
  }

  /** Up to CHUNK_RECORDS records; an empty array at the end. */
  async #fill(): Promise<WalRecord[]> {
    const out: WalRecord[] = [];
    while (out.length < CHUNK_RECORDS) {
      this.#assertOpen();
      if (this.#signal?.aborted) throw new TidekvError('ABORTED', 'replay was aborted', { cause: this.#signal.reason });
      if (!this.#reader || this.#offset >= this.#reader.end) {
        if (out.length > 0) return out;
        if (!(await this.#openNext())) return out;
        continue;
      }
      const segment = this.#segments[this.#index]!;
      const reader = this.#reader;
      const skip = segment.skips[this.#skip];
      if (skip && this.#offset >= skip.start) {
        this.#offset = Math.max(this.#offset, skip.end);
        this.#skip++;
        continue;
      }
      // The same frame reader recovery uses. Frames inside the read window are judged
      // without awaiting: no syscall, one crc32 and two views per record.
      const end = skip ? skip.start : reader.end;
      const salt = segment.salt;
      let found = frameInWindow(reader, this.#offset, salt, end) ?? (await readFrame(reader, this.#offset, salt, end));
      while (typeof found !== 'string') {
        this.#offset += found.frameLength;
        if (found.lsn >= this.#from) {
          const { frame, idLength } = found;
          const record: WalRecord = { lsn: found.lsn, payload: frame.subarray(FRAME_HEADER_BYTES + idLength) };
          if (idLength > 0) record.id = frame.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + idLength);
          out.push(record);
          if (out.length >= CHUNK_RECORDS) return out;
        }
        const next = frameInWindow(reader, this.#offset, salt, end);
        if (next === undefined) break; // the next frame needs a read: back to the checks above
        found = next;
      }
      if (typeof found === 'string' && found !== 'end') throw this.#corrupt(segment, this.#offset, found);
    }
    return out;
  }
}
