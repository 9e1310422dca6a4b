import {
  assertKey,
  assertValue,
  assertWriteOptions,
  normalizeRange,
  toHalfOpen,
  type Keyspace,
  type Lifecycle,
  type Range,
  type WriteOptions,
} from '@tidekv/core';
import { MAX_KEY_SIZE, MAX_VALUE_SIZE } from './capabilities.js';
import { toTidekvError } from './errors.js';
import type { ReadBurst } from './read-burst.js';
import { KeyspaceReader } from './reader.js';
import type { TableStatements } from './statements.js';
import type { Writer } from './writer.js';
import { deleteRange, deletesNothing } from './delete-range.js';

const DONE = Promise.resolve();

interface KeyOp {
  statements: TableStatements;
  key: Uint8Array;
}

function putOne({ statements, key, value }: KeyOp & { value: Uint8Array }): void {
  statements.put.run(key, value);
}

function delOne({ statements, key }: KeyOp): void {
  statements.del.run(key);
}

/** A live keyspace on the engine's main connection. */
export class SqliteKeyspace extends KeyspaceReader implements Keyspace {
  readonly #writer: Writer;
  readonly #statements: TableStatements;

  constructor(name: string, statements: TableStatements, lifecycle: Lifecycle, burst: ReadBurst, writer: Writer) {
    super(name, statements, lifecycle, burst);
    this.#statements = statements;
    this.#writer = writer;
  }

  put(key: Uint8Array, value: Uint8Array, options?: WriteOptions): Promise<void> {
    try {
      this.lifecycle.assertOpen();
      assertKey(key, MAX_KEY_SIZE);
      assertValue(value, MAX_VALUE_SIZE);
      assertWriteOptions(options);
      this.#writer.commit(putOne, { statements: this.#statements, key, value }, options?.sync === true, true);
      return DONE;
    } catch (error) {
      return Promise.reject(toTidekvError(error, 'put'));
    }
  }

  del(key: Uint8Array, options?: WriteOptions): Promise<void> {
    try {
      this.lifecycle.assertOpen();
      assertKey(key, MAX_KEY_SIZE);
      assertWriteOptions(options);
      this.#writer.commit(delOne, { statements: this.#statements, key }, options?.sync === true, true);
      return DONE;
    } catch (error) {
      return Promise.reject(toTidekvError(error, 'del'));
    }
  }

  clear(range?: Range, options?: WriteOptions): Promise<void> {
    try {
      this.lifecycle.assertOpen();
      const normalized = normalizeRange(range);
      assertWriteOptions(options);
      if (deletesNothing(normalized)) return DONE;
      this.#writer.commit(deleteRange, { statements: this.#statements, range: toHalfOpen(normalized) }, options?.sync === true, true);
      return DONE;
    } catch (error) {
      return Promise.reject(toTidekvError(error, 'clear'));
    }
  }
}
