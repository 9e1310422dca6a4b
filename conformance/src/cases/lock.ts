/**
 * One engine per location. A persistent engine holds its location exclusively: a second
 * open, in this process (under any spelling of the path) or in another one, fails LOCKED;
 * the failed open disturbs nothing (the holder keeps working and keeps its lock); close()
 * and the death of the holding process release the lock. Two writers on one location would
 * hand out the same positions and lose each other's writes.
 *
 * Engines whose backend is designed for several openers at once (LMDB) say why with the
 * describeEngine option `sharedLocation`, and these cases are skipped with that reason.
 */
import { expect } from 'vitest';
import { rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { Capabilities, StorageEngine } from '@tidekv/core';
import type { Case, CaseContext, ResolvedOptions } from '../case.js';
import { hex } from '../support/bytes.js';
import { holdInChild, tryOpenInChild } from '../support/crash-process.js';
import { firstPassOnly } from '../support/passes.js';
import type { Pass } from '../options.js';

const group = 'lock (one engine per location)';

const KEY = Uint8Array.of(0x6c, 0x6f, 0x63, 0x6b);

function lockSkip(caps: Capabilities, options: ResolvedOptions): string | false {
  if (!caps.persistent) return 'capabilities.persistent is false';
  if (options.sharedLocation !== undefined) return `the location is shared by design: ${options.sharedLocation}`;
  return false;
}

/** The child-process cases start processes, and a lock is the location's whatever the keyspace: they run in one pass. */
function childLockSkip(caps: Capabilities, options: ResolvedOptions, pass?: Pass): string | false {
  return (
    lockSkip(caps, options) ||
    (options.crash ? false : 'no crash option was given to describeEngine (the child process opens the built adapter)') ||
    firstPassOnly(pass, 'the lock belongs to the location, whatever the keyspace')
  );
}

/** Opens `dir` expecting LOCKED; an engine that opens anyway is closed before the case fails. */
async function expectLocked(ctx: CaseContext, dir: string, what: string): Promise<void> {
  let engine: StorageEngine | undefined;
  let error: unknown;
  try {
    engine = await ctx.options.open({ dir });
  } catch (caught) {
    error = caught;
  }
  if (engine) await engine.close().catch(() => undefined);
  expect(engine === undefined, `${what}: the location is already open, yet it opened a second engine`).toBe(true);
  expect(
    { name: (error as Error)?.name, code: (error as { code?: unknown })?.code },
    `${what}: should fail LOCKED; got ${String(error)}`,
  ).toEqual({ name: 'TidekvError', code: 'LOCKED' });
}

/** The engine open in `ctx` still reads and writes, and what it writes survives a reopen. */
async function holderStillWorks(ctx: CaseContext, value: number): Promise<void> {
  await ctx.ks.put(KEY, Uint8Array.of(value));
  await ctx.engine.flush();
  expect(hex(await ctx.ks.get(KEY)), 'the engine holding the location reads its own write').toBe(hex(Uint8Array.of(value)));
}

/** Runs `work` with `ctx.dir` also reachable as a symlink next to it. */
async function withSymlink(ctx: CaseContext, work: (link: string) => Promise<void>): Promise<void> {
  const link = join(dirname(ctx.dir), `${basename(ctx.dir)}-link`);
  await symlink(ctx.dir, link);
  try {
    await work(link);
  } finally {
    await rm(link, { force: true });
  }
}

export const lockCases: Case[] = [
  {
    group,
    name: 'a second open of the location in this process fails LOCKED, every time; the holder keeps working',
    skip: lockSkip,
    async run(ctx) {
      await expectLocked(ctx, ctx.dir, 'a second open');
      await holderStillWorks(ctx, 1);
      // A failed open leaves the lock held: the next attempt is refused too.
      await expectLocked(ctx, ctx.dir, 'a third open, after a failed one');
      await holderStillWorks(ctx, 2);
      await ctx.reopen();
      expect(hex(await ctx.ks.get(KEY))).toBe(hex(Uint8Array.of(2)));
    },
  },
  {
    group,
    name: 'a second open under another spelling of the path (trailing slash, relative, symlink) fails LOCKED',
    skip: lockSkip,
    async run(ctx) {
      await withSymlink(ctx, async (link) => {
        const spellings: Array<[string, string]> = [
          [`${ctx.dir}/`, 'with a trailing slash'],
          [relative(process.cwd(), ctx.dir), 'as a relative path'],
          [join(ctx.dir, '..', basename(ctx.dir)), "through '..'"],
          [link, 'through a symlink'],
        ];
        for (const [dir, how] of spellings) await expectLocked(ctx, dir, `an open ${how} (${dir})`);
        await holderStillWorks(ctx, 3);
        await ctx.engine.close();
        // Released, the location opens under another spelling, which now holds it.
        const second = await ctx.options.open({ dir: link });
        try {
          expect(hex(await second.keyspace(ctx.pass.keyspace).get(KEY))).toBe(hex(Uint8Array.of(3)));
          await expectLocked(ctx, ctx.dir, 'an open of the plain path while the symlink spelling holds it');
        } finally {
          await second.close();
        }
      });
    },
  },
  {
    group,
    name: 'close() releases the lock: the location opens again, in this process',
    skip: lockSkip,
    async run(ctx) {
      await holderStillWorks(ctx, 4);
      await ctx.engine.close();
      const again = await ctx.openEngine();
      expect(hex(await again.keyspace(ctx.pass.keyspace).get(KEY))).toBe(hex(Uint8Array.of(4)));
    },
  },
  {
    group,
    name: 'an open from another process fails LOCKED while the location is open here, also after failed opens here',
    skip: childLockSkip,
    timeout: 60_000,
    async run(ctx) {
      expect(await tryOpenInChild(ctx), 'a child process opening the location').toBe('error LOCKED');
      await expectLocked(ctx, ctx.dir, 'a second open in this process');
      await expectLocked(ctx, `${ctx.dir}/`, 'a second open with a trailing slash');
      // The failed opens above must not have released the holder's lock.
      expect(await tryOpenInChild(ctx), 'a child process opening the location after failed opens here').toBe('error LOCKED');
      await holderStillWorks(ctx, 5);
      await ctx.engine.close();
      expect(await tryOpenInChild(ctx), 'a child process opening the location after close()').toBe('opened');
    },
  },
  {
    group,
    name: 'the death (kill -9) of the holding process releases the lock',
    skip: childLockSkip,
    timeout: 60_000,
    async run(ctx) {
      await ctx.engine.close();
      const holder = await holdInChild(ctx);
      try {
        await expectLocked(ctx, ctx.dir, 'an open while a live child process holds the location');
      } finally {
        await holder.kill();
      }
      await ctx.reopen();
      await holderStillWorks(ctx, 6);
    },
  },
];
