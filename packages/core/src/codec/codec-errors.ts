/** Error helpers shared by the codec modules (bad input is described by errors.ts#describeValue). */
import { TidekvError } from '../errors.js';

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
