import { describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { LOCK_FILE, openMemory } from '../src/index.js';
import { b, DIST_MODULE, expectCode, tempDir } from './helpers.js';
import { deadPid } from '../../core/test/fixtures/dead-pid.js';

/** A child process that opens `dir` through the built package, writes, flushes, says "ready", then waits. */
async function childHolding(dir: string): Promise<ChildProcess> {
  const script = `
    const { openMemory } = await import(${JSON.stringify(DIST_MODULE)});
    const engine = await openMemory({ path: ${JSON.stringify(dir)} });
    await engine.keyspace('default').put(Uint8Array.of(1), Uint8Array.of(42));
    await engine.flush();
    await engine.keyspace('default').put(Uint8Array.of(2), Uint8Array.of(43)); // never flushed
    process.stdout.write('ready\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child exited early with ${code}`)));
  });
  return child;
}

/** The pid named by the lock file (its content is `<pid> <boot id>`). */
async function lockOwner(dir: string): Promise<string> {
  return (await readFile(join(dir, LOCK_FILE), 'utf8')).split(' ')[0]!.trim();
}

describe('one opener per directory', () => {
  it('a second open in the same process fails LOCKED until the first closes', async () => {
    const dir = await tempDir();
    const first = await openMemory({ path: dir });
    const error = await expectCode(() => openMemory({ path: dir }), 'LOCKED');
    expect(error.details).toMatchObject({ pid: process.pid });
    expect(await lockOwner(dir)).toBe(String(process.pid));
    await first.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const second = await openMemory({ path: dir });
    await second.close();
  });

  it('a second spelling of the same directory (a symlink) is the same lock', async () => {
    const dir = await tempDir();
    const { symlink } = await import('node:fs/promises');
    const alias = join(await tempDir(), 'alias');
    await symlink(dir, alias);
    const first = await openMemory({ path: dir });
    await expectCode(() => openMemory({ path: alias }), 'LOCKED');
    await first.close();
    const second = await openMemory({ path: alias });
    await expectCode(() => openMemory({ path: dir }), 'LOCKED');
    await second.close();
  });

  it('of two opens racing in one process, exactly one wins', async () => {
    const dir = await tempDir();
    const results = await Promise.allSettled([openMemory({ path: dir }), openMemory({ path: join(dir, '.') })]);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'LOCKED' });
    await (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Awaited<ReturnType<typeof openMemory>>>).value.close();
  });

  it('another live process holding the directory makes open fail LOCKED; after kill -9 the lock is taken over', async () => {
    const dir = await tempDir();
    const child = await childHolding(dir);
    try {
      const error = await expectCode(() => openMemory({ path: dir }), 'LOCKED');
      expect(error.details).toMatchObject({ pid: child.pid });
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    // The lock file is still there, naming a dead process: it is stale and taken over.
    expect(await lockOwner(dir)).toBe(String(child.pid));
    const engine = await openMemory({ path: dir });
    expect(await engine.keyspace('default').get(b(1))).toEqual(b(42)); // flushed before the kill
    expect(await engine.keyspace('default').get(b(2))).toBeUndefined(); // never flushed
    expect(await lockOwner(dir)).toBe(String(process.pid));
    await engine.close();
  });

  it('takes over a lock naming a dead pid, or this pid from an earlier process', async () => {
    for (const pid of [await deadPid(), process.pid]) {
      const dir = await tempDir();
      await writeFile(join(dir, LOCK_FILE), `${pid}\n`);
      const engine = await openMemory({ path: dir });
      expect(await lockOwner(dir)).toBe(String(process.pid));
      await engine.close();
    }
  });

  it('a lock naming a live process (here, pid 1) in this boot, or with no boot id, is respected: LOCKED', async () => {
    const boot = (await readFile('/proc/sys/kernel/random/boot_id', 'latin1')).trim();
    for (const content of ['1\n', `1 ${boot}\n`]) {
      const dir = await tempDir();
      await writeFile(join(dir, LOCK_FILE), content);
      await expectCode(() => openMemory({ path: dir }), 'LOCKED');
      expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe(content); // untouched
    }
  });

  it('takes over a lock from an earlier boot (a live pid then means nothing) or whose content a crash lost', async () => {
    for (const content of ['1 not-this-boot\n', 'not a pid\n', '']) {
      const dir = await tempDir();
      await writeFile(join(dir, LOCK_FILE), content);
      const engine = await openMemory({ path: dir });
      expect(await lockOwner(dir)).toBe(String(process.pid));
      await engine.close();
    }
  });

  it('a failed open releases the lock it took', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'tidekv-memory.snapshot'), 'garbage');
    await expectCode(() => openMemory({ path: dir }), 'CORRUPTION');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    await expectCode(() => openMemory({ path: dir }), 'CORRUPTION'); // not LOCKED
  });
});
