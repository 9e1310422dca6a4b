/**
 * One writer per directory: the lock every tidekv component with files takes (the WAL,
 * memory persistence, the LevelDB and SQLite adapters), so `LOCKED` means the same thing
 * everywhere.
 *
 * - Keyed by the real path: the directory is resolved with realpath, so a trailing slash,
 *   a relative spelling, `..` or a symlink all name one lock.
 * - Inside a process, a registry of held locks refuses a second open at once.
 * - Across processes, a lock file names the owner as `<pid> <boot id>\n`. It is created
 *   with its content in one step (written to a private temp file, then hard-linked into
 *   place, which fails EEXIST if a lock exists), so no live owner is ever seen without it.
 * - A lock whose pid no longer runs, that was written in an earlier boot, that names this
 *   process but is not in the registry (an instance abandoned by a crash test, or a dead
 *   process that had our pid), or whose content a power loss destroyed, is stale and is
 *   taken over.
 * - A failed acquire never touches a lock held by someone else: it leaves the file and the
 *   registry as they were.
 *
 * Node has no portable advisory-lock call, so this is a pid lock: a pid recycled within one
 * boot by an unrelated process makes a stale lock look live (a false LOCKED, never two
 * writers).
 */
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { TidekvError } from '../errors.js';
import { type FileSystem, readWholeFile, removeFile, writeFully } from './file-system.js';
import { ioError } from './io-error.js';

/** Real lock-file paths this process holds. */
const heldHere = new Set<string>();

let cachedBootId: string | undefined;

/** Identifies this boot (Linux), so a lock left before a reboot is stale even if its pid was reused. */
export function bootId(): string {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim() || '-';
    } catch {
      cachedBootId = '-';
    }
  }
  return cachedBootId;
}

/** `<pid> <boot id>\n`; older lock files hold `<pid>\n` alone. */
const OWNER_LINE = /^(\d+)(?: (\S+))?\n?$/;

interface Owner {
  pid: number;
  boot: string | undefined;
}

function parseOwner(content: string): Owner | undefined {
  const match = OWNER_LINE.exec(content);
  if (!match) return undefined;
  const pid = Number(match[1]);
  return Number.isSafeInteger(pid) && pid > 0 ? { pid, boot: match[2] } : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the owner named by `content` cannot be holding the lock any more. */
function isStale(content: string): boolean {
  const owner = parseOwner(content);
  if (owner === undefined) return true; // the content was lost in a crash
  if (owner.boot !== undefined && owner.boot !== bootId()) return true;
  return owner.pid === process.pid || !isRunning(owner.pid);
}

export interface LockOptions {
  /** The lock file's name inside the directory. */
  file: string;
  /** What is being locked, for messages ("the WAL", "the LevelDB database"). */
  what: string;
}

function lockedError(what: string, dir: string, pid: number | undefined): TidekvError {
  const by = pid === process.pid ? 'this process' : pid === undefined ? 'another process' : `process ${pid}`;
  return new TidekvError('LOCKED', `${what} in ${dir} is already open by ${by}`, { details: { path: dir, pid } });
}

export class DirectoryLock {
  #released: Promise<void> | undefined;

  private constructor(
    private readonly fileSystem: FileSystem,
    /** The lock file's real path. */
    readonly file: string,
  ) {}

  /**
   * Takes the lock on the existing directory `dir`, or fails LOCKED at once (no waiting).
   * Other failures are IO_ERROR.
   */
  static async acquire(fileSystem: FileSystem, dir: string, options: LockOptions): Promise<DirectoryLock> {
    let real: string;
    try {
      real = await fileSystem.realpath(dir);
    } catch (error) {
      throw ioError('resolving', error, dir);
    }
    const file = path.join(real, options.file);
    if (heldHere.has(file)) throw lockedError(options.what, dir, process.pid);
    heldHere.add(file); // no await since the check: two opens racing in this process cannot both pass
    try {
      await createLockFile(fileSystem, dir, file, options.what);
    } catch (error) {
      heldHere.delete(file);
      throw ioError('locking', error, dir);
    }
    return new DirectoryLock(fileSystem, file);
  }

  /** Removes the lock file and forgets the claim. Idempotent. */
  release(): Promise<void> {
    this.#released ??= removeFile(this.fileSystem, this.file)
      .catch((error: unknown) => {
        throw ioError('removing lock', error, this.file);
      })
      .finally(() => heldHere.delete(this.file));
    return this.#released;
  }

  /** Forgets the claim without any I/O, as a crashed process would: the next open takes the file over. */
  abandon(): void {
    this.#released ??= Promise.resolve();
    heldHere.delete(this.file);
  }
}

async function createLockFile(fileSystem: FileSystem, dir: string, file: string, what: string): Promise<void> {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  const line = Buffer.from(`${process.pid} ${bootId()}\n`, 'latin1');
  const fd = await fileSystem.open(temp, 'wx');
  try {
    try {
      await writeFully(fileSystem, fd, line, 0, line.length, 0);
    } finally {
      await fileSystem.close(fd);
    }
    // A few rounds: a stale lock taken over, or a lock released while we looked at it.
    for (let attempt = 0; ; attempt++) {
      try {
        await fileSystem.link(temp, file);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const content = (await readWholeFile(fileSystem, file, 4096))?.toString('latin1');
      if (content === undefined) continue; // released meanwhile
      if (attempt >= 3 || !isStale(content)) throw lockedError(what, dir, parseOwner(content)?.pid);
      await takeOver(fileSystem, dir, file, content, what);
    }
  } finally {
    await removeFile(fileSystem, temp).catch(() => undefined);
  }
}

/**
 * Moves a stale lock aside. If another process took it over first, what we moved is its
 * fresh lock: put it back and report LOCKED.
 */
async function takeOver(fileSystem: FileSystem, dir: string, file: string, stale: string, what: string): Promise<void> {
  const aside = `${file}.stale.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    await fileSystem.rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone removed it: retry
    throw error;
  }
  const moved = (await readWholeFile(fileSystem, aside, 4096))?.toString('latin1');
  if (moved !== stale) {
    await fileSystem.link(aside, file).catch(() => undefined);
    await removeFile(fileSystem, aside).catch(() => undefined);
    throw lockedError(what, dir, moved === undefined ? undefined : parseOwner(moved)?.pid);
  }
  await removeFile(fileSystem, aside);
}

/** @internal Forgets this process's claim on `dir`'s lock file, as the process exiting would (crash tests). */
export function forgetProcessClaim(dir: string, file: string): void {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return; // never created: nothing was claimed
  }
  heldHere.delete(path.join(real, file));
}
