/** One seed per test file, printed so a failing property run can be replayed with TIDEKV_SEED. */
export function propertySeed(label: string): number {
  const seed = Number(process.env.TIDEKV_SEED ?? (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0);
  console.log(`[${label}] fast-check seed ${seed} (replay with TIDEKV_SEED=${seed})`);
  return seed;
}
