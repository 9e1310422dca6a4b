/**
 * The lessor against a small fake store: grant / revoke / keepAlive / timeToLive / list,
 * attach-move-detach in commit order, expiry by a manual clock (one revision per revoke,
 * keys in order), checkpoints and recovery of remaining TTLs, the one unref'd timer.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../src/mvcc/clock.js';
import { ExpiryQueue } from '../src/mvcc/lease/expiry-queue.js';
import type { LeaseRecord } from '../src/mvcc/lease/lease.js';
import { Lessor, type LessorBackend, type LessorOptions } from '../src/mvcc/lease/lessor.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A store reduced to what leases touch: live keys with their lease, lease records, a revision. */
class FakeStore implements LessorBackend {
  revision = 1;
  readonly keys = new Map<string, number>();
  readonly records = new Map<number, LeaseRecord>();
  /** Every revoke commit: its revision and the keys it deleted, in order. */
  readonly revokes: { revision: number; keys: string[] }[] = [];
  saves = 0;
  lessor!: Lessor;
  /** Commits wait this many macrotask turns before applying (lets puts race with revokes). */
  delay = 0;
  fail: Error | undefined;

  private async turn(): Promise<void> {
    for (let i = 0; i < this.delay; i++) await new Promise((resolve) => setImmediate(resolve));
    if (this.fail) throw this.fail;
  }

  async put(key: string, lease = 0): Promise<number> {
    await this.turn();
    this.lessor.checkAttachable(lease);
    this.keys.set(key, lease);
    this.lessor.applyPut(enc(key), lease);
    return ++this.revision;
  }

  async del(key: string): Promise<number> {
    await this.turn();
    if (!this.keys.delete(key)) return this.revision;
    this.lessor.applyDelete(enc(key));
    return ++this.revision;
  }

  async saveLeases(records: LeaseRecord[]): Promise<void> {
    await this.turn();
    this.saves++;
    for (const record of records) this.records.set(record.id, { ...record });
  }

  async revokeLease(id: number, attachedKeys: () => Uint8Array[]): Promise<number> {
    await this.turn();
    const keys = attachedKeys().map(dec);
    this.records.delete(id);
    if (keys.length === 0) return this.revision;
    this.revision++;
    for (const key of keys) {
      this.keys.delete(key);
      this.lessor.applyDelete(enc(key));
    }
    this.revokes.push({ revision: this.revision, keys });
    return this.revision;
  }
}

function setup(options: Partial<LessorOptions> = {}) {
  const clock = new ManualClock(1000);
  const store = new FakeStore();
  const lessor = new Lessor(store, { clock, timers: false, ...options });
  store.lessor = lessor;
  return { clock, store, lessor };
}

async function code(promise: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('lessor: grant', () => {
  it('assigns fresh ids, honours chosen ones, refuses duplicates, raises small TTLs to the minimum', async () => {
    const { lessor, store } = setup({ minTtlSeconds: 2 });
    expect(await lessor.grant(10)).toEqual({ id: 1, ttl: 10 });
    expect(await lessor.grant(10, 3)).toEqual({ id: 3, ttl: 10 });
    expect(await lessor.grant(0)).toEqual({ id: 2, ttl: 2 });
    expect(await lessor.grant(1)).toEqual({ id: 4, ttl: 2 });
    expect(await code(lessor.grant(5, 3))).toBe('LEASE_EXISTS');
    expect(lessor.list()).toEqual([1, 2, 3, 4]);
    expect([...store.records.values()]).toContainEqual({ id: 3, ttl: 10, remainingMs: 0 });
    expect(store.revision).toBe(1);
  });

  it('refuses bad TTLs and ids with typed errors, writing nothing', async () => {
    const { lessor, store } = setup({ maxTtlSeconds: 100 });
    expect(await code(lessor.grant(101))).toBe('LEASE_TTL_TOO_LARGE');
    expect(await code(lessor.grant(-1))).toBe('INVALID_ARGUMENT');
    expect(await code(lessor.grant(1.5))).toBe('INVALID_ARGUMENT');
    expect(await code(lessor.grant(Number.NaN))).toBe('INVALID_ARGUMENT');
    expect(await code(lessor.grant('5' as unknown as number))).toBe('INVALID_ARGUMENT');
    expect(await code(lessor.grant(5, -3))).toBe('INVALID_ARGUMENT');
    expect(await code(lessor.grant(5, 2 ** 53))).toBe('INVALID_ARGUMENT');
    expect(store.saves).toBe(0);
    await expect(setup().lessor.grant(9_000_000_001)).rejects.toMatchObject({ code: 'LEASE_TTL_TOO_LARGE' });
  });

  it('two concurrent grants of one id: one wins, the other gets LEASE_EXISTS', async () => {
    const { lessor, store } = setup();
    store.delay = 2;
    const results = await Promise.allSettled([lessor.grant(10, 7), lessor.grant(10, 7)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(lessor.list()).toEqual([7]);
  });

  it('a failed grant leaves no lease', async () => {
    const { lessor, store } = setup();
    store.fail = Object.assign(new Error('disk full'), { code: 'IO_ERROR' });
    expect(await code(lessor.grant(10, 5))).toBe('IO_ERROR');
    store.fail = undefined;
    expect(lessor.list()).toEqual([]);
    expect(await lessor.grant(10, 5)).toEqual({ id: 5, ttl: 10 });
  });
});

describe('lessor: attach and revoke', () => {
  it('put with a lease attaches, without detaches, with another moves; delete detaches', async () => {
    const { lessor, store } = setup();
    await lessor.grant(10, 1);
    await lessor.grant(10, 2);
    await store.put('a', 1);
    await store.put('b', 1);
    await store.put('c', 2);
    await store.put('b', 2);
    await store.put('d', 1);
    await store.put('d');
    await store.put('e', 1);
    await store.del('e');
    expect(lessor.timeToLive(1, true).keys!.map(dec)).toEqual(['a']);
    expect(lessor.timeToLive(2, true).keys!.map(dec)).toEqual(['b', 'c']);
    expect(await code(store.put('x', 9))).toBe('LEASE_NOT_FOUND');
  });

  it('revoke deletes every attached key in ONE revision, in key order; a lease without keys uses none', async () => {
    const { lessor, store } = setup();
    await lessor.grant(10, 1);
    await lessor.grant(10, 2);
    for (const key of ['m', 'b', 'z', 'a\u00ff', 'a']) await store.put(key, 1);
    const before = store.revision;
    expect(await lessor.revoke(1)).toBe(before + 1);
    expect(store.revokes).toEqual([{ revision: before + 1, keys: ['a', 'a\u00ff', 'b', 'm', 'z'] }]);
    expect(store.keys.size).toBe(0);
    expect(await lessor.revoke(2)).toBe(before + 1);
    expect(store.revision).toBe(before + 1);
    expect(store.records.size).toBe(0);
    expect(await code(lessor.revoke(2))).toBe('LEASE_NOT_FOUND');
    expect(await code(lessor.revoke(99))).toBe('LEASE_NOT_FOUND');
    expect(await code(lessor.revoke(-1))).toBe('INVALID_ARGUMENT');
    expect(lessor.timeToLive(1)).toEqual({ id: 1, ttl: -1, grantedTtl: 0 });
  });

  it('a put racing a revoke is either deleted by it or refused, never left behind', async () => {
    for (let trial = 0; trial < 20; trial++) {
      const { lessor, store } = setup();
      await lessor.grant(10, 1);
      await store.put('a', 1);
      store.delay = 1 + (trial % 3);
      const put = store.put('b', 1);
      if (trial % 2) await new Promise((resolve) => setImmediate(resolve));
      const revoke = lessor.revoke(1);
      const [p] = await Promise.allSettled([put, revoke]);
      expect(store.keys.has('b')).toBe(false);
      if (p.status === 'rejected') expect((p.reason as { code: string }).code).toBe('LEASE_NOT_FOUND');
      expect(store.keys.has('a')).toBe(false);
    }
  });
});

describe('lessor: expiry', () => {
  it('expires on the clock, revoking in one revision; keepAlive pushes expiry back', async () => {
    const { lessor, store, clock } = setup();
    await lessor.grant(10, 1);
    await lessor.grant(5, 2);
    await store.put('k1', 1);
    await store.put('k2', 2);
    await store.put('k3', 2);
    clock.advance(4999);
    await lessor.expireDue();
    expect(lessor.list()).toEqual([1, 2]);
    expect(lessor.timeToLive(2)).toEqual({ id: 2, ttl: 0, grantedTtl: 5 });
    expect(lessor.timeToLive(1)).toEqual({ id: 1, ttl: 5, grantedTtl: 10 });
    expect(await lessor.keepAlive(1)).toEqual({ id: 1, ttl: 10 });
    clock.advance(1);
    await lessor.expireDue();
    expect(lessor.list()).toEqual([1]);
    expect(store.revokes).toEqual([{ revision: 5, keys: ['k2', 'k3'] }]);
    clock.advance(9998);
    await lessor.expireDue();
    expect(lessor.list()).toEqual([1]);
    clock.advance(1);
    expect(await code(lessor.keepAlive(1))).toBe('LEASE_NOT_FOUND');
    await lessor.expireDue();
    expect(lessor.list()).toEqual([]);
    expect([...store.keys.keys()]).toEqual([]);
    expect(await code(lessor.keepAlive(2))).toBe('LEASE_NOT_FOUND');
  });

  it('many renewals keep the expiry queue small', async () => {
    const { lessor, clock } = setup();
    await lessor.grant(10, 1);
    await lessor.grant(10, 2);
    for (let i = 0; i < 1000; i++) {
      clock.advance(1);
      await lessor.keepAlive(1 + (i % 2));
    }
    expect((lessor as unknown as { queue: ExpiryQueue }).queue.size).toBeLessThan(40);
  });

  it('with timers, one unref\'d timer expires leases on real time', async () => {
    const { lessor, store } = setup({ timers: true, minTtlSeconds: 1, clock: systemClock });
    lessor.start();
    await lessor.grant(0, 1);
    await store.put('a', 1);
    const l = lessor as unknown as { expiryTimer: NodeJS.Timeout };
    expect(l.expiryTimer.hasRef()).toBe(false);
    const started = performance.now();
    while (lessor.list().length > 0 && performance.now() - started < 5000) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lessor.list()).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(store.keys.size).toBe(0);
    await lessor.close();
  });
});

describe('lessor: clock timers', () => {
  it('one clock timer expires leases and a periodic one writes checkpoints', async () => {
    const { lessor, store, clock } = setup({ timers: true, checkpointIntervalMs: 60_000 });
    lessor.start();
    await lessor.grant(10, 1);
    await lessor.grant(100, 2);
    await lessor.grant(300, 3);
    await store.put('a', 1);
    expect(clock.pending).toBe(2); // one for expiry, one for checkpoints: not one per lease
    clock.advance(10_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lessor.list()).toEqual([2, 3]);
    expect(store.keys.size).toBe(0);
    clock.advance(50_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.records.get(2)).toEqual({ id: 2, ttl: 100, remainingMs: 40_000 });
    expect(store.records.get(3)).toEqual({ id: 3, ttl: 300, remainingMs: 240_000 });
    await lessor.close();
    expect(clock.pending).toBe(0);
  });
});

describe('lessor: clock jumps', () => {
  it('a timer that fires for a revoked lease still expires the next one when time has jumped past it', async () => {
    const { lessor, store, clock } = setup({ timers: true });
    lessor.start();
    await lessor.grant(2, 3); // arms the timer for t + 2 s
    await lessor.grant(3, 1);
    await store.put('k', 1);
    await lessor.revoke(3);
    clock.advance(3000); // the 2 s timer fires; lease 1 (3 s) is due by the time it looks again
    for (let i = 0; i < 20 && lessor.list().length > 0; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(lessor.list()).toEqual([]);
    expect(store.keys.size).toBe(0);
  });

  it('a grant of an id whose lease is still being revoked waits for the revoke, then succeeds', async () => {
    const { lessor, store } = setup();
    await lessor.grant(10, 4);
    await store.put('k', 4);
    store.delay = 3;
    const revoke = lessor.revoke(4);
    const grant = lessor.grant(10, 4);
    await revoke;
    expect(await grant).toEqual({ id: 4, ttl: 10 });
    expect(lessor.list()).toEqual([4]);
  });
});

describe('lessor: checkpoints and recovery', () => {
  it('remaining TTLs are checkpointed and restored; a renewal after a checkpoint writes "full" back', async () => {
    const { lessor, store, clock } = setup();
    await lessor.grant(100, 1);
    await lessor.grant(100, 2);
    await lessor.grant(100, 3);
    clock.advance(30_000);
    await lessor.keepAlive(3);
    await lessor.checkpoint();
    expect(store.records.get(1)).toEqual({ id: 1, ttl: 100, remainingMs: 70_000 });
    expect(store.records.get(3)).toEqual({ id: 3, ttl: 100, remainingMs: 0 });
    clock.advance(10_000);
    await lessor.keepAlive(2);
    expect(store.records.get(2)).toEqual({ id: 2, ttl: 100, remainingMs: 0 });
    // "Crash": a new lessor recovers from the stored records at a later time.
    const clock2 = new ManualClock(5_000_000);
    const store2 = new FakeStore();
    const recovered = new Lessor(store2, { clock: clock2, timers: false });
    store2.lessor = recovered;
    recovered.recover(store.records.values());
    expect(recovered.list()).toEqual([1, 2, 3]);
    expect(recovered.timeToLive(1)).toEqual({ id: 1, ttl: 70, grantedTtl: 100 });
    expect(recovered.timeToLive(2)).toEqual({ id: 2, ttl: 100, grantedTtl: 100 });
    expect((await recovered.grant(5)).id).toBe(4);
    clock2.advance(70_000);
    await recovered.expireDue();
    expect(recovered.list()).toEqual([2, 3]);
  });

  it('close() checkpoints every remaining TTL, then refuses calls', async () => {
    const { lessor, store, clock } = setup();
    await lessor.grant(60, 1);
    clock.advance(15_500);
    await lessor.close();
    expect(store.records.get(1)).toEqual({ id: 1, ttl: 60, remainingMs: 44_500 });
    expect(await code(lessor.grant(5))).toBe('NOT_OPEN');
    expect(await code(() => lessor.list())).toBe('NOT_OPEN');
  });
});
