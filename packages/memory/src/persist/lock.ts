/**
 * One opener per directory, across processes and within one: a lock file holding the
 * owner's pid, created atomically with its content (a hard link from a private temp file),
 * so no other process ever sees an empty lock. A lock whose pid is no longer running was
 * left by a crash and is taken over.
 */
import { link, readFile, realpath, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TidekvError } from '@tidekv/core';
import { ioError } from './io-error.js';

export const LOCK_FILE = 'tidekv-memory.lock';

/** Lock files this process holds, so a second open in the same process fails at once. */
const heldHere = new Set<string>();

export interface DirectoryLock {
  readonly file: string;
  release(): Promise<void>;
}

function lockedError(dir: string, pid: number | undefined): TidekvError {
  const by = pid === process.pid ? 'this process' : pid === undefined ? 'another opener' : `process ${pid}`;
  return new TidekvError('LOCKED', `${dir} is already open by ${by}`, { details: { path: dir, pid } });
}

/** True when `pid` names a running process (that we may or may not be allowed to signal). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8');
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

export async function acquireLock(dir: string): Promise<DirectoryLock> {
  // The real path, so two spellings of one directory (a symlink, '..') are one lock here.
  let real: string;
  try {
    real = await realpath(dir);
  } catch (error) {
    throw ioError('resolving', error, dir);
  }
  const file = join(real, LOCK_FILE);
  if (heldHere.has(file)) throw lockedError(dir, process.pid);
  heldHere.add(file); // no await since the check: two opens racing in this process cannot both pass
  try {
    await createLockFile(dir, file);
  } catch (error) {
    heldHere.delete(file);
    throw error;
  }
  let released: Promise<void> | undefined;
  return {
    file,
    release() {
      released ??= unlink(file)
        .catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw ioError('removing lock', error, file);
        })
        .finally(() => heldHere.delete(file));
      return released;
    },
  };
}

async function createLockFile(dir: string, file: string): Promise<void> {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    await writeFile(temp, `${process.pid}\n`, { flag: 'wx' });
  } catch (error) {
    throw ioError('creating lock', error, temp);
  }
  try {
    // Two attempts: the second follows taking over a lock left by a dead process.
    for (let attempt = 0; ; attempt++) {
      try {
        await link(temp, file);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError('creating lock', error, file);
      }
      const owner = await readOwner(file).catch(() => undefined);
      // Our own pid here, yet not in heldHere: a previous process that had our pid left it.
      const stale = owner !== undefined && (owner === process.pid || !isProcessAlive(owner));
      if (!stale || attempt > 0) throw lockedError(dir, owner);
      await takeOver(dir, file, owner);
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Moves a stale lock aside. If another process took it over first, what we moved is its
 * fresh lock: put it back and report LOCKED.
 */
async function takeOver(dir: string, file: string, stalePid: number): Promise<void> {
  const aside = `${file}.stale.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone removed it: retry
    throw ioError('taking over lock', error, file);
  }
  const moved = await readOwner(aside).catch(() => undefined);
  if (moved !== stalePid) {
    await link(aside, file).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    throw lockedError(dir, moved);
  }
  await unlink(aside).catch(() => undefined);
}
