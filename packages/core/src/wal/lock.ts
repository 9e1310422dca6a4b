/**
 * One writer per log. Inside a process a registry of open directories refuses a second
 * open; across processes a LOCK file, created exclusively and held open, names the owning
 * pid and the boot it ran in. A lock whose pid no longer runs, that was written before the
 * last reboot, or whose content a power loss destroyed, is taken over. Node has no
 * portable advisory-lock call, so this is a pid lock: two processes taking over the same
 * stale lock at the same instant, or a recycled pid, are the cases it cannot rule out.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TidekvError } from '../errors.js';
import { type WalFs, readFully, writeFully } from './fs.js';

export const LOCK_FILE = 'LOCK';

const openInThisProcess = new Set<string>();

/** Identifies this boot (Linux), so a lock left before a reboot is stale even if its pid was reused. */
function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();
  } catch {
    return '-';
  }
}

const LOCK_LINE = /^(\d+) (\S+)\n$/;
const SETTLE_MS = 50;

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLockOwner(walFs: WalFs, file: string): Promise<string | undefined> {
  let fd: number;
  try {
    fd = await walFs.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const buf = Buffer.alloc(64);
    const n = await readFully(walFs, fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    await walFs.close(fd);
  }
}

export class WalLock {
  private constructor(
    private readonly walFs: WalFs,
    private readonly key: string,
    private readonly file: string,
    private fd: number | undefined,
  ) {}

  static async acquire(walFs: WalFs, dir: string): Promise<WalLock> {
    const key = path.resolve(dir);
    if (openInThisProcess.has(key)) {
      throw new TidekvError('LOCKED', `the WAL in ${dir} is already open in this process`, { details: { dir, pid: process.pid } });
    }
    openInThisProcess.add(key);
    const file = path.join(dir, LOCK_FILE);
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const fd = await walFs.open(file, 'wx');
          const line = Buffer.from(`${process.pid} ${bootId()}\n`, 'latin1');
          try {
            await writeFully(walFs, fd, line, 0, line.length, 0);
          } catch (error) {
            await walFs.close(fd).catch(() => undefined);
            throw error;
          }
          return new WalLock(walFs, key, file, fd);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          if (attempt >= 3) throw new TidekvError('LOCKED', `the WAL in ${dir} is being locked by another process`, { details: { dir } });
        }
        const owner = await readLockOwner(walFs, file);
        if (owner !== undefined && !LOCK_LINE.test(owner)) {
          // Either another process is between creating the file and writing its pid, or a
          // crash lost the content. Give the former a moment.
          await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
          const again = await readLockOwner(walFs, file);
          if (again !== owner) continue;
        }
        if (owner === undefined) continue; // released meanwhile: try again
        const match = LOCK_LINE.exec(owner);
        const pid = match ? Number.parseInt(match[1]!, 10) : NaN;
        const sameBoot = match !== null && match[2] === bootId();
        // Our own pid without a registry entry is an instance abandoned by this process.
        if (sameBoot && pid !== process.pid && isRunning(pid)) {
          throw new TidekvError('LOCKED', `the WAL in ${dir} is open in process ${pid}`, { details: { dir, pid } });
        }
        await walFs.unlink(file).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
      }
    } catch (error) {
      openInThisProcess.delete(key);
      if (error instanceof TidekvError) throw error;
      throw new TidekvError('IO_ERROR', `cannot lock the WAL in ${dir}: ${(error as Error).message}`, { cause: error, details: { dir } });
    }
  }

  async release(): Promise<void> {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    try {
      await this.walFs.unlink(this.file).catch(() => undefined);
      await this.walFs.close(fd).catch(() => undefined);
    } finally {
      openInThisProcess.delete(this.key);
    }
  }

  /** Forgets the lock without any I/O, as a crashed process would: the next open takes it over. */
  abandon(): void {
    this.fd = undefined;
    openInThisProcess.delete(this.key);
  }
}

/** @internal Forgets this process's claim on `dir`, as the process exiting would (crash tests). */
export function forgetProcessClaim(dir: string): void {
  openInThisProcess.delete(path.resolve(dir));
}
