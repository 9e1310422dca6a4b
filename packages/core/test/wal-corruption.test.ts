/**
 * Damage on disk, byte by byte: every recovery mode must keep exactly the records the
 * damage left intact (or refuse with CORRUPTION naming segment and offset).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TidekvError, Wal, type WalRecoveryMode } from '../src/index.js';
import { SEGMENT_HEADER_BYTES, encodeFrame, frameLength, parseSegmentName } from '../src/wal/format.js';
import { nodeFileSystem, type FileSystem } from '../src/fs/file-system.js';
import { openWalWith } from '../src/wal/wal.js';
import { appendEach, copyDir, payloadFor, readAll, segmentFiles, tempWalDir } from './fixtures/wal-helpers.js';

const SIZE = 40; // payload bytes: 64-byte frames
const FRAME = frameLength(SIZE);
const offsetOf = (lsn: number) => SEGMENT_HEADER_BYTES + (lsn - 1) * FRAME;
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** A log of `count` records appended one at a time (each its own commit group). */
async function buildLog(count: number, size = SIZE, options = {}): Promise<{ dir: string; segment: string; bytes: Buffer }> {
  const dir = tempWalDir('pristine');
  const wal = await Wal.open(dir, options);
  await appendEach(wal, 1, count, size);
  await wal.close();
  const segment = segmentFiles(dir)[0]!;
  return { dir, segment, bytes: fs.readFileSync(path.join(dir, segment)) };
}

type Outcome = { lsns: number[]; wal: Wal } | { error: TidekvError };

async function openWith(dir: string, recovery: WalRecoveryMode, fileSystem: FileSystem = nodeFileSystem): Promise<Outcome> {
  try {
    const wal = await openWalWith(fileSystem, dir, { recovery });
    const records = await readAll(wal, 1);
    for (const r of records) expect(r.payload.equals(payloadFor(r.lsn, r.payload.length)), `payload of ${r.lsn}`).toBe(true);
    return { lsns: records.map((r) => r.lsn), wal };
  } catch (error) {
    if (!(error instanceof TidekvError)) throw error;
    return { error };
  }
}

/** Writes `bytes` as the log's only segment in a fresh copy of the pristine directory. */
function damaged(source: string, segment: string, bytes: Buffer): string {
  const dir = tempWalDir('damaged');
  copyDir(source, dir);
  fs.writeFileSync(path.join(dir, segment), bytes);
  return dir;
}

async function expectRecovered(dir: string, recovery: WalRecoveryMode, lsns: number[]): Promise<Wal> {
  const outcome = await openWith(dir, recovery);
  if ('error' in outcome) throw new Error(`${recovery}: unexpected ${outcome.error.code}: ${outcome.error.message}`);
  expect(outcome.lsns, recovery).toEqual(lsns);
  return outcome.wal;
}

async function expectCorruption(dir: string, recovery: WalRecoveryMode, segment: string, offset: number): Promise<TidekvError> {
  const outcome = await openWith(dir, recovery);
  if (!('error' in outcome)) {
    await outcome.wal.close();
    throw new Error(`${recovery}: opened, expected CORRUPTION`);
  }
  expect(outcome.error.code).toBe('CORRUPTION');
  expect(outcome.error.details).toMatchObject({ segment, offset });
  expect(outcome.error.message).toContain(segment);
  expect(outcome.error.message).toContain(`offset ${offset}`);
  return outcome.error;
}

describe('WAL recovery: truncation at every byte offset of the last three records', () => {
  it('keeps exactly the whole records, in every mode; strict refuses a partial one', async () => {
    const count = 10;
    const { dir: pristine, segment, bytes } = await buildLog(count);
    const dir = tempWalDir('cut');
    copyDir(pristine, dir);
    const file = path.join(dir, segment);
    for (let cut = offsetOf(count - 2); cut < bytes.length; cut++) {
      const whole = Math.floor((cut - SEGMENT_HEADER_BYTES) / FRAME);
      const atBoundary = offsetOf(whole + 1) === cut;
      for (const mode of ['strict', 'tolerate-tail', 'point-in-time', 'salvage'] as const) {
        fs.writeFileSync(file, bytes.subarray(0, cut));
        if (mode === 'strict' && !atBoundary) {
          await expectCorruption(dir, mode, segment, offsetOf(whole + 1));
          continue;
        }
        const wal = await expectRecovered(dir, mode, range(1, whole));
        if (atBoundary) expect(wal.recovery.clean).toBe(true);
        else {
          expect(wal.recovery.damage).toEqual([
            expect.objectContaining({ segment, offset: offsetOf(whole + 1), action: mode === 'point-in-time' ? 'dropped' : 'truncated' }),
          ]);
          expect(fs.statSync(file).size).toBe(offsetOf(whole + 1));
        }
        if (mode === 'tolerate-tail') {
          // The log continues cleanly after the cut.
          expect((await wal.append(payloadFor(whole + 1))).lsn).toBe(whole + 1);
          await wal.close();
          const again = await expectRecovered(dir, 'strict', range(1, whole + 1));
          await again.close();
        } else await wal.close();
      }
    }
  });
});

describe('WAL recovery: bit flips', () => {
  it('detects every flipped header bit of a middle record', async () => {
    const { dir: pristine, segment, bytes } = await buildLog(10);
    const at = offsetOf(5);
    for (let bit = 0; bit < 24 * 8; bit++) {
      const copy = Buffer.from(bytes);
      copy[at + (bit >> 3)]! ^= 1 << (bit & 7);
      const dir = damaged(pristine, segment, copy);
      await expectCorruption(dir, 'strict', segment, at);
      await expectCorruption(dir, 'tolerate-tail', segment, at);
      const salvaged = await expectRecovered(dir, 'salvage', [1, 2, 3, 4, 6, 7, 8, 9, 10]);
      expect(salvaged.recovery.damage).toEqual([expect.objectContaining({ offset: at, action: 'skipped', lostLsns: { from: 5, to: 5 } })]);
      // Salvage keeps the damage in place, so it is found (and skipped) again next time.
      await salvaged.close();
      await (await expectRecovered(dir, 'salvage', [1, 2, 3, 4, 6, 7, 8, 9, 10])).close();
      const pit = await expectRecovered(dir, 'point-in-time', [1, 2, 3, 4]);
      expect(pit.recovery).toMatchObject({ droppedRecords: 5, damage: [expect.objectContaining({ offset: at, action: 'dropped', lostLsns: { from: 5, to: 10 } })] });
      expect(fs.existsSync(path.join(dir, segment + '.broken'))).toBe(true);
      expect((await pit.append(payloadFor(5))).lsn).toBe(5);
      await pit.close();
      if (bit === 0) {
        // Evidence from an earlier recovery is never overwritten.
        const file = path.join(dir, segment);
        const again = fs.readFileSync(file);
        again[offsetOf(2) + 9]! ^= 1;
        fs.writeFileSync(file, again);
        await (await expectRecovered(dir, 'point-in-time', [1])).close();
        expect(fs.readdirSync(dir).filter((n) => n.endsWith('.broken')).sort()).toEqual([`${segment}.1.broken`, `${segment}.broken`]);
      }
    }
  });

  it('detects flipped payload bits, and flipped bits in the last record are a torn tail', async () => {
    const { dir: pristine, segment, bytes } = await buildLog(10);
    for (let bit = 24 * 8; bit < FRAME * 8; bit += 13) {
      const copy = Buffer.from(bytes);
      copy[offsetOf(5) + (bit >> 3)]! ^= 1 << (bit & 7);
      const dir = damaged(pristine, segment, copy);
      await expectCorruption(dir, 'tolerate-tail', segment, offsetOf(5));
      await (await expectRecovered(dir, 'salvage', [1, 2, 3, 4, 6, 7, 8, 9, 10])).close();
    }
    for (let bit = 0; bit < (24 + SIZE) * 8; bit += 3) {
      const copy = Buffer.from(bytes);
      copy[offsetOf(10) + (bit >> 3)]! ^= 1 << (bit & 7);
      const dir = damaged(pristine, segment, copy);
      await expectCorruption(dir, 'strict', segment, offsetOf(10));
      const wal = await expectRecovered(dir, 'tolerate-tail', range(1, 9));
      expect(wal.recovery.damage[0]).toMatchObject({ action: 'truncated', offset: offsetOf(10) });
      await wal.close();
    }
  });
});

describe('WAL recovery: sectors', () => {
  const P = 100; // 128-byte frames
  const F = frameLength(P);
  const at = (lsn: number) => SEGMENT_HEADER_BYTES + (lsn - 1) * F;
  const touching = (start: number, end: number, count: number) =>
    range(1, count).filter((lsn) => at(lsn) < end && at(lsn) + F > start);

  for (const fill of ['zero', 'garbage'] as const) {
    it(`a ${fill} sector in the middle: refused, or cut (point-in-time), or stepped over (salvage)`, async () => {
      const { dir: pristine, segment, bytes } = await buildLog(40, P);
      const copy = Buffer.from(bytes);
      if (fill === 'zero') copy.fill(0, 1024, 1536);
      else for (let i = 1024; i < 1536; i++) copy[i] = (i * 7919 + 13) & 0xff;
      const lost = touching(1024, 1536, 40);
      const dir = damaged(pristine, segment, copy);
      await expectCorruption(dir, 'tolerate-tail', segment, at(lost[0]!));
      await expectCorruption(dir, 'strict', segment, at(lost[0]!));
      const salvaged = await expectRecovered(dir, 'salvage', range(1, 40).filter((l) => !lost.includes(l)));
      expect(salvaged.recovery.damage[0]).toMatchObject({ action: 'skipped', lostLsns: { from: lost[0], to: lost.at(-1) } });
      await salvaged.close();
      await (await expectRecovered(dir, 'point-in-time', range(1, lost[0]! - 1))).close();
    });

    it(`a ${fill} sector inside the final commit group is a torn tail, and the log continues cleanly`, async () => {
      const dir = tempWalDir();
      let wal = await Wal.open(dir);
      await appendEach(wal, 1, 30, P);
      await Promise.all(range(31, 40).map((i) => wal.append(payloadFor(i, P))));
      await wal.close();
      const file = path.join(dir, segmentFiles(dir)[0]!);
      const bytes = fs.readFileSync(file);
      const sector = Math.floor(at(34) / 512) * 512;
      if (fill === 'zero') bytes.fill(0, sector, sector + 512);
      else for (let i = sector; i < sector + 512; i++) bytes[i] = (i * 31 + 7) & 0xff;
      fs.writeFileSync(file, bytes);
      const lost = touching(sector, sector + 512, 40);
      expect(lost.at(-1)).toBeLessThan(40); // a valid record of the same group follows the hole
      await expectCorruption(dir, 'strict', path.basename(file), at(lost[0]!));
      wal = await expectRecovered(dir, 'tolerate-tail', range(1, lost[0]! - 1));
      expect(wal.recovery.damage[0]).toMatchObject({ action: 'truncated', lostLsns: { from: lost[0], to: 40 } });
      expect(wal.recovery.droppedRecords).toBe(40 - lost.at(-1)!);
      // truncate, append, reopen: no stale record of the torn group may come back.
      for (let i = lost[0]!; i < lost[0]! + 3; i++) expect((await wal.append(payloadFor(i, 60))).lsn).toBe(i);
      await wal.close();
      await (await expectRecovered(dir, 'strict', range(1, lost[0]! + 2))).close();
    });

    it(`a ${fill} sector at the tail is truncated`, async () => {
      const { dir: pristine, segment, bytes } = await buildLog(40, P);
      const copy = Buffer.from(bytes);
      const sector = Math.floor((bytes.length - 1) / 512) * 512;
      if (fill === 'zero') copy.fill(0, sector);
      else for (let i = sector; i < copy.length; i++) copy[i] = (i * 13 + 1) & 0xff;
      const dir = damaged(pristine, segment, copy);
      const first = touching(sector, copy.length, 40)[0]!;
      await (await expectRecovered(dir, 'tolerate-tail', range(1, first - 1))).close();
    });
  }

  it('zeroed space after the last record is preallocated space: a clean end in every mode', async () => {
    const { dir: pristine, segment, bytes } = await buildLog(5);
    // Shorter than a frame header, too: a segment filled to within 8 or 16 bytes of its size.
    for (const zeros of [8, 16, 24, 8192]) {
      const dir = damaged(pristine, segment, Buffer.concat([bytes, Buffer.alloc(zeros)]));
      for (const mode of ['strict', 'tolerate-tail', 'point-in-time', 'salvage'] as const) {
        const wal = await expectRecovered(dir, mode, range(1, 5));
        expect(wal.recovery.clean, `${zeros} zero bytes, ${mode}`).toBe(true);
        await wal.close();
      }
      expect(fs.statSync(path.join(dir, segment)).size).toBe(bytes.length + zeros);
    }
  });

  it('a torn frame inside preallocated space is a torn tail', async () => {
    const { dir: pristine, segment, bytes } = await buildLog(5);
    const tail = Buffer.alloc(8192);
    bytes.copy(tail, 0, offsetOf(2), offsetOf(2) + 30); // the start of a frame, then zeros
    tail.writeUInt32LE(6, 8); // with the next LSN, as a torn write of record 6 would leave
    const dir = damaged(pristine, segment, Buffer.concat([bytes, tail]));
    await expectCorruption(dir, 'strict', segment, bytes.length);
    const wal = await expectRecovered(dir, 'tolerate-tail', range(1, 5));
    expect(wal.recovery.damage[0]).toMatchObject({ action: 'truncated', offset: bytes.length });
    await wal.close();
  });
});

describe('WAL recovery: lengths that lie', () => {
  /** A FileSystem that records the largest read it was asked for. */
  function readRecorder(): FileSystem & { largest: number } {
    const recorder = { ...nodeFileSystem, largest: 0 };
    recorder.read = (fd, b, o, l, p) => {
      recorder.largest = Math.max(recorder.largest, l);
      return nodeFileSystem.read(fd, b, o, l, p);
    };
    return recorder;
  }

  for (const [name, length] of [['0xFFFFFFFF', 0xffffffff], ['past EOF', 1 << 20], ['just past EOF', 10 * FRAME]] as const) {
    it(`a length of ${name} never allocates more than the file`, async () => {
      const { dir: pristine, segment, bytes } = await buildLog(10);
      for (const lsn of [10, 5]) {
        const copy = Buffer.from(bytes);
        copy.writeUInt32LE(length, offsetOf(lsn));
        const dir = damaged(pristine, segment, copy);
        const fs1 = readRecorder();
        const outcome = await openWith(dir, lsn === 10 ? 'tolerate-tail' : 'salvage', fs1);
        if ('error' in outcome) throw outcome.error;
        expect(outcome.lsns).toEqual(range(1, 10).filter((l) => l !== lsn));
        expect(fs1.largest).toBeLessThanOrEqual(1 << 20);
        await outcome.wal.close();
        if (lsn === 5) await expectCorruption(dir, 'tolerate-tail', segment, offsetOf(5));
      }
    });
  }
});

describe('WAL recovery: stale bytes', () => {
  it('a frame with a valid checksum under another salt is not a record', async () => {
    const { dir: pristine, segment, bytes } = await buildLog(5);
    const salt = bytes.readUInt32LE(12);
    const stale = Buffer.alloc(FRAME);
    encodeFrame(stale, 0, (salt + 1) >>> 0, 6, 0, undefined, payloadFor(6));
    const dir = damaged(pristine, segment, Buffer.concat([bytes, stale]));
    const wal = await expectRecovered(dir, 'tolerate-tail', range(1, 5));
    expect(wal.recovery.damage[0]).toMatchObject({ reason: 'checksum', offset: bytes.length });
    await wal.close();
    await (await expectRecovered(dir, 'strict', range(1, 5))).close(); // the tail was cut
  });

  it('a valid frame of this segment with an old LSN (a stale copy) is not a record', async () => {
    const { dir: pristine, segment, bytes } = await buildLog(5);
    const dir = damaged(pristine, segment, Buffer.concat([bytes, bytes.subarray(offsetOf(2), offsetOf(3))]));
    const wal = await expectRecovered(dir, 'tolerate-tail', range(1, 5));
    expect(wal.recovery.damage[0]).toMatchObject({ reason: 'lsn', offset: bytes.length });
    await wal.close();
  });

  it('a valid frame with a later LSN after a hole proves corruption', async () => {
    const { dir: pristine, segment, bytes } = await buildLog(5);
    const salt = bytes.readUInt32LE(12);
    const future = Buffer.alloc(FRAME);
    encodeFrame(future, 0, salt, 8, 0, undefined, payloadFor(8));
    const dir = damaged(pristine, segment, Buffer.concat([bytes, future]));
    await expectCorruption(dir, 'tolerate-tail', segment, bytes.length);
    const salvaged = await expectRecovered(dir, 'salvage', [1, 2, 3, 4, 5, 8]);
    expect(salvaged.recovery.damage[0]).toMatchObject({ reason: 'lsn', lostLsns: { from: 6, to: 7 } });
    expect((await salvaged.append(payloadFor(9))).lsn).toBe(9);
    await salvaged.close();
  });
});

describe('WAL recovery: segments', () => {
  async function segmentedLog() {
    const dir = tempWalDir('pristine');
    const wal = await Wal.open(dir, { segmentBytes: 4096, preallocate: false });
    await appendEach(wal, 1, 120, 100);
    await wal.close();
    const files = segmentFiles(dir);
    expect(files.length).toBeGreaterThanOrEqual(4);
    const lsnsOf = (i: number) => {
      const first = Number.parseInt(files[i]!.slice(17, 33), 16);
      const count = (fs.statSync(path.join(dir, files[i]!)).size - SEGMENT_HEADER_BYTES) / frameLength(100);
      return range(first, first + count - 1);
    };
    return { dir, files, lsnsOf };
  }

  it('a missing middle segment is an LSN gap', async () => {
    const { dir: pristine, files, lsnsOf } = await segmentedLog();
    const dir = tempWalDir('gap');
    copyDir(pristine, dir);
    fs.unlinkSync(path.join(dir, files[1]!));
    await expectCorruption(dir, 'tolerate-tail', files[2]!, 0);
    const strictError = await expectCorruption(dir, 'strict', files[2]!, 0);
    expect(strictError.details).toMatchObject({ reason: 'gap' });
    const salvaged = await expectRecovered(dir, 'salvage', range(1, 120).filter((l) => !lsnsOf(1).includes(l)));
    expect(salvaged.recovery.damage[0]).toMatchObject({ reason: 'gap', action: 'skipped', lostLsns: { from: lsnsOf(1)[0], to: lsnsOf(1).at(-1) } });
    await salvaged.close();
    const pit = await expectRecovered(dir, 'point-in-time', lsnsOf(0));
    expect(pit.recovery.droppedSegments).toEqual(files.slice(2));
    expect(segmentFiles(dir)).toEqual([files[0]]);
    expect(fs.existsSync(path.join(dir, files[2]! + '.broken'))).toBe(true);
    // Appends continue after the cut; the set-aside segments stay out of the way.
    expect((await pit.append(payloadFor(lsnsOf(0).length + 1, 100))).lsn).toBe(lsnsOf(0).length + 1);
    await pit.close();
    await (await expectRecovered(dir, 'strict', range(1, lsnsOf(0).length + 1))).close();
  });

  it('damage in an earlier segment is corruption when a later segment holds records', async () => {
    const { dir: pristine, files, lsnsOf } = await segmentedLog();
    const dir = tempWalDir('tail-of-first');
    copyDir(pristine, dir);
    const first = path.join(dir, files[0]!);
    const size = fs.statSync(first).size;
    fs.truncateSync(first, size - 10);
    const lastOfFirst = lsnsOf(0).at(-1)!;
    await expectCorruption(dir, 'tolerate-tail', files[0]!, size - frameLength(100));
    await (await expectRecovered(dir, 'point-in-time', range(1, lastOfFirst - 1))).close();
  });

  it('a last segment cut inside its header (interrupted rotation, before LIMIT named it) is removed', async () => {
    const { dir: pristine, files, lsnsOf } = await segmentedLog();
    const dir = tempWalDir('torn-header');
    copyDir(pristine, dir);
    const last = files.at(-1)!;
    fs.writeFileSync(path.join(dir, last), fs.readFileSync(path.join(dir, last)).subarray(0, 20));
    // LIMIT names the segment once its header is durable, so with it this is a loss, not a rotation.
    await expectCorruption(dir, 'tolerate-tail', last, 0);
    fs.unlinkSync(path.join(dir, 'LIMIT'));
    await expectCorruption(dir, 'strict', last, 0);
    const wal = await expectRecovered(dir, 'tolerate-tail', range(1, lsnsOf(files.length - 2).at(-1)!));
    expect(wal.recovery.removedFiles).toEqual([last]);
    await wal.close();
  });

  it('a damaged header of a middle segment refuses to open', async () => {
    const { dir: pristine, files } = await segmentedLog();
    const dir = tempWalDir('bad-header');
    copyDir(pristine, dir);
    const file = path.join(dir, files[1]!);
    const bytes = fs.readFileSync(file);
    bytes[13]! ^= 0x10; // the salt: the header checksum catches it
    fs.writeFileSync(file, bytes);
    await expectCorruption(dir, 'tolerate-tail', files[1]!, 0);
  });
});

describe('WAL recovery: the newest segment lost (deleted or truncated to zero bytes)', () => {
  for (const loss of ['deleted', 'truncated to zero bytes'] as const) {
    it(`${loss}: refused in strict and tolerate-tail; point-in-time reports it and never reuses an acknowledged LSN`, async () => {
      const dir = tempWalDir();
      const wal = await Wal.open(dir, { segmentBytes: 4096 });
      await appendEach(wal, 1, 60, 200);
      await wal.close();
      const files = segmentFiles(dir);
      expect(files.length).toBeGreaterThan(2);
      const newest = files.at(-1)!;
      const newestFirst = parseSegmentName(newest)!.firstLsn;
      if (loss === 'deleted') fs.unlinkSync(path.join(dir, newest));
      else fs.truncateSync(path.join(dir, newest), 0);

      for (const recovery of ['strict', 'tolerate-tail'] as const) {
        const error = await Wal.open(dir, { recovery, segmentBytes: 4096 }).then(
          (opened) => opened.close().then(() => undefined),
          (e: unknown) => e,
        );
        expect(error, recovery).toMatchObject({ name: 'TidekvError', code: 'CORRUPTION', details: { reason: 'missing' } });
      }

      const recovered = await Wal.open(dir, { recovery: 'point-in-time', segmentBytes: 4096 });
      expect(recovered.recovery.clean).toBe(false);
      const missing = recovered.recovery.damage.find((d) => d.reason === 'missing');
      expect(missing).toMatchObject({ segment: newest, action: 'dropped' });
      expect(missing!.lostLsns!.from).toBe(newestFirst);
      expect(missing!.lostLsns!.to).toBeGreaterThanOrEqual(60);
      expect((await readAll(recovered, 1)).map((r) => r.lsn)).toEqual(Array.from({ length: newestFirst - 1 }, (_, i) => i + 1));
      // Every LSN up to 60 was acknowledged: none is handed out again.
      const next = (await recovered.append(payloadFor(1000, 200))).lsn;
      expect(next).toBeGreaterThan(60);
      expect(next).toBe(missing!.lostLsns!.to + 1);
      await recovered.close();

      // The loss is on record: later opens, even strict, accept the gap and keep counting up.
      for (const recovery of ['tolerate-tail', 'strict'] as const) {
        const again = await Wal.open(dir, { recovery, segmentBytes: 4096 });
        expect(again.lastLsn, recovery).toBe(next);
        expect((await readAll(again, 1)).at(-1)!.lsn).toBe(next);
        await again.close();
      }
    });
  }

  it('a newest segment lost before anything is appended after a point-in-time recovery is still never reused', async () => {
    const dir = tempWalDir();
    const wal = await Wal.open(dir, { segmentBytes: 4096 });
    await appendEach(wal, 1, 40, 200);
    await wal.close();
    fs.unlinkSync(path.join(dir, segmentFiles(dir).at(-1)!));
    const recovered = await Wal.open(dir, { recovery: 'salvage', segmentBytes: 4096 });
    const reserved = recovered.lastLsn;
    expect(reserved).toBeGreaterThanOrEqual(40);
    expect(recovered.recovery.damage.find((d) => d.reason === 'missing')).toMatchObject({ action: 'skipped' });
    await recovered.close();
    const again = await Wal.open(dir, { segmentBytes: 4096 });
    expect(again.lastLsn).toBe(reserved);
    expect((await again.append(payloadFor(1, 200))).lsn).toBe(reserved + 1);
    await again.close();
  });
});
