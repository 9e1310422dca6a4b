/**
 * What one watch asks for, validated and normalised: the key range it matches, where it
 * starts, and how its events are shaped. Everything a caller passes to `watch()` is checked
 * here, before any watcher exists, so bad input throws and changes nothing.
 *
 * Ranges follow etcd's range_end: no end = the single key; end "\0" = every key >= key;
 * prefix = [key, successor(key)), an all-0xFF prefix meaning every key >= key. Unlike range(),
 * a watch whose end <= key is refused (etcd's ErrEmptyWatcherRange): it could never fire.
 */
import { bytesEqual, compareBytes, prefixSuccessor, utf8Encode } from '../codec/bytes.js';
import { TidekvError } from '../errors.js';
import type { Bytes, WatchEvent, WatchFilter, WatchOptions } from './kv.js';

export interface WatchSpec {
  key: Uint8Array;
  /** undefined: the single key `key`; empty: no upper bound; else exclusive upper bound. */
  end: Uint8Array | undefined;
  /** As asked; 0 = from the next revision. */
  startRevision: number;
  prevKv: boolean;
  noPut: boolean;
  noDelete: boolean;
  progressNotify: boolean;
  signal: AbortSignal | undefined;
}

const OPTION_NAMES = new Set(['end', 'prefix', 'startRevision', 'prevKv', 'filters', 'progressNotify', 'signal']);

function invalid(message: string): TidekvError {
  return new TidekvError('INVALID_ARGUMENT', message);
}

function toKeyBytes(value: Bytes, what: string): Uint8Array {
  if (typeof value === 'string') return utf8Encode(value);
  if (value instanceof Uint8Array) return value;
  throw new TidekvError('INVALID_KEY', `${what} must be a Uint8Array or a string`);
}

function flag(options: WatchOptions, name: 'prefix' | 'prevKv' | 'progressNotify'): boolean {
  const value = options[name];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalid(`watch option ${name} must be a boolean`);
  return value;
}

/** Validates `watch(key, options)` and returns its normalised form; throws a TidekvError on bad input. */
export function parseWatch(key: Bytes, options: WatchOptions = {}): WatchSpec {
  if (options === null || typeof options !== 'object') throw invalid('watch options must be an object');
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.has(name)) throw new TidekvError('INVALID_OPTION', `unknown watch option ${name}`);
  }
  const keyBytes = toKeyBytes(key, 'watch key');
  if (keyBytes.length === 0) throw new TidekvError('INVALID_KEY', 'the watch key must not be empty');
  const prefix = flag(options, 'prefix');
  if (prefix && options.end !== undefined) throw invalid('watch options end and prefix exclude each other');

  let end: Uint8Array | undefined;
  if (prefix) end = prefixSuccessor(keyBytes) ?? new Uint8Array(0);
  else if (options.end !== undefined) {
    const endBytes = toKeyBytes(options.end, 'watch end');
    if (endBytes.length === 0) throw new TidekvError('INVALID_RANGE', 'the watch end must not be empty (use "\\0" for every key >= key)');
    if (endBytes.length === 1 && endBytes[0] === 0) end = new Uint8Array(0);
    else if (compareBytes(endBytes, keyBytes) <= 0) throw new TidekvError('INVALID_RANGE', 'the watch end must be greater than its key');
    else end = endBytes;
  }

  const start = options.startRevision ?? 0;
  if (typeof start !== 'number' || !Number.isSafeInteger(start) || start < 0) {
    throw invalid('watch startRevision must be a non-negative safe integer');
  }

  let noPut = false;
  let noDelete = false;
  if (options.filters !== undefined) {
    if (!Array.isArray(options.filters)) throw invalid('watch filters must be an array');
    for (const filter of options.filters as unknown[]) {
      if (filter === ('noput' satisfies WatchFilter)) noPut = true;
      else if (filter === ('nodelete' satisfies WatchFilter)) noDelete = true;
      else throw invalid(`unknown watch filter ${String(filter)}`);
    }
  }

  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalid('watch signal must be an AbortSignal');

  return {
    key: keyBytes,
    end,
    startRevision: start,
    prevKv: flag(options, 'prevKv'),
    noPut,
    noDelete,
    progressNotify: flag(options, 'progressNotify'),
    signal,
  };
}

/** True when `key` falls in the watch's range. */
export function watchMatches(spec: WatchSpec, key: Uint8Array): boolean {
  if (spec.end === undefined) return bytesEqual(key, spec.key);
  if (compareBytes(key, spec.key) < 0) return false;
  return spec.end.length === 0 || compareBytes(key, spec.end) < 0;
}

/** True when the watch wants this event: in range and not filtered out. */
export function watchWants(spec: WatchSpec, event: WatchEvent): boolean {
  if (event.type === 'put' ? spec.noPut : spec.noDelete) return false;
  return watchMatches(spec, event.kv.key);
}

/** etcd's "create" event: a put that started a new generation. */
export function isCreateEvent(event: WatchEvent): boolean {
  return event.type === 'put' && event.kv.createRevision === event.kv.modRevision;
}
