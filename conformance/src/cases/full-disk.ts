/**
 * A really full file system (a 4 MiB tmpfs, mounted by the case when it runs as root). The
 * rule for every engine: once a write or flush fails, either every later acknowledged write
 * is durable, or the engine refuses writes (IO_ERROR) until it is reopened; and nothing
 * acknowledged before the failure is lost. Storage libraries differ here (LevelDB kept
 * acknowledging writes it then lost), so every persistent engine is checked.
 */
import { expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StorageEngine, WriteOp } from '@tidekv/core';
import type { Case } from '../case.js';
import { hex } from '../support/bytes.js';

const group = 'full disk';
const BATCH = 16;
const VALUE_BYTES = 4096;

const isRoot = () => process.getuid?.() === 0;

export const fullDiskCases: Case[] = [
  {
    group,
    name: 'on a full 4 MiB tmpfs a failed write stops acknowledged writes from being lost (refused until reopen, or durable)',
    timeout: 120_000,
    skip: (caps) => (!caps.persistent ? 'capabilities.persistent is false' : isRoot() ? false : 'needs root to mount a tmpfs'),
    async run(ctx) {
      const mount = join(ctx.dir, 'tmpfs');
      await mkdir(mount);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]);
      const opened: StorageEngine[] = [];
      try {
        const dir = join(mount, 'store');
        const ballast = join(mount, 'ballast');
        await writeFile(ballast, new Uint8Array(512 * 1024));
        const engine = await ctx.options.open({ dir });
        opened.push(engine);
        const ks = engine.keyspace(ctx.pass.keyspace);
        const acknowledged = new Map<string, string>();
        const put = (key: Uint8Array, value: Uint8Array): WriteOp => ({ type: 'put', keyspace: ctx.pass.keyspace, key, value });
        let failure: { code?: string } | undefined;
        for (let b = 0; b < 400 && failure === undefined; b++) {
          const ops = Array.from({ length: BATCH }, (_, i) => put(Uint8Array.of(1, b >> 8, b & 0xff, i), randomFillSync(new Uint8Array(VALUE_BYTES))));
          try {
            await engine.write(ops, { sync: true });
            for (const op of ops) if (op.type === 'put') acknowledged.set(hex(op.key)!, hex(op.value)!);
          } catch (error) {
            failure = error as { code?: string };
          }
        }
        expect(failure?.code, `a 4 MiB file system filled up: ${String(failure)}`).toBe('IO_ERROR');

        await rm(ballast); // room again: a write now fails only if the engine refuses it
        const later = Uint8Array.of(2);
        let laterAcknowledged = false;
        try {
          await ks.put(later, later, { sync: true });
          laterAcknowledged = true;
        } catch (error) {
          expect((error as { code?: string }).code, 'a refused write after the failure is IO_ERROR').toBe('IO_ERROR');
        }
        await engine.close().catch(() => undefined);

        execFileSync('mount', ['-o', 'remount,size=64m', mount]);
        const reopened = await ctx.options.open({ dir });
        opened.push(reopened);
        const view = reopened.keyspace(ctx.pass.keyspace);
        let lost = 0;
        for (const [key, value] of acknowledged) if (hex(await view.get(Buffer.from(key, 'hex'))) !== value) lost++;
        expect(lost, `acknowledged writes lost after reopen (of ${acknowledged.size})`).toBe(0);
        if (laterAcknowledged) expect(hex(await view.get(later)), 'a write acknowledged after the failure must be durable').toBe(hex(later));
        await view.put(later, later, { sync: true }); // reopened, the engine writes again
      } finally {
        for (const engine of opened) await engine.close().catch(() => undefined);
        // An engine may keep a file of the failed store mapped: detach the mount lazily.
        execFileSync('umount', ['-l', mount]);
      }
    },
  },
];
