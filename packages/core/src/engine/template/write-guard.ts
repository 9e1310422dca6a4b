/**
 * The rule after a failed write: an engine whose write or sync failed with an I/O error
 * refuses every later write and flush until it is reopened, as the WAL does. A storage
 * library may keep acknowledging writes after such a failure (LevelDB keeps appending to a
 * log it could not finish writing, and loses them all on reopen); refusing is the only answer
 * that never acknowledges a write that is not there. Other failures (damage found while
 * writing is CORRUPTION, a value the backend refuses) reject that one write, which the
 * backend rolled back whole, and leave the engine writable.
 */
import { TidekvError } from '../../errors.js';

export type ToError = (error: unknown, doing: string) => TidekvError;

const RESOLVED = Promise.resolve();

export class WriteGuard {
  readonly #toError: ToError;
  #failure: TidekvError | undefined;

  constructor(toError: ToError) {
    this.#toError = toError;
  }

  /** The failure that stopped writes, if one did. */
  get failure(): TidekvError | undefined {
    return this.#failure;
  }

  /** Throws once a write has failed: nothing more is acknowledged until a reopen. */
  assertWritable(): void {
    if (this.#failure !== undefined) {
      throw new TidekvError(
        'IO_ERROR',
        `the engine refuses writes since an earlier write failed (${this.#failure.message}); close and reopen it`,
        { cause: this.#failure, details: { poisoned: true } },
      );
    }
  }

  /** Converts a failed write's error; an I/O failure stops later writes. */
  fail(error: unknown, doing: string): TidekvError {
    const converted = this.#toError(error, doing);
    if (this.#failure === undefined && converted.code === 'IO_ERROR') {
      this.#failure = converted;
    }
    return converted;
  }

  /**
   * Runs a write primitive: a synchronous one costs no promise beyond a shared resolved one;
   * a failure, thrown or rejected, goes through fail().
   */
  run(write: () => void | Promise<void>, doing: string): Promise<void> {
    let result: void | Promise<void>;
    try {
      result = write();
    } catch (error) {
      return Promise.reject(this.fail(error, doing));
    }
    return result === undefined ? RESOLVED : this.settle(result, doing);
  }

  /** The promise of an asynchronous write primitive, its failure going through fail(). */
  settle(result: Promise<void>, doing: string): Promise<void> {
    return result.then(undefined, (error: unknown) => {
      throw this.fail(error, doing);
    });
  }
}
