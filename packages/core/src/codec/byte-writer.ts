/**
 * A growable byte buffer for encoders. Callers reserve space with `ensure` and then write
 * straight into `bytes` at `length`, so encoding a whole key costs one bounds check per
 * field rather than one per byte, and no intermediate arrays.
 */
export class ByteWriter {
  bytes: Uint8Array;
  length = 0;

  constructor(initialCapacity = 256) {
    this.bytes = new Uint8Array(initialCapacity);
  }

  /** Makes room for `extra` more bytes after `length`. */
  ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  byte(value: number): void {
    if (this.length === this.bytes.length) this.ensure(1);
    this.bytes[this.length++] = value;
  }

  /** A copy of what was written: the writer's buffer is reused by the next encode. */
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  /**
   * Empties the writer for the next encode. A buffer that grew past `maxRetained` for one
   * unusually large value is dropped, so a long-lived shared writer does not pin it.
   */
  reset(maxRetained = 64 * 1024, initialCapacity = 256): void {
    this.length = 0;
    if (this.bytes.length > maxRetained) this.bytes = new Uint8Array(initialCapacity);
  }
}
