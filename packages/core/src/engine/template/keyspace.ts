/**
 * A live keyspace: the template's reads plus writes. Each write validates everything, checks
 * the engine is open and still writable (see WriteGuard), then runs the adapter's primitive.
 */
import { TidekvError } from '../../errors.js';
import { normalizeDeleteRange } from '../range.js';
import type { Keyspace, Range, WriteOptions } from '../types.js';
import { assertKey, assertValue, assertWriteOptions } from '../validate.js';
import type { KeyspacePrimitives } from './primitives.js';
import { EngineReader, type ReadContext } from './reader.js';
import type { WriteGuard } from './write-guard.js';

export interface WriteContext extends ReadContext {
  readonly guard: WriteGuard;
}

const RESOLVED = Promise.resolve();

export class EngineKeyspace extends EngineReader implements Keyspace {
  readonly #writes: KeyspacePrimitives;
  readonly #guard: WriteGuard;
  readonly #maxKeySize: number;
  readonly #maxValueSize: number;

  constructor(name: string, context: WriteContext, primitives: KeyspacePrimitives) {
    super(name, context, primitives);
    this.#writes = primitives;
    this.#guard = context.guard;
    this.#maxKeySize = context.capabilities.maxKeySize;
    this.#maxValueSize = context.capabilities.maxValueSize;
  }

  put(key: Uint8Array, value: Uint8Array, options?: WriteOptions): Promise<void> {
    try {
      this.lifecycle.assertOpen();
      assertKey(key, this.#maxKeySize);
      assertValue(value, this.#maxValueSize);
      assertWriteOptions(options);
      this.#guard.assertWritable();
    } catch (error) {
      return Promise.reject(error);
    }
    let result: void | Promise<void>;
    try {
      result = this.#writes.put(key, value, options?.sync === true);
    } catch (error) {
      return Promise.reject(this.#guard.fail(error, 'put'));
    }
    return result === undefined ? RESOLVED : this.#guard.settle(result, 'put');
  }

  del(key: Uint8Array, options?: WriteOptions): Promise<void> {
    try {
      this.lifecycle.assertOpen();
      assertKey(key, this.#maxKeySize);
      assertWriteOptions(options);
      this.#guard.assertWritable();
    } catch (error) {
      return Promise.reject(error);
    }
    let result: void | Promise<void>;
    try {
      result = this.#writes.del(key, options?.sync === true);
    } catch (error) {
      return Promise.reject(this.#guard.fail(error, 'del'));
    }
    return result === undefined ? RESOLVED : this.#guard.settle(result, 'del');
  }

  clear(range?: Range, options?: WriteOptions): Promise<void> {
    let normalized;
    try {
      this.lifecycle.assertOpen();
      normalized = normalizeDeleteRange(range);
      assertWriteOptions(options);
      this.#guard.assertWritable();
    } catch (error) {
      return Promise.reject(error instanceof TidekvError ? error : this.toError(error, 'clear'));
    }
    if (normalized.empty) return RESOLVED;
    const sync = options?.sync === true;
    return this.#guard.run(() => this.#writes.clear(normalized, sync), 'clear');
  }
}
