/**
 * LevelDB takes an exclusive lock on its directory: a second open of the same location
 * fails LOCKED, whether the first is in this process or another one.
 */
import { describe, expect, it } from 'vitest';
import { openLevel } from '@tidekv/level';
import { exited, startChild, waitForLine } from './child.js';
import { bytes, tempDir, text } from './temp-dir.js';

describe('second open of a location', () => {
  it('fails LOCKED while this process has it open, and works after close', async () => {
    const path = tempDir();
    const first = await openLevel({ path });
    await first.keyspace('default').put(bytes('k'), bytes('v'));
    await expect(openLevel({ path })).rejects.toMatchObject({ name: 'TidekvError', code: 'LOCKED' });
    // The failed open did not disturb the engine that holds the lock.
    expect(text(await first.keyspace('default').get(bytes('k')))).toBe('v');
    await first.close();
    const second = await openLevel({ path });
    expect(text(await second.keyspace('default').get(bytes('k')))).toBe('v');
    await second.close();
  });

  it('fails LOCKED while another process has it open, and works once that process is killed', async () => {
    const path = tempDir();
    const child = startChild(`
      const engine = await level.openLevel({ path: ${JSON.stringify(path)} });
      await engine.keyspace('default').put(new TextEncoder().encode('from'), new TextEncoder().encode('child'));
      await engine.flush();
      console.log('ready');
      setInterval(() => {}, 1000);
    `);
    try {
      await waitForLine(child, 'ready');
      const error = await openLevel({ path }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'TidekvError', code: 'LOCKED' });
      expect((error as Error).message).toContain('already open');
    } finally {
      child.kill('SIGKILL');
      await exited(child);
    }
    // The OS drops the lock with the process.
    const engine = await openLevel({ path });
    expect(text(await engine.keyspace('default').get(bytes('from')))).toBe('child');
    await engine.close();
  });
});
