/**
 * Leases on a real MvccStore: attach / move / detach through put, revoke and expiry deleting
 * every attached key in one revision (one DELETE event each, key order), ignoreLease and the
 * LEASE compare, and lease state surviving reopen, an engine crash and a WAL replay.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MvccStore, WatchEvent, WatchStream } from '../src/index.js';
import { ManualClock } from '../src/mvcc/clock.js';
import { forgetProcessClaim } from '../src/fs/lock.js';
import { LOCK_FILE } from '../src/wal/format.js';
import { TestDisk } from './fixtures/mvcc-engine.js';
import { openStore, plain, takeEvents as takeWatchEvents, text } from './fixtures/mvcc-helpers.js';

let store: MvccStore;
const dirs: string[] = [];
afterEach(async () => {
  await store?.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const brief = (e: WatchEvent) => `${e.type} ${text(e.kv.key)}@${e.kv.modRevision}`;

async function takeEvents(stream: WatchStream, count: number): Promise<string[]> {
  return (await takeWatchEvents(stream, count)).events.map(brief);
}

/** Lets the lessor's timer-driven revokes run to completion. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('MvccStore leases', () => {
  it('grant: chosen and assigned ids, LEASE_EXISTS, TTL floor and ceiling; no revision used', async () => {
    ({ store } = await openStore());
    expect(await store.leaseGrant(60, { id: 7 })).toEqual({ id: 7, ttl: 60 });
    const assigned = await store.leaseGrant(1);
    expect(assigned.ttl).toBe(2);
    expect(assigned.id).toBeGreaterThan(7);
    expect(await code(store.leaseGrant(60, { id: 7 }))).toBe('LEASE_EXISTS');
    expect(await code(store.leaseGrant(9_000_000_001))).toBe('LEASE_TTL_TOO_LARGE');
    expect(await code(store.leaseGrant(-1))).toBe('INVALID_ARGUMENT');
    expect(await code(store.leaseGrant(5, { id: -2 }))).toBe('INVALID_ARGUMENT');
    expect(await code(store.leaseGrant(5, { nope: 1 } as never))).toBe('INVALID_OPTION');
    expect(await store.leases()).toEqual({ leases: [{ id: 7 }, { id: assigned.id }] });
    expect(store.revision).toBe(1);
  });

  it('put attaches, a put without lease detaches, another lease moves; ignoreLease keeps; LEASE compares', async () => {
    ({ store } = await openStore());
    await store.leaseGrant(60, { id: 1 });
    await store.leaseGrant(60, { id: 2 });
    await store.put('a', '1', { lease: 1 });
    await store.put('b', '1', { lease: 1 });
    await store.put('c', '1', { lease: 1 });
    await store.put('b', '2', { lease: 2 });
    await store.put('c', '2');
    await store.put('b', '3', { ignoreLease: true });
    expect((await store.range('a', { end: 'z' })).kvs.map(plain).map((kv) => [kv.key, kv.lease])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 0],
    ]);
    expect((await store.leaseTimeToLive(1, { keys: true })).keys!.map(text)).toEqual(['a']);
    expect((await store.leaseTimeToLive(2, { keys: true })).keys!.map(text)).toEqual(['b']);
    const txn = await store.txn({ compare: [{ key: 'b', target: 'lease', result: '=', value: 2 }], success: [{ type: 'put', key: 'd', value: 'x', lease: 2 }] });
    expect(txn.succeeded).toBe(true);
    expect(await code(store.put('x', '1', { lease: 99 }))).toBe('LEASE_NOT_FOUND');
  });

  it('revoke deletes every attached key in ONE revision, in key order, one DELETE event each; no keys, no revision', async () => {
    ({ store } = await openStore());
    await store.leaseGrant(60, { id: 1 });
    await store.leaseGrant(60, { id: 2 });
    for (const key of ['m', 'b', 'z', 'a']) await store.put(key, 'v', { lease: 1 });
    await store.put('keep', 'v');
    const w = store.watch('\0', { end: '\0' });
    const before = store.revision;
    expect(await store.leaseRevoke(1)).toEqual({ revision: before + 1 });
    expect(await takeEvents(w, 4)).toEqual(['delete a@7', 'delete b@7', 'delete m@7', 'delete z@7']);
    expect((await store.range('\0', { end: '\0' })).kvs.map((kv) => text(kv.key))).toEqual(['keep']);
    expect(await store.leaseRevoke(2)).toEqual({ revision: before + 1 });
    expect(store.revision).toBe(before + 1);
    expect(await code(store.leaseRevoke(2))).toBe('LEASE_NOT_FOUND');
    expect(await store.leaseTimeToLive(2)).toEqual({ id: 2, ttl: -1, grantedTtl: 0 });
    expect(await code(store.put('a', 'v', { lease: 1 }))).toBe('LEASE_NOT_FOUND');
    expect(await store.leases()).toEqual({ leases: [] });
  });

  it('expiry by the injected clock revokes in one revision; keepAlive holds it off', async () => {
    const clock = new ManualClock();
    ({ store } = await openStore({ lease: { clock } }));
    await store.leaseGrant(10, { id: 1 });
    await store.leaseGrant(10, { id: 2 });
    await store.put('a', '1', { lease: 1 });
    await store.put('b', '1', { lease: 1 });
    await store.put('c', '1', { lease: 2 });
    clock.advance(9_000);
    expect(await store.leaseKeepAlive(2)).toEqual({ id: 2, ttl: 10 });
    expect(await store.leaseTimeToLive(1)).toEqual({ id: 1, ttl: 1, grantedTtl: 10 });
    clock.advance(1_000);
    await settle();
    expect(store.revision).toBe(5);
    expect((await store.range('a', { end: 'z' })).kvs.map((kv) => text(kv.key))).toEqual(['c']);
    expect((await store.range('a', { revision: 4 })).count).toBe(1);
    expect(await store.leases()).toEqual({ leases: [{ id: 2 }] });
    clock.advance(9_000);
    await settle();
    expect(store.revision).toBe(6);
    expect(await code(store.leaseKeepAlive(1))).toBe('LEASE_NOT_FOUND');
  });

  it('a keep-alive stream renews until returned', async () => {
    ({ store } = await openStore());
    await store.leaseGrant(60, { id: 3 });
    const renewals = [];
    for await (const r of store.leaseKeepAliveStream(3, { intervalMs: 5 })) {
      renewals.push(r);
      if (renewals.length === 3) break;
    }
    expect(renewals).toEqual([{ id: 3, ttl: 60 }, { id: 3, ttl: 60 }, { id: 3, ttl: 60 }]);
    expect(() => store.leaseKeepAliveStream(-1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('leases, attachments and remaining TTLs survive close and reopen', async () => {
    const disk = new TestDisk();
    const clock = new ManualClock();
    ({ store } = await openStore({ disk, lease: { clock } }));
    await store.leaseGrant(100, { id: 1 });
    await store.leaseGrant(100, { id: 2 });
    await store.put('a', '1', { lease: 1 });
    await store.put('b', '1', { lease: 1 });
    await store.put('b', '2', { lease: 2 });
    clock.advance(30_000);
    await store.leaseKeepAlive(2);
    await store.close();
    const clock2 = new ManualClock(1_000_000);
    ({ store } = await openStore({ disk, lease: { clock: clock2 } }));
    expect(await store.leases()).toEqual({ leases: [{ id: 1 }, { id: 2 }] });
    expect(await store.leaseTimeToLive(1, { keys: true })).toEqual({ id: 1, ttl: 70, grantedTtl: 100, keys: [new TextEncoder().encode('a')] });
    expect((await store.leaseTimeToLive(2, { keys: true })).keys!.map(text)).toEqual(['b']);
    clock2.advance(70_000);
    await settle();
    expect((await store.range('a', { end: 'z' })).kvs.map((kv) => text(kv.key))).toEqual(['b']);
    expect(await store.leaseRevoke(2)).toEqual({ revision: 6 });
    expect((await store.range('a', { end: 'z' })).count).toBe(0);
  });

  it('after an engine crash (no WAL): granted leases exist, keys stay attached, remaining TTL is the last checkpoint', async () => {
    const disk = new TestDisk();
    const clock = new ManualClock();
    ({ store } = await openStore({ disk, lease: { clock, checkpointIntervalMs: 20_000 } }));
    await store.leaseGrant(100, { id: 1 });
    await store.put('a', '1', { lease: 1 });
    clock.advance(20_000); // checkpoint: 80 s left
    await settle();
    clock.advance(5_000);
    const crashed = store;
    ({ store } = await openStore({ disk: disk.afterCrash(), lease: { clock: new ManualClock() } }));
    expect(await store.leaseTimeToLive(1, { keys: true })).toEqual({ id: 1, ttl: 80, grantedTtl: 100, keys: [new TextEncoder().encode('a')] });
    void crashed;
  });

  it('with a WAL, grants, attachments and revokes are replayed after a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tidekv-lease-wal-'));
    dirs.push(dir);
    const disk = new TestDisk();
    ({ store } = await openStore({ disk, wal: { dir, checkpointIntervalMs: 0 } }));
    await store.leaseGrant(100, { id: 1 });
    await store.leaseGrant(100, { id: 2 });
    await store.leaseGrant(100, { id: 3 });
    await store.put('a', '1', { lease: 1 });
    await store.put('b', '1', { lease: 2 });
    await store.leaseRevoke(2);
    expect(disk.syncedWrites).toBe(0); // everything durable only in the WAL so far
    forgetProcessClaim(dir, LOCK_FILE);
    ({ store } = await openStore({ disk: disk.afterCrash(), wal: { dir } }));
    expect(await store.leases()).toEqual({ leases: [{ id: 1 }, { id: 3 }] });
    expect(store.revision).toBe(4);
    expect((await store.leaseTimeToLive(1, { keys: true })).keys!.map(text)).toEqual(['a']);
    expect((await store.range('b')).count).toBe(0);
    expect((await store.leaseRevoke(1)).revision).toBe(5);
  });

  it('lease calls after close fail NOT_OPEN', async () => {
    ({ store } = await openStore());
    await store.close();
    expect(await code(store.leaseGrant(5))).toBe('NOT_OPEN');
    expect(await code(store.leaseRevoke(1))).toBe('NOT_OPEN');
    expect(await code(store.leaseKeepAlive(1))).toBe('NOT_OPEN');
    expect(await code(store.leaseTimeToLive(1))).toBe('NOT_OPEN');
    expect(await code(store.leases())).toBe('NOT_OPEN');
  });
});
