/**
 * Bad input for every method: each call must fail with the stable error code, and must
 * write nothing.
 */
import type { Capabilities, ReadableKeyspace, TidekvErrorCode } from '@tidekv/core';
import type { Case, CaseContext, ResolvedOptions } from '../case.js';
import { utf8 } from '../support/bytes.js';
import { expectSyncTidekvError, expectTidekvError } from '../support/expect-error.js';
import { captureState, expectStateUnchanged } from '../support/state.js';

const group = 'bad input';
const OTHER = 'conformance-other';

type Named = [label: string, value: unknown];

/** Things that are not a Uint8Array. */
const NOT_BYTES: Named[] = [
  ['null', null],
  ['undefined', undefined],
  ['a string', 'key'],
  ['a number', 42],
  ['an array of numbers', [1, 2]],
  ['a plain object', { 0: 1, length: 1 }],
  ['an ArrayBuffer', new ArrayBuffer(2)],
  ['a boolean', true],
  ...lookAlikes(),
  ['a Float64Array', new Float64Array([1])],
  ['a BigUint64Array', new BigUint64Array([1n])],
  ['a DataView at an offset', new DataView(new Uint8Array([1, 2, 3, 4]).buffer, 1, 2)],
];

/**
 * Things that pass `instanceof Uint8Array` or look like one but are not real bytes: size and
 * type checks must read the real byte length, or a native library reads memory it was never
 * given (or a detached buffer is stored as empty bytes).
 */
function lookAlikes(): Named[] {
  const detached = new Uint8Array(8);
  structuredClone(detached.buffer, { transfer: [detached.buffer] });
  const longer = new Uint8Array(2);
  Object.defineProperty(longer, 'length', { value: 1 << 20 });
  const shorter = new Uint8Array(16);
  Object.defineProperty(shorter, 'length', { value: 1 });
  return [
    ['a Proxy of a Uint8Array', new Proxy(new Uint8Array(4), {})],
    ['an object made from Uint8Array.prototype', Object.create(Uint8Array.prototype)],
    ['a Uint8Array with a detached buffer', detached],
    ['a Uint8Array whose length says 1 MiB', longer],
    ['a Uint8Array whose length says 1', shorter],
    ['an Int8Array', new Int8Array(2)],
    ['a Uint16Array', new Uint16Array(2)],
    ['a Uint8ClampedArray', new Uint8ClampedArray(2)],
    ['a DataView', new DataView(new ArrayBuffer(2))],
  ];
}
/** Not a Uint8Array, where undefined means "absent" and is therefore allowed. */
const NOT_BYTES_DEFINED = NOT_BYTES.filter(([, v]) => v !== undefined);
const NOT_RANGE_OBJECTS: Named[] = [['null', null], ['a string', 'a'], ['a number', 1], ['an array', []], ['a boolean', true]];
/** Objects that are not plain: read as {} they would select (and clear would delete) everything. */
const NOT_PLAIN_RANGES: Named[] = [
  ['a Map holding a prefix', new Map([['prefix', utf8('seed')]])],
  ['a Set', new Set()],
  ['a Date', new Date(0)],
  ['a class instance', new (class RangeLike {})()],
];
const BAD_LIMITS: Named[] = [['NaN', NaN], ['-1', -1], ['1.5', 1.5], ['-Infinity', -Infinity], ["'5'", '5'], ['null', null]];
const BAD_REVERSE: Named[] = [["'yes'", 'yes'], ['1', 1], ['null', null]];
const UNKNOWN_RANGE_OPTIONS: Named[] = [['start', { start: utf8('a') }], ['keys', { keys: false }], ['end', { end: utf8('z') }]];
const BAD_WRITE_OPTIONS: Named[] = [['null', null], ["'sync'", 'sync'], ['42', 42], ["{ sync: 'yes' }", { sync: 'yes' }], ['{ sync: 1 }', { sync: 1 }]];
const BAD_KEYSPACE_NAMES: Named[] = [
  ["''", ''],
  ["'../x'", '../x'],
  ["'a;drop'", 'a;drop'],
  ['65 characters', 'k'.repeat(65)],
  ["'a b'", 'a b'],
  ["'a/b'", 'a/b'],
  ["'a.b'", 'a.b'],
  ["'ü'", 'ü'],
  ["'x\\u0000'", 'x\u0000'],
  ["' a' (leading space)", ' a'],
  ["'a ' (trailing space)", 'a '],
  ["'a\\n' (trailing newline)", 'a\n'],
  ["'\\ta' (leading tab)", '\ta'],
  ["'default\\n'", 'default\n'],
  ["'default\\r'", 'default\r'],
  ["'\\u0000default'", '\u0000default'],
  ["'a\\u007f'", 'a\u007f'],
  ["'a\\u200b' (zero-width space)", 'a\u200b'],
  ['65 characters differing from a valid name at the end', `${'k'.repeat(64)}x`],
  ['null', null],
  ['undefined', undefined],
  ['42', 42],
  ['an object', { name: 'default' }],
];
const BAD_NEXTV: Named[] = [['0', 0], ['-1', -1], ['1.5', 1.5], ['NaN', NaN], ["'2'", '2'], ['undefined', undefined]];
const BOUNDS = ['gt', 'gte', 'lt', 'lte', 'prefix'] as const;

const syncOnly = (caps: Capabilities) => (caps.syncReads ? false : 'capabilities.syncReads is false');
const getSyncOnly = (_caps: Capabilities, options: ResolvedOptions) => (options.getSync ? false : 'keyspace.getSync is absent');

/** Seeds one entry per keyspace, runs `attempt`, then checks nothing was written. */
function badInputCase(name: string, attempt: (ctx: CaseContext) => Promise<void>, skip?: Case['skip']): Case {
  return {
    group,
    name,
    skip,
    async run(ctx) {
      await ctx.engine.write([ctx.put(utf8('seed'), utf8('seed')), { type: 'put', keyspace: OTHER, key: utf8('seed'), value: utf8('seed') }]);
      const before = await captureState(ctx.engine, [ctx.pass.keyspace, OTHER]);
      await attempt(ctx);
      await expectStateUnchanged(ctx.engine, before, name);
    },
  };
}

/** iterate() may throw at once or fail on the first read; either is fine, silence is not. */
async function expectIterateFails(view: ReadableKeyspace, range: unknown, code: TidekvErrorCode, what: string): Promise<void> {
  await expectTidekvError(async () => {
    const it = view.iterate(range as never);
    try {
      await it.next();
    } finally {
      await it.close();
    }
  }, code, what);
}

function rangeCases(method: 'iterate' | 'iterateSync' | 'clear', skip?: Case['skip']): Case[] {
  const check = async (ctx: CaseContext, range: unknown, code: TidekvErrorCode, what: string) => {
    if (method === 'iterate') await expectIterateFails(ctx.ks, range, code, what);
    else if (method === 'iterateSync') expectSyncTidekvError(() => ctx.ks.iterateSync!(range as never), code, what);
    else await expectTidekvError(() => ctx.ks.clear(range as never), code, what);
  };
  const cases: Case[] = [
    badInputCase(`${method} rejects a range that is not an object (INVALID_RANGE)`, async (ctx) => {
      for (const [label, range] of NOT_RANGE_OBJECTS) await check(ctx, range, 'INVALID_RANGE', `${method}(${label})`);
    }, skip),
    ...BOUNDS.map((bound) =>
      badInputCase(`${method} rejects a ${bound} bound that is not a Uint8Array (INVALID_RANGE)`, async (ctx) => {
        for (const [label, value] of NOT_BYTES_DEFINED) await check(ctx, { [bound]: value }, 'INVALID_RANGE', `${method}({ ${bound}: ${label} })`);
      }, skip),
    ),
    badInputCase(`${method} rejects a range that is not a plain object (INVALID_RANGE)`, async (ctx) => {
      for (const [label, range] of NOT_PLAIN_RANGES) await check(ctx, range, 'INVALID_RANGE', `${method}(${label})`);
    }, skip),
    badInputCase(`${method} rejects unknown range options (INVALID_RANGE)`, async (ctx) => {
      for (const [label, range] of UNKNOWN_RANGE_OPTIONS) await check(ctx, range, 'INVALID_RANGE', `${method} with option ${label}`);
    }, skip),
  ];
  if (method !== 'clear') {
    cases.push(
      badInputCase(`${method} rejects a limit that is not a non-negative integer (INVALID_RANGE)`, async (ctx) => {
        for (const [label, limit] of BAD_LIMITS) await check(ctx, { limit }, 'INVALID_RANGE', `${method}({ limit: ${label} })`);
      }, skip),
      badInputCase(`${method} rejects a reverse that is not a boolean (INVALID_RANGE)`, async (ctx) => {
        for (const [label, reverse] of BAD_REVERSE) await check(ctx, { reverse }, 'INVALID_RANGE', `${method}({ reverse: ${label} })`);
      }, skip),
    );
  }
  return cases;
}

export const badInputCases: Case[] = [
  badInputCase('get rejects keys that are not a Uint8Array (INVALID_KEY)', async (ctx) => {
    for (const [label, key] of NOT_BYTES) await expectTidekvError(() => ctx.ks.get(key as never), 'INVALID_KEY', `get(${label})`);
  }),
  badInputCase('getSync rejects keys that are not a Uint8Array (INVALID_KEY)', async (ctx) => {
    for (const [label, key] of NOT_BYTES) expectSyncTidekvError(() => ctx.ks.getSync!(key as never), 'INVALID_KEY', `getSync(${label})`);
  }, getSyncOnly),
  badInputCase('getMany rejects an argument that is not an array (INVALID_ARGUMENT)', async (ctx) => {
    const notArrays: Named[] = [['null', null], ['undefined', undefined], ['a string', 'ab'], ['a number', 1], ['an object', {}], ['a single key', utf8('a')]];
    for (const [label, keys] of notArrays) await expectTidekvError(() => ctx.ks.getMany(keys as never), 'INVALID_ARGUMENT', `getMany(${label})`);
  }),
  badInputCase('getMany rejects an array holding a key that is not a Uint8Array (INVALID_KEY)', async (ctx) => {
    for (const [label, key] of NOT_BYTES) {
      await expectTidekvError(() => ctx.ks.getMany([utf8('seed'), key as never]), 'INVALID_KEY', `getMany([key, ${label}])`);
    }
  }),
  badInputCase('put rejects keys that are not a Uint8Array (INVALID_KEY)', async (ctx) => {
    for (const [label, key] of NOT_BYTES) await expectTidekvError(() => ctx.ks.put(key as never, utf8('v')), 'INVALID_KEY', `put(${label}, value)`);
  }),
  badInputCase('put rejects values that are not a Uint8Array (INVALID_VALUE)', async (ctx) => {
    for (const [label, value] of NOT_BYTES) await expectTidekvError(() => ctx.ks.put(utf8('new'), value as never), 'INVALID_VALUE', `put(key, ${label})`);
  }),
  badInputCase('put rejects bad write options (INVALID_OPTION)', async (ctx) => {
    for (const [label, options] of BAD_WRITE_OPTIONS) {
      await expectTidekvError(() => ctx.ks.put(utf8('new'), utf8('v'), options as never), 'INVALID_OPTION', `put(key, value, ${label})`);
    }
  }),
  badInputCase('del rejects keys that are not a Uint8Array (INVALID_KEY)', async (ctx) => {
    for (const [label, key] of NOT_BYTES) await expectTidekvError(() => ctx.ks.del(key as never), 'INVALID_KEY', `del(${label})`);
  }),
  badInputCase('del rejects bad write options (INVALID_OPTION)', async (ctx) => {
    for (const [label, options] of BAD_WRITE_OPTIONS) {
      await expectTidekvError(() => ctx.ks.del(utf8('seed'), options as never), 'INVALID_OPTION', `del(key, ${label})`);
    }
  }),
  badInputCase('clear rejects bad write options (INVALID_OPTION)', async (ctx) => {
    for (const [label, options] of BAD_WRITE_OPTIONS) {
      await expectTidekvError(() => ctx.ks.clear({}, options as never), 'INVALID_OPTION', `clear({}, ${label})`);
    }
  }),
  ...rangeCases('iterate'),
  badInputCase('iterate rejects a signal that is not an AbortSignal (INVALID_OPTION)', async (ctx) => {
    for (const [label, signal] of [['an object', { aborted: false }], ['a string', 'abort']] as Named[]) {
      await expectIterateFails(ctx.ks, { signal }, 'INVALID_OPTION', `iterate({ signal: ${label} })`);
    }
  }),
  ...rangeCases('iterateSync', syncOnly),
  badInputCase('iterateSync rejects a signal that is not an AbortSignal (INVALID_OPTION), as iterate does', async (ctx) => {
    for (const [label, signal] of [['an object', { aborted: false }], ['a string', 'abort']] as Named[]) {
      expectSyncTidekvError(() => ctx.ks.iterateSync!({ signal } as never), 'INVALID_OPTION', `iterateSync({ signal: ${label} })`);
    }
  }, syncOnly),
  ...rangeCases('clear'),
  badInputCase('clear rejects a signal, which only iterate takes (INVALID_RANGE), and deletes nothing', async (ctx) => {
    await expectTidekvError(() => ctx.ks.clear({ signal: new AbortController().signal } as never), 'INVALID_RANGE', 'clear({ signal })');
  }),
  badInputCase('nextv rejects a size that is not an integer >= 1 (INVALID_ARGUMENT)', async (ctx) => {
    const it = ctx.ks.iterate();
    try {
      for (const [label, size] of BAD_NEXTV) await expectTidekvError(() => it.nextv(size as never), 'INVALID_ARGUMENT', `nextv(${label})`);
    } finally {
      await it.close();
    }
  }),
  badInputCase('keyspace() rejects names outside [A-Za-z0-9_-]{1,64} (INVALID_KEYSPACE)', async (ctx) => {
    for (const [label, name] of BAD_KEYSPACE_NAMES) expectSyncTidekvError(() => ctx.engine.keyspace(name as never), 'INVALID_KEYSPACE', `keyspace(${label})`);
  }),
  badInputCase('write() rejects an argument that is not an array (INVALID_ARGUMENT)', async (ctx) => {
    const notArrays: Named[] = [['null', null], ['undefined', undefined], ['an op object', ctx.put(utf8('new'), utf8('v'))], ['a string', 'put']];
    for (const [label, ops] of notArrays) await expectTidekvError(() => ctx.engine.write(ops as never), 'INVALID_ARGUMENT', `write(${label})`);
  }),
  badInputCase('write() rejects bad write options (INVALID_OPTION)', async (ctx) => {
    for (const [label, options] of BAD_WRITE_OPTIONS) {
      await expectTidekvError(() => ctx.engine.write([ctx.put(utf8('new'), utf8('v'))], options as never), 'INVALID_OPTION', `write(ops, ${label})`);
    }
  }),
  badInputCase('write() rejects ops naming a bad keyspace (INVALID_KEYSPACE)', async (ctx) => {
    for (const [label, keyspace] of BAD_KEYSPACE_NAMES.filter(([, v]) => v !== undefined)) {
      await expectTidekvError(
        () => ctx.engine.write([{ type: 'put', keyspace: keyspace as never, key: utf8('new'), value: utf8('v') }]),
        'INVALID_KEYSPACE',
        `write([{ keyspace: ${label} }])`,
      );
    }
  }),
  badInputCase('write() rejects ops of unknown or missing type (INVALID_ARGUMENT)', async (ctx) => {
    const ops: Named[] = [['merge', { type: 'merge', key: utf8('k'), value: utf8('v') }], ['missing', { key: utf8('k') }], ['PUT', { type: 'PUT', key: utf8('k'), value: utf8('v') }], ['null', null], ['a number', 3]];
    for (const [label, op] of ops) await expectTidekvError(() => ctx.engine.write([op as never]), 'INVALID_ARGUMENT', `write([${label}])`);
  }),
  badInputCase('write() rejects put/del ops with bad keys and values', async (ctx) => {
    for (const [label, key] of NOT_BYTES) {
      await expectTidekvError(() => ctx.engine.write([{ ...ctx.put(utf8('k'), utf8('v')), key } as never]), 'INVALID_KEY', `put op key ${label}`);
      await expectTidekvError(() => ctx.engine.write([{ ...ctx.del(utf8('k')), key } as never]), 'INVALID_KEY', `del op key ${label}`);
      await expectTidekvError(() => ctx.engine.write([{ ...ctx.put(utf8('k'), utf8('v')), value: key } as never]), 'INVALID_VALUE', `put op value ${label}`);
    }
  }),
  badInputCase('write() rejects delRange ops with bad ranges (INVALID_RANGE)', async (ctx) => {
    const ranges: Named[] = [
      ['null', null],
      ['a string', 'all'],
      ['a string bound', { gte: 'a' }],
      ['an unknown option', { from: utf8('a') }],
      ['a NaN limit', { limit: NaN }],
      ['a signal', { signal: new AbortController().signal }],
      ...NOT_PLAIN_RANGES,
    ];
    for (const [label, range] of ranges) {
      await expectTidekvError(() => ctx.engine.write([{ type: 'delRange', keyspace: ctx.pass.keyspace, range: range as never }]), 'INVALID_RANGE', `delRange ${label}`);
    }
  }),
  badInputCase('snapshot keyspaces reject bad names and bad ranges', async (ctx) => {
    const snapshot = ctx.engine.snapshot!();
    try {
      expectSyncTidekvError(() => snapshot.keyspace('../x'), 'INVALID_KEYSPACE', "snapshot.keyspace('../x')");
      const view = snapshot.keyspace(ctx.pass.keyspace);
      await expectTidekvError(() => view.get('k' as never), 'INVALID_KEY', 'snapshot get(string)');
      await expectIterateFails(view, { gt: 'a' }, 'INVALID_RANGE', 'snapshot iterate({ gt: string })');
      await expectIterateFails(view, { limit: -1 }, 'INVALID_RANGE', 'snapshot iterate({ limit: -1 })');
    } finally {
      await snapshot.close();
    }
  }, (caps) => (caps.snapshots ? false : 'capabilities.snapshots is false')),
];
