/**
 * One writer per log. Inside a process a registry of open directories refuses a second
 * open; across processes a LOCK file, created exclusively and held open, names the owning
 * pid. A lock whose pid no longer runs (a crashed owner) is taken over. Node has no
 * portable advisory-lock call, so this is a pid lock: two processes taking over the same
 * stale lock at the same instant, or a recycled pid, are the cases it cannot rule out.
 */
import path from 'node:path';
import { TidekvError } from '../errors.js';
import { type WalFs, readFully, writeFully } from './fs.js';

export const LOCK_FILE = 'LOCK';

const openInThisProcess = new Set<string>();

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
          try {
            await writeFully(walFs, fd, Buffer.from(`${process.pid}\n`, 'latin1'), 0, String(process.pid).length + 1, 0);
          } catch (error) {
            await walFs.close(fd).catch(() => undefined);
            throw error;
          }
          return new WalLock(walFs, key, file, fd);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
        }
        const owner = await readLockOwner(walFs, file);
        if (owner === undefined) continue; // released meanwhile: try again
        const pid = /^\d+\n$/.test(owner) ? Number.parseInt(owner, 10) : NaN;
        // Our own pid without a registry entry is an instance abandoned by this process.
        if (!Number.isSafeInteger(pid) || pid <= 0 || (pid !== process.pid && isRunning(pid))) {
          throw new TidekvError(
            'LOCKED',
            Number.isSafeInteger(pid) && pid > 0
              ? `the WAL in ${dir} is open in process ${pid}`
              : `the WAL in ${dir} has a LOCK file being written or damaged; remove it if no process uses this log`,
            { details: { dir, pid: Number.isSafeInteger(pid) ? pid : undefined } },
          );
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
