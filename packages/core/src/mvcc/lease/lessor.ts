/**
 * The lessor: etcd's `server/lease` for one embedded store. It owns the live leases, which
 * keys are attached to which, and when each expires; it reaches the store only through the
 * narrow `LessorBackend` (write lease records; delete a lease's keys in one revision).
 *
 * Attachments follow the store's commit order exactly: the store calls `applyPut` /
 * `applyDelete` synchronously while it applies each change, before the commit is durable.
 * A revoke first marks the lease (puts applied from then on fail LEASE_NOT_FOUND via
 * `exists`), then asks the store to delete the keys attached *when the revoke applies*, so
 * no key can be attached between the snapshot of the keys and their deletion.
 *
 * Expiry is driven by the injectable clock: `expireDue()` revokes every lease whose time has
 * come, and one clock timer, set for the earliest expiry, calls it: never a timer per lease,
 * and (on the system clock) never one that keeps the process alive. Remaining TTLs are
 * checkpointed (periodically, and on close) so they survive a reopen or a crash, as etcd's
 * lease checkpoints do; a renewal of a checkpointed lease writes "full TTL" back.
 */
import { TidekvError } from '../../errors.js';
import type { Clock } from '../clock.js';
import type { KeyValue, LeaseGrantResponse, LeaseKeepAliveResponse, LeaseTimeToLiveResponse } from '../kv.js';
import { ExpiryQueue, type ExpiryEntry } from './expiry-queue.js';
import { keyImage, Lease, type LeaseRecord } from './lease.js';

/** What the lessor needs from the store. */
export interface LessorBackend {
  /** Durably writes (or overwrites) lease records; uses no revision. */
  saveLeases(records: LeaseRecord[]): Promise<void>;
  /**
   * In one commit: deletes the keys `attachedKeys()` returns when the commit applies (one
   * revision, key order, none when empty) and the lease record. Resolves with the revision
   * of the deletes, or the current revision when there were none.
   */
  revokeLease(id: number, attachedKeys: () => Uint8Array[]): Promise<number>;
}

export interface LessorOptions {
  clock: Clock;
  /** Grants below this TTL get it (etcd: about 2 s with its default election timeout). Default 2. */
  minTtlSeconds?: number;
  /** Larger TTLs fail LEASE_TTL_TOO_LARGE. Default 9,000,000,000 (etcd's MaxLeaseTTL). */
  maxTtlSeconds?: number;
  /** First id to try when assigning one. Default 1. */
  idBase?: number;
  /** Arm clock timers (once start() is called) that expire leases and write checkpoints. Default true. */
  timers?: boolean;
  /** Period of the remaining-TTL checkpoints, ms; default 5 minutes, as etcd. */
  checkpointIntervalMs?: number;
  /** Called with an error a timer-driven expiry or checkpoint hit (the store is then unusable anyway). */
  onError?: (error: unknown) => void;
}

export const MAX_LEASE_TTL_SECONDS = 9_000_000_000;

function checkId(id: unknown, what: string): asserts id is number {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    throw new TidekvError('INVALID_ARGUMENT', `${what} must be a non-negative safe integer, got ${String(id)}`);
  }
}

export class Lessor {
  private readonly leases = new Map<number, Lease>();
  /** Ids being granted: taken, but not yet usable. */
  private readonly granting = new Set<number>();
  /** Key image -> the lease it is attached to. */
  private readonly keyLease = new Map<string, Lease>();
  private readonly queue = new ExpiryQueue();
  private readonly clock: Clock;
  private readonly minTtl: number;
  private readonly maxTtl: number;
  private readonly timers: boolean;
  private readonly checkpointIntervalMs: number;
  private readonly onError: (error: unknown) => void;
  private nextId: number;
  private expiryTimer: unknown;
  private expiryTimerAt = Infinity;
  private checkpointTimer: unknown;
  private expiring: Promise<void> | undefined;
  private closed = false;
  private started = false;
  private readonly isCurrent = (entry: ExpiryEntry): boolean => {
    const lease = this.leases.get(entry.id);
    return lease !== undefined && !lease.revoking && lease.expiry === entry.expiry;
  };

  constructor(
    private readonly backend: LessorBackend,
    options: LessorOptions,
  ) {
    this.clock = options.clock;
    this.minTtl = options.minTtlSeconds ?? 2;
    this.maxTtl = options.maxTtlSeconds ?? MAX_LEASE_TTL_SECONDS;
    this.nextId = Math.max(1, options.idBase ?? 1);
    this.timers = options.timers ?? true;
    this.checkpointIntervalMs = options.checkpointIntervalMs ?? 5 * 60_000;
    this.onError = options.onError ?? (() => {});
  }

  /** Restores the leases stored at open: each expires after its checkpointed remaining TTL (or its TTL). */
  recover(records: Iterable<LeaseRecord>): void {
    const now = this.clock.now();
    for (const record of records) {
      const lease = new Lease(record.id, record.ttl, now + (record.remainingMs > 0 ? record.remainingMs : record.ttl * 1000));
      lease.checkpointedMs = record.remainingMs;
      this.leases.set(record.id, lease);
      this.queue.push(lease.id, lease.expiry);
      if (record.id >= this.nextId) this.nextId = record.id + 1;
    }
    this.schedule();
  }

  /** Starts the timers (after recovery and the store's index rebuild). */
  start(): void {
    if (!this.timers || this.started) return;
    this.started = true;
    this.armCheckpoint();
    this.schedule();
  }

  /** True when `id` is a live lease that can take keys. */
  exists(id: number): boolean {
    const lease = this.leases.get(id);
    return lease !== undefined && !lease.revoking;
  }

  /** Validates a put's lease: 0 is none, otherwise it must exist. */
  checkAttachable(id: number): void {
    if (id !== 0 && !this.exists(id)) throw new TidekvError('LEASE_NOT_FOUND', `lease ${id} not found`, { details: { lease: id } });
  }

  /** The store applied a put of `key` with `leaseId` (0: none): attach, move or detach it. */
  applyPut(key: Uint8Array, leaseId: number): void {
    if (leaseId === 0 && this.keyLease.size === 0) return; // nothing attached anywhere: nothing to detach
    const image = keyImage(key);
    const current = this.keyLease.get(image);
    if (current !== undefined && current.id === leaseId) return;
    if (current !== undefined) {
      current.keys.delete(image);
      this.keyLease.delete(image);
    }
    if (leaseId === 0) return;
    const lease = this.leases.get(leaseId);
    if (lease === undefined) return; // only on recovery of a key whose lease record is gone
    // A copy: the store may hand over a view of an engine buffer (on recovery, for instance).
    lease.keys.set(image, new Uint8Array(key));
    this.keyLease.set(image, lease);
  }

  /** The store applied a delete of `key`: detach it. */
  applyDelete(key: Uint8Array): void {
    if (this.keyLease.size === 0) return;
    const image = keyImage(key);
    const current = this.keyLease.get(image);
    if (current === undefined) return;
    current.keys.delete(image);
    this.keyLease.delete(image);
  }

  /** Applies one commit's changes in order. */
  applyChanges(changes: readonly { tombstone: boolean; kv: KeyValue }[]): void {
    for (const change of changes) {
      if (!change.tombstone) this.applyPut(change.kv.key, change.kv.lease);
      else this.applyDelete(change.kv.key);
    }
  }

  /** True while some key is attached to some lease (recovery skips its bookkeeping otherwise). */
  get hasAttachments(): boolean {
    return this.keyLease.size > 0;
  }

  async grant(ttl: number, id = 0): Promise<LeaseGrantResponse> {
    this.checkOpen();
    if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl < 0) {
      throw new TidekvError('INVALID_ARGUMENT', `lease TTL must be a non-negative integer number of seconds, got ${String(ttl)}`);
    }
    if (ttl > this.maxTtl) throw new TidekvError('LEASE_TTL_TOO_LARGE', `lease TTL ${ttl} s exceeds the maximum ${this.maxTtl} s`);
    checkId(id, 'lease id');
    // An id whose lease is being revoked (or expiring) is free again once that finishes.
    const ending = id === 0 ? undefined : this.leases.get(id);
    if (ending?.revoking) await ending.revoked?.catch(() => undefined);
    if (id === 0) id = this.assignId();
    else if (this.leases.has(id) || this.granting.has(id)) {
      throw new TidekvError('LEASE_EXISTS', `lease ${id} already exists`, { details: { lease: id } });
    }
    const granted = Math.max(ttl, this.minTtl);
    this.granting.add(id);
    try {
      await this.backend.saveLeases([{ id, ttl: granted, remainingMs: 0 }]);
    } finally {
      this.granting.delete(id);
    }
    const lease = new Lease(id, granted, this.clock.now() + granted * 1000);
    this.leases.set(id, lease);
    this.queue.push(id, lease.expiry);
    this.schedule();
    return { id, ttl: granted };
  }

  /** Revokes the lease: its keys are deleted in one revision. Resolves with that revision (or the current one). */
  async revoke(id: number): Promise<number> {
    this.checkOpen();
    checkId(id, 'lease id');
    const lease = this.leases.get(id);
    if (lease === undefined || lease.revoking) throw new TidekvError('LEASE_NOT_FOUND', `lease ${id} not found`, { details: { lease: id } });
    return this.revokeLease(lease);
  }

  async keepAlive(id: number): Promise<LeaseKeepAliveResponse> {
    this.checkOpen();
    checkId(id, 'lease id');
    const lease = this.leases.get(id);
    const now = this.clock.now();
    if (lease === undefined || lease.revoking || lease.expiry <= now) {
      if (lease !== undefined && !lease.revoking) void this.expireDue().catch(this.onError);
      throw new TidekvError('LEASE_NOT_FOUND', `lease ${id} not found`, { details: { lease: id } });
    }
    lease.expiry = now + lease.ttl * 1000;
    this.queue.push(id, lease.expiry);
    this.queue.compact(this.leases.size, this.isCurrent);
    if (lease.checkpointedMs > 0) {
      lease.checkpointedMs = 0;
      await this.backend.saveLeases([{ id, ttl: lease.ttl, remainingMs: 0 }]);
    }
    return { id, ttl: lease.ttl };
  }

  timeToLive(id: number, keys = false): LeaseTimeToLiveResponse {
    this.checkOpen();
    checkId(id, 'lease id');
    const lease = this.leases.get(id);
    const now = this.clock.now();
    if (lease === undefined || lease.revoking || lease.expiry <= now) return { id, ttl: -1, grantedTtl: 0 };
    const response: LeaseTimeToLiveResponse = { id, ttl: Math.floor((lease.expiry - now) / 1000), grantedTtl: lease.ttl };
    if (keys) response.keys = lease.sortedKeys();
    return response;
  }

  /** Live lease ids, ascending. */
  list(): number[] {
    this.checkOpen();
    const ids: number[] = [];
    for (const lease of this.leases.values()) if (!lease.revoking) ids.push(lease.id);
    return ids.sort((a, b) => a - b);
  }

  /** Revokes every lease whose expiry has passed; resolves when they are all gone. */
  expireDue(): Promise<void> {
    this.expiring ??= this.runExpiry().finally(() => {
      this.expiring = undefined;
      this.schedule();
    });
    return this.expiring;
  }

  /** Writes every lease's remaining TTL (etcd's lease checkpoint), in one write. */
  async checkpoint(): Promise<void> {
    if (this.closed) return;
    const now = this.clock.now();
    const records: LeaseRecord[] = [];
    const written: [Lease, number][] = [];
    for (const lease of this.leases.values()) {
      if (lease.revoking) continue;
      const remainingMs = Math.max(1, Math.ceil(lease.expiry - now));
      if (remainingMs >= lease.ttl * 1000 && lease.checkpointedMs === 0) continue; // full TTL: already what storage says
      records.push({ id: lease.id, ttl: lease.ttl, remainingMs });
      written.push([lease, remainingMs]);
    }
    if (records.length === 0) return;
    await this.backend.saveLeases(records);
    for (const [lease, remainingMs] of written) lease.checkpointedMs = remainingMs;
  }

  /** Stops the timers, then checkpoints remaining TTLs so a reopen resumes them. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.stopTimers();
    await this.expiring?.catch(() => {});
    try {
      await this.checkpoint();
    } finally {
      this.closed = true;
    }
  }

  /** Stops the timers without writing anything (the store is failing or being abandoned). */
  abandon(): void {
    this.closed = true;
    this.stopTimers();
  }

  private armCheckpoint(): void {
    this.checkpointTimer = this.clock.setTimeout(() => {
      this.checkpoint()
        .catch(this.onError)
        .finally(() => {
          if (this.started && !this.closed) this.armCheckpoint();
        });
    }, this.checkpointIntervalMs);
  }

  private stopTimers(): void {
    this.started = false;
    if (this.expiryTimer !== undefined) this.clock.clearTimeout(this.expiryTimer);
    if (this.checkpointTimer !== undefined) this.clock.clearTimeout(this.checkpointTimer);
    this.expiryTimer = undefined;
    this.checkpointTimer = undefined;
    this.expiryTimerAt = Infinity;
  }

  private async runExpiry(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const top = this.queue.peek(this.isCurrent);
      if (top === undefined || top.expiry > this.clock.now()) return;
      this.queue.pop();
      await this.revokeLease(this.leases.get(top.id)!);
    }
  }

  private async revokeLease(lease: Lease): Promise<number> {
    lease.revoking = true;
    const revoke = this.backend.revokeLease(lease.id, () => lease.sortedKeys());
    lease.revoked = revoke;
    const revision = await revoke;
    this.leases.delete(lease.id);
    for (const image of lease.keys.keys()) this.keyLease.delete(image);
    lease.keys.clear();
    return revision;
  }

  /** Arms the one expiry timer for the earliest lease. */
  private schedule(): void {
    if (!this.started || this.closed) return;
    const top = this.queue.peek(this.isCurrent);
    if (top === undefined) {
      if (this.expiryTimer !== undefined) this.clock.clearTimeout(this.expiryTimer);
      this.expiryTimer = undefined;
      this.expiryTimerAt = Infinity;
      return;
    }
    // Already due (time moved on while an expiry pass was finishing): expire now, no timer.
    if (top.expiry <= this.clock.now()) {
      void this.expireDue().catch(this.onError);
      return;
    }
    if (this.expiryTimer !== undefined && this.expiryTimerAt <= top.expiry) return;
    if (this.expiryTimer !== undefined) this.clock.clearTimeout(this.expiryTimer);
    this.expiryTimerAt = top.expiry;
    const delay = Math.min(Math.max(0, top.expiry - this.clock.now()), 2 ** 31 - 1);
    this.expiryTimer = this.clock.setTimeout(() => {
      this.expiryTimer = undefined;
      this.expiryTimerAt = Infinity;
      this.expireDue().catch(this.onError);
    }, delay);
  }

  private assignId(): number {
    while (this.leases.has(this.nextId) || this.granting.has(this.nextId)) this.nextId++;
    if (!Number.isSafeInteger(this.nextId)) throw new TidekvError('INVALID_ARGUMENT', 'lease ids exhausted');
    return this.nextId++;
  }

  private checkOpen(): void {
    if (this.closed) throw new TidekvError('NOT_OPEN', 'the store is closed');
  }
}
