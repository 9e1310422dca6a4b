/**
 * Keyspaces live in one LevelDB database, each under its own 2-byte id (big-endian,
 * 0x0100 to 0xFFFE), recorded in a registry (see keyspace-registry.ts).
 *
 * The ids have one fixed length, so no prefix is a prefix of another: keyspaces are
 * isolated, and inside one keyspace the bytewise order of stored keys equals the bytewise
 * order of user keys. Every key of a keyspace lies in [id, id + 1). A short prefix matters:
 * LevelDB compares, copies and stores the prefix with every key.
 */
import { toHalfOpen, type NormalizedRange } from '@tidekv/core';

export const PREFIX_LENGTH = 2;
/** Keys up to this size are read through the reused buffer of readKey(); longer ones get their own. */
const READ_KEY_BUFFER = 1024;
export const FIRST_KEYSPACE_ID = 0x0100;
export const LAST_KEYSPACE_ID = 0xfffe;

export interface StoredBounds {
  gte: Buffer;
  lt: Buffer;
}

export class KeyspacePrefix {
  readonly name: string;
  readonly id: number;
  /** The first possible stored key of the keyspace: its id. */
  readonly start: Buffer;
  /** Just past the last possible stored key of the keyspace: id + 1. */
  readonly end: Buffer;
  readonly #high: number;
  readonly #low: number;
  /** readKey()'s buffer: the id, then room for a key of up to READ_KEY_BUFFER bytes. */
  readonly #readBuffer: Buffer;
  /** The view of #readBuffer handed out last (a key of one length is read again and again). */
  #readView: Buffer;

  constructor(name: string, id: number) {
    if (!Number.isInteger(id) || id < FIRST_KEYSPACE_ID || id > LAST_KEYSPACE_ID) {
      throw new RangeError(`keyspace id out of range: ${id}`);
    }
    this.name = name;
    this.id = id;
    this.#high = id >>> 8;
    this.#low = id & 0xff;
    this.start = Buffer.from([this.#high, this.#low]);
    this.end = Buffer.from([(id + 1) >>> 8, (id + 1) & 0xff]);
    this.#readBuffer = Buffer.allocUnsafe(PREFIX_LENGTH + READ_KEY_BUFFER);
    this.#readBuffer[0] = this.#high;
    this.#readBuffer[1] = this.#low;
    this.#readView = this.#readBuffer.subarray(0, PREFIX_LENGTH);
  }

  /** The stored key for a user key: a fresh Buffer, id then key. */
  wrap(key: Uint8Array): Buffer {
    const out = Buffer.allocUnsafe(PREFIX_LENGTH + key.length);
    out[0] = this.#high;
    out[1] = this.#low;
    out.set(key, PREFIX_LENGTH);
    return out;
  }

  /**
   * The stored key for a synchronous point read, written into a buffer this prefix reuses, so
   * valid only until the next call. classic-level's getSync reads the key during the call and
   * keeps nothing, and a fresh key per read was a sixth of a get's time (allocation and GC,
   * measured with --cpu-prof). Never for anything asynchronous: use wrap().
   */
  readKey(key: Uint8Array): Buffer {
    const length = PREFIX_LENGTH + key.length;
    if (key.length > READ_KEY_BUFFER) return this.wrap(key);
    let view = this.#readView;
    if (view.length !== length) view = this.#readView = this.#readBuffer.subarray(0, length);
    view.set(key, PREFIX_LENGTH);
    return view;
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
