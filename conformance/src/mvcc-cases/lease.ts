/**
 * Leases: grant (ids, duplicates, TTL bounds), attach / move / detach through put, revoke and
 * expiry deleting every attached key in ONE revision (key order, one DELETE event each, the
 * stream checked by the watch validators), keep-alive, time-to-live, and reopen.
 */
import { expect } from 'vitest';
import type { WatchLeaseKV } from '@tidekv/core';
import type { MvccCase, MvccCaseContext } from '../mvcc-case.js';
import { needsLeases, needsReopen } from '../mvcc-case.js';
import { expectRefused, keysOf, text } from '../support/mvcc.js';
import { expectValidWatches, historyByRanges, watchable, WatchRecorder } from '../support/watch-recorder.js';

const group = 'lease';

function leaseCase(name: string, run: (ctx: MvccCaseContext) => Promise<void>, extra: Partial<MvccCase> = {}): MvccCase {
  return { group, name, skip: needsLeases, run, ...extra };
}

async function liveKeys(kv: WatchLeaseKV): Promise<string[]> {
  return keysOf((await kv.range('\0', { end: '\0' })).kvs);
}

/** Waits (polling) until `check` holds, up to `ms`. */
async function eventually(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

export const leaseCases: MvccCase[] = [
  leaseCase('grant: a chosen id, a fresh assigned id, LEASE_EXISTS, TTL bounds; no revision used', async (ctx) => {
    const kv = watchable(ctx.kv);
    expect(await kv.leaseGrant(60, { id: 100 })).toEqual({ id: 100, ttl: 60 });
    const assigned = await kv.leaseGrant(30);
    expect(assigned.id).toBeGreaterThan(0);
    expect(assigned.id).not.toBe(100);
    expect(assigned.ttl).toBe(30);
    const short = await kv.leaseGrant(1);
    expect(short.ttl).toBeGreaterThanOrEqual(1);
    await expectRefused(ctx.kv, () => kv.leaseGrant(60, { id: 100 }), 'LEASE_EXISTS');
    await expectRefused(ctx.kv, () => kv.leaseGrant(9_000_000_001), 'LEASE_TTL_TOO_LARGE');
    await expectRefused(ctx.kv, () => kv.leaseGrant(-1), 'INVALID_ARGUMENT');
    await expectRefused(ctx.kv, () => kv.leaseGrant(5, { id: -5 }), 'INVALID_ARGUMENT');
    expect((await kv.leases()).leases.map((l) => l.id).sort((a, b) => a - b)).toEqual([100, assigned.id, short.id].sort((a, b) => a - b));
    expect(kv.revision).toBe(1);
  }),

  leaseCase('put with a lease attaches, without one detaches, with another moves; ignoreLease keeps it; LEASE compares', async (ctx) => {
    const kv = watchable(ctx.kv);
    await kv.leaseGrant(60, { id: 1 });
    await kv.leaseGrant(60, { id: 2 });
    await kv.put('a', '1', { lease: 1 });
    await kv.put('b', '1', { lease: 1 });
    await kv.put('c', '1', { lease: 1 });
    await kv.put('b', '2', { lease: 2 });
    await kv.put('c', '2');
    await kv.put('b', '3', { ignoreLease: true });
    expect((await kv.range('\0', { end: '\0' })).kvs.map((k) => [text(k.key), k.lease])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 0],
    ]);
    expect((await kv.leaseTimeToLive(1, { keys: true })).keys!.map(text)).toEqual(['a']);
    expect((await kv.leaseTimeToLive(2, { keys: true })).keys!.map(text)).toEqual(['b']);
    const yes = await kv.txn({ compare: [{ key: 'b', target: 'lease', result: '=', value: 2 }], success: [{ type: 'put', key: 'd', value: '1', lease: 1 }] });
    const no = await kv.txn({ compare: [{ key: 'a', target: 'lease', result: '>', value: 1 }], success: [{ type: 'put', key: 'e', value: '1' }] });
    expect([yes.succeeded, no.succeeded]).toEqual([true, false]);
    await kv.leaseRevoke(2);
    expect(await liveKeys(kv)).toEqual(['a', 'c', 'd']);
  }),

  leaseCase('revoke deletes every attached key in ONE revision, in key order, one DELETE event each', async (ctx) => {
    const kv = watchable(ctx.kv);
    await kv.leaseGrant(60, { id: 7 });
    for (const key of ['m', 'b', 'z', 'a']) await kv.put(key, 'v', { lease: 7 });
    await kv.put('keep', 'v');
    const w = new WatchRecorder(kv, '\0', { end: '\0' });
    const before = kv.revision;
    expect(await kv.leaseRevoke(7)).toEqual({ revision: before + 1 });
    expect(kv.revision).toBe(before + 1);
    const events = await w.untilEvents(4);
    expect(events.map((e) => `${e.type} ${text(e.kv.key)}@${e.kv.modRevision}`)).toEqual(['a', 'b', 'm', 'z'].map((k) => `delete ${k}@${before + 1}`));
    expect(await liveKeys(kv)).toEqual(['keep']);
    expectValidWatches(await historyByRanges(kv), kv.compactRevision, w);
    w.close();
  }),

  leaseCase('revoking a lease with no keys uses no revision', async (ctx) => {
    const kv = watchable(ctx.kv);
    await kv.put('x', '1');
    await kv.leaseGrant(60, { id: 3 });
    await kv.put('y', '1', { lease: 3 });
    await kv.put('y', '2');
    expect(await kv.leaseRevoke(3)).toEqual({ revision: 4 });
    expect(kv.revision).toBe(4);
    expect(await liveKeys(kv)).toEqual(['x', 'y']);
  }),

  leaseCase('unknown leases: put, revoke and keepAlive fail LEASE_NOT_FOUND; timeToLive reports -1', async (ctx) => {
    const kv = watchable(ctx.kv);
    await kv.leaseGrant(60, { id: 5 });
    await kv.leaseRevoke(5);
    await expectRefused(ctx.kv, () => kv.put('a', '1', { lease: 5 }), 'LEASE_NOT_FOUND');
    await expectRefused(ctx.kv, () => kv.txn({ success: [{ type: 'put', key: 'a', value: '1', lease: 6 }] }), 'LEASE_NOT_FOUND');
    await expectRefused(ctx.kv, () => kv.leaseRevoke(5), 'LEASE_NOT_FOUND');
    await expectRefused(ctx.kv, () => kv.leaseKeepAlive(6), 'LEASE_NOT_FOUND');
    expect(await kv.leaseTimeToLive(6)).toEqual({ id: 6, ttl: -1, grantedTtl: 0 });
    expect(await kv.leases()).toEqual({ leases: [] });
  }),

  leaseCase('keepAlive renews; timeToLive counts down from the granted TTL and lists keys in order', async (ctx) => {
    const kv = watchable(ctx.kv);
    await kv.leaseGrant(100, { id: 9 });
    await kv.put('b', '1', { lease: 9 });
    await kv.put('a', '1', { lease: 9 });
    const ttl = await kv.leaseTimeToLive(9, { keys: true });
    expect(ttl.grantedTtl).toBe(100);
    expect(ttl.ttl).toBeGreaterThanOrEqual(98);
    expect(ttl.ttl).toBeLessThanOrEqual(100);
    expect(ttl.keys!.map(text)).toEqual(['a', 'b']);
    expect(await kv.leaseKeepAlive(9)).toEqual({ id: 9, ttl: 100 });
    const stream = kv.leaseKeepAliveStream(9, { intervalMs: 10 });
    const renewals = [];
    for await (const renewal of stream) {
      renewals.push(renewal);
      if (renewals.length === 2) break;
    }
    expect(renewals).toEqual([
      { id: 9, ttl: 100 },
      { id: 9, ttl: 100 },
    ]);
  }),

  leaseCase(
    "an expired lease's keys are deleted in one revision, and the lease is gone",
    async (ctx) => {
      const kv = watchable(ctx.kv);
      const { ttl } = await kv.leaseGrant(1, { id: 11 });
      await kv.leaseGrant(600, { id: 12 });
      await kv.put('e2', '1', { lease: 11 });
      await kv.put('e1', '1', { lease: 11 });
      await kv.put('stay', '1', { lease: 12 });
      const w = new WatchRecorder(kv, 'e', { prefix: true });
      const before = kv.revision;
      expect(await eventually(async () => (await liveKeys(kv)).length === 1, ttl * 1000 + 4000)).toBe(true);
      expect(await liveKeys(kv)).toEqual(['stay']);
      expect(kv.revision).toBe(before + 1);
      const events = await w.untilEvents(2);
      expect(events.map((e) => `${e.type} ${text(e.kv.key)}@${e.kv.modRevision}`)).toEqual([`delete e1@${before + 1}`, `delete e2@${before + 1}`]);
      expect((await kv.leases()).leases).toEqual([{ id: 12 }]);
      await expectRefused(ctx.kv, () => kv.leaseKeepAlive(11), 'LEASE_NOT_FOUND');
      w.close();
    },
    { timeout: 20_000 },
  ),

  leaseCase(
    'leases, their keys and their remaining TTL survive reopen',
    async (ctx) => {
      let kv = watchable(ctx.kv);
      await kv.leaseGrant(300, { id: 21 });
      await kv.leaseGrant(300, { id: 22 });
      await kv.put('a', '1', { lease: 21 });
      await kv.put('b', '1', { lease: 22 });
      await kv.put('c', '1', { lease: 21 });
      await ctx.reopen();
      kv = watchable(ctx.kv);
      expect((await kv.leases()).leases).toEqual([{ id: 21 }, { id: 22 }]);
      const ttl = await kv.leaseTimeToLive(21, { keys: true });
      expect(ttl.grantedTtl).toBe(300);
      expect(ttl.ttl).toBeGreaterThan(290);
      expect(ttl.ttl).toBeLessThanOrEqual(300);
      expect(ttl.keys!.map(text)).toEqual(['a', 'c']);
      const revision = kv.revision;
      expect(await kv.leaseRevoke(21)).toEqual({ revision: revision + 1 });
      expect(await liveKeys(kv)).toEqual(['b']);
      await expectRefused(ctx.kv, () => kv.leaseGrant(10, { id: 22 }), 'LEASE_EXISTS');
    },
    { skip: (o) => needsLeases(o) || needsReopen(o) },
  ),
];
