/**
 * How flush() makes every acknowledged write durable.
 *
 * LevelDB appends each write to its log file without fsync unless the write asks for sync.
 * A synced write fsyncs the current log file, which carries every earlier write — except
 * when LevelDB has since switched to a new log (its memtable filled up): the previous log is
 * closed without fsync and its writes are durable only once the background flush of the old
 * memtable to a table file has finished.
 *
 * So flush() does one of two things:
 * - cheap: a synced marker write, when no log switch can have happened since the last full
 *   flush (the bytes written since then cannot have filled the memtable);
 * - full: a manual compaction of an empty key range, which makes LevelDB write the whole
 *   memtable to a synced table file and wait for any earlier memtable flush; both are then
 *   recorded in the synced MANIFEST.
 *
 * This class keeps the (deliberately pessimistic) estimate of memtable bytes since the last
 * full flush, so the choice never errs on the unsafe side.
 */

/**
 * Per entry, LevelDB's memtable holds the key, the value, an 8-byte sequence/type tag, two
 * length varints and a skip-list node of up to 12 levels, in 4 KiB arena blocks that can
 * waste up to a quarter of each block. 136 bytes of overhead and a 1.5 factor bound all that.
 */
const ENTRY_OVERHEAD = 136;
const WASTE_FACTOR = 1.5;
/** The memtable's own head node and first arena block, counted once. */
const BASE_USAGE = 64 * 1024;

export class FlushPolicy {
  readonly #writeBufferSize: number;
  /** Estimated memtable bytes of every entry written since open: only grows. */
  #total = 0;
  /** The largest `total` a finished full flush started at: everything up to it is durable. */
  #covered = 0;

  constructor(writeBufferSize: number) {
    this.#writeBufferSize = writeBufferSize;
  }

  /** Records one entry written to LevelDB (a put, a delete or a flush marker). */
  add(keyLength: number, valueLength: number): void {
    this.#total += keyLength + valueLength + ENTRY_OVERHEAD;
  }

  /** Where the count stands: what a full flush starting now covers once it finishes. */
  get mark(): number {
    return this.#total;
  }

  /** Bytes written since the last full flush started, as far as a finished one covers. */
  get uncovered(): number {
    return this.#total - this.#covered;
  }

  /** True when a log switch may have happened since the last full flush. */
  get needsFullFlush(): boolean {
    return BASE_USAGE + this.uncovered * WASTE_FACTOR >= this.#writeBufferSize;
  }

  /**
   * A full flush that started at `markAtStart` has finished. Concurrent flushes may finish
   * in any order, so the furthest start wins.
   */
  flushed(markAtStart: number): void {
    if (markAtStart > this.#covered) this.#covered = markAtStart;
  }
}
