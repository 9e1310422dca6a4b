/**
 * The EntryIterator every adapter can return: it owns buffering, limit, lifecycle
 * (close twice, use after close), AbortSignal and `for await`, so an adapter only supplies
 * "give me up to n more entries" and "release".
 */
import { TidekvError } from '../errors.js';
import type { Entry, EntryIterator } from './types.js';
import { assertPositiveInteger } from './validate.js';

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

const DEFAULT_CHUNK = 256;
/**
 * The most entries asked of a source at once, whatever nextv(n) asks for: a native library
 * may reserve room for n entries up front (LevelDB's nextv(1e9) aborts the process with
 * std::bad_alloc). nextv may return fewer entries than asked; an empty array alone means the end.
 */
export const MAX_READ_CHUNK = 65_536;
const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

export class ChunkedIterator implements EntryIterator {
  readonly #source: ChunkSource;
  readonly #chunkSize: number;
  readonly #assertOpen: (() => void) | undefined;
  readonly #onClose: (() => void) | undefined;
  readonly #mapError: ((error: unknown) => unknown) | undefined;
  readonly #signal: AbortSignal | undefined;
  #remaining: number;
  #buffer: Entry[] = [];
  #position = 0;
  #ended = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Serialises reads so concurrent next()/nextv() calls see entries in order. */
  #queue: Promise<unknown> = Promise.resolve();
  #pending = 0;
  readonly #onAbort = () => void this.close();

  constructor(source: ChunkSource, options: ChunkedIteratorOptions = {}) {
    this.#source = source;
    this.#remaining = options.limit ?? Infinity;
    this.#chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    this.#assertOpen = options.assertOpen;
    this.#onClose = options.onClose;
    this.#mapError = options.mapError;
    this.#signal = options.signal;
    if (this.#remaining === 0) this.#ended = true;
    if (this.#signal) {
      if (!(this.#signal instanceof AbortSignal)) {
        throw new TidekvError('INVALID_OPTION', 'signal must be an AbortSignal');
      }
      this.#signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  #check(): void {
    this.#assertOpen?.();
    if (this.#signal?.aborted) {
      throw new TidekvError('ABORTED', 'the iterator was aborted', { cause: this.#signal.reason });
    }
    if (this.#closed) throw new TidekvError('ITERATOR_CLOSED', 'the iterator is closed');
  }

  readonly #settle = (): void => {
    this.#pending--;
  };

  /**
   * Runs `step` at once when nothing is in flight, so a synchronous source costs no promise
   * hop (a seek that reads one entry stays cheap); otherwise after the steps queued before it.
   */
  #run<T>(step: () => T | Promise<T>): Promise<T> {
    if (this.#pending > 0) {
      this.#pending++;
      const run = this.#queue.then(step);
      this.#queue = run.then(this.#settle, this.#settle);
      return run;
    }
    let result: T | Promise<T>;
    try {
      result = step();
    } catch (error) {
      return Promise.reject(error);
    }
    if (!(result instanceof Promise)) return Promise.resolve(result);
    this.#pending++;
    this.#queue = result.then(this.#settle, this.#settle);
    return result;
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

  readonly #takeOne = (entries: Entry[]): Entry | undefined => {
    this.#buffer = entries;
    this.#position = 0;
    return entries.length > 0 ? entries[this.#position++] : undefined;
  };

  next(): Promise<Entry | undefined> {
    try {
      this.#check();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#run(() => {
      this.#check();
      if (this.#position < this.#buffer.length) return this.#buffer[this.#position++];
      const fetched = this.#fetch(this.#chunkSize);
      return Array.isArray(fetched) ? this.#takeOne(fetched) : fetched.then(this.#takeOne);
    });
  }

  nextv(size: number): Promise<Entry[]> {
    try {
      assertPositiveInteger(size, 'nextv size');
      this.#check();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#run(() => {
      this.#check();
      if (this.#position < this.#buffer.length) {
        const out = this.#buffer.slice(this.#position, this.#position + size);
        this.#position += out.length;
        return out;
      }
      return this.#fetch(size);
    });
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
      this.#buffer = [];
      this.#signal?.removeEventListener('abort', this.#onAbort);
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
              .finally(() => this.#onClose?.());
    }
    return this.#closing;
  }

  #releaseNow(): Promise<void> {
    let released: void | Promise<void>;
    try {
      released = this.#source.release?.();
    } catch (error) {
      this.#onClose?.();
      return Promise.reject(this.#failure(error));
    }
    if (released instanceof Promise) {
      return released.then(undefined, (error: unknown) => {
        throw this.#failure(error);
      }).finally(() => this.#onClose?.());
    }
    this.#onClose?.();
    return Promise.resolve();
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
