/**
 * Every file-system call the log makes goes through this small interface, so tests can
 * wrap it to inject EIO or ENOSPC on a chosen call, or to simulate a crash that loses
 * unsynced bytes. Production uses `nodeWalFs`: callback-style `node:fs` on raw file
 * descriptors, which measured cheaper per call than `fs/promises` FileHandles.
 */
import fs from 'node:fs';

export interface WalFs {
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
}

function settle<T>(resolve: (value: T) => void, reject: (error: unknown) => void) {
  return (error: NodeJS.ErrnoException | null, value?: T) => (error ? reject(error) : resolve(value as T));
}

export const nodeWalFs: WalFs = {
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
};

/** Writes all of `length` bytes, looping on short writes. */
export async function writeFully(
  walFs: WalFs,
  fd: number,
  buffer: Uint8Array,
  offset: number,
  length: number,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const n = await walFs.write(fd, buffer, offset + done, length - done, position + done);
    if (n <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    done += n;
  }
}

/** Reads up to `length` bytes, looping on short reads; returns how many were read. */
export async function readFully(
  walFs: WalFs,
  fd: number,
  buffer: Uint8Array,
  offset: number,
  length: number,
  position: number,
): Promise<number> {
  let done = 0;
  while (done < length) {
    const n = await walFs.read(fd, buffer, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** fsyncs a directory so a create, rename or unlink inside it survives a power loss. */
export async function syncDirectory(walFs: WalFs, dir: string): Promise<void> {
  const fd = await walFs.open(dir, 'r');
  try {
    await walFs.fsync(fd);
  } finally {
    await walFs.close(fd);
  }
}
