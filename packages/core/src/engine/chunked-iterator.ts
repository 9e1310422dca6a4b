/**
 * The EntryIterator every adapter can return: it owns buffering, limit, lifecycle
 * (close twice, use after close), AbortSignal and `for await`, so an adapter only supplies
 * "give me up to n more entries" and "release".
 */
import { TidekvError } from '../errors.js';
import type { Entry, EntryIterator } from './types.js';
import { assertPositiveInteger } from './validate.js';
import { retainHiddenClass } from './hidden-class.js';

export interface ChunkSource {
  /** Up to `max` (>= 1) further entries in iteration order; an empty array means the end. */
  read(max: number): Entry[] | Promise<Entry[]>;
  /** Releases native resources; called once, after any read in flight has settled. */
  release?(): void | Promise<void>;
}

export interface ChunkedIteratorOptions {
  /** Maximum entries to hand out; Infinity for none. */
  limit?: number;
  signal?: AbortSignal | undefined;
  /** Entries fetched per chunk by next() and `for await`. */
  chunkSize?: number;
  /** Throws NOT_OPEN when the owning engine (or snapshot) is closed. */
  assertOpen?: () => void;
  /** Called once when the iterator closes, e.g. to untrack it from its engine. */
  onClose?: () => void;
  /** Turns a failure of the source (a read or the release) into the error the caller sees. */
  mapError?: (error: unknown) => unknown;
}

/**
 * The engine or snapshot an iterator belongs to (a Lifecycle): what `assertOpen` and `onClose`
 * do, without two closures per iterator.
 */
export interface IteratorOwner {
  assertOpen(): void;
  untrack(iterator: ChunkedIterator): void;
}

const DEFAULT_CHUNK = 256;
/**
 * The most entries asked of a source at once, whatever nextv(n) asks for: a native library
 * may reserve room for n entries up front (LevelDB's nextv(1e9) aborts the process with
 * std::bad_alloc). nextv may return fewer entries than asked; an empty array alone means the end.
 */
export const MAX_READ_CHUNK = 65_536;
const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };
const RESOLVED: Promise<void> = Promise.resolve();
/** The buffer of an iterator holding no entries (never written to: buffers are only replaced). */
const NO_ENTRIES: Entry[] = [];

/*
 * Opening, reading and closing an iterator is the whole cost of a seek, so the common case
 * (a source that answers synchronously, nothing queued) allocates nothing but the iterator,
 * the entries and the promises handed back: no closures per iterator or per call, and a
 * promise chain only once a read is in flight.
 */

export class ChunkedIterator implements EntryIterator {
  readonly #source: ChunkSource;
  readonly #chunkSize: number;
  readonly #assertOpen: (() => void) | undefined;
  readonly #onClose: (() => void) | undefined;
  readonly #owner: IteratorOwner | undefined;
  readonly #mapError: ((error: unknown) => unknown) | undefined;
  readonly #signal: AbortSignal | undefined;
  #remaining: number;
  #buffer: Entry[] = NO_ENTRIES;
  #position = 0;
  #ended = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Serialises reads so concurrent next()/nextv() calls see entries in order. */
  #queue: Promise<unknown> = RESOLVED;
  #pending = 0;
  #onAbort: (() => void) | undefined;

  /** `owner`: the engine or snapshot whose close() closes this iterator (it checks and untracks). */
  constructor(source: ChunkSource, options: ChunkedIteratorOptions = {}, owner?: IteratorOwner) {
    this.#source = source;
    this.#remaining = options.limit ?? Infinity;
    this.#chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    this.#assertOpen = options.assertOpen;
    this.#onClose = options.onClose;
    this.#owner = owner;
    this.#mapError = options.mapError;
    this.#signal = options.signal;
    if (this.#remaining === 0) this.#ended = true;
    if (this.#signal) {
      if (!(this.#signal instanceof AbortSignal)) {
        throw new TidekvError('INVALID_OPTION', 'signal must be an AbortSignal');
      }
      this.#onAbort = () => void this.close();
      this.#signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  #check(): void {
    this.#owner?.assertOpen();
    this.#assertOpen?.();
    if (this.#signal?.aborted) {
      throw new TidekvError('ABORTED', 'the iterator was aborted', { cause: this.#signal.reason });
    }
    if (this.#closed) throw new TidekvError('ITERATOR_CLOSED', 'the iterator is closed');
  }

  #settle: (() => void) | undefined;

  /** Counts a read in flight; `#queue` settles when it (and every read before it) has. */
  #inFlight<T>(run: Promise<T>): Promise<T> {
    this.#pending++;
    const settle = (this.#settle ??= () => void this.#pending--);
    this.#queue = run.then(settle, settle);
    return run;
  }

  /** Queues `step` after the reads in flight (callers run it at once when there are none). */
  #enqueue<T>(step: () => T | Promise<T>): Promise<T> {
    return this.#inFlight(this.#queue.then(step));
  }

  /** The result of a step run at once: a synchronous source costs no promise hop (a seek that reads one entry stays cheap). */
  #settled<T>(result: T | Promise<T>): Promise<T> {
    return result instanceof Promise ? this.#inFlight(result) : Promise.resolve(result);
  }

  /** Up to `max` more entries from the source: synchronously when the source answers so. */
  #fetch(max: number): Entry[] | Promise<Entry[]> {
    if (this.#ended) return [];
    const want = Math.min(max, this.#remaining, MAX_READ_CHUNK);
    let result: Entry[] | Promise<Entry[]>;
    try {
      result = this.#source.read(want);
    } catch (error) {
      throw this.#failure(error);
    }
    if (Array.isArray(result)) return this.#accept(result, want);
    return result.then(
      (entries) => this.#accept(entries, want),
      (error: unknown) => {
        throw this.#failure(error);
      },
    );
  }

  #failure(error: unknown): unknown {
    return this.#mapError === undefined ? error : this.#mapError(error);
  }

  #accept(entries: Entry[], want: number): Entry[] {
    this.#check(); // the engine may have closed, or the signal fired, while reading
    if (entries.length === 0) {
      this.#ended = true;
      return entries;
    }
    const got = entries.length > want ? entries.slice(0, want) : entries;
    this.#remaining -= got.length;
    if (this.#remaining === 0) this.#ended = true;
    return got;
  }

  #takeOne(entries: Entry[]): Entry | undefined {
    this.#buffer = entries;
    this.#position = 0;
    return entries.length > 0 ? entries[this.#position++] : undefined;
  }

  #nextStep(): Entry | undefined | Promise<Entry | undefined> {
    this.#check();
    if (this.#position < this.#buffer.length) return this.#buffer[this.#position++];
    const fetched = this.#fetch(this.#chunkSize);
    return Array.isArray(fetched) ? this.#takeOne(fetched) : fetched.then((entries) => this.#takeOne(entries));
  }

  #nextvStep(size: number): Entry[] | Promise<Entry[]> {
    this.#check();
    if (this.#position < this.#buffer.length) {
      const out = this.#buffer.slice(this.#position, this.#position + size);
      this.#position += out.length;
      return out;
    }
    return this.#fetch(size);
  }

  next(): Promise<Entry | undefined> {
    try {
      this.#check();
      if (this.#pending > 0) return this.#enqueue(() => this.#nextStep());
      return this.#settled(this.#nextStep());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  nextv(size: number): Promise<Entry[]> {
    try {
      assertPositiveInteger(size, 'nextv size');
      this.#check();
      if (this.#pending > 0) return this.#enqueue(() => this.#nextvStep(size));
      return this.#settled(this.#nextvStep(size));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async all(): Promise<Entry[]> {
    const out: Entry[] = [];
    try {
      for (;;) {
        const chunk = await this.nextv(Math.max(this.#chunkSize, 1024));
        if (chunk.length === 0) return out;
        for (const entry of chunk) out.push(entry);
      }
    } finally {
      await this.close();
    }
  }

  close(): Promise<void> {
    if (!this.#closing) {
      this.#closed = true;
      this.#buffer = NO_ENTRIES;
      if (this.#onAbort) this.#signal?.removeEventListener('abort', this.#onAbort);
      // Release after any read in flight has settled, never under it; at once when idle.
      this.#closing =
        this.#pending === 0
          ? this.#releaseNow()
          : this.#queue
              .catch(() => undefined)
              .then(() => this.#source.release?.())
              .catch((error: unknown) => {
                throw this.#failure(error);
              })
              .finally(() => this.#notifyClosed());
    }
    return this.#closing;
  }

  /** Tells the owner (and the onClose callback) that this iterator is gone; once. */
  #notifyClosed(): void {
    this.#owner?.untrack(this);
    this.#onClose?.();
  }

  #releaseNow(): Promise<void> {
    let released: void | Promise<void>;
    try {
      released = this.#source.release?.();
    } catch (error) {
      this.#notifyClosed();
      return Promise.reject(this.#failure(error));
    }
    if (released instanceof Promise) {
      return released.then(undefined, (error: unknown) => {
        throw this.#failure(error);
      }).finally(() => this.#notifyClosed());
    }
    this.#notifyClosed();
    return RESOLVED;
  }

  /**
   * A hand-rolled iterator rather than an async generator: `for await` over buffered entries
   * then costs one resolved promise per entry instead of a generator resumption.
   * It closes the iterator at the end, on `break` (return) and when a read fails.
   */
  [Symbol.asyncIterator](): AsyncIterator<Entry> {
    const finish = (): Promise<IteratorResult<Entry>> => this.close().then(() => DONE);
    const fail = (error: unknown): Promise<never> =>
      this.close().then(() => {
        throw error;
      });
    return {
      next: () => {
        if (this.#pending === 0 && this.#position < this.#buffer.length && !this.#closed && !this.#signal?.aborted) {
          try {
            this.#owner?.assertOpen();
            this.#assertOpen?.();
          } catch (error) {
            return fail(error);
          }
          return Promise.resolve({ value: this.#buffer[this.#position++]!, done: false });
        }
        return this.next().then((entry) => (entry === undefined ? finish() : { value: entry, done: false }), fail);
      },
      return: finish,
    };
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

// One idle iterator for the life of the process: see hidden-class.ts.
retainHiddenClass(new ChunkedIterator({ read: () => NO_ENTRIES }));
