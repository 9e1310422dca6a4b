/**
 * Misuse that must neither crash the process nor surprise the caller: every Promise-returning
 * method reports bad input as a rejected promise (never a synchronous throw), error messages
 * say each thing once, a huge nextv size is served in bounded chunks, and a `path` naming a
 * file is INVALID_OPTION on every engine with files.
 */
import { expect } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StorageEngine } from '@tidekv/core';
import type { Case } from '../case.js';
import { bytes, utf8 } from '../support/bytes.js';

const group = 'misuse';

function detachedBytes(): Uint8Array {
  const view = new Uint8Array(4);
  structuredClone(view.buffer, { transfer: [view.buffer] });
  return view;
}

/** Calls `action`, which must return a promise that rejects with a TidekvError; returns its message. */
async function rejectionOf(action: () => Promise<unknown>, what: string): Promise<string> {
  let returned: Promise<unknown> | undefined;
  expect(() => (returned = action()), `${what} threw synchronously instead of returning a rejected promise`).not.toThrow();
  expect(returned, `${what} must return a promise`).toBeInstanceOf(Promise);
  const error = await returned!.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect((error as Error | undefined)?.name, `${what} should reject with a TidekvError`).toBe('TidekvError');
  return (error as Error).message;
}

/** The first word said twice in a row ("got undefined undefined"), or undefined. */
function repeatedWord(message: string): string | undefined {
  return /\b(\w+)\W+\1\b/i.exec(message)?.[1];
}

export const misuseCases: Case[] = [
  {
    group,
    name: 'Promise methods reject bad input (detached buffers, undefined) instead of throwing synchronously',
    async run(ctx) {
      const messages: [string, string][] = [];
      const detached = detachedBytes();
      const calls: [string, () => Promise<unknown>][] = [
        ['put(detached key, value)', () => ctx.ks.put(detached, utf8('v'))],
        ['put(key, detached value)', () => ctx.ks.put(utf8('k'), detached)],
        ['put(undefined, value)', () => ctx.ks.put(undefined as never, utf8('v'))],
        ['del(detached key)', () => ctx.ks.del(detached)],
        ['get(detached key)', () => ctx.ks.get(detached)],
        ['get(undefined)', () => ctx.ks.get(undefined as never)],
        ['getMany([detached])', () => ctx.ks.getMany([detached])],
        ['getMany(undefined)', () => ctx.ks.getMany(undefined as never)],
        ['clear(null)', () => ctx.ks.clear(null as never)],
        ['write(undefined)', () => ctx.engine.write(undefined as never)],
        ['write([put with detached value])', () => ctx.engine.write([ctx.put(utf8('k'), detached)])],
        ['write([], { sync: undefined-ish })', () => ctx.engine.write([], { sync: 'no' } as never)],
      ];
      for (const [what, call] of calls) messages.push([what, await rejectionOf(call, what)]);
      for (const [what, message] of messages) expect(repeatedWord(message), `${what}: a word repeats in "${message}"`).toBeUndefined();
      expect(await ctx.ks.get(utf8('k')), 'nothing was written').toBeUndefined();
    },
  },
  {
    group,
    name: 'nextv(n) with a huge n returns every entry in bounded chunks; the process lives',
    async run(ctx) {
      const keys = Array.from({ length: 20 }, (_, i) => bytes(i));
      await ctx.engine.write(keys.map((k) => ctx.put(k, k)));
      for (const size of [1e9, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
        const it = ctx.ks.iterate();
        try {
          const seen = [];
          for (let chunk = await it.nextv(size); chunk.length > 0; chunk = await it.nextv(size)) seen.push(...chunk);
          expect(seen, `nextv(${size})`).toHaveLength(keys.length);
        } finally {
          await it.close();
        }
      }
    },
  },
  {
    group,
    name: 'a path that names a file fails INVALID_OPTION and leaves the file alone',
    skip: (caps) => (caps.persistent ? false : 'capabilities.persistent is false'),
    async run(ctx) {
      const file = join(ctx.dir, 'not-a-directory');
      await writeFile(file, 'keep me');
      let engine: StorageEngine | undefined;
      let error: unknown;
      try {
        engine = await ctx.options.open({ dir: file });
      } catch (caught) {
        error = caught;
      }
      if (engine) await engine.close().catch(() => undefined);
      expect(engine, 'an engine opened on a file').toBeUndefined();
      expect({ name: (error as Error)?.name, code: (error as { code?: unknown })?.code }, String(error)).toEqual({
        name: 'TidekvError',
        code: 'INVALID_OPTION',
      });
      expect(repeatedWord((error as Error).message), (error as Error).message).toBeUndefined();
      const { readFile } = await import('node:fs/promises');
      expect(await readFile(file, 'utf8')).toBe('keep me');
    },
  },
];
