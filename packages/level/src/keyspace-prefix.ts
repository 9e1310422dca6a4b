/**
 * Keyspaces live in one LevelDB database, each under the prefix `name + 0x00`.
 *
 * Keyspace names never contain 0x00 (see KEYSPACE_NAME_PATTERN), so no prefix is a prefix
 * of another: keyspaces are isolated, and inside one keyspace bytewise order of the stored
 * keys equals bytewise order of the user keys. Every key of keyspace `name` lies in
 * [name 0x00, name 0x01).
 */
import { KEYSPACE_NAME_PATTERN, toHalfOpen, type NormalizedRange } from '@tidekv/core';

/** The longest keyspace name (64) plus the separator. */
export const MAX_PREFIX_LENGTH = 65;

export class KeyspacePrefix {
  readonly name: string;
  /** `name 0x00`: the first possible stored key of the keyspace. */
  readonly start: Buffer;
  /** `name 0x01`: just past the last possible stored key of the keyspace. */
  readonly end: Buffer;
  readonly length: number;

  constructor(name: string) {
    if (!KEYSPACE_NAME_PATTERN.test(name)) throw new RangeError(`not a keyspace name: ${name}`);
    this.name = name;
    this.start = Buffer.from(name + '\u0000', 'latin1');
    this.end = Buffer.from(name + '\u0001', 'latin1');
    this.length = this.start.length;
  }

  /** The stored key for a user key: a fresh Buffer, prefix then key. */
  wrap(key: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(this.length + key.length);
    this.start.copy(out, 0);
    out.set(key, this.length);
    return out;
  }

  /** The user key inside a stored key: a view, no copy. */
  unwrap(stored: Buffer): Buffer {
    return stored.subarray(this.length);
  }

  /**
   * The stored-key bounds [gte, lt) of a range inside this keyspace. Only the bounds count:
   * `limit` and `reverse` are the caller's business. The result may be empty (gte >= lt).
   */
  storedBounds(range: NormalizedRange): StoredBounds {
    const { start, end } = toHalfOpen(range);
    return {
      gte: start ? this.wrap(start) : this.start,
      lt: end ? this.wrap(end) : this.end,
    };
  }
}

export interface StoredBounds {
  gte: Buffer;
  lt: Buffer;
}
