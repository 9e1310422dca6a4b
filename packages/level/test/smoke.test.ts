import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLevel } from '@tidekv/level';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tidekv-level-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const b = (s: string) => Buffer.from(s);

describe('smoke', () => {
  it('put/get/iterate/delRange/snapshot/reopen', async () => {
    const path = tempDir();
    const engine = await openLevel({ path });
    const ks = engine.keyspace('default');
    await ks.put(b('a'), b('1'));
    await engine.write([
      { type: 'put', key: b('b'), value: b('2') },
      { type: 'put', keyspace: 'other', key: b('a'), value: b('x') },
    ]);
    expect(Buffer.from((await ks.get(b('a')))!).toString()).toBe('1');
    const snap = engine.snapshot!();
    await engine.write([{ type: 'put', key: b('c'), value: b('3') }, { type: 'delRange', range: { lt: b('c') } }]);
    expect((await ks.iterate().all()).map(([k]) => Buffer.from(k).toString())).toEqual(['c']);
    expect((await snap.keyspace('default').iterate({ reverse: true }).all()).map(([k]) => Buffer.from(k).toString())).toEqual(['b', 'a']);
    expect(await engine.keyspace('other').getMany([b('a'), b('z')])).toEqual([b('x'), undefined]);
    await snap.close();
    await engine.flush();
    await engine.close();
    const again = await openLevel({ path });
    expect((await again.keyspace('default').iterate().all()).length).toBe(1);
    await expect(openLevel({ path })).rejects.toMatchObject({ code: 'LOCKED' });
    await again.close();
  });
});
