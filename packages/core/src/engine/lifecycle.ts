/**
 * Open/closed bookkeeping an engine shares with its iterators and snapshots: close() is
 * idempotent, closes every resource still open, and later operations fail NOT_OPEN.
 */
import { TidekvError } from '../errors.js';
import { ChunkedIterator, type ChunkedIteratorOptions, type ChunkSource } from './chunked-iterator.js';

export interface Closable {
  close(): Promise<void>;
}

export class Lifecycle {
  #open = true;
  #closing: Promise<void> | undefined;
  readonly #resources = new Set<Closable>();

  constructor(private readonly what = 'engine') {}

  get isOpen(): boolean {
    return this.#open;
  }

  assertOpen(): void {
    if (!this.#open) throw this.closedError();
  }

  /** The NOT_OPEN error for a use after close, for callers that reject rather than throw. */
  closedError(): TidekvError {
    return new TidekvError('NOT_OPEN', `the ${this.what} is closed`);
  }

  track(resource: Closable): void {
    this.#resources.add(resource);
  }

  untrack(resource: Closable): void {
    this.#resources.delete(resource);
  }

  /**
   * A ChunkedIterator owned by this engine or snapshot: its reads fail NOT_OPEN once the
   * owner closes, and closing the owner closes it.
   */
  iterator(source: ChunkSource, options: Omit<ChunkedIteratorOptions, 'assertOpen' | 'onClose'> = {}): ChunkedIterator {
    this.assertOpen();
    const iterator = new ChunkedIterator(source, options, this);
    this.track(iterator);
    return iterator;
  }

  /**
   * Marks the owner closed at once (so new calls fail), closes tracked resources, then runs
   * `release` exactly once. Every later call returns the same promise.
   */
  close(release: () => Promise<void> | void): Promise<void> {
    if (!this.#closing) {
      this.#open = false;
      this.#closing = (async () => {
        const resources = [...this.#resources];
        this.#resources.clear();
        await Promise.allSettled(resources.map((r) => r.close()));
        await release();
      })();
    }
    return this.#closing;
  }
}
