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

/** A short, safe description of a bad input for error messages (never its whole content). */
export function describeValue(value: unknown): string {
  try {
    return describe(value);
  } catch {
    // A Proxy or a look-alike whose getters throw (e.g. `length` of a fake Uint8Array).
    return 'an object that cannot be inspected (a Proxy or a look-alike)';
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return `a ${value.constructor.name} of ${value.length} bytes`;
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'no prototype'})`;
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)})`;
  if (typeof value === 'bigint') return `bigint ${value}n`;
  if (typeof value === 'symbol' || typeof value === 'function') return `a ${typeof value}`;
  return `${typeof value} ${String(value)}`;
}
