/**
 * Every file-system call tidekv's durable files make (the WAL, its lock, memory persistence)
 * goes through this small interface, so tests can wrap it to inject EIO or ENOSPC on a
 * chosen call (`FaultFs`), or to simulate a crash that loses unsynced bytes. Production uses
 * `nodeFileSystem`: callback-style `node:fs` on raw file descriptors, which measured cheaper
 * per call than `fs/promises` FileHandles.
 */
import fs from 'node:fs';

export interface FileSystem {
  open(path: string, flags: string): Promise<number>;
  close(fd: number): Promise<void>;
  /** Positional read; returns the bytes read (0 at end of file). */
  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  /** Positional write (files are never opened O_APPEND); may write fewer bytes than asked. */
  write(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  datasync(fd: number): Promise<void>;
  /** Full fsync; used on directories after a rename, create or unlink. */
  fsync(fd: number): Promise<void>;
  ftruncate(fd: number, length: number): Promise<void>;
  fstat(fd: number): Promise<{ size: number }>;
  stat(path: string): Promise<{ isDirectory(): boolean }>;
  readdir(path: string): Promise<string[]>;
  mkdir(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  /** Hard link: fails EEXIST when `to` exists, which makes it an atomic create-with-content. */
  link(from: string, to: string): Promise<void>;
  /** The canonical absolute path: symlinks resolved, `.`/`..` and trailing slashes gone. */
  realpath(path: string): Promise<string>;
}

function settle<T>(resolve: (value: T) => void, reject: (error: unknown) => void) {
  return (error: NodeJS.ErrnoException | null, value?: T) => (error ? reject(error) : resolve(value as T));
}

export const nodeFileSystem: FileSystem = {
  open: (path, flags) => new Promise((res, rej) => fs.open(path, flags, 0o644, settle(res, rej))),
  close: (fd) => new Promise((res, rej) => fs.close(fd, settle(res, rej))),
  read: (fd, buffer, offset, length, position) =>
    new Promise((res, rej) => fs.read(fd, buffer, offset, length, position, settle(res, rej))),
  write: (fd, buffer, offset, length, position) =>
    new Promise((res, rej) => fs.write(fd, buffer, offset, length, position, settle(res, rej))),
  datasync: (fd) => new Promise((res, rej) => fs.fdatasync(fd, settle(res, rej))),
  fsync: (fd) => new Promise((res, rej) => fs.fsync(fd, settle(res, rej))),
  ftruncate: (fd, length) => new Promise((res, rej) => fs.ftruncate(fd, length, settle(res, rej))),
  fstat: (fd) => new Promise((res, rej) => fs.fstat(fd, settle(res, rej))),
  stat: (path) => new Promise((res, rej) => fs.stat(path, settle(res, rej))),
  readdir: (path) => new Promise((res, rej) => fs.readdir(path, settle(res, rej))),
  mkdir: (path) => new Promise((res, rej) => fs.mkdir(path, { recursive: true }, (e) => (e ? rej(e) : res()))),
  rename: (from, to) => new Promise((res, rej) => fs.rename(from, to, settle(res, rej))),
  unlink: (path) => new Promise((res, rej) => fs.unlink(path, settle(res, rej))),
  copyFile: (from, to) => new Promise((res, rej) => fs.copyFile(from, to, settle(res, rej))),
  link: (from, to) => new Promise((res, rej) => fs.link(from, to, settle(res, rej))),
  realpath: (path) => new Promise((res, rej) => fs.realpath(path, settle(res, rej))),
};

/** Writes all of `length` bytes, looping on short writes. */
export async function writeFully(
  fileSystem: FileSystem,
  fd: number,
  buffer: Uint8Array,
  offset: number,
  length: number,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const n = await fileSystem.write(fd, buffer, offset + done, length - done, position + done);
    if (n <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    done += n;
  }
}

/** Reads up to `length` bytes, looping on short reads; returns how many were read. */
export async function readFully(
  fileSystem: FileSystem,
  fd: number,
  buffer: Uint8Array,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  let done = 0;
  while (done < length) {
    const n = await fileSystem.read(fd, buffer, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** The whole content of `file`, or undefined when it does not exist. */
export async function readWholeFile(fileSystem: FileSystem, file: string, maxBytes = Infinity): Promise<Buffer | undefined> {
  let fd: number;
  try {
    fd = await fileSystem.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const { size } = await fileSystem.fstat(fd);
    if (size > maxBytes) throw Object.assign(new Error(`${file} is ${size} bytes, more than ${maxBytes}`), { code: 'EFBIG' });
    const buf = Buffer.alloc(size);
    const n = await readFully(fileSystem, fd, buf, 0, size, 0);
    return buf.subarray(0, n);
  } finally {
    await fileSystem.close(fd);
  }
}

/** Removes `file`; a file that is already gone is not an error. */
export async function removeFile(fileSystem: FileSystem, file: string): Promise<void> {
  try {
    await fileSystem.unlink(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** fsyncs a directory so a create, rename or unlink inside it survives a power loss. */
export async function syncDirectory(fileSystem: FileSystem, dir: string): Promise<void> {
  const fd = await fileSystem.open(dir, 'r');
  try {
    await fileSystem.fsync(fd);
  } finally {
    await fileSystem.close(fd);
  }
}
