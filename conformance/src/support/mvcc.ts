/**
 * Helpers for writing readable MVCC cases: KeyValues are compared as short tuples of text,
 * and every expected failure is also checked to have changed nothing and used no revision.
 */
import { expect } from 'vitest';
import type { KV, KeyValue, TidekvErrorCode } from '@tidekv/core';
import { expectTidekvError } from './expect-error.js';

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Bytes as text when they are printable ASCII, else as `0x..` hex. */
export function text(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array)) return `<not bytes: ${typeof bytes}>`;
  return bytes.every((b) => b >= 0x20 && b < 0x7f) ? decoder.decode(bytes) : `0x${Buffer.from(bytes).toString('hex')}`;
}

/** [key, value, createRevision, modRevision, version]: enough to read a failing assertion. */
export type KvTuple = [key: string, value: string, create: number, mod: number, version: number];

export function tuple(kv: KeyValue): KvTuple {
  return [text(kv.key), text(kv.value), kv.createRevision, kv.modRevision, kv.version];
}

export function tuples(kvs: readonly KeyValue[]): KvTuple[] {
  return kvs.map(tuple);
}

export function keysOf(kvs: readonly KeyValue[]): string[] {
  return kvs.map((kv) => text(kv.key));
}

/** Every key in the store at `revision` (0: current), as tuples. */
export async function everything(kv: KV, revision = 0): Promise<KvTuple[]> {
  return tuples((await kv.range('\0', { end: '\0', revision })).kvs);
}

export interface StoreState {
  revision: number;
  compactRevision: number;
  keys: KvTuple[];
}

export async function stateOf(kv: KV): Promise<StoreState> {
  return { revision: kv.revision, compactRevision: kv.compactRevision, keys: await everything(kv) };
}

/**
 * Asserts `action` fails with a TidekvError whose code is `code` (or one of `code`), and
 * that it changed nothing: same revision, compact revision and keys as before.
 */
export async function expectRefused(kv: KV, action: () => unknown, code: TidekvErrorCode | readonly TidekvErrorCode[], what = 'the call'): Promise<void> {
  const before = await stateOf(kv);
  const codes = typeof code === 'string' ? [code] : code;
  if (codes.length === 1) {
    await expectTidekvError(action, codes[0]!, what);
  } else {
    let error: unknown;
    try {
      await action();
    } catch (caught) {
      error = caught;
    }
    const got = { name: (error as Error | undefined)?.name, code: (error as { code?: unknown } | undefined)?.code };
    expect(got.name, `${what} should fail with a TidekvError (${codes.join(' or ')}); got ${String(error)}`).toBe('TidekvError');
    expect(codes, `${what}: ${String(error)}`).toContain(got.code);
  }
  expect(await stateOf(kv), `${what} must change nothing and use no revision`).toEqual(before);
}

/** Puts each [key, value] in order, one revision each; returns the revisions. */
export async function putAll(kv: KV, entries: readonly (readonly [string | Uint8Array, string | Uint8Array])[]): Promise<number[]> {
  const revisions: number[] = [];
  for (const [key, value] of entries) revisions.push((await kv.put(key, value)).revision);
  return revisions;
}
