/** The fast-check seed for this test run: TIDEKV_SEED to reproduce, printed either way. */
export function testSeed(): number {
  const seed = Number(process.env.TIDEKV_SEED ?? Date.now() % 2 ** 31);
  console.log('fast-check seed', seed);
  return seed;
}
