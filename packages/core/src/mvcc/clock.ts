/**
 * Time as the MVCC store's timed parts (lease expiry and checkpoints, the compactor) see it:
 * injectable, so tests drive it by hand instead of sleeping. The same shape as the
 * compactor's clock, so one clock object can drive both.
 */
export interface Clock {
  /** Milliseconds; only differences matter. */
  now(): number;
  /** Calls `callback` once after `ms`. The system clock's timers never keep the process alive. */
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Real time, with unref'd timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A clock that moves only when told to; its timers fire, in order, inside advance(). */
export class ManualClock implements Clock {
  private ms: number;
  private timers = new Map<number, { at: number; callback: () => void }>();
  private nextHandle = 1;

  constructor(start = 0) {
    this.ms = start;
  }

  now(): number {
    return this.ms;
  }

  setTimeout(callback: () => void, ms: number): number {
    const handle = this.nextHandle++;
    this.timers.set(handle, { at: this.ms + Math.max(0, ms), callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Number of armed timers. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that comes due, earliest first. */
  advance(ms: number): void {
    const target = this.ms + ms;
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.ms = Math.max(this.ms, next[1].at);
      next[1].callback();
    }
    this.ms = target;
  }
}
