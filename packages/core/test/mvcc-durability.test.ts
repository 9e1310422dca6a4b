import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MvccStore, type MvccStoreOptions } from '../src/index.js';
import { abandonStore } from '../src/mvcc/store.js';
import { TestDisk, TestEngine } from './fixtures/mvcc-engine.js';
import { text } from './fixtures/mvcc-helpers.js';

const dirs: string[] = [];
const stores: MvccStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close().catch(() => undefined);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tidekv-mvcc-'));
  dirs.push(dir);
  return dir;
}

async function open(disk: TestDisk, walDir: string | false, extra: Partial<MvccStoreOptions> = {}): Promise<MvccStore> {
  const store = await MvccStore.open({ engine: new TestEngine(disk), wal: walDir === false ? false : { dir: walDir }, ...extra });
  stores.push(store);
  return store;
}

async function everything(store: MvccStore) {
  return store.range('\0', { end: '\0' });
}

describe('MvccStore with a WAL', () => {
  it('a crash loses no acknowledged commit: reopen replays the WAL records the engine lacks', async () => {
    const walDir = tempDir();
    const disk = new TestDisk();
    const store = await open(disk, walDir);
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.put(`k${i % 13}`, `v${i}`)));
    await store.txn({ success: [{ type: 'deleteRange', key: 'k1', end: 'k5' }, { type: 'put', key: 'z', value: 'last' }] });
    const before = await everything(store);
    const hash = await store.hashKV();
    expect(disk.syncedWrites).toBe(0); // engine writes are not synced with a WAL
    abandonStore(store);
    const crashed = disk.afterCrash();
    expect(crashed.live.get('rev')?.size ?? 0).toBe(0); // the engine lost everything unsynced
    const again = await open(crashed, walDir);
    expect(again.revision).toBe(102);
    expect(await everything(again)).toEqual(before);
    expect(await again.hashKV()).toEqual(hash);
  });

  it('concurrent commits share WAL groups and engine writes; revisions stay in order', async () => {
    const walDir = tempDir();
    const disk = new TestDisk();
    const store = await open(disk, walDir);
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => store.put(`k${i}`, 'v')));
    expect(results.map((r) => r.revision)).toEqual(Array.from({ length: 300 }, (_, i) => i + 2));
    expect(disk.writes).toBeLessThan(150);
  });

  it('a checkpoint flushes the engine and truncates the WAL; replay starts from the applied LSN', async () => {
    const walDir = tempDir();
    const disk = new TestDisk();
    const store = await open(disk, walDir, {});
    await store.close();
    stores.length = 0;
    const small = await MvccStore.open({ engine: new TestEngine(disk), wal: { dir: walDir, checkpointBytes: 4096, segmentBytes: 8192 } });
    stores.push(small);
    for (let i = 0; i < 400; i++) await small.put(`k${i % 50}`, 'x'.repeat(100));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The engine was flushed along the way, and old WAL segments are gone.
    expect(disk.durable.get('rev')?.size ?? 0).toBeGreaterThan(100);
    expect(readdirSync(walDir).filter((name) => name.endsWith('.wal') || name.includes('seg')).length).toBeLessThan(10);
    const before = await everything(small);
    abandonStore(small);
    const again = await open(disk.afterCrash(), walDir);
    expect(again.revision).toBe(401);
    expect(await everything(again)).toEqual(before);
  });

  it('an engine write failure poisons the store: the commit fails, later writes fail, reads work; the WAL still has it', async () => {
    const walDir = tempDir();
    const disk = new TestDisk();
    const store = await open(disk, walDir);
    await store.put('a', '1');
    disk.failNextWrite = new Error('disk on fire');
    await expect(store.put('b', '2')).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(store.poisoned).toBe(true);
    await expect(store.put('c', '3')).rejects.toMatchObject({ code: 'IO_ERROR' });
    await expect(store.txn({ success: [{ type: 'put', key: 'c', value: '3' }] })).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(store.revision).toBe(2);
    expect((await everything(store)).kvs.map((kv) => text(kv.key))).toEqual(['a']);
    await store.close();
    // The commit's WAL record was durable: reopen applies it (its caller was told the outcome is unknown).
    const again = await open(disk, walDir);
    expect(again.revision).toBe(3);
    expect((await everything(again)).kvs.map((kv) => text(kv.key))).toEqual(['a', 'b']);
  });

  it('a WAL that does not belong to the engine is refused with CORRUPTION', async () => {
    const disk = new TestDisk();
    const store = await open(disk, tempDir());
    for (let i = 0; i < 5; i++) await store.put('k', String(i));
    await store.close();
    await expect(MvccStore.open({ engine: new TestEngine(disk), wal: { dir: tempDir() } })).rejects.toMatchObject({ code: 'CORRUPTION' });
  });

  const root = process.getuid?.() === 0;
  it.skipIf(!root)('a full disk under the WAL poisons the store; what was acknowledged survives', async () => {
    const walDir = tempDir();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', walDir]);
    try {
      const disk = new TestDisk();
      const store = await MvccStore.open({ engine: new TestEngine(disk), wal: { dir: walDir, segmentBytes: 1 << 20 } });
      let acknowledged = 0;
      let failure: unknown;
      for (let i = 0; i < 5000 && !failure; i++) {
        try {
          await store.put(`k${i}`, 'x'.repeat(2000));
          acknowledged = i + 1;
        } catch (error) {
          failure = error;
        }
      }
      expect(failure).toMatchObject({ code: expect.stringMatching(/IO_ERROR|WAL_POISONED/) });
      expect(store.poisoned).toBe(true);
      await expect(store.put('after', 'x')).rejects.toBeDefined();
      abandonStore(store);
      // Reopening needs a little space (the lock file): move the log somewhere with room.
      const moved = tempDir();
      cpSync(walDir, moved, { recursive: true });
      const again = await MvccStore.open({ engine: new TestEngine(disk.afterCrash()), wal: { dir: moved } });
      expect(again.revision).toBeGreaterThanOrEqual(acknowledged + 1);
      expect((await again.range('k', { prefix: true, countOnly: true })).count).toBeGreaterThanOrEqual(acknowledged);
      await again.close();
    } finally {
      execFileSync('umount', ['-l', walDir]);
    }
  });
});

describe('MvccStore without a WAL', () => {
  it('each commit is a synced engine write; concurrent commits share them', async () => {
    const disk = new TestDisk();
    disk.syncDelayMs = 2;
    const store = await open(disk, false);
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.put(`k${i}`, 'v')));
    expect(disk.syncedWrites).toBeGreaterThan(0);
    expect(disk.syncedWrites).toBeLessThan(100);
    const before = await everything(store);
    abandonStore(store);
    const again = await open(disk.afterCrash(), false);
    expect(await everything(again)).toEqual(before);
  });

  it('an engine write failure fails the commit, uses no revision, and poisons the store', async () => {
    const disk = new TestDisk();
    const store = await open(disk, false);
    await store.put('a', '1');
    disk.failNextWrite = new Error('EIO');
    await expect(store.put('b', '2')).rejects.toMatchObject({ code: 'IO_ERROR' });
    await expect(store.compact(1)).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(store.revision).toBe(2);
    await store.close();
    const again = await open(disk, false);
    expect(again.revision).toBe(2);
    expect((await everything(again)).count).toBe(1);
  });

  it('damage found while rebuilding the index fails open with CORRUPTION naming the revision', async () => {
    const disk = new TestDisk();
    const store = await open(disk, false);
    await store.put('a', '1');
    await store.put('b', '2');
    await store.close();
    const rev = disk.table('rev');
    const [id, [key, value]] = [...rev][1]!;
    const damaged = value.slice();
    damaged[10]! ^= 0x40;
    rev.set(id, [key, damaged]);
    await expect(MvccStore.open({ engine: new TestEngine(disk), wal: false })).rejects.toMatchObject({
      code: 'CORRUPTION',
      details: { revision: 3 },
    });
  });
});

describe('MvccStore with a WAL over an engine that keeps nothing', () => {
  it('never truncates the log, so a reopen on a fresh engine replays everything', async () => {
    const walDir = tempDir();
    const first = await MvccStore.open({ engine: new TestEngine(new TestDisk(), { persistent: false }), wal: { dir: walDir, checkpointBytes: 1024 } });
    for (let i = 0; i < 200; i++) await first.put(`k${i % 20}`, 'x'.repeat(50));
    await first.deleteRange('k1');
    const before = await everything(first);
    const hash = await first.hashKV();
    await first.close();
    // The engine's contents are gone (a new, empty one); the WAL alone brings everything back.
    const again = await MvccStore.open({ engine: new TestEngine(new TestDisk(), { persistent: false }), wal: { dir: walDir } });
    stores.push(again);
    expect(again.revision).toBe(202);
    expect(await everything(again)).toEqual(before);
    expect(await again.hashKV()).toEqual(hash);
  });
});
