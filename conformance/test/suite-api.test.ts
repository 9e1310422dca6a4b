/**
 * The suite's own public functions: option validation, the oracle against hand-written
 * answers, and the reference engine's own failure paths.
 */
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Entry } from '@tidekv/core';
import { describeEngine, engineCases, expectedRange, openReference, probeCapabilities, referenceEngine } from '../src/index.js';

const b = (...values: number[]) => Uint8Array.from(values);
const hexKeys = (entries: Entry[]) => entries.map(([k]) => Buffer.from(k).toString('hex'));

describe('describeEngine options', () => {
  const open = () => openReference();
  const bad: [string, unknown][] = [
    ['no options', undefined],
    ['null', null],
    ['a missing name', { open }],
    ['an empty name', { name: '', open }],
    ['a missing open', { name: 'x' }],
    ['a non-boolean reopen', { name: 'x', open, reopen: 'yes' }],
    ['an empty sharedLocation', { name: 'x', open, sharedLocation: '' }],
    ['a sharedLocation that is not a string', { name: 'x', open, sharedLocation: true }],
    ['modelRuns 0', { name: 'x', open, modelRuns: 0 }],
    ['modelRuns 1.5', { name: 'x', open, modelRuns: 1.5 }],
    ['a crash option that is not an object', { name: 'x', open, crash: 'module.js' }],
    ['a crash option without module', { name: 'x', open, crash: { factory: 'f' } }],
    ['a crash option without factory', { name: 'x', open, crash: { module: '/m.js' } }],
    ['a crash path that is empty', { name: 'x', open, crash: { module: '/m.js', factory: 'f', path: '' } }],
    ['crash options that are not an object', { name: 'x', open, crash: { module: '/m.js', factory: 'f', options: 3 } }],
  ];
  for (const [label, options] of bad) {
    it(`rejects ${label} with INVALID_ARGUMENT before registering anything`, () => {
      expect(() => describeEngine(options as never)).toThrow(expect.objectContaining({ name: 'TidekvError', code: 'INVALID_ARGUMENT' }));
    });
  }

  it('probeCapabilities reports what the engine declares', async () => {
    expect(await probeCapabilities({ name: 'ref', open })).toEqual({ ...referenceEngine.capabilities });
  });

  it('probeCapabilities surfaces an engine that fails to open', async () => {
    await expect(probeCapabilities({ name: 'broken', open: () => Promise.reject(new Error('cannot open')) })).rejects.toThrow('cannot open');
  });

  it('every case has a unique name within its group, and groups are contiguous', () => {
    const cases = engineCases();
    const ids = cases.map((c) => `${c.group} > ${c.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    const groups = cases.map((c) => c.group).filter((g, i, all) => i === 0 || all[i - 1] !== g);
    expect(new Set(groups).size).toBe(groups.length);
    expect(cases.length).toBeGreaterThan(300);
  });
});

describe('expectedRange (the oracle) against hand-written answers', () => {
  const data: Entry[] = [b(2), b(11), b(1), b(), b(1, 0), b(0xff), b(0x80)].map((k) => [k, k]);
  const cases: [string, object, string[]][] = [
    ['no range', {}, ['', '01', '0100', '02', '0b', '80', 'ff']],
    ['gt 01', { gt: b(1) }, ['0100', '02', '0b', '80', 'ff']],
    ['gte 01, lt 02', { gte: b(1), lt: b(2) }, ['01', '0100']],
    ['lte 0100, reverse', { lte: b(1, 0), reverse: true }, ['0100', '01', '']],
    ['prefix 01', { prefix: b(1) }, ['01', '0100']],
    ['prefix ff', { prefix: b(0xff) }, ['ff']],
    ['reverse, limit 2', { reverse: true, limit: 2 }, ['ff', '80']],
    ['limit 0', { limit: 0 }, []],
    ['gte wins over gt', { gt: b(0x80), gte: b(2) }, ['02', '0b', '80', 'ff']],
    ['lte wins over lt', { lt: b(1), lte: b(2) }, ['', '01', '0100', '02']],
    ['crossed bounds', { gte: b(0x80), lte: b(2) }, []],
  ];
  for (const [label, range, keys] of cases) {
    it(label, () => expect(hexKeys(expectedRange(data, range))).toEqual(keys));
  }
});

describe('reference engine failure paths', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const badOptions: [string, unknown][] = [
    ['null options', null],
    ['a string', 'path'],
    ['an empty path', { path: '' }],
    ['a numeric path', { path: 3 }],
    ['maxKeySize 0', { maxKeySize: 0 }],
    ['maxValueSize 1.5', { maxValueSize: 1.5 }],
  ];
  for (const [label, options] of badOptions) {
    it(`openReference rejects ${label} with INVALID_OPTION`, async () => {
      await expect(openReference(options as never)).rejects.toMatchObject({ name: 'TidekvError', code: 'INVALID_OPTION' });
    });
  }

  it('a damaged file fails to open with CORRUPTION', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tidekv-reference-'));
    const path = join(dir, 'db');
    const engine = await openReference({ path });
    await engine.keyspace('default').put(b(1), b(2));
    await engine.close();
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(path);
    bytes[bytes.length - 6]! ^= 0xff;
    writeFileSync(path, bytes);
    await expect(openReference({ path })).rejects.toMatchObject({ code: 'CORRUPTION' });
    writeFileSync(path, 'not a database');
    await expect(openReference({ path })).rejects.toMatchObject({ code: 'CORRUPTION' });
  });

  it('custom limits become the engine capabilities', async () => {
    const engine = await openReference({ maxKeySize: 8, maxValueSize: 16 });
    expect(engine.capabilities).toMatchObject({ maxKeySize: 8, maxValueSize: 16, persistent: false });
    await expect(engine.keyspace('default').put(new Uint8Array(9), b())).rejects.toMatchObject({ code: 'KEY_TOO_LARGE' });
    await engine.close();
  });
});

describe('runCase cleanup', () => {
  it('closes every engine a failing case opened and removes its directory', async () => {
    const { existsSync } = await import('node:fs');
    const { runCase, resolveOptions } = await import('../src/index.js');
    const opened: { engine: Awaited<ReturnType<typeof openReference>>; dir: string }[] = [];
    const options = resolveOptions(
      {
        name: 'tracked',
        open: async ({ dir }) => {
          const engine = await openReference();
          opened.push({ engine, dir });
          return engine;
        },
      },
      referenceEngine.capabilities,
    );
    const failing = {
      group: 'meta',
      name: 'opens a second engine, then fails',
      async run(ctx: { openEngine(): Promise<unknown> }) {
        await ctx.openEngine();
        throw new Error('the case failed');
      },
    };
    await expect(runCase(failing as never, options, { label: 'x', keyspace: 'default' })).rejects.toThrow('the case failed');
    expect(opened).toHaveLength(2);
    for (const { engine, dir } of opened) {
      expect(() => engine.keyspace('default')).toThrow(expect.objectContaining({ code: 'NOT_OPEN' }));
      expect(existsSync(dir)).toBe(false);
    }
  });

  it('reports a close failure when the case itself passed', async () => {
    const { runCase, resolveOptions } = await import('../src/index.js');
    const options = resolveOptions(
      {
        name: 'bad close',
        open: async () => {
          const engine = await openReference();
          return Object.assign(Object.create(engine) as typeof engine, { close: () => Promise.reject(new Error('close failed')) });
        },
      },
      referenceEngine.capabilities,
    );
    const passing = { group: 'meta', name: 'does nothing', run: async () => {} };
    await expect(runCase(passing, options, { label: 'x', keyspace: 'default' })).rejects.toThrow('close failed');
  });
});

describe('validation of the other public functions', () => {
  const open = () => openReference();
  const caps = referenceEngine.capabilities;

  it('probeCapabilities rejects bad options with INVALID_ARGUMENT', async () => {
    await expect(probeCapabilities({ name: '', open } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('probeCapabilities rejects an engine with malformed capabilities', async () => {
    const bad = async () => ({ capabilities: { persistent: 'no' }, close: async () => {} }) as never;
    await expect(probeCapabilities({ name: 'bad caps', open: bad })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('resolveOptions rejects bad capabilities and fills in defaults', async () => {
    const { resolveOptions } = await import('../src/index.js');
    for (const bad of [null, {}, { ...caps, maxKeySize: 0 }, { ...caps, maxValueSize: 1.5 }, { ...caps, snapshots: 1 }]) {
      expect(() => resolveOptions({ name: 'x', open }, bad as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    expect(resolveOptions({ name: 'x', open }, { ...caps, persistent: true })).toMatchObject({ reopen: true, modelRuns: 40 });
    expect(resolveOptions({ name: 'x', open, reopen: false, modelRuns: 3 }, { ...caps, persistent: true })).toMatchObject({ reopen: false, modelRuns: 3 });
  });

  it('runCase rejects a malformed case, options or pass before opening anything', async () => {
    const { runCase, resolveOptions } = await import('../src/index.js');
    let opened = 0;
    const options = resolveOptions({ name: 'x', open: async () => (opened++, openReference()) }, caps);
    const good = { group: 'g', name: 'n', run: async () => {} };
    const pass = { label: 'p', keyspace: 'default' };
    await expect(runCase({ group: 'g', name: 'n' } as never, options, pass)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(runCase({ ...good, skip: 'no' } as never, options, pass)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(runCase(good, { ...options, open: undefined } as never, pass)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(runCase(good, options, { label: 'p', keyspace: '../x' })).rejects.toMatchObject({ code: 'INVALID_KEYSPACE' });
    await expect(runCase(good, options, null as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(opened).toBe(0);
  });

  it('expectedRange and matchesRange reject bad input', async () => {
    const { matchesRange } = await import('../src/index.js');
    expect(() => expectedRange(null as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => expectedRange([['k', 'v']] as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => expectedRange([], { limit: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_RANGE' }));
    expect(() => matchesRange('k' as never, {})).toThrow(expect.objectContaining({ code: 'INVALID_KEY' }));
  });
});
