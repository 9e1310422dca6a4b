/**
 * Time as the MVCC store's timed parts (lease expiry, the compactor) see it: injectable, so
 * tests drive it by hand instead of sleeping.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale (only differences matter). */
  now(): number;
}

/** Monotonic process time. */
export const systemClock: Clock = { now: () => performance.now() };

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  constructor(private ms = 0) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
