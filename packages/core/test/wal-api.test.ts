import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TidekvError, Wal } from '../src/index.js';
import { CHECKPOINT_FILE } from '../src/wal/checkpoint-file.js';
import { SEGMENT_HEADER_BYTES, parseSegmentName } from '../src/wal/format.js';
import { type FileSystem, nodeFileSystem } from '../src/fs/file-system.js';
import { abandonWal, openWalWith } from '../src/wal/wal.js';
import { appendEach, payloadFor, readAll, segmentFiles, tempWalDir } from './fixtures/wal-helpers.js';

async function expectCode(promise: Promise<unknown> | (() => unknown), code: string): Promise<TidekvError> {
  let error: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    error = e;
  }
  expect(error, `expected ${code}`).toBeInstanceOf(TidekvError);
  expect((error as TidekvError).code).toBe(code);
  return error as TidekvError;
}

describe('Wal: append, replay, reopen', () => {
  it('assigns dense LSNs from 1 and replays them after reopen', async () => {
    const dir = tempWalDir();
    let wal = await Wal.open(dir);
    expect(wal.lastLsn).toBe(0);
    expect(wal.firstLsn).toBe(1);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => wal.append(payloadFor(i + 1))));
    expect(results.map((r) => r.lsn)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(results.every((r) => r.duplicate === false)).toBe(true);
    expect(wal.durableLsn).toBe(100);
    await wal.close();
    wal = await Wal.open(dir);
    expect(wal.recovery).toMatchObject({ clean: true, records: 100, firstLsn: 1, lastLsn: 100, checkpointLsn: 0 });
    const records = await readAll(wal);
    expect(records.map((r) => r.lsn)).toEqual(results.map((r) => r.lsn));
    records.forEach((r) => expect(r.payload.equals(payloadFor(r.lsn))).toBe(true));
    expect((await wal.append(payloadFor(101))).lsn).toBe(101);
    await wal.close();
  });

  it('accepts empty payloads, Buffers, views and large records', async () => {
    const dir = tempWalDir();
    const wal = await Wal.open(dir);
    const big = Buffer.alloc(3 << 20, 7);
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    await wal.append(new Uint8Array(0));
    await wal.append(backing.subarray(2, 5));
    await wal.append(big);
    const records = await readAll(wal, 1);
    expect(records.map((r) => r.payload.length)).toEqual([0, 3, big.length]);
    expect([...records[1]!.payload]).toEqual([1, 2, 3]);
    expect(records[2]!.payload.equals(big)).toBe(true);
    await wal.close();
  });

  it('copies the payload at append time', async () => {
    const wal = await Wal.open(tempWalDir());
    const payload = Buffer.from('before');
    const pending = wal.append(payload);
    payload.write('AFTER!');
    await pending;
    expect((await readAll(wal))[0]!.payload.toString()).toBe('before');
    await wal.close();
  });

  it('replays from a given LSN and only durable records', async () => {
    const wal = await Wal.open(tempWalDir());
    await appendEach(wal, 1, 20);
    expect((await readAll(wal, 15)).map((r) => r.lsn)).toEqual([15, 16, 17, 18, 19, 20]);
    expect(await readAll(wal, 21)).toEqual([]);
    expect((await readAll(wal, 0)).length).toBe(20);
    await wal.close();
  });

  it('rotates segments at segmentBytes and replays across them', async () => {
    const dir = tempWalDir();
    let wal = await Wal.open(dir, { segmentBytes: 4096, preallocate: false });
    await appendEach(wal, 1, 200, 100);
    const files = segmentFiles(dir);
    expect(files.length).toBeGreaterThan(5);
    let expectedFirst = 1;
    for (const name of files) {
      const parsed = parseSegmentName(name)!;
      expect(parsed.firstLsn).toBe(expectedFirst);
      const size = fs.statSync(path.join(dir, name)).size;
      expect(size).toBeLessThanOrEqual(4096);
      expectedFirst += (size - SEGMENT_HEADER_BYTES) / 128;
    }
    expect(expectedFirst).toBe(201);
    await wal.close();
    wal = await Wal.open(dir, { segmentBytes: 4096 });
    expect(wal.recovery.segments).toBe(files.length);
    expect((await readAll(wal)).map((r) => r.lsn)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    await wal.close();
  });

  it('preallocates the next segment ahead and leaves no prepared file behind', async () => {
    const dir = tempWalDir();
    let wal = await Wal.open(dir, { segmentBytes: 64 << 10, preallocate: true });
    await appendEach(wal, 1, 1500, 100);
    const files = segmentFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(3);
    // Rotated-into segments were zero-filled to full size ahead of use.
    for (const name of files.slice(1)) expect(fs.statSync(path.join(dir, name)).size).toBe(64 << 10);
    await wal.close();
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    for (const recovery of ['strict', 'tolerate-tail'] as const) {
      wal = await Wal.open(dir, { segmentBytes: 64 << 10, recovery });
      expect(wal.recovery.clean).toBe(true);
      expect((await readAll(wal)).map((r) => r.lsn)).toEqual(Array.from({ length: 1500 }, (_, i) => i + 1));
      await wal.close();
    }
    // Appending after reopen overwrites the zeroed space of the last segment.
    wal = await Wal.open(dir, { segmentBytes: 64 << 10, preallocate: true });
    await appendEach(wal, 1501, 1510, 100);
    await wal.close();
    wal = await Wal.open(dir, { recovery: 'strict' });
    expect(wal.lastLsn).toBe(1510);
    await wal.close();
  });

  it('puts a record larger than segmentBytes in a segment of its own', async () => {
    const dir = tempWalDir();
    const wal = await Wal.open(dir, { segmentBytes: 4096, preallocate: false });
    await wal.append(payloadFor(1, 100));
    await wal.append(Buffer.alloc(10_000, 1));
    await wal.append(payloadFor(3, 100));
    expect(segmentFiles(dir).length).toBe(3);
    expect((await readAll(wal)).map((r) => r.payload.length)).toEqual([100, 10_000, 100]);
    await wal.close();
  });

  it('stops a replay that is still open when the WAL closes, and supports early exit', async () => {
    const wal = await Wal.open(tempWalDir());
    await appendEach(wal, 1, 10);
    let seen = 0;
    for await (const record of wal.replay()) {
      seen++;
      if (record.lsn === 3) break;
    }
    expect(seen).toBe(3);
    const replay = wal.replay();
    expect((await replay.next()).value.lsn).toBe(1);
    await wal.close();
    await expectCode(replay.next(), 'NOT_OPEN');
  });

  it('aborts a replay through its signal', async () => {
    const wal = await Wal.open(tempWalDir());
    await appendEach(wal, 1, 5);
    const controller = new AbortController();
    controller.abort();
    await expectCode(wal.replay({ signal: controller.signal }).next(), 'ABORTED');
    await wal.close();
  });

  it('group commit: concurrent appends share writes and fdatasyncs, capped by maxBatchBytes', async () => {
    const writes: number[] = [];
    let syncs = 0;
    const counting: FileSystem = {
      ...nodeFileSystem,
      write: (fd, b, o, l, p) => (writes.push(l), nodeFileSystem.write(fd, b, o, l, p)),
      datasync: (fd) => (syncs++, nodeFileSystem.datasync(fd)),
    };
    const wal = await openWalWith(counting, tempWalDir(), { maxBatchBytes: 1024, preallocate: false });
    writes.length = 0;
    syncs = 0;
    await Promise.all(Array.from({ length: 200 }, (_, i) => wal.append(payloadFor(i + 1)))); // 64-byte frames
    // 200 x 64 bytes in groups of at most 1024 bytes (16 frames): 13 groups, one write + one sync each.
    expect(Math.max(...writes)).toBeLessThanOrEqual(1024);
    expect(syncs).toBeLessThanOrEqual(15); // + the first segment's header and its LIMIT record
    expect(writes.length).toBe(syncs);
    await wal.close();

    const always = await openWalWith(counting, tempWalDir(), { sync: 'always' });
    syncs = 0;
    await Promise.all(Array.from({ length: 20 }, (_, i) => always.append(payloadFor(i + 1))));
    expect(syncs).toBeGreaterThanOrEqual(20); // one fdatasync per record
    await always.close();

    const none = await openWalWith(counting, tempWalDir(), { sync: 'none' });
    syncs = 0;
    await Promise.all(Array.from({ length: 20 }, (_, i) => none.append(payloadFor(i + 1))));
    expect(syncs).toBe(0);
    await none.close();
  });

  it("sync 'always' and 'none' keep the same contents", async () => {
    for (const sync of ['always', 'none'] as const) {
      const dir = tempWalDir();
      let wal = await Wal.open(dir, { sync });
      await Promise.all(Array.from({ length: 30 }, (_, i) => wal.append(payloadFor(i + 1))));
      await wal.close();
      wal = await Wal.open(dir);
      expect((await readAll(wal)).map((r) => r.lsn)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      await wal.close();
    }
  });

  it('fixed batching: maxBatch and maxDelayMs group records', async () => {
    const dir = tempWalDir();
    const wal = await Wal.open(dir, { maxDelayMs: 5, maxBatch: 4 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => wal.append(payloadFor(i + 1))));
    expect(results.map((r) => r.lsn)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    // A lone append is held for maxDelayMs, then written.
    expect((await wal.append(payloadFor(11))).lsn).toBe(11);
    await wal.close();
    const reopened = await Wal.open(dir);
    expect(reopened.recovery.records).toBe(11);
    await reopened.close();
  });

  it('close waits for appends in flight; later calls fail NOT_OPEN', async () => {
    const wal = await Wal.open(tempWalDir(), { maxDelayMs: 1000 });
    const pending = wal.append(payloadFor(1));
    await wal.close();
    expect((await pending).lsn).toBe(1);
    await wal.close(); // idempotent
    expect(wal.closed).toBe(true);
    await expectCode(wal.append(payloadFor(2)), 'NOT_OPEN');
    await expectCode(wal.checkpoint(1), 'NOT_OPEN');
    await expectCode(() => wal.replay(), 'NOT_OPEN');
  });

  it('supports await using', async () => {
    const dir = tempWalDir();
    {
      await using wal = await Wal.open(dir);
      await wal.append(payloadFor(1));
    }
    const wal = await Wal.open(dir);
    expect(wal.lastLsn).toBe(1);
    await wal.close();
  });
});

describe('Wal: input validation', () => {
  it('rejects bad payloads, ids and option objects', async () => {
    const wal = await Wal.open(tempWalDir(), { maxRecordBytes: 1000 });
    for (const bad of ['text', 42, null, undefined, [1, 2], { length: 1 }, new ArrayBuffer(4)]) {
      await expectCode(wal.append(bad as never), 'INVALID_VALUE');
    }
    await expectCode(wal.append(Buffer.alloc(1001)), 'RECORD_TOO_LARGE');
    await expectCode(wal.append(Buffer.alloc(990), { id: 'x'.repeat(20) }), 'RECORD_TOO_LARGE');
    await expectCode(wal.append(Buffer.alloc(1), { id: 5 as never }), 'INVALID_ARGUMENT');
    await expectCode(wal.append(Buffer.alloc(1), { id: '' }), 'INVALID_ARGUMENT');
    await expectCode(wal.append(Buffer.alloc(1), { id: 'x'.repeat(1025) }), 'INVALID_ARGUMENT');
    await expectCode(wal.append(Buffer.alloc(1), 'opts' as never), 'INVALID_OPTION');
    await expectCode(wal.checkpoint(-1), 'INVALID_ARGUMENT');
    await expectCode(wal.checkpoint(1.5), 'INVALID_ARGUMENT');
    await expectCode(wal.checkpoint('1' as never), 'INVALID_ARGUMENT');
    await expectCode(wal.checkpoint(1), 'INVALID_ARGUMENT'); // past the durable end
    await expectCode(() => wal.replay({ from: -1 }), 'INVALID_ARGUMENT');
    await expectCode(() => wal.replay({ from: NaN }), 'INVALID_ARGUMENT');
    await expectCode(() => wal.replay({ signal: {} as never }), 'INVALID_OPTION');
    // Nothing was written by any of the rejected calls.
    expect(wal.lastLsn).toBe(0);
    expect(await readAll(wal, 0)).toEqual([]);
    await wal.close();
  });

  it('rejects detached, Proxy, look-alike and lying payloads and ids before assigning an LSN: no gap, the log reopens', async () => {
    const dir = tempWalDir();
    const wal = await Wal.open(dir);
    const detached = () => {
      const bytes = new Uint8Array(8).fill(1);
      structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
      return bytes;
    };
    const lying = () => Object.defineProperty(new Uint8Array(64), 'length', { value: 2 });
    const badPayloads = [detached(), new Proxy(new Uint8Array(4), {}), Object.create(Uint8Array.prototype), lying(), new Uint16Array(2)];
    expect((await wal.append(payloadFor(1))).lsn).toBe(1);
    for (const bad of badPayloads) {
      // Interleaved with good appends, so a burned LSN would show as a gap.
      const [good, rejected] = await Promise.allSettled([wal.append(payloadFor(wal.lastLsn + 1)), wal.append(bad as never)]);
      expect(good.status).toBe('fulfilled');
      expect((rejected as PromiseRejectedResult).reason).toMatchObject({ name: 'TidekvError', code: 'INVALID_VALUE' });
    }
    for (const bad of [detached(), new Proxy(Buffer.from('id'), {}), lying()]) {
      await expectCode(wal.append(payloadFor(99), { id: bad as never }), 'INVALID_ARGUMENT');
    }
    const last = wal.lastLsn;
    expect(last).toBe(1 + badPayloads.length);
    expect((await wal.append(payloadFor(last + 1))).lsn).toBe(last + 1);
    await wal.close();
    const reopened = await Wal.open(dir, { recovery: 'strict' });
    expect((await readAll(reopened, 1)).map((r) => r.lsn)).toEqual(Array.from({ length: last + 1 }, (_, i) => i + 1));
    await reopened.close();
  });

  it('rejects bad options and directories', async () => {
    const bad: unknown[] = [
      null,
      'group',
      { sync: 'sometimes' },
      { recovery: 'lenient' },
      { segmentBytes: 100 },
      { segmentBytes: 1.5 },
      { maxBatchBytes: 0 },
      { maxDelayMs: -1 },
      { maxDelayMs: NaN },
      { maxBatch: 0 },
      { dedupWindow: -1 },
      { maxRecordBytes: 2 ** 31 },
      { fsync: true },
      { preallocate: 'yes' },
    ];
    for (const options of bad) await expectCode(Wal.open(tempWalDir(), options as never), 'INVALID_OPTION');
    await expectCode(Wal.open('' as never), 'INVALID_ARGUMENT');
    await expectCode(Wal.open(42 as never), 'INVALID_ARGUMENT');
    const file = tempWalDir('a-file');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'x');
    await expectCode(Wal.open(file), 'INVALID_ARGUMENT');
  });

  it('reports a directory it cannot create or read as IO_ERROR', async () => {
    const file = tempWalDir('plain-file');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'x');
    const error = await expectCode(Wal.open(path.join(file, 'wal')), 'IO_ERROR');
    expect(error.details).toMatchObject({ code: 'ENOTDIR' });
  });

  it('replay reports bytes changed on disk since open as CORRUPTION', async () => {
    const dir = tempWalDir();
    const wal = await Wal.open(dir, { preallocate: false });
    await appendEach(wal, 1, 10);
    const file = path.join(dir, segmentFiles(dir)[0]!);
    const bytes = fs.readFileSync(file);
    bytes[SEGMENT_HEADER_BYTES + 5 * 64 + 30]! ^= 0xff;
    fs.writeFileSync(file, bytes);
    const seen: number[] = [];
    const error = await expectCode(async () => {
      for await (const record of wal.replay()) seen.push(record.lsn);
    }, 'CORRUPTION');
    expect(error.details).toMatchObject({ offset: SEGMENT_HEADER_BYTES + 5 * 64, reason: 'checksum' });
    expect(seen.length).toBeLessThanOrEqual(5);
    await wal.close();
  });

  it('refuses a directory holding foreign files without touching it', async () => {
    const dir = tempWalDir();
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const error = await expectCode(Wal.open(dir), 'INVALID_ARGUMENT');
    expect(error.details?.files).toEqual(['notes.txt']);
    expect(fs.readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('reports a segment-named file with a bad magic as CORRUPTION', async () => {
    const dir = tempWalDir();
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, '0000000000000001-0000000000000001.wal'), Buffer.alloc(4096, 0x41));
    const error = await expectCode(Wal.open(dir), 'CORRUPTION');
    expect(error.details).toMatchObject({ segment: '0000000000000001-0000000000000001.wal', offset: 0, reason: 'header' });
    expect(error.message).toContain('bad magic');
    expect(fs.existsSync(path.join(dir, 'LOCK'))).toBe(false);
  });

  it('reports a damaged checkpoint file as CORRUPTION (salvage ignores it)', async () => {
    const dir = tempWalDir();
    const wal = await Wal.open(dir);
    await appendEach(wal, 1, 3);
    await wal.checkpoint(2);
    await wal.close();
    const file = path.join(dir, CHECKPOINT_FILE);
    const bytes = fs.readFileSync(file);
    bytes[17] ^= 1;
    fs.writeFileSync(file, bytes);
    await expectCode(Wal.open(dir), 'CORRUPTION');
    const salvaged = await Wal.open(dir, { recovery: 'salvage' });
    expect(salvaged.recovery.damage[0]).toMatchObject({ segment: CHECKPOINT_FILE, action: 'skipped' });
    expect((await readAll(salvaged, 1)).length).toBe(3);
    await salvaged.close();
  });
});

describe('Wal: locking', () => {
  it('refuses a second open in the same process, and allows it after close', async () => {
    const dir = tempWalDir();
    const wal = await Wal.open(dir);
    const error = await expectCode(Wal.open(dir), 'LOCKED');
    expect(error.details).toMatchObject({ pid: process.pid });
    await expectCode(Wal.open(path.join(dir, '..', path.basename(dir))), 'LOCKED');
    await wal.close();
    expect(fs.existsSync(path.join(dir, 'LOCK'))).toBe(false);
    await (await Wal.open(dir)).close();
  });

  it('refuses a second open under another spelling (trailing slash, relative, symlink); the holder keeps its lock and LSNs', async () => {
    const dir = tempWalDir();
    const wal = await Wal.open(dir);
    await appendEach(wal, 1, 2);
    const link = `${dir}-alias`;
    fs.symlinkSync(dir, link);
    for (const spelled of [`${dir}/`, path.relative(process.cwd(), dir), link, `${link}/`]) {
      const error = await expectCode(Wal.open(spelled), 'LOCKED');
      expect(error.details, spelled).toMatchObject({ pid: process.pid });
    }
    expect(fs.readFileSync(path.join(dir, 'LOCK'), 'latin1')).toMatch(new RegExp(`^${process.pid} `));
    expect((await wal.append(payloadFor(3))).lsn).toBe(3);
    await wal.close();
    const reopened = await Wal.open(link);
    expect((await readAll(reopened, 1)).map((r) => r.lsn)).toEqual([1, 2, 3]);
    await reopened.close();
  });

  it('refuses an open while another process holds the lock', async () => {
    const dir = tempWalDir();
    const wal = await Wal.open(dir);
    await wal.close();
    const holder = spawn(process.execPath, [
      '-e',
      `const fs=require('fs');const id=fs.readFileSync('/proc/sys/kernel/random/boot_id','latin1').trim();` +
        `fs.writeFileSync(${JSON.stringify(path.join(dir, 'LOCK'))}, process.pid+' '+id+'\\n');console.log('held');setInterval(()=>{},1000)`,
    ]);
    await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
    try {
      const error = await expectCode(Wal.open(dir), 'LOCKED');
      expect(error.details).toMatchObject({ pid: holder.pid });
    } finally {
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
    }
    // The owner is dead now: its lock is stale and is taken over.
    const reopened = await Wal.open(dir);
    expect(fs.readFileSync(path.join(dir, 'LOCK'), 'latin1')).toMatch(new RegExp(`^${process.pid} `));
    await reopened.close();
  });

  it('takes over a lock from a previous boot, a dead pid, or with content lost in a crash', async () => {
    for (const content of ['1 not-this-boot\n', '', 'garbage']) {
      const dir = tempWalDir();
      await (await Wal.open(dir)).close();
      fs.writeFileSync(path.join(dir, 'LOCK'), content);
      const wal = await Wal.open(dir);
      expect(wal.lastLsn).toBe(0);
      await wal.close();
    }
  });

  it('takes over the lock of an instance this process abandoned (a simulated crash)', async () => {
    const dir = tempWalDir();
    const wal = await Wal.open(dir);
    await appendEach(wal, 1, 3);
    abandonWal(wal);
    const again = await Wal.open(dir);
    expect(again.lastLsn).toBe(3);
    await again.close();
  });
});

describe('Wal: checkpoint', () => {
  it('records progress, deletes only segments wholly at or below it, never moves back', async () => {
    const dir = tempWalDir();
    let wal = await Wal.open(dir, { segmentBytes: 4096 });
    await appendEach(wal, 1, 100, 100);
    const before = segmentFiles(dir);
    await wal.checkpoint(50);
    const after = segmentFiles(dir);
    expect(after.length).toBeLessThan(before.length);
    // The oldest remaining segment still holds LSN 51 (and maybe some <= 50).
    expect(parseSegmentName(after[0]!)!.firstLsn).toBeLessThanOrEqual(51);
    expect(wal.checkpointLsn).toBe(50);
    expect(wal.firstLsn).toBeLessThanOrEqual(51);
    await wal.checkpoint(10); // no-op
    expect(wal.checkpointLsn).toBe(50);
    expect((await readAll(wal)).map((r) => r.lsn)[0]).toBe(51);
    await wal.close();
    wal = await Wal.open(dir, { segmentBytes: 4096 });
    expect(wal.checkpointLsn).toBe(50);
    expect(wal.recovery.checkpointLsn).toBe(50);
    expect((await readAll(wal)).map((r) => r.lsn)).toEqual(Array.from({ length: 50 }, (_, i) => i + 51));
    await wal.checkpoint(100);
    expect(segmentFiles(dir).length).toBe(1); // the active segment always stays
    await wal.close();
    wal = await Wal.open(dir, { segmentBytes: 4096 });
    expect(await readAll(wal)).toEqual([]);
    expect((await wal.append(payloadFor(101))).lsn).toBe(101);
    await wal.close();
  });

  it('defers deleting segments while a replay still reads them', async () => {
    const dir = tempWalDir();
    const wal = await Wal.open(dir, { segmentBytes: 4096, preallocate: false });
    await appendEach(wal, 1, 100, 100);
    const before = segmentFiles(dir);
    const replay = wal.replay({ from: 1 });
    expect((await replay.next()).value.lsn).toBe(1);
    await wal.checkpoint(60);
    expect(segmentFiles(dir)).toEqual(before);
    const rest: number[] = [];
    for await (const record of replay) rest.push(record.lsn);
    expect(rest).toEqual(Array.from({ length: 99 }, (_, i) => i + 2));
    await wal.checkpoint(61);
    expect(segmentFiles(dir).length).toBeLessThan(before.length);
    await wal.close();
  });

  /** A log of LSNs 1-5, checkpointed at 5, whose segments (and `alsoDelete`) are then deleted by hand. */
  async function checkpointedThenDeleted(alsoDelete: string[] = []): Promise<string> {
    const dir = tempWalDir();
    const wal = await Wal.open(dir);
    await appendEach(wal, 1, 5);
    await wal.checkpoint(5);
    await wal.close();
    for (const name of [...segmentFiles(dir), ...alsoDelete]) fs.unlinkSync(path.join(dir, name));
    return dir;
  }

  it('keeps LSNs increasing after every segment was checkpointed away', async () => {
    // The newest segment is never checkpointed away; deleting it by hand is a loss.
    const dir = await checkpointedThenDeleted();
    await expectCode(Wal.open(dir), 'CORRUPTION');
    let wal = await Wal.open(dir, { recovery: 'point-in-time' });
    const reserved = wal.lastLsn;
    expect(reserved).toBeGreaterThanOrEqual(5);
    expect((await wal.append(payloadFor(6))).lsn).toBe(reserved + 1);
    await wal.close();
    wal = await Wal.open(dir);
    expect((await readAll(wal)).map((r) => r.lsn)).toEqual([reserved + 1]);
    await wal.close();
  });

  it('a log whose segments were all checkpointed away, in a directory without a LIMIT file, keeps counting from the checkpoint', async () => {
    const dir = await checkpointedThenDeleted(['LIMIT']);
    let wal = await Wal.open(dir);
    expect(wal.lastLsn).toBe(5);
    expect((await wal.append(payloadFor(6))).lsn).toBe(6);
    await wal.close();
    wal = await Wal.open(dir);
    expect((await readAll(wal)).map((r) => r.lsn)).toEqual([6]);
    await wal.close();
  });
});

describe('Wal: deduplication', () => {
  it('returns the original LSN for a repeated id instead of writing again', async () => {
    const dir = tempWalDir();
    const wal = await Wal.open(dir, { dedupWindow: 100 });
    const first = await wal.append(payloadFor(1), { id: 'order-1' });
    const again = await wal.append(payloadFor(99), { id: 'order-1' });
    const bytes = await wal.append(payloadFor(2), { id: Buffer.from('order-1') });
    expect(first).toEqual({ lsn: 1, duplicate: false });
    expect(again).toEqual({ lsn: 1, duplicate: true });
    expect(bytes).toEqual({ lsn: 1, duplicate: true });
    // Identical payloads with different ids (or none) are legitimate, separate events.
    expect((await wal.append(payloadFor(1), { id: 'order-2' })).lsn).toBe(2);
    expect((await wal.append(payloadFor(1))).lsn).toBe(3);
    expect(wal.lastLsn).toBe(3);
    const records = await readAll(wal);
    expect(records.map((r) => [r.lsn, r.id])).toEqual([[1, 'order-1'], [2, 'order-2'], [3, undefined]]);
    await wal.close();
  });

  it('resolves a duplicate of an append still in flight once the original is durable', async () => {
    const wal = await Wal.open(tempWalDir(), { dedupWindow: 10 });
    const [a, b] = await Promise.all([wal.append(payloadFor(1), { id: 'x' }), wal.append(payloadFor(2), { id: 'x' })]);
    expect(a).toEqual({ lsn: 1, duplicate: false });
    expect(b).toEqual({ lsn: 1, duplicate: true });
    expect(wal.durableLsn).toBe(1);
    await wal.close();
  });

  it('rebuilds the window on reopen, including ids covered by a checkpoint', async () => {
    const dir = tempWalDir();
    let wal = await Wal.open(dir, { dedupWindow: 50, segmentBytes: 4096 });
    for (let i = 1; i <= 60; i++) await wal.append(payloadFor(i, 100), { id: `id-${i}` });
    await wal.checkpoint(60);
    await wal.close();
    wal = await Wal.open(dir, { dedupWindow: 50, segmentBytes: 4096 });
    // The segments holding these ids are gone; the checkpoint file carried the window.
    expect(await wal.append(payloadFor(0), { id: 'id-60' })).toEqual({ lsn: 60, duplicate: true });
    expect(await wal.append(payloadFor(0), { id: 'id-11' })).toEqual({ lsn: 11, duplicate: true });
    expect((await wal.append(payloadFor(61), { id: 'id-61' })).duplicate).toBe(false);
    await wal.close();
    wal = await Wal.open(dir, { dedupWindow: 50 });
    expect(await wal.append(payloadFor(0), { id: 'id-61' })).toEqual({ lsn: 61, duplicate: true });
    await wal.close();
  });

  it('forgets ids older than twice the window', async () => {
    const wal = await Wal.open(tempWalDir(), { dedupWindow: 4 });
    for (let i = 1; i <= 20; i++) await wal.append(payloadFor(i), { id: `k${i}` });
    expect((await wal.append(payloadFor(0), { id: 'k20' })).duplicate).toBe(true);
    expect((await wal.append(payloadFor(0), { id: 'k17' })).duplicate).toBe(true);
    expect((await wal.append(payloadFor(0), { id: 'k1' })).duplicate).toBe(false);
    await wal.close();
  });

  it('ignores ids when the window is 0 but still stores them', async () => {
    const wal = await Wal.open(tempWalDir());
    await wal.append(payloadFor(1), { id: 'same' });
    expect(await wal.append(payloadFor(2), { id: 'same' })).toEqual({ lsn: 2, duplicate: false });
    expect((await readAll(wal)).map((r) => r.id)).toEqual(['same', 'same']);
    await wal.close();
  });
});
