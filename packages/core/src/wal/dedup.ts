/**
 * Remembers recent idempotency ids and the LSN each was first written at. Two maps: new
 * ids go to `current`; when it holds `size` ids it becomes `previous` and the older
 * previous is dropped. So at least the last `size` ids (and at most 2 x size) are known,
 * with O(1) work per append and no per-entry expiry bookkeeping.
 */
import { TidekvError } from '../errors.js';
import { realByteLength } from '../engine/byte-input.js';
import { describeValue } from '../errors.js';
import { MAX_ID_BYTES } from './format.js';

export class DedupWindow {
  #current = new Map<string, number>();
  #previous = new Map<string, number>();

  constructor(readonly size: number) {}

  get(key: string): number | undefined {
    return this.#current.get(key) ?? this.#previous.get(key);
  }

  add(key: string, lsn: number): void {
    if (this.size === 0) return;
    this.#current.set(key, lsn);
    if (this.#current.size >= this.size) {
      this.#previous = this.#current;
      this.#current = new Map();
    }
  }

  /** Every remembered id, oldest first. */
  *entries(): IterableIterator<[key: string, lsn: number]> {
    yield* this.#previous;
    yield* this.#current;
  }
}

/** The map key of an id's bytes (latin1 maps each byte to one UTF-16 unit, losslessly). */
export function dedupKey(id: Uint8Array): string {
  return Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('latin1');
}

/** An append id as bytes: a string is taken as UTF-8, so 'a' and Uint8Array [0x61] are the same id. */
export function idBytes(id: unknown): Uint8Array {
  let bytes: Uint8Array;
  if (typeof id === 'string') bytes = Buffer.from(id, 'utf8');
  else if (realByteLength(id) >= 0) bytes = id as Uint8Array;
  else throw new TidekvError('INVALID_ARGUMENT', `append id must be a string or a real, attached Uint8Array, got ${describeValue(id)}`);
  if (bytes.length === 0 || bytes.length > MAX_ID_BYTES) {
    throw new TidekvError('INVALID_ARGUMENT', `append id must be 1 to ${MAX_ID_BYTES} bytes, got ${bytes.length}`, {
      details: { size: bytes.length, max: MAX_ID_BYTES },
    });
  }
  return bytes;
}
