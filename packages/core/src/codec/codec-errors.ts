/**
 * Error helpers shared by the codec modules. The codec sits below the engine layer, so it
 * describes bad input itself rather than importing the engine's helpers.
 */
import { TidekvError } from '../errors.js';

/** A short, safe description of a value for error messages. */
export function describeInput(value: unknown): string {
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

export function invalidArgument(message: string, details?: Record<string, unknown>): TidekvError {
  return new TidekvError('INVALID_ARGUMENT', message, details ? { details } : {});
}

/** Bytes that cannot be what the decoder was asked to read. `offset` is relative to the input. */
export function corruption(what: string, message: string, offset: number, details: Record<string, unknown> = {}): TidekvError {
  return new TidekvError('CORRUPTION', `${what}: ${message} at offset ${offset}`, { details: { ...details, offset } });
}

export function hex(byte: number): string {
  return '0x' + byte.toString(16).padStart(2, '0');
}
