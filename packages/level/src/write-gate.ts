/**
 * Orders writes that must read before they write.
 *
 * LevelDB has no range delete inside a batch, so a delRange becomes "read the keys in the
 * range, then delete each in the same batch". That is only atomic if no other write of this
 * engine lands between the read and the batch. Ordinary writes therefore run concurrently
 * ("shared"), while a read-then-write batch runs "exclusive": it waits for the writes in
 * flight to finish and holds later writes back until it is done.
 */
export class WriteGate {
  /** Ordinary writes in flight. */
  #shared = 0;
  /** Resolves when #shared drops to 0, while an exclusive section waits for that. */
  #onDrained: (() => void) | undefined;
  /** Settles when the last exclusive section queued so far has finished. */
  #exclusiveTail: Promise<void> | undefined;

  /** Runs an ordinary write; waits first only while an exclusive section is queued or running. */
  shared<T>(write: () => Promise<T>): Promise<T> {
    if (this.#exclusiveTail === undefined) return this.#runShared(write);
    return this.#exclusiveTail.then(() => this.shared(write));
  }

  #runShared<T>(write: () => Promise<T>): Promise<T> {
    this.#shared++;
    let running: Promise<T>;
    try {
      running = write();
    } catch (error) {
      running = Promise.reject(error);
    }
    return running.finally(() => {
      if (--this.#shared === 0 && this.#onDrained) {
        const drained = this.#onDrained;
        this.#onDrained = undefined;
        drained();
      }
    });
  }

  /** Runs `section` with no other write of this gate in flight. */
  exclusive<T>(section: () => Promise<T>): Promise<T> {
    const previous = this.#exclusiveTail ?? Promise.resolve();
    const run = previous.then(async () => {
      if (this.#shared > 0) await new Promise<void>((resolve) => (this.#onDrained = resolve));
      return section();
    });
    const tail: Promise<void> = run.then(
      () => undefined,
      () => undefined,
    );
    this.#exclusiveTail = tail;
    void tail.then(() => {
      if (this.#exclusiveTail === tail) this.#exclusiveTail = undefined;
    });
    return run;
  }
}
