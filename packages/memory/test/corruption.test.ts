import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { LOCK_FILE, SNAPSHOT_FILE, openMemory } from '../src/index.js';
import { HEADER_SIZE } from '../src/persist/snapshot-format.js';
import { b, expectCode, tempDir } from './helpers.js';
import { propertySeed } from './seed.js';

/** A directory holding a valid snapshot of a few keyspaces; returns it and the file's bytes. */
async function validStore() {
  const dir = await tempDir();
  const engine = await openMemory({ path: dir });
  await engine.write([
    ...Array.from({ length: 30 }, (_, i) => ({ type: 'put' as const, key: b(i, i), value: b(i, 1, 2, 3) })),
    { type: 'put', keyspace: 'second', key: b(), value: b(9) },
  ]);
  await engine.close();
  const file = join(dir, SNAPSHOT_FILE);
  return { dir, file, bytes: await readFile(file) };
}

/** Rewrites the header's checksums so only the structure, not the checksum, is wrong. */
function resealed(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  out.writeBigUInt64LE(BigInt(out.length - HEADER_SIZE), 16);
  out.writeUInt32LE(crc32(out.subarray(HEADER_SIZE)), 24);
  out.writeUInt32LE(crc32(out.subarray(0, 28)), 28);
  return out;
}

/** Opening fails with `code`, leaves the file byte-for-byte as it was, and releases the lock. */
async function expectOpenFails(dir: string, file: string, damaged: Buffer, code: 'CORRUPTION' | 'NOT_SUPPORTED') {
  await writeFile(file, damaged);
  const error = await expectCode(() => openMemory({ path: dir }), code);
  expect((await readFile(file)).equals(damaged)).toBe(true);
  expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  return error;
}

describe('a damaged snapshot file fails open and is never half loaded', () => {
  it('wrong magic: CORRUPTION', async () => {
    const { dir, file, bytes } = await validStore();
    const damaged = Buffer.from(bytes);
    damaged.write('NOTTIDEK', 0, 'latin1');
    const error = await expectOpenFails(dir, file, damaged, 'CORRUPTION');
    expect(error.message).toMatch(/magic/);
    expect(error.details).toMatchObject({ file });
  });

  it('every single flipped byte, in header or payload: CORRUPTION', async () => {
    const { dir, file, bytes } = await validStore();
    const seed = propertySeed('snapshot byte flips');
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const damaged = Buffer.from(bytes);
        damaged[at] = damaged[at]! ^ xor;
        await expectOpenFails(dir, file, damaged, 'CORRUPTION');
      }),
      { seed, numRuns: 60 },
    );
  });

  it('truncated anywhere, including inside the header and to zero bytes: CORRUPTION', async () => {
    const { dir, file, bytes } = await validStore();
    for (const length of [0, 1, 8, HEADER_SIZE - 1, HEADER_SIZE, HEADER_SIZE + 1, bytes.length >> 1, bytes.length - 1]) {
      await expectOpenFails(dir, file, bytes.subarray(0, length), 'CORRUPTION');
    }
  });

  it('extra bytes after the payload: CORRUPTION', async () => {
    const { dir, file, bytes } = await validStore();
    await expectOpenFails(dir, file, Buffer.concat([bytes, Buffer.from([0])]), 'CORRUPTION');
  });

  it('a newer format version with a valid header: NOT_SUPPORTED', async () => {
    const { dir, file, bytes } = await validStore();
    const newer = Buffer.from(bytes);
    newer.writeUInt32LE(2, 8);
    await expectOpenFails(dir, file, resealed(newer), 'NOT_SUPPORTED');
  });

  it('checksums that match over a structure that does not: CORRUPTION', async () => {
    const { dir, file, bytes } = await validStore();
    // keyspace count larger than the payload holds
    const moreKeyspaces = Buffer.from(bytes);
    moreKeyspaces.writeUInt32LE(3, 12);
    await expectOpenFails(dir, file, resealed(moreKeyspaces), 'CORRUPTION');
    // the first keyspace name turned into one that is not a valid name
    const badName = Buffer.from(bytes);
    badName[HEADER_SIZE + 1] = '/'.charCodeAt(0);
    await expectOpenFails(dir, file, resealed(badName), 'CORRUPTION');
    // the first key raised above the second: key 0 is [0,0], key 1 is [1,1]
    const unordered = Buffer.from(bytes);
    const firstKey = HEADER_SIZE + 1 + 7 + 4 + 8; // after name length, 'default', count, key and value lengths
    unordered[firstKey] = 5;
    unordered[firstKey + 1] = 5;
    expect((await expectOpenFails(dir, file, resealed(unordered), 'CORRUPTION')).message).toMatch(/out of order/);
    // a key length running past the end
    const longKey = Buffer.from(bytes);
    longKey.writeUInt32LE(1_000_000, firstKey - 8);
    await expectOpenFails(dir, file, resealed(longKey), 'CORRUPTION');
    // a key over the key size limit
    const hugeKey = Buffer.from(bytes);
    hugeKey.writeUInt32LE(64 * 1024 + 1, firstKey - 8);
    expect((await expectOpenFails(dir, file, resealed(hugeKey), 'CORRUPTION')).message).toMatch(/key size limit/);
    // a value over the value size limit
    const hugeValue = Buffer.from(bytes);
    hugeValue.writeUInt32LE(32 * 1024 * 1024 + 1, firstKey - 4);
    expect((await expectOpenFails(dir, file, resealed(hugeValue), 'CORRUPTION')).message).toMatch(/value size limit/);
    // the same keyspace twice
    const twice = resealed(Buffer.concat([bytes, bytes.subarray(HEADER_SIZE)]));
    twice.writeUInt32LE(4, 12);
    await expectOpenFails(dir, file, resealed(twice), 'CORRUPTION');
  });

  it('opens again once the original file is put back', async () => {
    const { dir, file, bytes } = await validStore();
    const damaged = Buffer.from(bytes);
    damaged[bytes.length - 1] ^= 1;
    await expectOpenFails(dir, file, damaged, 'CORRUPTION');
    await writeFile(file, bytes);
    const engine = await openMemory({ path: dir });
    expect(await engine.keyspace('second').get(b())).toEqual(b(9));
    expect((await engine.keyspace('default').iterate().all()).length).toBe(30);
    await engine.close();
  });

  it('a snapshot path that is a directory fails open with IO_ERROR', async () => {
    const dir = await tempDir();
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, SNAPSHOT_FILE));
    await expectCode(() => openMemory({ path: dir }), 'IO_ERROR');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
