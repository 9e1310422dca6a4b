/** A seed for randomised cases, printed so a failing run can be replayed with TIDEKV_SEED. */
export function caseSeed(label: string): number {
  const fromEnv = process.env.TIDEKV_SEED;
  const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
  console.log(`[${label}] seed ${seed} (replay with TIDEKV_SEED=${seed})`);
  return seed;
}

/** A small deterministic PRNG (mulberry32) for choices that must replay from a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 0..n-1 in an order shuffled by `seed` (Fisher-Yates over prng), the same on every run. */
export function shuffledIndexes(n: number, seed = n): number[] {
  const random = prng(seed);
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
