/**
 * leaseKeepAliveStream: renews a lease now and then every `intervalMs` (default a third of
 * its TTL, as etcd's client does), yielding each renewal. It waits only while its consumer
 * waits for the next renewal, so an idle stream holds no timer. It ends when aborted or
 * returned; a renewal that fails (LEASE_NOT_FOUND once the lease is gone) fails the stream.
 */
import { TidekvError } from '../../errors.js';
import type { LeaseKeepAliveOptions, LeaseKeepAliveResponse } from '../kv.js';

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

export function keepAliveStream(
  renew: () => Promise<LeaseKeepAliveResponse>,
  options: LeaseKeepAliveOptions = {},
): AsyncIterableIterator<LeaseKeepAliveResponse> {
  if (options === null || typeof options !== 'object') throw new TidekvError('INVALID_OPTION', 'keep-alive options must be an object');
  for (const name of Object.keys(options)) {
    if (name !== 'intervalMs' && name !== 'signal') throw new TidekvError('INVALID_OPTION', `unknown keep-alive option ${name}`);
  }
  const { intervalMs, signal } = options;
  if (intervalMs !== undefined && !(typeof intervalMs === 'number' && Number.isFinite(intervalMs) && intervalMs > 0)) {
    throw new TidekvError('INVALID_ARGUMENT', 'keep-alive intervalMs must be a positive number');
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TidekvError('INVALID_ARGUMENT', 'keep-alive signal must be an AbortSignal');

  let ended = false;
  let lastTtl: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  const end = () => {
    ended = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    wake?.();
    signal?.removeEventListener('abort', end);
  };
  signal?.addEventListener('abort', end, { once: true });
  if (signal?.aborted) end();

  const iterator: AsyncIterableIterator<LeaseKeepAliveResponse> = {
    async next() {
      if (ended) return DONE;
      if (lastTtl !== undefined) {
        const wait = intervalMs ?? Math.max(1, (lastTtl * 1000) / 3);
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, wait);
        });
        timer = undefined;
        wake = undefined;
        if (ended) return DONE;
      }
      try {
        const response = await renew();
        lastTtl = response.ttl;
        return { done: false, value: response };
      } catch (error) {
        end();
        throw error;
      }
    },
    async return() {
      end();
      return DONE;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
