/**
 * Leases for the reference KV, kept obviously correct: a table of id -> (granted TTL, expiry
 * time). Which keys a lease holds is never tracked separately: it is read off the history
 * (the live keys whose KeyValue names the lease), so attach, move and detach cannot drift.
 * Expiry uses the given clock (default: real time, unref'd timers) and one timer for the earliest lease; a revoke is the store's
 * own commit (every attached key deleted in one revision, in key order).
 */
import { TidekvError, type Clock, type LeaseGrantResponse, type LeaseKeepAliveResponse, type LeaseTimeToLiveResponse } from '@tidekv/core';

export interface StoredLease {
  id: number;
  ttl: number;
  /** Milliseconds left when the store closed. */
  remainingMs: number;
}

export interface LeaseHost {
  /** Deletes the lease's keys in one commit; returns the revision (the current one when there were none). */
  revokeKeys(id: number): number;
  /** The lease's live keys, in key order. */
  attachedKeys(id: number): Uint8Array[];
}

/** etcd's MaxLeaseTTL, and the floor etcd applies with its default timings. */
export const REFERENCE_MAX_TTL = 9_000_000_000;
export const REFERENCE_MIN_TTL = 2;

function checkId(id: unknown): number {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) throw new TidekvError('INVALID_ARGUMENT', `a lease id must be a non-negative safe integer, got ${String(id)}`);
  return id;
}

function notFound(id: number): TidekvError {
  return new TidekvError('LEASE_NOT_FOUND', `lease ${id} not found`);
}

export class ReferenceLeases {
  readonly #leases = new Map<number, { ttl: number; expiresAt: number }>();
  #nextId = 1;
  #timer: unknown;
  #stopped = false;

  constructor(
    private readonly host: LeaseHost,
    saved: readonly StoredLease[] = [],
    private readonly clock: Clock = { now: () => Date.now(), setTimeout: (f, ms) => setTimeout(f, ms).unref(), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
  ) {
    const now = this.clock.now();
    for (const lease of saved) {
      this.#leases.set(lease.id, { ttl: lease.ttl, expiresAt: now + lease.remainingMs });
      this.#nextId = Math.max(this.#nextId, lease.id + 1);
    }
    this.#arm();
  }

  /** A live, unexpired lease. */
  exists(id: number): boolean {
    const lease = this.#leases.get(id);
    return lease !== undefined && lease.expiresAt > this.clock.now();
  }

  grant(ttl: unknown, options: unknown): LeaseGrantResponse {
    if (typeof ttl !== 'number' || !Number.isSafeInteger(ttl) || ttl < 0) throw new TidekvError('INVALID_ARGUMENT', `a lease TTL must be a non-negative integer, got ${String(ttl)}`);
    if (ttl > REFERENCE_MAX_TTL) throw new TidekvError('LEASE_TTL_TOO_LARGE', `lease TTL ${ttl} is above ${REFERENCE_MAX_TTL}`);
    if (options !== undefined && (options === null || typeof options !== 'object')) throw new TidekvError('INVALID_OPTION', 'leaseGrant options must be an object');
    for (const name of Object.keys(options ?? {})) if (name !== 'id') throw new TidekvError('INVALID_OPTION', `leaseGrant: unknown option '${name}'`);
    let id = checkId((options as { id?: unknown } | undefined)?.id ?? 0);
    if (id === 0) {
      while (this.#leases.has(this.#nextId)) this.#nextId++;
      id = this.#nextId++;
    } else if (this.#leases.has(id)) {
      throw new TidekvError('LEASE_EXISTS', `lease ${id} already exists`);
    }
    const granted = Math.max(ttl, REFERENCE_MIN_TTL);
    this.#leases.set(id, { ttl: granted, expiresAt: this.clock.now() + granted * 1000 });
    this.#arm();
    return { id, ttl: granted };
  }

  revoke(id: unknown): number {
    const checked = checkId(id);
    if (!this.exists(checked)) throw notFound(checked);
    const revision = this.host.revokeKeys(checked);
    this.#leases.delete(checked);
    this.#arm();
    return revision;
  }

  keepAlive(id: unknown): LeaseKeepAliveResponse {
    const checked = checkId(id);
    const lease = this.#leases.get(checked);
    if (!lease || !this.exists(checked)) throw notFound(checked);
    lease.expiresAt = this.clock.now() + lease.ttl * 1000;
    this.#arm();
    return { id: checked, ttl: lease.ttl };
  }

  timeToLive(id: unknown, options: unknown): LeaseTimeToLiveResponse {
    const checked = checkId(id);
    if (options !== undefined && (options === null || typeof options !== 'object')) throw new TidekvError('INVALID_OPTION', 'leaseTimeToLive options must be an object');
    for (const name of Object.keys(options ?? {})) if (name !== 'keys') throw new TidekvError('INVALID_OPTION', `leaseTimeToLive: unknown option '${name}'`);
    const keys = (options as { keys?: unknown } | undefined)?.keys;
    if (keys !== undefined && typeof keys !== 'boolean') throw new TidekvError('INVALID_ARGUMENT', 'leaseTimeToLive option keys must be a boolean');
    const lease = this.#leases.get(checked);
    if (!lease || !this.exists(checked)) return { id: checked, ttl: -1, grantedTtl: 0 };
    const response: LeaseTimeToLiveResponse = { id: checked, ttl: Math.floor((lease.expiresAt - this.clock.now()) / 1000), grantedTtl: lease.ttl };
    if (keys) response.keys = this.host.attachedKeys(checked);
    return response;
  }

  list(): number[] {
    return [...this.#leases.keys()].filter((id) => this.exists(id)).sort((a, b) => a - b);
  }

  /** What close() persists. */
  saved(): StoredLease[] {
    const now = this.clock.now();
    return [...this.#leases].map(([id, lease]) => ({ id, ttl: lease.ttl, remainingMs: Math.max(1, lease.expiresAt - now) }));
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
  }

  /** One timer, for the earliest expiry. */
  #arm(): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped || this.#leases.size === 0) return;
    const earliest = Math.min(...[...this.#leases.values()].map((l) => l.expiresAt));
    this.#timer = this.clock.setTimeout(() => this.#expire(), Math.max(0, earliest - this.clock.now()));
  }

  #expire(): void {
    const now = this.clock.now();
    for (const [id, lease] of [...this.#leases]) {
      if (lease.expiresAt > now) continue;
      this.host.revokeKeys(id);
      this.#leases.delete(id);
    }
    this.#arm();
  }
}
