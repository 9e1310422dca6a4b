import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32Range } from '../src/wal/crc.js';
import {
  FRAME_HEADER_BYTES,
  SEGMENT_HEADER_BYTES,
  decodeSegmentHeader,
  encodeFrame,
  encodeSegmentHeader,
  frameLength,
  inspectFrameHeader,
  parseSegmentName,
  segmentName,
  verifyFrame,
} from '../src/wal/format.js';
import { decodeCheckpoint, encodeCheckpoint } from '../src/wal/checkpoint-file.js';

const seed = Number(process.env.TIDEKV_SEED ?? Date.now());
console.log('fast-check seed', seed);

describe('WAL format', () => {
  it('crc32Range equals zlib.crc32 for any range and seed, short or long', () => {
    fc.assert(
      // Frames always checksum at least 16 bytes (zlib returns 0, not the seed, for an
      // empty array without a backing store).
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2000 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 0xffffffff }), (bytes, a, b, s) => {
        const start = a % bytes.length;
        const end = start + 1 + (b % (bytes.length - start));
        expect(crc32Range(bytes, start, end, s)).toBe(crc32(bytes.subarray(start, end), s));
      }),
      { seed, numRuns: 300 },
    );
  });

  it('segment names are fixed width, sort in log order and round-trip', () => {
    expect(segmentName(1, 1)).toBe('0000000000000001-0000000000000001.wal');
    expect(parseSegmentName(segmentName(0x1234, 2 ** 53 - 1))).toEqual({ sequence: 0x1234, firstLsn: 2 ** 53 - 1 });
    const names = [segmentName(10, 900), segmentName(2, 5), segmentName(9, 100)];
    expect([...names].sort()).toEqual([segmentName(2, 5), segmentName(9, 100), segmentName(10, 900)]);
    for (const bad of ['1-1.wal', '0000000000000001-0000000000000001.log', 'x000000000000001-0000000000000001.wal', 'ffffffffffffffff-0000000000000001.wal']) {
      expect(parseSegmentName(bad)).toBeUndefined();
    }
  });

  it('segment headers round-trip and every damaged byte is detected', () => {
    const header = encodeSegmentHeader({ salt: 0xdeadbeef, firstLsn: 2 ** 40 + 3, sequence: 7 });
    expect(header.length).toBe(SEGMENT_HEADER_BYTES);
    expect(decodeSegmentHeader(header)).toEqual({ salt: 0xdeadbeef, firstLsn: 2 ** 40 + 3, sequence: 7 });
    expect(decodeSegmentHeader(header.subarray(0, 39))).toBe('short');
    for (let i = 0; i < SEGMENT_HEADER_BYTES; i++) {
      const copy = Buffer.from(header);
      copy[i]! ^= 0x01;
      expect(decodeSegmentHeader(copy), `byte ${i}`).toBeTypeOf('string');
    }
    const foreign = Buffer.from(header);
    foreign.write('NOTAWAL!', 0, 'latin1');
    expect(decodeSegmentHeader(foreign)).toBe('magic');
  });

  it('frames round-trip, are 8-byte aligned and zero-padded, and check salt and length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.option(fc.uint8Array({ minLength: 1, maxLength: 40 }), { nil: undefined }), fc.integer({ min: 1, max: 2 ** 53 - 1 }), fc.integer({ min: 0, max: 0xffffffff }), (payload, id, lsn, salt) => {
        const body = payload.length + (id?.length ?? 0);
        const buf = Buffer.alloc(frameLength(body) + 16, 0xee);
        const n = encodeFrame(buf, 8, salt, lsn, 3, id, payload);
        expect(n % 8).toBe(0);
        expect(n).toBe(frameLength(body));
        expect(buf.subarray(8 + FRAME_HEADER_BYTES + body, 8 + n).every((b) => b === 0)).toBe(true);
        const frame = buf.subarray(8);
        expect(inspectFrameHeader(frame, n)).toEqual({ bodyLength: body });
        expect(verifyFrame(frame, salt, body)).toEqual({ lsn, groupIndex: 3, idLength: id?.length ?? 0, bodyLength: body, frameLength: n });
        expect(verifyFrame(frame, (salt ^ 1) >>> 0, body)).toBe('checksum');
        expect(inspectFrameHeader(frame, FRAME_HEADER_BYTES + body - 1)).toBe('truncated');
      }),
      { seed, numRuns: 200 },
    );
  });

  it('an all-zero frame header is reported as zeroed, a huge length never as a frame', () => {
    expect(inspectFrameHeader(Buffer.alloc(24), 1000)).toEqual({ bodyLength: 0 });
    expect(verifyFrame(Buffer.alloc(24), 0, 0)).toBe('zeroed');
    const huge = Buffer.alloc(24);
    huge.writeUInt32LE(0xffffffff, 0);
    expect(inspectFrameHeader(huge, 1 << 20)).toBe('length');
  });

  it('checkpoint files round-trip and reject any damage', () => {
    const state = { lsn: 12345, ids: [['a', 3], ['\u00ff\u0000x', 9]] as Array<[string, number]> };
    const bytes = encodeCheckpoint(state);
    expect(decodeCheckpoint(bytes)).toEqual(state);
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i]! ^= 0x40;
      expect(decodeCheckpoint(copy), `byte ${i}`).toBeUndefined();
    }
    expect(decodeCheckpoint(bytes.subarray(0, bytes.length - 1))).toBeUndefined();
  });
});
