/**
 * The one error class tidekv throws. `code` is stable and meant for programs;
 * `message` is for people and may change between versions.
 */
export type TidekvErrorCode =
  // lifecycle
  | 'NOT_OPEN'
  | 'LOCKED'
  | 'ABORTED'
  | 'NOT_SUPPORTED'
  // input
  | 'INVALID_ARGUMENT'
  | 'INVALID_KEY'
  | 'INVALID_VALUE'
  | 'KEY_TOO_LARGE'
  | 'VALUE_TOO_LARGE'
  | 'INVALID_RANGE'
  | 'INVALID_KEYSPACE'
  | 'INVALID_OPTION'
  // iterators
  | 'ITERATOR_CLOSED'
  // storage
  | 'CORRUPTION'
  | 'IO_ERROR'
  // write-ahead log
  | 'WAL_POISONED'
  | 'RECORD_TOO_LARGE'
  // MVCC
  | 'COMPACTED'
  | 'FUTURE_REV'
  | 'DUPLICATE_KEY'
  | 'TOO_MANY_OPS'
  | 'KEY_NOT_FOUND'
  | 'LEASE_NOT_FOUND'
  | 'LEASE_EXISTS'
  | 'LEASE_TTL_TOO_LARGE';

export interface TidekvErrorOptions {
  cause?: unknown;
  /** Structured context (segment, offset, keyspace...) for logs and tests. */
  details?: Record<string, unknown>;
}

export class TidekvError extends Error {
  readonly code: TidekvErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: TidekvErrorCode, message: string, options: TidekvErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TidekvError';
    this.code = code;
    this.details = options.details;
  }
}

/** True when `error` is a TidekvError, and (if given) carries `code`. */
export function isTidekvError(error: unknown, code?: TidekvErrorCode): error is TidekvError {
  return error instanceof TidekvError && (code === undefined || error.code === code);
}
