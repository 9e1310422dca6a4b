/**
 * Reads a segment file through a large window, so scanning and replay make one read
 * syscall per chunk rather than per record. Each refill allocates a fresh buffer: views
 * handed out earlier (replayed payloads) stay valid.
 */
import { type FileSystem, readFully } from '../fs/file-system.js';

export const READ_CHUNK_BYTES = 1 << 20;

export class SegmentReader {
  #window: Buffer = Buffer.alloc(0);
  #windowStart = 0;

  constructor(
    private readonly fileSystem: FileSystem,
    private readonly fd: number,
    /** Bytes of the file this reader may see; nothing past it is ever read. */
    readonly end: number,
  ) {}

  /** The bytes read most recently, and the file offset of their first byte. */
  get window(): Buffer {
    return this.#window;
  }

  get windowStart(): number {
    return this.#windowStart;
  }

  /** The bytes if they are already in the window (no read needed), else undefined. */
  peek(offset: number, length: number): Buffer | undefined {
    const from = offset - this.#windowStart;
    return from >= 0 && from + length <= this.#window.length ? this.#window.subarray(from, from + length) : undefined;
  }

  /** The bytes [offset, offset + length); the caller guarantees offset + length <= end. */
  async view(offset: number, length: number): Promise<Buffer> {
    const from = offset - this.#windowStart;
    if (from >= 0 && from + length <= this.#window.length) return this.#window.subarray(from, from + length);
    const size = Math.min(Math.max(READ_CHUNK_BYTES, length), this.end - offset);
    const buf = Buffer.allocUnsafe(size);
    const n = await readFully(this.fileSystem, this.fd, buf, 0, size, offset);
    // A file that shrank under us reads short: expose only what was read.
    this.#window = buf.subarray(0, n);
    this.#windowStart = offset;
    if (n < length) throw Object.assign(new Error(`short read at offset ${offset}`), { code: 'EIO' });
    return this.#window.subarray(0, length);
  }

  /** As many bytes as are cheaply available from `offset` (at least `min`), for scanning. */
  async span(offset: number, min: number): Promise<Buffer> {
    const from = offset - this.#windowStart;
    if (from >= 0 && from + min <= this.#window.length) return this.#window.subarray(from);
    await this.view(offset, min);
    return this.#window;
  }
}


const ZEROS = Buffer.alloc(READ_CHUNK_BYTES);

/** True when every byte from `offset` to the reader's end is zero (preallocated space). */
export async function restIsZero(reader: SegmentReader, offset: number): Promise<boolean> {
  for (let p = offset; p < reader.end; ) {
    const length = Math.min(READ_CHUNK_BYTES, reader.end - p);
    const bytes = reader.peek(p, length) ?? (await reader.view(p, length));
    if (!bytes.equals(ZEROS.subarray(0, length))) return false;
    p += length;
  }
  return true;
}
