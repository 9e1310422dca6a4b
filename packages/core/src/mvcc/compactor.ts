/**
 * Automatic compaction, as etcd's v3compactor:
 *
 * - `periodic` (retention in ms): sample the store's revision every min(retention, 1 h) / 10;
 *   once `retention` has passed, compact to the revision sampled `retention` ago, then again
 *   every min(retention, 1 h) — skipping a revision already compacted to.
 * - `revision` (retention = revisions to keep): every 5 minutes compact to
 *   current - retention, when that is > 0 and changed since the last run.
 *
 * pause() / resume() suspend and restart it; stop() ends it (the store's close() does). The
 * clock is injectable for tests; the default one uses unref'd timers, so a compactor never
 * keeps the process alive.
 */
import { TidekvError, isTidekvError } from '../errors.js';
import { describeValue } from '../errors.js';
import { systemClock, type Clock } from './clock.js';

/** The compactor's clock: the store's injectable Clock. */
export type CompactorClock = Clock;

export interface CompactorOptions {
  mode: 'periodic' | 'revision';
  /** periodic: how long history is kept, in ms. revision: how many revisions are kept. */
  retention: number;
  clock?: CompactorClock;
}

/** What the compactor needs from a store. */
export interface Compactable {
  readonly revision: number;
  compact(revision: number): Promise<unknown>;
}


const HOUR = 3_600_000;
/** etcd's revision-mode interval. */
export const REVISION_COMPACTOR_INTERVAL_MS = 5 * 60_000;

export function checkCompactorOptions(input: unknown): CompactorOptions | undefined {
  if (input === undefined) return undefined;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TidekvError('INVALID_OPTION', `compactor must be an object, got ${describeValue(input)}`);
  }
  const { mode, retention, clock, ...rest } = input as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw new TidekvError('INVALID_OPTION', `compactor: unknown option '${unknown}'`);
  if (mode !== 'periodic' && mode !== 'revision') {
    throw new TidekvError('INVALID_OPTION', `compactor.mode must be 'periodic' or 'revision', got ${describeValue(mode)}`);
  }
  if (typeof retention !== 'number' || !Number.isSafeInteger(retention) || retention < 1) {
    throw new TidekvError('INVALID_OPTION', `compactor.retention must be a positive safe integer, got ${describeValue(retention)}`);
  }
  if (mode === 'periodic' && retention < 10) throw new TidekvError('INVALID_OPTION', 'compactor.retention must be at least 10 ms in periodic mode');
  if (clock !== undefined) {
    const c = clock as Partial<CompactorClock> | null;
    if (!c || typeof c.now !== 'function' || typeof c.setTimeout !== 'function' || typeof c.clearTimeout !== 'function') {
      throw new TidekvError('INVALID_OPTION', 'compactor.clock must have now(), setTimeout() and clearTimeout()');
    }
  }
  return { mode, retention, ...(clock ? { clock: clock as CompactorClock } : {}) };
}

export class Compactor {
  readonly options: Readonly<CompactorOptions>;
  readonly #store: Compactable;
  readonly #clock: CompactorClock;
  #timer: unknown;
  #paused = false;
  #stopped = false;
  /** periodic: revisions sampled, oldest first; revs[0] is the one from `retention` ago. */
  readonly #revs: number[] = [];
  #lastRevision = 0;
  #lastSuccess: number;
  #baseInterval: number;

  constructor(store: Compactable, options: CompactorOptions) {
    this.#store = store;
    this.options = Object.freeze({ ...options });
    this.#clock = options.clock ?? systemClock;
    this.#lastSuccess = this.#clock.now();
    this.#baseInterval = options.retention;
    if (options.mode === 'periodic') this.#sample();
    else this.#schedule(REVISION_COMPACTOR_INTERVAL_MS, () => this.#revisionTick());
  }

  get paused(): boolean {
    return this.#paused;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number, run: () => void): void {
    if (this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      if (!this.#stopped) run();
    }, ms);
  }

  get #compactInterval(): number {
    return Math.min(this.options.retention, HOUR);
  }

  get #retryInterval(): number {
    return this.#compactInterval / 10;
  }

  /** periodic: the top of etcd's loop: remember the revision, wait one retry interval. */
  #sample(): void {
    this.#revs.push(this.#store.revision);
    const retentions = Math.floor(this.options.retention / this.#retryInterval) + 1;
    if (this.#revs.length > retentions) this.#revs.shift();
    this.#schedule(this.#retryInterval, () => this.#periodicTick());
  }

  #periodicTick(): void {
    if (this.#paused) return this.#sample();
    const revision = this.#revs[0]!;
    if (this.#clock.now() - this.#lastSuccess < this.#baseInterval || revision === this.#lastRevision) return this.#sample();
    // After the first compaction, compact every min(retention, 1 h).
    if (this.#baseInterval === this.options.retention) this.#baseInterval = this.#compactInterval;
    void this.#compact(revision).then((ok) => {
      if (ok) {
        this.#lastSuccess = this.#clock.now();
        this.#lastRevision = revision;
      }
      this.#sample();
    });
  }

  #revisionTick(): void {
    const next = () => this.#schedule(REVISION_COMPACTOR_INTERVAL_MS, () => this.#revisionTick());
    if (this.#paused) return next();
    const revision = this.#store.revision - this.options.retention;
    if (revision <= 0 || revision === this.#lastRevision) return next();
    void this.#compact(revision).then((ok) => {
      if (ok) this.#lastRevision = revision;
      next();
    });
  }

  /** True when the store is compacted to `revision` (now or already). */
  async #compact(revision: number): Promise<boolean> {
    try {
      await this.#store.compact(revision);
      return true;
    } catch (error) {
      return isTidekvError(error, 'COMPACTED');
    }
  }
}
