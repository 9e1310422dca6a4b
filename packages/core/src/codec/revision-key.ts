/**
 * MVCC revision keys: `BE64(main) '_' BE64(sub)`, 17 bytes, plus a trailing `'t'` (18 bytes)
 * on a tombstone. Fixed width, so byte order is (main, sub) order and a tombstone sorts
 * right after the same revision without one (it never shares a revision with one).
 */
import { TidekvError } from '../errors.js';
import { invalidArgument } from './codec-errors.js';
import { describeValue } from '../errors.js';
import { readSafeU64BE, writeU64BE } from './u64.js';

export const REVISION_KEY_BYTES = 17;
export const TOMBSTONE_REVISION_KEY_BYTES = 18;
const SEPARATOR = 0x5f; // '_'
const TOMBSTONE = 0x74; // 't'

/** A revision: `main` counts commits, `sub` the changes within one. Both safe non-negative integers. */
export interface Revision {
  main: number;
  sub: number;
}

export interface DecodedRevisionKey extends Revision {
  tombstone: boolean;
}

function assertRevision(revision: unknown, what: string): asserts revision is Revision {
  if (revision === null || typeof revision !== 'object') {
    throw invalidArgument(`${what} must be an object { main, sub }, got ${describeValue(revision)}`);
  }
  const { main, sub } = revision as Record<string, unknown>;
  assertRevisionField(main, what, 'main');
  assertRevisionField(sub, what, 'sub');
}

function assertRevisionField(value: unknown, what: string, field: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidArgument(`${what}.${field} must be a safe non-negative integer, got ${describeValue(value)}`);
  }
}

export function encodeRevisionKey(revision: Revision, tombstone = false): Uint8Array {
  assertRevision(revision, 'revision');
  if (typeof tombstone !== 'boolean') throw invalidArgument(`tombstone must be a boolean, got ${describeValue(tombstone)}`);
  const out = new Uint8Array(tombstone ? TOMBSTONE_REVISION_KEY_BYTES : REVISION_KEY_BYTES);
  writeRevisionKey(out, 0, revision, tombstone);
  return out;
}

/** encodeRevisionKey of an already valid revision, written into `out` at `at` (17 or 18 bytes). */
export function writeRevisionKey(out: Uint8Array, at: number, revision: Revision, tombstone: boolean): void {
  writeU64BE(out, at, revision.main);
  out[at + 8] = SEPARATOR;
  writeU64BE(out, at + 9, revision.sub);
  if (tombstone) out[at + 17] = TOMBSTONE;
}

function corrupt(message: string, details: Record<string, unknown>): TidekvError {
  return new TidekvError('CORRUPTION', `decodeRevisionKey(): ${message}`, { details });
}

export function decodeRevisionKey(bytes: Uint8Array): DecodedRevisionKey {
  if (!(bytes instanceof Uint8Array)) throw invalidArgument(`decodeRevisionKey() takes a Uint8Array, got ${describeValue(bytes)}`);
  if (bytes.length !== REVISION_KEY_BYTES && bytes.length !== TOMBSTONE_REVISION_KEY_BYTES) {
    throw corrupt(`a revision key has ${REVISION_KEY_BYTES} or ${TOMBSTONE_REVISION_KEY_BYTES} bytes, got ${bytes.length}`, {
      length: bytes.length,
    });
  }
  if (bytes[8] !== SEPARATOR) throw corrupt(`byte 8 must be '_' (0x5f), got 0x${bytes[8]!.toString(16).padStart(2, '0')}`, { offset: 8 });
  const tombstone = bytes.length === TOMBSTONE_REVISION_KEY_BYTES;
  if (tombstone && bytes[17] !== TOMBSTONE) {
    throw corrupt(`byte 17 must be 't' (0x74), got 0x${bytes[17]!.toString(16).padStart(2, '0')}`, { offset: 17 });
  }
  const main = readSafeU64BE(bytes, 0);
  const sub = readSafeU64BE(bytes, 9);
  if (main === undefined) throw corrupt('main revision is above Number.MAX_SAFE_INTEGER', { offset: 0 });
  if (sub === undefined) throw corrupt('sub revision is above Number.MAX_SAFE_INTEGER', { offset: 9 });
  return { main, sub, tombstone };
}

/**
 * True when `bytes` has a revision key's shape (length, separator, tombstone marker): with
 * readSafeU64BE of its two numbers, the checks of decodeRevisionKey without its result object.
 */
export function hasRevisionKeyShape(bytes: Uint8Array): boolean {
  const length = bytes.length;
  if (length === REVISION_KEY_BYTES) return bytes[8] === SEPARATOR;
  return length === TOMBSTONE_REVISION_KEY_BYTES && bytes[8] === SEPARATOR && bytes[17] === TOMBSTONE;
}

/** Negative, zero or positive as `a` is before, equal to or after `b` in (main, sub) order. */
export function compareRevisions(a: Revision, b: Revision): number {
  assertRevision(a, 'a');
  assertRevision(b, 'b');
  return a.main !== b.main ? (a.main < b.main ? -1 : 1) : a.sub !== b.sub ? (a.sub < b.sub ? -1 : 1) : 0;
}
