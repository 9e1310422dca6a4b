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
import { bytesEqual, compareBytes, prefixSuccessor } from '../codec/bytes.js';
import { TidekvError } from '../errors.js';
import type { Bytes, WatchEvent, WatchFilter, WatchOptions } from './kv.js';
import { keyImage } from './lease/lease.js';
import { assertCount, booleanOption, keyRange, optionsObject, toKey } from './request.js';
import { compareWithImage, equalsImage, imageBytes, startsWithImage } from './watch-key.js';

/** The shape of a watch's key range, which decides where the watcher index files it. */
export const WATCH_KEY = 0;
/** [key, successor(key)): every key that starts with `key`. */
export const WATCH_PREFIX = 1;
/** Any other [key, end), or every key >= key. */
export const WATCH_RANGE = 2;
export type WatchKind = typeof WATCH_KEY | typeof WATCH_PREFIX | typeof WATCH_RANGE;

const PREV_KV = 1 << 2;
const NO_PUT = 1 << 3;
const NO_DELETE = 1 << 4;
const PROGRESS_NOTIFY = 1 << 5;
const KIND_MASK = 3;

/**
 * A validated watch request, kept small: it lives as long as its watcher. The key is held
 * and a range's end as their latin1 images (watch-key.ts), the switches as bits of one
 * number; `key` and `end` rebuild bytes for the rare callers that want them.
 */
export class WatchSpec {
  /** The key, prefix or range start, one char per byte. */
  readonly image: string;
  /** As asked; 0 = from the next revision. */
  readonly startRevision: number;
  readonly signal: AbortSignal | undefined;
  /** WATCH_RANGE only: the exclusive end's image, empty for no upper bound. */
  readonly endImage: string;
  private readonly bits: number;

  constructor(
    image: string,
    kind: WatchKind,
    end: Uint8Array | undefined,
    startRevision: number,
    switches: { prevKv: boolean; noPut: boolean; noDelete: boolean; progressNotify: boolean },
    signal: AbortSignal | undefined,
  ) {
    this.image = image;
    this.endImage = kind === WATCH_RANGE && end !== undefined ? keyImage(end) : '';
    this.startRevision = startRevision;
    this.signal = signal;
    this.bits =
      kind |
      (switches.prevKv ? PREV_KV : 0) |
      (switches.noPut ? NO_PUT : 0) |
      (switches.noDelete ? NO_DELETE : 0) |
      (switches.progressNotify ? PROGRESS_NOTIFY : 0);
  }

  get kind(): WatchKind {
    return (this.bits & KIND_MASK) as WatchKind;
  }
  get prevKv(): boolean {
    return (this.bits & PREV_KV) !== 0;
  }
  get noPut(): boolean {
    return (this.bits & NO_PUT) !== 0;
  }
  get noDelete(): boolean {
    return (this.bits & NO_DELETE) !== 0;
  }
  get progressNotify(): boolean {
    return (this.bits & PROGRESS_NOTIFY) !== 0;
  }
  /** The key's bytes (a new copy each call). */
  get key(): Uint8Array {
    return imageBytes(this.image);
  }
  /** undefined: the single key `key`; empty: no upper bound; else the exclusive upper bound (a new copy each call). */
  get end(): Uint8Array | undefined {
    const kind = this.kind;
    if (kind === WATCH_KEY) return undefined;
    if (kind === WATCH_PREFIX) return prefixSuccessor(this.key);
    return imageBytes(this.endImage);
  }
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

  let kind: WatchKind = WATCH_RANGE;
  if (end === undefined) kind = WATCH_KEY;
  else if (end.length > 0) {
    // A range that is exactly a prefix's (however it was asked for) is matched as a prefix.
    const successor = prefixSuccessor(keyBytes);
    if (successor !== undefined && bytesEqual(successor, end)) kind = WATCH_PREFIX;
  }
  const switches = { prevKv: booleanOption(options, 'prevKv'), noPut, noDelete, progressNotify: booleanOption(options, 'progressNotify') };
  // The end gets a buffer of its own: request bytes are copied into shared slabs (byte-slab.ts), and a watch can live long enough to keep one alive.
  const ownEnd = end === undefined || end.length === 0 ? end : new Uint8Array(end);
  return new WatchSpec(keyImage(keyBytes), kind, ownEnd, startRevision, switches, signal as AbortSignal | undefined);
}

/** True when `key` falls in the watch's range. */
export function watchMatches(spec: WatchSpec, key: Uint8Array): boolean {
  const kind = spec.kind;
  if (kind === WATCH_KEY) return equalsImage(key, spec.image);
  if (kind === WATCH_PREFIX) return startsWithImage(key, spec.image);
  if (compareWithImage(key, spec.image) < 0) return false;
  const end = spec.endImage;
  return end.length === 0 || compareWithImage(key, end) < 0;
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
