/**
 * Times one operation in every `every` and records it with weight `every`. Reading the clock
 * costs 0.05-0.5 µs (more on a busy VM), as much as a whole in-memory read, so timing every
 * sub-microsecond operation would distort the throughput being measured. Sampled operations
 * are timed individually (a clock read before and after), so the percentiles describe single
 * operations; throughput still counts every operation over the whole timed region.
 */
import type { LatencyHistogram } from './histogram.js';

export class SampledTimer {
  #countdown = 0;
  #start = 0;

  constructor(
    private readonly latency: LatencyHistogram,
    private readonly every: number,
  ) {
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`sampling interval must be an integer >= 1, got ${every}`);
  }

  /** Call before an operation; true when this one is sampled (then call end() after it). */
  begin(): boolean {
    if (this.#countdown > 0) {
      this.#countdown--;
      return false;
    }
    this.#start = performance.now();
    return true;
  }

  end(): void {
    this.latency.record((performance.now() - this.#start) * 1000, this.every);
    this.#countdown = this.every - 1;
  }
}

/** Measures what one clock read costs here, in nanoseconds (median of several trials). */
export function clockCostNs(reads = 20_000): number {
  const trials: number[] = [];
  for (let t = 0; t < 5; t++) {
    let sink = 0;
    const start = performance.now();
    for (let i = 0; i < reads; i++) sink += performance.now();
    trials.push(((performance.now() - start) * 1e6) / reads + (sink === -1 ? 1 : 0));
  }
  trials.sort((a, b) => a - b);
  return Math.round(trials[2]! * 10) / 10;
}
