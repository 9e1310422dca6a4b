/**
 * A log-linear latency histogram (the HDR histogram layout): values are kept in nanoseconds
 * with 7 significant bits, so any percentile is within 1/64 (1.6%) of the true value, in
 * constant memory, however many operations a run records.
 */
const SUB_BUCKET_BITS = 7;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS; // 128: values below this are exact
const HALF = SUB_BUCKETS >> 1; // 64 buckets per power of two above that
const MAX_SHIFT = 31 - (SUB_BUCKET_BITS - 1); // values up to 2^31 ns (~2.1 s) are bucketed
const BUCKET_COUNT = SUB_BUCKETS + MAX_SHIFT * HALF;
const MAX_TRACKABLE_NS = 2 ** 31 - 1;

function bucketOf(ns: number): number {
  if (ns < SUB_BUCKETS) return ns;
  const top = 31 - Math.clz32(ns); // index of the highest set bit, >= 7
  const shift = top - (SUB_BUCKET_BITS - 1);
  return SUB_BUCKETS + (shift - 1) * HALF + ((ns >>> shift) - HALF);
}

/** The highest value (ns) that falls in bucket `index`. */
function bucketUpperNs(index: number): number {
  if (index < SUB_BUCKETS) return index;
  const shift = Math.floor((index - SUB_BUCKETS) / HALF) + 1;
  const mantissa = ((index - SUB_BUCKETS) % HALF) + HALF;
  return (mantissa + 1) * 2 ** shift - 1;
}

export class LatencyHistogram {
  readonly #counts = new Float64Array(BUCKET_COUNT);
  #count = 0;
  #totalUs = 0;
  #minUs = Infinity;
  #maxUs = 0;

  /** Records `count` operations that each took `us` microseconds. */
  record(us: number, count = 1): void {
    if (!(us >= 0) || !Number.isFinite(us)) throw new RangeError(`latency must be a finite number >= 0, got ${us}`);
    if (!(count > 0) || !Number.isInteger(count)) throw new RangeError(`count must be an integer >= 1, got ${count}`);
    const ns = Math.min(Math.round(us * 1000), MAX_TRACKABLE_NS);
    this.#counts[bucketOf(ns)]! += count;
    this.#count += count;
    this.#totalUs += us * count;
    if (us < this.#minUs) this.#minUs = us;
    if (us > this.#maxUs) this.#maxUs = us;
  }

  get count(): number {
    return this.#count;
  }

  get minUs(): number {
    return this.#count === 0 ? 0 : this.#minUs;
  }

  get maxUs(): number {
    return this.#maxUs;
  }

  get meanUs(): number {
    return this.#count === 0 ? 0 : this.#totalUs / this.#count;
  }

  /**
   * The latency (µs) at or below which `p` percent of operations fall: the upper edge of
   * the bucket holding that rank, never above the exact maximum.
   */
  percentileUs(p: number): number {
    if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be in [0, 100], got ${p}`);
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.#count - 1e-9)); // see percentile()
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.min(Math.max(bucketUpperNs(i) / 1000, this.minUs), this.#maxUs);
    }
    return this.#maxUs;
  }

  /** Adds every sample of `other` into this histogram. */
  merge(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKET_COUNT; i++) this.#counts[i]! += other.#counts[i]!;
    this.#count += other.#count;
    this.#totalUs += other.#totalUs;
    if (other.#count > 0) {
      this.#minUs = Math.min(this.#minUs, other.#minUs);
      this.#maxUs = Math.max(this.#maxUs, other.#maxUs);
    }
  }
}
