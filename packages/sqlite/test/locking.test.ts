import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '@tidekv/sqlite';
import { expectCode, open, openTemp, runChild, tempDir, text, utf8 } from './helpers.js';

const HOLD_LOCK = `
const engine = await sqlite.openSqlite({ path: process.argv[1] });
await engine.keyspace('default').put(Buffer.from('from-child'), Buffer.from('yes'));
await engine.flush();
console.log('ready');
setInterval(() => {}, 1000);
`;

const TRY_OPEN = `
try {
  const engine = await sqlite.openSqlite({ path: process.argv[1] });
  console.log('opened');
  await engine.close();
} catch (error) {
  console.log(error.code);
}
`;

describe('one engine per location', () => {
  it('a second open in the same process fails LOCKED and leaves the first working', async () => {
    const { dir, engine } = await openTemp();
    await expectCode(() => openSqlite({ path: dir }), 'LOCKED');
    await expectCode(() => openSqlite({ path: dir }), 'LOCKED');
    await engine.keyspace('default').put(utf8('k'), utf8('v'));
    expect(text(await engine.keyspace('default').get(utf8('k')))).toBe('v');
  });

  it('the location can be opened again once the engine is closed', async () => {
    const { dir, engine } = await openTemp();
    await engine.keyspace('default').put(utf8('k'), utf8('v'));
    await engine.close();
    const again = await open(dir);
    expect(text(again.keyspace('default').getSync!(utf8('k')))).toBe('v');
  });

  it('a failed open does not keep the lock', async () => {
    const dir = await tempDir();
    await expectCode(() => openSqlite({ path: dir, bogus: 1 } as never), 'INVALID_OPTION');
    const engine = await open(dir);
    await engine.close();
  });

  it('a lock file that cannot be opened fails IO_ERROR, not LOCKED', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'tidekv.lock'));
    await expectCode(() => openSqlite({ path: dir }), 'IO_ERROR');
  });

  it('another process gets LOCKED while this one holds the location', async () => {
    const { dir } = await openTemp();
    const result = await runChild(TRY_OPEN, [dir]);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('LOCKED');
  });

  it('this process gets LOCKED while another holds it, and the lock dies with a kill -9 of the holder', async () => {
    const dir = await tempDir();
    let killedAfterLockChecked = false;
    const result = await runChild(HOLD_LOCK, [dir], (line, child) => {
      if (line !== 'ready') return;
      openSqlite({ path: dir }).then(
        () => child.kill('SIGKILL'),
        (error: { code?: string }) => {
          killedAfterLockChecked = error.code === 'LOCKED';
          child.kill('SIGKILL');
        },
      );
    });
    expect(result.signal).toBe('SIGKILL');
    expect(killedAfterLockChecked).toBe(true);
    const engine = await open(dir);
    expect(text(engine.keyspace('default').getSync!(utf8('from-child')))).toBe('yes');
  });
});
