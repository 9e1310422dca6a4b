/**
 * The YCSB request distributions: zipfian (Gray et al., "Quickly generating billion-record
 * synthetic databases"), scrambled zipfian (popular keys spread over the key space by an
 * FNV hash), skewed-latest (recently inserted keys are hottest) and uniform.
 */
import type { Random } from './random.js';

export const ZIPFIAN_CONSTANT = 0.99;

export interface KeyChooser {
  /** The next item index in [0, itemCount). */
  next(): number;
}

function zeta(n: number, theta: number): number {
  let sum = 0;
  for (let i = 1; i <= n; i++) sum += 1 / Math.pow(i, theta);
  return sum;
}

/** Item 0 is the most popular, item 1 the next, and so on. */
export class ZipfianGenerator implements KeyChooser {
  readonly #random: Random;
  readonly #theta: number;
  readonly #alpha: number;
  readonly #zeta2: number;
  #items: number;
  #zetaN: number;
  #eta: number;

  constructor(random: Random, itemCount: number, theta = ZIPFIAN_CONSTANT) {
    if (!Number.isInteger(itemCount) || itemCount < 1) throw new RangeError(`itemCount must be an integer >= 1, got ${itemCount}`);
    if (!(theta > 0 && theta < 1)) throw new RangeError(`zipfian constant must be in (0, 1), got ${theta}`);
    this.#random = random;
    this.#theta = theta;
    this.#alpha = 1 / (1 - theta);
    this.#zeta2 = zeta(2, theta);
    this.#items = itemCount;
    this.#zetaN = zeta(itemCount, theta);
    this.#eta = this.#computeEta();
  }

  #computeEta(): number {
    return (1 - Math.pow(2 / this.#items, 1 - this.#theta)) / (1 - this.#zeta2 / this.#zetaN);
  }

  get itemCount(): number {
    return this.#items;
  }

  /** Grows the item space incrementally (zeta is extended, not recomputed). */
  grow(itemCount: number): void {
    if (itemCount <= this.#items) return;
    for (let i = this.#items + 1; i <= itemCount; i++) this.#zetaN += 1 / Math.pow(i, this.#theta);
    this.#items = itemCount;
    this.#eta = this.#computeEta();
  }

  next(): number {
    const u = this.#random.nextFloat();
    const uz = u * this.#zetaN;
    if (uz < 1) return 0;
    if (uz < 1 + Math.pow(0.5, this.#theta)) return Math.min(1, this.#items - 1);
    const index = Math.floor(this.#items * Math.pow(this.#eta * u - this.#eta + 1, this.#alpha));
    return Math.min(index, this.#items - 1);
  }
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = (1n << 64n) - 1n;

/** YCSB's 64-bit FNV-1a over the 8 little-endian bytes of `value`. */
export function fnvHash64(value: number): bigint {
  let hash = FNV_OFFSET;
  let v = BigInt(value);
  for (let i = 0; i < 8; i++) {
    hash ^= v & 0xffn;
    hash = (hash * FNV_PRIME) & MASK64;
    v >>= 8n;
  }
  return hash;
}

/**
 * Zipfian popularity with the popular items scattered over the key space, so the hot keys
 * are not all neighbours (which would flatter caches and B-tree pages).
 */
export class ScrambledZipfianGenerator implements KeyChooser {
  readonly #zipf: ZipfianGenerator;
  readonly #items: bigint;
  /** The hash of each rank, precomputed: hashing with bigint per request would dominate. */
  readonly #scramble: Uint32Array;

  constructor(random: Random, itemCount: number, theta = ZIPFIAN_CONSTANT) {
    this.#zipf = new ZipfianGenerator(random, itemCount, theta);
    this.#items = BigInt(itemCount);
    this.#scramble = new Uint32Array(itemCount);
    for (let rank = 0; rank < itemCount; rank++) this.#scramble[rank] = Number(fnvHash64(rank) % this.#items);
  }

  next(): number {
    return this.#scramble[this.#zipf.next()]!;
  }
}

/** The most recently inserted items are the most popular (YCSB workload D). */
export class SkewedLatestGenerator implements KeyChooser {
  readonly #zipf: ZipfianGenerator;
  #latest: number;

  constructor(random: Random, itemCount: number) {
    this.#zipf = new ZipfianGenerator(random, itemCount);
    this.#latest = itemCount;
  }

  /** Call after inserting item `itemCount - 1`. */
  setItemCount(itemCount: number): void {
    this.#latest = itemCount;
    this.#zipf.grow(itemCount);
  }

  next(): number {
    return this.#latest - 1 - this.#zipf.next();
  }
}

export class UniformGenerator implements KeyChooser {
  constructor(
    private readonly random: Random,
    private readonly itemCount: number,
  ) {}

  next(): number {
    return this.random.nextInt(this.itemCount);
  }
}
