/**
 * How the MVCC store lays itself out over any StorageEngine.
 *
 * Keyspaces
 * - `rev`:  revision key -> stored KeyValue. The key is core's revision-key codec,
 *           `BE64(main) '_' BE64(sub)` (17 bytes), plus `'t'` (18 bytes) for a tombstone, so
 *           byte order is revision order and history is one ordered log.
 * - `meta`: the store's bookkeeping, one u64 per name (see META_KEYS): the current revision,
 *           the scheduled and finished compaction revisions, and the last WAL LSN applied.
 * - `lease`: one record per live lease, key = the id as 8 bytes big-endian (see
 *           lease/lease-record.ts: granted TTL and the remaining TTL at the last checkpoint).
 *
 * The canonical KeyValue encoding (encodeKeyValue), big-endian, fixed header:
 *
 *     offset  size  field
 *      0       1    format (1)
 *      1       8    createRevision
 *      9       8    modRevision
 *     17       8    version
 *     25       8    lease
 *     33       4    key length K
 *     37       K    key
 *     37+K     ...  value (the rest)
 *
 * A tombstone is stored as the KeyValue { key, value: empty, every number 0 }, as etcd
 * stores only the key. hashKV hashes `revision key ++ encodeKeyValue(kv)`, so this encoding is
 * part of the cross-backend hash and must never change within format 1.
 *
 * Stored values are framed with a checksum: `u32 crc32(storage key ++ body) ++ body` (zlib's
 * CRC-32). Covering the storage key too means a value moved under another key is caught as
 * well as a flipped byte; every read verifies it and fails CORRUPTION with the key and
 * revision instead of returning a wrong value. The checksum is computed in place over the
 * stored bytes (crc32Range: a table loop in JS for short records, where a call into zlib
 * and the views it needs cost more than the checksum itself).
 */
import { TidekvError } from '../errors.js';
import { crc32Range } from '../wal/crc.js';
import { bytesMatchImage, latin1Bytes, latin1Image, latin1ImageAt, utf8Encode } from '../codec/bytes.js';
import {
  REVISION_KEY_BYTES,
  TOMBSTONE_REVISION_KEY_BYTES,
  decodeRevisionKey,
  encodeRevisionKey,
  hasRevisionKeyShape,
  writeRevisionKey,
  type Revision,
} from '../codec/revision-key.js';
import { readSafeU64BE, writeU64BE } from '../codec/u64.js';
import { allocBytes } from '../codec/byte-slab.js';
import type { KeyValue } from './kv.js';

export const REV_KEYSPACE = 'rev';
export const META_KEYSPACE = 'meta';
export const LEASE_KEYSPACE = 'lease';

const KEY_VALUE_FORMAT = 1;
const HEADER_BYTES = 37;
export const CHECKSUM_BYTES = 4;
const EMPTY = new Uint8Array(0);

/** A u32, big-endian, at `at`. */
export function writeU32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/** The canonical bytes of a KeyValue (no checksum): what is stored, logged and hashed. */
export function encodeKeyValue(kv: KeyValue): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + kv.key.length + kv.value.length);
  writeKeyValue(out, 0, kv);
  return out;
}

/** Writes encodeKeyValue(kv) into `out` at `at`. */
function writeKeyValue(out: Uint8Array, at: number, kv: KeyValue): void {
  out[at] = KEY_VALUE_FORMAT;
  writeU64BE(out, at + 1, kv.createRevision);
  writeU64BE(out, at + 9, kv.modRevision);
  writeU64BE(out, at + 17, kv.version);
  writeU64BE(out, at + 25, kv.lease);
  writeU32(out, at + 33, kv.key.length);
  out.set(kv.key, at + HEADER_BYTES);
  out.set(kv.value, at + HEADER_BYTES + kv.key.length);
}

function malformed(what: string, details: Record<string, unknown> = {}): TidekvError {
  return new TidekvError('CORRUPTION', `decodeKeyValue(): ${what}`, { details });
}

/**
 * Inverse of encodeKeyValue. The result's key and value are views into `bytes` (no copy):
 * copy them to keep them apart from it. Throws CORRUPTION on malformed bytes.
 */
export function decodeKeyValue(bytes: Uint8Array): KeyValue {
  return decodeKeyValueAt(bytes, 0);
}

/** decodeKeyValue of `bytes` from offset `at` to the end, without a view of that part first. */
function decodeKeyValueAt(bytes: Uint8Array, at: number): KeyValue {
  const length = bytes.length - at;
  if (length < HEADER_BYTES) throw malformed(`a KeyValue has at least ${HEADER_BYTES} bytes, got ${length}`);
  if (bytes[at] !== KEY_VALUE_FORMAT) throw malformed(`unknown format ${bytes[at]}`, { format: bytes[at] });
  const createRevision = readSafeU64BE(bytes, at + 1);
  const modRevision = readSafeU64BE(bytes, at + 9);
  const version = readSafeU64BE(bytes, at + 17);
  const lease = readSafeU64BE(bytes, at + 25);
  if (createRevision === undefined || modRevision === undefined || version === undefined || lease === undefined) {
    throw malformed('a number is above Number.MAX_SAFE_INTEGER');
  }
  const keyLength = readU32(bytes, at + 33);
  const keyStart = at + HEADER_BYTES;
  if (HEADER_BYTES + keyLength > length) throw malformed(`key length ${keyLength} runs past the end (${length} bytes)`);
  return {
    key: bytes.subarray(keyStart, keyStart + keyLength),
    value: bytes.subarray(keyStart + keyLength),
    createRevision,
    modRevision,
    version,
    lease,
  };
}

/**
 * A copy of `kv` with key and value in new arrays: what a read hands out of a change not yet
 * in the engine, whose arrays the change keeps (its watch events, its WAL record). A caller
 * may then keep or change what it read without touching them.
 */
export function copyKeyValue(kv: KeyValue): KeyValue {
  return { key: new Uint8Array(kv.key), value: new Uint8Array(kv.value), createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version, lease: kv.lease };
}

/** What a tombstone stores and hashes: the key alone. */
export function tombstoneKeyValue(key: Uint8Array): KeyValue {
  return { key, value: EMPTY, createRevision: 0, modRevision: 0, version: 0, lease: 0 };
}

/** crc32(storageKey ++ bytes[start, end)) continued from `seed`: the checksum of a body found at that place. */
function checksum(storageKey: Uint8Array, bytes: Uint8Array, start: number, end: number, seed = 0): number {
  return crc32Range(bytes, start, end, crc32Range(storageKey, 0, storageKey.length, seed));
}

/** Frames `body` for storage under `storageKey`: checksum first. */
export function sealValue(storageKey: Uint8Array, body: Uint8Array): Uint8Array {
  const out = allocBytes(CHECKSUM_BYTES + body.length);
  writeU32(out, 0, checksum(storageKey, body, 0, body.length));
  out.set(body, CHECKSUM_BYTES);
  return out;
}

/** True when `stored` is a value sealed under `storageKey` whose checksum matches its body. */
function sealIntact(storageKey: Uint8Array, stored: Uint8Array): boolean {
  return stored.length >= CHECKSUM_BYTES && checksum(storageKey, stored, CHECKSUM_BYTES, stored.length) === readU32(stored, 0);
}

/**
 * zlib's crc32(storageKey ++ body, seed) of a sealed value already verified (hashKV chains it
 * over records it has decoded), without checking the seal again.
 */
export function chainSealedBody(seed: number, storageKey: Uint8Array, stored: Uint8Array): number {
  return checksum(storageKey, stored, CHECKSUM_BYTES, stored.length, seed);
}

/** The body of a value sealed under `storageKey`, or undefined when the checksum does not match. */
export function unsealValue(storageKey: Uint8Array, stored: Uint8Array): Uint8Array | undefined {
  return sealIntact(storageKey, stored) ? stored.subarray(CHECKSUM_BYTES) : undefined;
}

/** One stored revision: where it lives and what it holds. */
export interface RevisionRecord {
  revision: Revision;
  tombstone: boolean;
  kv: KeyValue;
}

function describeKey(key: Uint8Array): string {
  const text = Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('utf8');
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** The `rev` keyspace entry for a change; `body` is its encodeKeyValue bytes when already made. */
export function encodeRevisionRecord(revision: Revision, tombstone: boolean, kv: KeyValue, body?: Uint8Array): [key: Uint8Array, value: Uint8Array] {
  const key = encodeRevisionKey(revision, tombstone);
  return [key, body ? sealValue(key, body) : sealRevisionValue(key, tombstone, kv)];
}

/**
 * sealValue(storageKey, encodeKeyValue(kv)) (the key alone for a tombstone), encoded in
 * place in one small allocation rather than encoded and then copied behind a checksum.
 */
export function sealRevisionValue(storageKey: Uint8Array, tombstone: boolean, kv: KeyValue): Uint8Array {
  const stored = tombstone ? tombstoneKeyValue(kv.key) : kv;
  const out = allocBytes(CHECKSUM_BYTES + HEADER_BYTES + stored.key.length + stored.value.length);
  writeKeyValue(out, CHECKSUM_BYTES, stored);
  writeU32(out, 0, checksum(storageKey, out, CHECKSUM_BYTES, out.length));
  return out;
}

/** A change's `rev` entry, made once and kept on the change: its WAL record and its engine write both use it. */
export interface SealedChange {
  revision: Revision;
  tombstone: boolean;
  kv: KeyValue;
  /** encodeRevisionKey(revision, tombstone), once sealed. */
  storageKey?: Uint8Array | undefined;
  /** sealRevisionValue(storageKey, tombstone, kv), once sealed. */
  stored?: Uint8Array | undefined;
}

/** Seals `change` unless it is already; returns its stored value. */
export function sealChange(change: SealedChange): Uint8Array {
  if (change.stored === undefined) {
    const storageKey = allocBytes(change.tombstone ? TOMBSTONE_REVISION_KEY_BYTES : REVISION_KEY_BYTES);
    writeRevisionKey(storageKey, 0, change.revision, change.tombstone);
    change.storageKey = storageKey;
    change.stored = sealRevisionValue(storageKey, change.tombstone, change.kv);
  }
  return change.stored;
}

/** Bytes per shared buffer of a RecordBatch; a record larger than this gets its own. */
const BATCH_BUFFER_BYTES = 1 << 20;

/**
 * encodeRevisionRecord for many records at once (replaying a log): each key and sealed value
 * is a view of a shared buffer instead of two arrays of its own, so a million records cost a
 * million views, not a million native allocations. A buffer is never written again once a
 * record is in it: the views stay valid as long as anyone holds them.
 */
export class RecordBatch {
  #buffer = new Uint8Array(0);
  #used = 0;

  /** The write of the `rev` keyspace entry for a change whose encodeKeyValue bytes are `body`. */
  put(revision: Revision, tombstone: boolean, body: Uint8Array): { type: 'put'; keyspace: string; key: Uint8Array; value: Uint8Array } {
    const keyBytes = tombstone ? TOMBSTONE_REVISION_KEY_BYTES : REVISION_KEY_BYTES;
    const size = keyBytes + CHECKSUM_BYTES + body.length;
    if (this.#used + size > this.#buffer.length) {
      this.#buffer = new Uint8Array(Math.max(size, BATCH_BUFFER_BYTES));
      this.#used = 0;
    }
    const buffer = this.#buffer;
    const at = this.#used;
    this.#used += size;
    writeRevisionKey(buffer, at, revision, tombstone);
    const key = buffer.subarray(at, at + keyBytes);
    const valueAt = at + keyBytes;
    writeU32(buffer, valueAt, checksum(key, body, 0, body.length));
    buffer.set(body, valueAt + CHECKSUM_BYTES);
    return { type: 'put', keyspace: REV_KEYSPACE, key, value: buffer.subarray(valueAt, at + size) };
  }
}

/**
 * Decodes and verifies a `rev` keyspace entry. `expectedKey`, when given, is the user key the
 * key index says lives there. Anything that does not add up is CORRUPTION naming the revision.
 */
export function decodeRevisionRecord(storageKey: Uint8Array, stored: Uint8Array, expectedKey?: Uint8Array): RevisionRecord {
  let decoded: ReturnType<typeof decodeRevisionKey>;
  try {
    decoded = decodeRevisionKey(storageKey);
  } catch (error) {
    throw new TidekvError('CORRUPTION', `MVCC store: a 'rev' key is malformed`, { cause: error, details: { storageKey } });
  }
  const revision = { main: decoded.main, sub: decoded.sub };
  const kv = verifyRevisionValue(storageKey, revision, decoded.tombstone, stored, expectedKey && latin1Image(expectedKey));
  return { revision, tombstone: decoded.tombstone, kv };
}

/** What the key index needs of one stored revision; scanRevisionRecord fills it in place. */
export interface ScannedRecord {
  main: number;
  sub: number;
  tombstone: boolean;
  /** The latin1 image of the user key. */
  image: string;
  createRevision: number;
  version: number;
  lease: number;
}

/**
 * decodeRevisionRecord for a scan of every record (reopen): the same checks, but the fields
 * are written into `out` and the only allocation is the key's image, so a million records
 * leave a million strings behind instead of seven objects each. On a record that fails a
 * check, decodeRevisionRecord runs to throw its exact CORRUPTION.
 */
export function scanRevisionRecord(storageKey: Uint8Array, stored: Uint8Array, out: ScannedRecord): void {
  if (!scanIntactRecord(storageKey, stored, out)) {
    decodeRevisionRecord(storageKey, stored);
    throw new TidekvError('CORRUPTION', `MVCC store: a 'rev' record is damaged`, { details: { storageKey } });
  }
}

function scanIntactRecord(storageKey: Uint8Array, stored: Uint8Array, out: ScannedRecord): boolean {
  if (!hasRevisionKeyShape(storageKey)) return false;
  const main = readSafeU64BE(storageKey, 0);
  const sub = readSafeU64BE(storageKey, 9);
  if (main === undefined || sub === undefined || !sealIntact(storageKey, stored)) return false;
  const at = CHECKSUM_BYTES;
  const length = stored.length - at;
  if (length < HEADER_BYTES || stored[at] !== KEY_VALUE_FORMAT) return false;
  const createRevision = readSafeU64BE(stored, at + 1);
  const modRevision = readSafeU64BE(stored, at + 9);
  const version = readSafeU64BE(stored, at + 17);
  const lease = readSafeU64BE(stored, at + 25);
  if (createRevision === undefined || modRevision === undefined || version === undefined || lease === undefined) return false;
  const keyLength = readU32(stored, at + 33);
  if (HEADER_BYTES + keyLength > length) return false;
  const tombstone = storageKey.length === TOMBSTONE_REVISION_KEY_BYTES;
  const consistent = tombstone
    ? modRevision === 0 && createRevision === 0 && version === 0 && length === HEADER_BYTES + keyLength
    : modRevision === main && version >= 1 && createRevision >= 1 && createRevision <= main;
  if (!consistent) return false;
  out.main = main;
  out.sub = sub;
  out.tombstone = tombstone;
  out.image = latin1ImageAt(stored, at + HEADER_BYTES, at + HEADER_BYTES + keyLength);
  out.createRevision = createRevision;
  out.version = version;
  out.lease = lease;
  return true;
}

/**
 * The KeyValue stored at `storageKey`, which encodes `revision` and `tombstone` (the caller
 * made it, so it is not decoded again), verified as decodeRevisionRecord does; `expected`,
 * when given, is the latin1 image of the user key the key index says lives there.
 */
export function verifyRevisionValue(storageKey: Uint8Array, revision: Revision, tombstone: boolean, stored: Uint8Array, expected?: string): KeyValue {
  if (!sealIntact(storageKey, stored)) throw recordCorruption('checksum mismatch in', revision, expected);
  let kv: KeyValue;
  try {
    kv = decodeKeyValueAt(stored, CHECKSUM_BYTES);
  } catch (error) {
    throw recordCorruption('undecodable value in', revision, expected, error);
  }
  const consistent = tombstone
    ? kv.modRevision === 0 && kv.createRevision === 0 && kv.version === 0 && kv.value.length === 0
    : kv.modRevision === revision.main && kv.version >= 1 && kv.createRevision >= 1 && kv.createRevision <= revision.main;
  if (!consistent || (expected !== undefined && !bytesMatchImage(kv.key, expected))) {
    throw recordCorruption('the value stored at', revision, expected, undefined, ' belongs elsewhere');
  }
  return kv;
}

/** Built only on failure: the read path allocates nothing for messages. */
function recordCorruption(what: string, revision: Revision, expected: string | undefined, cause?: unknown, tail = ''): TidekvError {
  const expectedKey = expected === undefined ? undefined : latin1Bytes(expected);
  const where = `revision ${revision.main}.${revision.sub}${expectedKey ? ` of key "${describeKey(expectedKey)}"` : ''}`;
  const details = { revision: revision.main, sub: revision.sub, key: expectedKey };
  return new TidekvError('CORRUPTION', `MVCC store: ${what} ${where}${tail}`, cause === undefined ? { details } : { cause, details });
}

/** The `meta` keyspace: one checksummed u64 per name. */
export const META_KEYS = {
  /** The latest revision whose changes are in `rev`. */
  revision: utf8Encode('revision'),
  /** The compaction revision whose physical removal has started (logically in force). */
  scheduledCompact: utf8Encode('scheduledCompact'),
  /** The compaction revision whose physical removal has finished. */
  finishedCompact: utf8Encode('finishedCompact'),
  /** The LSN of the last WAL record whose changes are in `rev` (0: none). */
  appliedLsn: utf8Encode('appliedLsn'),
} as const;

export type MetaName = keyof typeof META_KEYS;

export function encodeMetaValue(name: MetaName, value: number): Uint8Array {
  const body = new Uint8Array(8);
  writeU64BE(body, 0, value);
  return sealValue(META_KEYS[name], body);
}

export function decodeMetaValue(name: MetaName, stored: Uint8Array): number {
  const body = unsealValue(META_KEYS[name], stored);
  const value = body && body.length === 8 ? readSafeU64BE(body, 0) : undefined;
  if (value === undefined) {
    throw new TidekvError('CORRUPTION', `MVCC store: meta entry '${name}' is damaged`, { details: { meta: name } });
  }
  return value;
}
