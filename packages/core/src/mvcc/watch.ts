/**
 * What one watch asks for, validated and normalised: the key range it matches, where it
 * starts, and how its events are shaped. Everything a caller passes to `watch()` is checked
 * here, before any watcher exists, so bad input throws and changes nothing.
 *
 * Ranges follow etcd's range_end: no end = the single key; end "\0" = every key >= key;
 * prefix = [key, successor(key)), an all-0xFF prefix meaning every key >= key (request.ts's
 * keyRange). Unlike range(), a watch whose end <= key is refused (etcd's
 * ErrEmptyWatcherRange): it could never fire.
 */
import { bytesEqual, compareBytes } from '../codec/bytes.js';
import { TidekvError } from '../errors.js';
import type { Bytes, WatchEvent, WatchFilter, WatchOptions } from './kv.js';
import { assertCount, booleanOption, keyRange, optionsObject, toKey } from './request.js';

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

const OPTION_NAMES = ['end', 'prefix', 'startRevision', 'prevKv', 'filters', 'progressNotify', 'signal'] as const;

function invalid(message: string): TidekvError {
  return new TidekvError('INVALID_ARGUMENT', message);
}

/** Validates `watch(key, options)` and returns its normalised form; throws a TidekvError on bad input. */
export function parseWatch(key: Bytes, input?: WatchOptions): WatchSpec {
  const options = optionsObject(input, 'watch options', OPTION_NAMES);
  const keyBytes = toKey(key, 'watch key');
  const range = keyRange(keyBytes, options, 'watch');
  // An empty end is the single key, as etcd reads an empty range_end.
  const end = range.rawEnd !== undefined && range.rawEnd.length === 0 ? undefined : range.end;
  if (end !== undefined && end.length > 0 && compareBytes(end, keyBytes) <= 0) {
    throw new TidekvError('INVALID_RANGE', 'the watch end must be greater than its key (an empty watch range never fires)');
  }
  const startRevision = options.startRevision === undefined ? 0 : assertCount(options.startRevision, 'watch startRevision');

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
    startRevision,
    prevKv: booleanOption(options, 'prevKv'),
    noPut,
    noDelete,
    progressNotify: booleanOption(options, 'progressNotify'),
    signal: signal as AbortSignal | undefined,
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
