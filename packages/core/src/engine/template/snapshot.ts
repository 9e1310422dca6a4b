/** A snapshot: keyspace views over the adapter's snapshot primitives, closed with the engine. */
import { Lifecycle } from '../lifecycle.js';
import type { Capabilities, ReadableKeyspace, Snapshot } from '../types.js';
import { assertKeyspaceName } from '../validate.js';
import type { SnapshotPrimitives } from './primitives.js';
import { EngineReader, type ReadContext } from './reader.js';
import type { ToError } from './write-guard.js';

export class EngineSnapshot implements Snapshot {
  readonly #primitives: SnapshotPrimitives;
  readonly #context: ReadContext;
  readonly #views = new Map<string, EngineReader>();
  readonly #onClose: () => void;

  constructor(primitives: SnapshotPrimitives, capabilities: Capabilities, toError: ToError, onClose: () => void) {
    this.#primitives = primitives;
    this.#context = { lifecycle: new Lifecycle('snapshot'), capabilities, toError };
    this.#onClose = onClose;
  }

  keyspace(name: string): ReadableKeyspace {
    this.#context.lifecycle.assertOpen();
    let view = this.#views.get(name);
    if (view === undefined) {
      assertKeyspaceName(name);
      let reads;
      try {
        reads = this.#primitives.view(name);
      } catch (error) {
        throw this.#context.toError(error, `snapshot keyspace '${name}'`);
      }
      view = new EngineReader(name, this.#context, reads);
      this.#views.set(name, view);
    }
    return view;
  }

  close(): Promise<void> {
    return this.#context.lifecycle.close(async () => {
      this.#views.clear(); // let the views go even if the caller keeps this object
      try {
        await this.#primitives.release();
      } catch (error) {
        throw this.#context.toError(error, 'snapshot close');
      } finally {
        this.#onClose();
      }
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
