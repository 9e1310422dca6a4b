/**
 * A commit on a really full file system (a 4 MiB tmpfs, mounted by the case as root). A
 * commit whose write fails must be all or nothing: before reopen no part of it is visible,
 * it used no revision, and the store refuses every later write (IO_ERROR, or WAL_POISONED
 * when its write-ahead log failed) even once the file system has room again; after a reopen with room,
 * everything acknowledged is there and nothing else, except that a failed commit whose
 * outcome was unknown (its log record was durable) may be there whole. The commits are txns
 * of several large puts and a delete, issued a few at a time so some queue behind the one
 * that fails.
 */
import { execFileSync } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { KV, TxnRequest } from '@tidekv/core';
import { needsFullDisk, type MvccCase } from '../mvcc-case.js';
import { openReferenceKV } from '../mvcc/reference-kv.js';
import { everything } from '../support/mvcc.js';
import { prng } from '../support/seed.js';

const PUTS = 6;
const VALUE_BYTES = 8192;
const IN_FLIGHT = 4;
const FREE_BYTES = 1 << 20;
const REFUSED = ['IO_ERROR', 'WAL_POISONED'];

/** Txn `i`: PUTS fresh keys with random (incompressible) values, and a delete of txn i - 2's first key. */
function txnRequest(i: number, random: () => number): TxnRequest {
  const value = () => Uint8Array.from({ length: VALUE_BYTES }, () => Math.floor(random() * 256));
  return {
    success: [
      ...Array.from({ length: PUTS }, (_, j) => ({ type: 'put' as const, key: `t${String(i).padStart(4, '0')}/${j}`, value: value() })),
      { type: 'deleteRange', key: `t${String(i - 2).padStart(4, '0')}/0` },
    ],
  };
}

const codeOf = (error: unknown) => (error as { code?: unknown } | null)?.code;

export const fullDiskCases: MvccCase[] = [
  {
    group: 'full disk',
    name: 'a commit that fails on a full disk is all or nothing, uses no revision, and the store refuses writes until reopened',
    timeout: 180_000,
    skip: needsFullDisk,
    async run(ctx) {
      const mount = join(ctx.dir, 'tmpfs');
      await mkdir(mount);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]);
      const opened: KV[] = [];
      const model = await openReferenceKV();
      try {
        const location = { ...ctx.location, dir: join(mount, 'store') };
        await mkdir(location.dir);
        let kv = await ctx.options.open(location);
        opened.push(kv);
        // Leave the store about 1 MiB: enough for a few dozen commits, few enough to stay quick.
        const { bavail, bsize } = statfsSync(mount);
        await writeFile(join(mount, 'ballast'), new Uint8Array(Math.max(0, bavail * bsize - FREE_BYTES)));
        const random = prng(0x5eed);
        const acknowledged: { revision: number; request: TxnRequest }[] = [];
        const failed: TxnRequest[] = [];
        let failure: unknown;
        for (let i = 0; i < 2000 && failure === undefined; i += IN_FLIGHT) {
          const requests = Array.from({ length: IN_FLIGHT }, (_, j) => txnRequest(i + j, random));
          const outcomes = await Promise.allSettled(requests.map((request) => kv.txn(request)));
          outcomes.forEach((outcome, j) => {
            if (outcome.status === 'fulfilled') acknowledged.push({ revision: outcome.value.revision, request: requests[j]! });
            else {
              failure ??= outcome.reason;
              failed.push(requests[j]!);
            }
          });
        }
        expect(REFUSED, `a 4 MiB file system filled up: ${String(failure)}`).toContain(codeOf(failure));
        acknowledged.sort((a, b) => a.revision - b.revision);
        for (const { revision, request } of acknowledged) expect((await model.txn(request)).revision, 'acknowledged revisions are consecutive').toBe(revision);
        expect(acknowledged.length, 'commits acknowledged before the disk filled').toBeGreaterThan(3);

        // Before reopen: nothing of a failed commit is visible and no revision was used.
        expect(kv.revision, 'the failed commits used no revision').toBe(model.revision);
        expect((await kv.range('t', { prefix: true, countOnly: true })).revision).toBe(model.revision);
        expect(await everything(kv), 'no part of a failed commit is visible').toEqual(await everything(model));

        // Room again: the store still refuses writes, and changes nothing.
        execFileSync('mount', ['-o', 'remount,size=64m', mount]);
        let refused: unknown;
        try {
          await kv.put('after', 'room again');
        } catch (error) {
          refused = error;
        }
        expect(REFUSED, `a write after the failure must be refused until reopen: ${String(refused)}`).toContain(codeOf(refused));
        expect(REFUSED, 'a compaction after the failure is refused too').toContain(await kv.compact(1).then(() => 'compacted', codeOf));
        expect(kv.revision).toBe(model.revision);
        await kv.close().catch(() => undefined);

        // After reopen: every acknowledged commit, plus at most a prefix of the failed ones, each whole.
        kv = await ctx.options.open(location);
        opened.push(kv);
        const extra = kv.revision - model.revision;
        expect(extra, `revision ${kv.revision} after reopen; ${model.revision} was acknowledged, ${failed.length} commits failed`).toBeGreaterThanOrEqual(0);
        expect(extra).toBeLessThanOrEqual(failed.length);
        for (const request of failed.slice(0, extra)) await model.txn(request);
        expect(await everything(kv), `after reopen: the acknowledged commits and ${extra} whole failed ones`).toEqual(await everything(model));
        if (ctx.options.hashParity) expect(await kv.hashKV(), 'hashKV after reopen').toEqual(await model.hashKV());
        expect((await kv.put('after', 'reopened')).revision, 'a reopened store writes again').toBe(model.revision + 1);
      } finally {
        await model.close();
        for (const kv of opened) await kv.close().catch(() => undefined);
        // A store may keep a file of the failed one mapped: detach the mount lazily.
        execFileSync('umount', ['-l', mount]);
      }
    },
  },
];
