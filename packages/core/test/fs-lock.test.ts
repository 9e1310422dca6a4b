/**
 * The directory lock every component with files takes: one lock per real directory, pid and
 * boot id in the file, stale locks taken over, a failed acquire that disturbs nothing.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirectoryLock, FaultFs, nodeFileSystem } from '../src/index.js';
import { expectRejection as expectCode } from './expect-code.js';
import { deadPid } from './fixtures/dead-pid.js';

const FILE = 'test.lock';
const OPTIONS = { file: FILE, what: 'the test store' };
const BOOT = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'latin1').trim();

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
});

function tempDir(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tidekv-lock-'));
  roots.push(root);
  const dir = path.join(root, 'store');
  fs.mkdirSync(dir);
  return dir;
}

const acquire = (dir: string) => DirectoryLock.acquire(nodeFileSystem, dir, OPTIONS);
const content = (dir: string) => fs.readFileSync(path.join(dir, FILE), 'latin1');

/** Every other way to spell `dir`: trailing slash, relative, `..`, a symlink. */
function spellings(dir: string): string[] {
  const link = path.join(path.dirname(dir), 'alias');
  if (!fs.existsSync(link)) fs.symlinkSync(dir, link);
  return [`${dir}/`, path.relative(process.cwd(), dir), path.join(dir, '..', path.basename(dir)), link, `${link}/`];
}

/** A child process holding the lock on `dir` through the built package, until killed. */
async function childHolding(dir: string) {
  const dist = path.join(import.meta.dirname, '../dist/index.js');
  if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run pnpm --filter @tidekv/core build first`);
  const script = `
    const { DirectoryLock, nodeFileSystem } = await import(${JSON.stringify(dist)});
    await DirectoryLock.acquire(nodeFileSystem, ${JSON.stringify(dir)}, ${JSON.stringify(OPTIONS)});
    process.stdout.write('held\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`lock child exited with ${code}`)));
  });
  return child;
}

describe('DirectoryLock', () => {
  it('writes "<pid> <boot id>", refuses a second acquire in this process under every spelling, and releases', async () => {
    const dir = tempDir();
    const lock = await acquire(dir);
    expect(content(dir)).toBe(`${process.pid} ${BOOT}\n`);
    for (const spelled of [dir, ...spellings(dir)]) {
      const error = await expectCode(acquire(spelled), 'LOCKED');
      expect(error.details, spelled).toMatchObject({ pid: process.pid });
    }
    // The refused attempts changed nothing: the holder's file is intact, the claim still held.
    expect(content(dir)).toBe(`${process.pid} ${BOOT}\n`);
    await expectCode(acquire(dir), 'LOCKED');
    await lock.release();
    await lock.release(); // idempotent
    expect(fs.existsSync(path.join(dir, FILE))).toBe(false);
    const again = await acquire(spellings(dir)[3]!);
    await expectCode(acquire(dir), 'LOCKED');
    await again.release();
    expect(fs.readdirSync(dir)).toEqual([]); // no temp or aside files left behind
  });

  it('of opens racing in one process under different spellings, exactly one wins', async () => {
    const dir = tempDir();
    const results = await Promise.allSettled([dir, ...spellings(dir)].map(acquire));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'LOCKED' });
    await (won[0] as PromiseFulfilledResult<DirectoryLock>).value.release();
  });

  it('refuses while another live process holds it, leaves its file alone, and takes it over after kill -9', async () => {
    const dir = tempDir();
    const child = await childHolding(dir);
    try {
      for (const spelled of [dir, ...spellings(dir)]) {
        const error = await expectCode(acquire(spelled), 'LOCKED');
        expect(error.details).toMatchObject({ pid: child.pid });
      }
      expect(content(dir)).toBe(`${child.pid} ${BOOT}\n`);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    const lock = await acquire(dir);
    expect(content(dir)).toBe(`${process.pid} ${BOOT}\n`);
    await lock.release();
  });

  it('takes over a lock from a dead pid, an earlier boot, this pid without a claim, or with lost content', async () => {
    const stale = [`${await deadPid()} ${BOOT}\n`, `${await deadPid()}\n`, `1 not-this-boot\n`, `${process.pid} ${BOOT}\n`, '', 'garbage'];
    for (const old of stale) {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, FILE), old);
      const lock = await acquire(dir);
      expect(content(dir), JSON.stringify(old)).toBe(`${process.pid} ${BOOT}\n`);
      await lock.release();
    }
  });

  it('respects a lock naming a live process in this boot (pid 1), with or without a boot id', async () => {
    for (const live of [`1 ${BOOT}\n`, '1\n']) {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, FILE), live);
      const error = await expectCode(acquire(dir), 'LOCKED');
      expect(error.details).toMatchObject({ pid: 1 });
      expect(content(dir)).toBe(live);
      expect(fs.readdirSync(dir)).toEqual([FILE]);
    }
  });

  for (const [op, code] of [['link', 'EIO'], ['write', 'ENOSPC'], ['open', 'EIO']] as const) {
    it(`an injected ${code} on ${op} is IO_ERROR, leaves nothing behind and no claim in this process`, async () => {
      const dir = tempDir();
      const faulty = new FaultFs(nodeFileSystem, { op, nth: 1, code });
      const error = await expectCode(DirectoryLock.acquire(faulty, dir, OPTIONS), 'IO_ERROR');
      expect(error.details).toMatchObject({ code });
      expect(fs.readdirSync(dir)).toEqual([]);
      const lock = await acquire(dir);
      await lock.release();
    });
  }

  it('fails IO_ERROR for a directory that does not exist', async () => {
    const error = await expectCode(acquire(path.join(tempDir(), 'missing')), 'IO_ERROR');
    expect(error.details).toMatchObject({ code: 'ENOENT' });
  });
});
