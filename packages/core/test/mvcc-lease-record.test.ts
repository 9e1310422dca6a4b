/**
 * The stored lease record (round trip, damage detected) and the keep-alive stream.
 */
import { describe, expect, it } from 'vitest';
import { keepAliveStream } from '../src/mvcc/lease/keep-alive-stream.js';
import { decodeLeaseRecord, encodeLeaseRecord } from '../src/mvcc/lease/lease-record.js';

describe('lease record', () => {
  it('round-trips, and any damaged byte or a record under another key is CORRUPTION', () => {
    const record = { id: 2 ** 53 - 1, ttl: 9_000_000_000, remainingMs: 123_456 };
    const [key, value] = encodeLeaseRecord(record);
    expect(key).toHaveLength(8);
    expect(decodeLeaseRecord(key, value)).toEqual(record);
    for (let i = 0; i < value.length; i++) {
      const damaged = value.slice();
      damaged[i]! ^= 0x10;
      expect(() => decodeLeaseRecord(key, damaged)).toThrow(expect.objectContaining({ code: 'CORRUPTION' }));
    }
    const [otherKey] = encodeLeaseRecord({ ...record, id: 7 });
    expect(() => decodeLeaseRecord(otherKey, value)).toThrow(expect.objectContaining({ code: 'CORRUPTION' }));
    expect(() => decodeLeaseRecord(key, value.subarray(0, 10))).toThrow(expect.objectContaining({ code: 'CORRUPTION' }));
  });
});

describe('keep-alive stream', () => {
  it('renews at once, then every interval, until returned', async () => {
    const at: number[] = [];
    const start = performance.now();
    const stream = keepAliveStream(async () => (at.push(performance.now() - start), { id: 5, ttl: 10 }), { intervalMs: 30 });
    const got = [];
    for await (const response of stream) {
      got.push(response);
      if (got.length === 3) break;
    }
    expect(got).toEqual([{ id: 5, ttl: 10 }, { id: 5, ttl: 10 }, { id: 5, ttl: 10 }]);
    expect(at[0]!).toBeLessThan(25);
    expect(at[2]!).toBeGreaterThanOrEqual(55);
    expect((await stream.next()).done).toBe(true);
  });

  it('defaults to a third of the TTL, ends on abort while waiting, and fails when the lease is gone', async () => {
    const controller = new AbortController();
    let calls = 0;
    const stream = keepAliveStream(async () => (calls++, { id: 1, ttl: 3 }), { signal: controller.signal });
    expect((await stream.next()).value).toEqual({ id: 1, ttl: 3 });
    const waiting = stream.next();
    setTimeout(() => controller.abort(), 20);
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(calls).toBe(1);

    const gone = keepAliveStream(async () => {
      throw Object.assign(new Error('lease 1 not found'), { code: 'LEASE_NOT_FOUND' });
    });
    await expect(gone.next()).rejects.toMatchObject({ code: 'LEASE_NOT_FOUND' });
    expect((await gone.next()).done).toBe(true);
  });

  it('refuses bad options', () => {
    const renew = async () => ({ id: 1, ttl: 1 });
    expect(() => keepAliveStream(renew, { intervalMs: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => keepAliveStream(renew, { intervalMs: Number.NaN })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => keepAliveStream(renew, { every: 3 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => keepAliveStream(renew, { signal: 'x' } as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
