/**
 * LevelDB on a really full file system (a 4 MiB tmpfs, mounted when the test runs as root).
 * LevelDB itself keeps acknowledging writes after a failed log write and loses them on
 * reopen; the engine must instead refuse every later write and flush (IO_ERROR, poisoned)
 * until it is reopened, and lose nothing it acknowledged.
 */
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLevel } from '@tidekv/level';
import type { StorageEngine } from '@tidekv/core';

const isRoot = process.getuid?.() === 0;
const hex = (bytes: Uint8Array | undefined) => (bytes === undefined ? 'missing' : Buffer.from(bytes).toString('hex'));

async function codeOf(action: () => Promise<unknown>): Promise<{ code?: string; details?: Record<string, unknown> }> {
  try {
    await action();
  } catch (error) {
    return error as { code?: string; details?: Record<string, unknown> };
  }
  return { code: 'RESOLVED' };
}

describe('LevelDB on a full file system (4 MiB tmpfs)', () => {
  it.skipIf(!isRoot)(
    'after a write fails IO_ERROR, later writes and flushes are refused until reopened; every acknowledged write survives',
    async () => {
      const mount = mkdtempSync(join(tmpdir(), 'tidekv-level-full-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]);
      let engine: StorageEngine | undefined;
      try {
        const path = join(mount, 'db');
        // Space to give back once the disk is full.
        const ballast = join(mount, 'ballast');
        writeFileSync(ballast, new Uint8Array(512 * 1024));
        engine = await openLevel({ path });
        const ks = engine.keyspace('default');
        const acknowledged = new Map<string, string>();
        let failure: { code?: string } | undefined;
        for (let i = 0; i < 10_000 && failure === undefined; i++) {
          const key = Buffer.from(`key-${String(i).padStart(6, '0')}`);
          const value = randomFillSync(new Uint8Array(4096)); // incompressible
          try {
            await ks.put(key, value);
            acknowledged.set(hex(key), hex(value));
          } catch (error) {
            failure = error as { code?: string };
          }
        }
        expect(failure?.code, 'the disk filled up').toBe('IO_ERROR');
        expect(acknowledged.size).toBeGreaterThan(100);

        rmSync(ballast); // space is available again
        const key = Buffer.from('after-the-failure');
        for (const [what, attempt] of [
          ['put', () => ks.put(key, key)],
          ['del', () => ks.del(key)],
          ['clear', () => ks.clear({ prefix: key })],
          ['write', () => engine!.write([{ type: 'put', key, value: key }])],
          ['sync write', () => engine!.write([{ type: 'put', key, value: key }], { sync: true })],
          ['flush', () => engine!.flush()],
        ] as const) {
          const error = await codeOf(attempt);
          expect({ what, code: error.code, poisoned: error.details?.poisoned }).toEqual({ what, code: 'IO_ERROR', poisoned: true });
        }
        // Reads still work.
        const [someKey, someValue] = acknowledged.entries().next().value!;
        expect(hex(await ks.get(Buffer.from(someKey, 'hex')))).toBe(someValue);
        await engine.close().catch(() => undefined);

        // Recovery writes the whole log out as a table: give it room (tmpfs grows in place).
        execFileSync('mount', ['-o', 'remount,size=16m', mount]);
        engine = await openLevel({ path });
        const reopened = engine.keyspace('default');
        let lost = 0;
        for (const [k, v] of acknowledged) if (hex(await reopened.get(Buffer.from(k, 'hex'))) !== v) lost++;
        expect(lost, 'acknowledged writes lost after reopen').toBe(0);
        expect(await reopened.get(key)).toBeUndefined();
        // Reopened, the engine writes again.
        await reopened.put(key, key, { sync: true });
        expect(hex(await reopened.get(key))).toBe(hex(key));
      } finally {
        await engine?.close().catch(() => undefined);
        execFileSync('umount', [mount]);
        rmSync(mount, { recursive: true, force: true });
      }
    },
  );
});
