/**
 * A file system for tests of anything built on this layer (the WAL, memory persistence):
 * it wraps a real one (real files, real syscalls) and injects an error (EIO, ENOSPC...) on
 * the n-th call of a chosen operation and every later one, or makes writes short (a disk
 * filling up mid-write), and counts calls per operation.
 */
import { type FileSystem, nodeFileSystem } from './file-system.js';

export type FsOp = keyof FileSystem;

export interface Fault {
  op: FsOp;
  /** The first call (1-based, counted per operation) that fails. */
  nth: number;
  /** The errno code thrown, e.g. 'EIO' or 'ENOSPC'. */
  code: string;
  /** For 'write': the nth write writes half its bytes, the later ones fail. */
  shortFirst?: boolean;
}

export class FaultFs implements FileSystem {
  readonly calls: Record<string, number> = {};
  constructor(
    private readonly inner: FileSystem = nodeFileSystem,
    public fault?: Fault,
    /** Caps every write at this many bytes, to exercise the short-write loop. */
    private readonly maxWrite = Infinity,
  ) {}

  #hit(op: FsOp): void {
    const n = (this.calls[op] = (this.calls[op] ?? 0) + 1);
    if (this.fault && this.fault.op === op && n >= this.fault.nth && !this.fault.shortFirst) {
      throw Object.assign(new Error(`${this.fault.code}: injected ${op} failure`), { code: this.fault.code });
    }
  }

  async open(p: string, flags: string) { this.#hit('open'); return this.inner.open(p, flags); }
  async close(fd: number) { this.#hit('close'); return this.inner.close(fd); }
  async read(fd: number, b: Uint8Array, o: number, l: number, pos: number) { this.#hit('read'); return this.inner.read(fd, b, o, l, pos); }
  async write(fd: number, b: Uint8Array, o: number, l: number, pos: number) {
    const f = this.fault;
    if (f && f.op === 'write' && f.shortFirst) {
      // A partial write followed by the error, as a disk filling up mid-write does.
      const n = (this.calls.write = (this.calls.write ?? 0) + 1);
      if (n === f.nth) return this.inner.write(fd, b, o, Math.max(1, Math.floor(l / 2)), pos);
      if (n > f.nth) throw Object.assign(new Error(`${f.code}: injected write failure`), { code: f.code });
      return this.inner.write(fd, b, o, l, pos);
    }
    this.#hit('write');
    return this.inner.write(fd, b, o, Math.min(l, this.maxWrite), pos);
  }
  async datasync(fd: number) { this.#hit('datasync'); return this.inner.datasync(fd); }
  async fsync(fd: number) { this.#hit('fsync'); return this.inner.fsync(fd); }
  async ftruncate(fd: number, l: number) { this.#hit('ftruncate'); return this.inner.ftruncate(fd, l); }
  async fstat(fd: number) { this.#hit('fstat'); return this.inner.fstat(fd); }
  async stat(p: string) { this.#hit('stat'); return this.inner.stat(p); }
  async readdir(p: string) { this.#hit('readdir'); return this.inner.readdir(p); }
  async mkdir(p: string) { this.#hit('mkdir'); return this.inner.mkdir(p); }
  async rename(a: string, b: string) { this.#hit('rename'); return this.inner.rename(a, b); }
  async unlink(p: string) { this.#hit('unlink'); return this.inner.unlink(p); }
  async copyFile(a: string, b: string) { this.#hit('copyFile'); return this.inner.copyFile(a, b); }
  async link(a: string, b: string) { this.#hit('link'); return this.inner.link(a, b); }
  async realpath(p: string) { this.#hit('realpath'); return this.inner.realpath(p); }
}
