/**
 * One lease as the lessor holds it: its granted TTL, when it expires, and the keys attached
 * to it. Keys are held by their latin1 image (one char per byte) so a Map finds them; the
 * bytes are kept beside for revoke.
 */
export interface LeaseRecord {
  id: number;
  /** Granted TTL, seconds. */
  ttl: number;
  /** Remaining TTL at the last checkpoint, milliseconds; 0 = the full TTL (as etcd's remaining_TTL). */
  remainingMs: number;
}

export class Lease {
  /** Absolute expiry on the lessor's clock, milliseconds. */
  expiry: number;
  /** The remaining TTL last written to storage; 0 when the stored record means "full TTL". */
  checkpointedMs = 0;
  /** Set once a revoke (or expiry) began: the lease takes no new keys and answers as gone. */
  revoking = false;
  /** Settles when the revoke that set `revoking` has finished. */
  revoked: Promise<unknown> | undefined;
  readonly keys = new Map<string, Uint8Array>();

  constructor(
    readonly id: number,
    readonly ttl: number,
    expiry: number,
  ) {
    this.expiry = expiry;
  }

  /** The attached keys in byte order (latin1 order of one char per byte is byte order). */
  sortedKeys(): Uint8Array[] {
    return [...this.keys.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((entry) => entry[1]);
  }
}

/** The Map key of a key's bytes. */
export function keyImage(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}
