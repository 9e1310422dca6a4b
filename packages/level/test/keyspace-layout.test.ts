/**
 * How keyspaces are stored: a 2-byte id before every key, and a registry (under the 0x00
 * meta prefix) naming each id. Checked by reading the database with classic-level directly.
 */
import { ClassicLevel } from 'classic-level';
import { describe, expect, it } from 'vitest';
import { openLevel } from '@tidekv/level';
import { bytes, tempDir, text } from './temp-dir.js';

async function rawEntries(path: string): Promise<[string, string][]> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  try {
    const entries = await db.iterator().all();
    return entries.map(([k, v]) => [Buffer.from(k).toString('hex'), Buffer.from(v).toString('hex')]);
  } finally {
    await db.close();
  }
}

async function writeRaw(path: string, key: Uint8Array, value: Uint8Array): Promise<void> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  await db.put(key, value);
  await db.close();
}

const hex = (s: string) => Buffer.from(s).toString('hex');
const registryKey = (name: string) => '006b' + hex(name);

describe('keyspace layout', () => {
  it('stores each key under its keyspace id, with one registry entry per written keyspace', async () => {
    const path = tempDir();
    const engine = await openLevel({ path });
    await engine.keyspace('alpha').put(bytes('a'), bytes('1'));
    await engine.write([
      { type: 'put', keyspace: 'beta', key: bytes('b'), value: bytes('2') },
      { type: 'put', key: new Uint8Array(0), value: bytes('3') },
    ]);
    // Only read, never written: must leave nothing behind.
    expect(await engine.keyspace('gamma').get(bytes('x'))).toBeUndefined();
    await engine.snapshot!().keyspace('delta').iterate().all();
    await engine.close();

    const entries = (await rawEntries(path)).filter(([k]) => k !== '0066'); // the flush marker is a delete
    expect(entries).toEqual([
      [registryKey('alpha'), '0100'],
      [registryKey('beta'), '0101'],
      [registryKey('default'), '0102'],
      ['0100' + hex('a'), hex('1')],
      ['0101' + hex('b'), hex('2')],
      ['0102', hex('3')],
    ]);
  });

  it('keeps ids across reopen and gives a new keyspace an id no stored keyspace has', async () => {
    const path = tempDir();
    let engine = await openLevel({ path });
    engine.keyspace('read-only'); // takes an id in memory only
    await engine.keyspace('one').put(bytes('k'), bytes('1'));
    await engine.close();

    engine = await openLevel({ path });
    await engine.keyspace('two').put(bytes('k'), bytes('2'));
    expect(text(await engine.keyspace('one').get(bytes('k')))).toBe('1');
    expect(text(await engine.keyspace('two').get(bytes('k')))).toBe('2');
    expect(await engine.keyspace('read-only').get(bytes('k'))).toBeUndefined();
    await engine.close();

    const registry = (await rawEntries(path)).filter(([k]) => k.startsWith('006b'));
    expect(registry).toEqual([
      [registryKey('one'), '0101'],
      [registryKey('two'), '0102'],
    ]);
  });

  it.each([
    ['put', (e: import('@tidekv/core').StorageEngine) => e.keyspace('ks').put(bytes('k'), bytes('v'))],
    ['del', (e: import('@tidekv/core').StorageEngine) => e.keyspace('ks').del(bytes('k'))],
    ['write', (e: import('@tidekv/core').StorageEngine) => e.write([{ type: 'del', keyspace: 'ks', key: bytes('k') }])],
  ])('registers a keyspace on its first %s', async (_, first) => {
    const path = tempDir();
    const engine = await openLevel({ path });
    await first(engine);
    await engine.close();
    expect((await rawEntries(path)).filter(([k]) => k.startsWith('006b'))).toEqual([[registryKey('ks'), '0100']]);
  });

  it('writes no registry entry for a delRange that deletes nothing', async () => {
    const path = tempDir();
    const engine = await openLevel({ path });
    await engine.keyspace('ks').clear();
    await engine.write([{ type: 'delRange', keyspace: 'ks', range: {} }]);
    await engine.close();
    expect((await rawEntries(path)).filter(([k]) => k.startsWith('006b'))).toEqual([]);
  });

  it.each([
    ['a name that is not a keyspace name', Buffer.from('006b6e6f7420612f6e616d65', 'hex'), Buffer.from('0100', 'hex')],
    ['an id of the wrong length', Buffer.from('006b' + hex('x'), 'hex'), Buffer.from('010000', 'hex')],
    ['an id below the first keyspace id', Buffer.from('006b' + hex('x'), 'hex'), Buffer.from('00ff', 'hex')],
    ['an id above the last keyspace id', Buffer.from('006b' + hex('x'), 'hex'), Buffer.from('ffff', 'hex')],
  ])('refuses to open (CORRUPTION) a registry entry with %s', async (_, key, value) => {
    const path = tempDir();
    await writeRaw(path, key, value);
    await expect(openLevel({ path })).rejects.toMatchObject({ code: 'CORRUPTION' });
    // The failed open released the lock.
    await writeRaw(path, Buffer.from('0000', 'hex'), Buffer.alloc(0));
  });

  it('refuses to open (CORRUPTION) two keyspaces with the same id', async () => {
    const path = tempDir();
    const engine = await openLevel({ path });
    await engine.keyspace('a').put(bytes('k'), bytes('v'));
    await engine.close();
    await writeRaw(path, Buffer.from('006b' + hex('b'), 'hex'), Buffer.from('0100', 'hex'));
    await expect(openLevel({ path })).rejects.toMatchObject({ code: 'CORRUPTION' });
  });
});
