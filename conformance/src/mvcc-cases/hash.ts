/**
 * hashKV: the shared rule (checked on hand-built bytes and against the reference model,
 * when the store promises parity), stable answers, errors, and equal hashes after reopen and
 * while compaction runs.
 */
import { crc32 } from 'node:zlib';
import { expect } from 'vitest';
import type { KV } from '@tidekv/core';
import { needsHashParity, needsReopen, type MvccCase } from '../mvcc-case.js';
import { openReferenceKV } from '../mvcc/reference-kv.js';
import { expectRefused } from '../support/mvcc.js';

const group = 'hashKV';

function u64(n: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt(n));
  return out;
}

function u32(n: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n);
  return out;
}

/** Written out byte by byte from the rule in the core README, independently of core's codecs. */
function revisionKey(main: number, sub: number, tombstone: boolean): Buffer {
  return Buffer.concat([u64(main), Buffer.from('_'), u64(sub), tombstone ? Buffer.from('t') : Buffer.alloc(0)]);
}

function keyValue(key: string, value: string, create: number, mod: number, version: number): Buffer {
  return Buffer.concat([Buffer.of(1), u64(create), u64(mod), u64(version), u64(0), u32(Buffer.byteLength(key)), Buffer.from(key), Buffer.from(value)]);
}

/** Runs the same steps on the store and on a fresh reference model, comparing every hash. */
async function compareWithModel(kv: KV, steps: ((target: KV) => Promise<unknown>)[]): Promise<void> {
  const model = await openReferenceKV();
  try {
    for (const [i, step] of steps.entries()) {
      await step(kv);
      await step(model);
      for (let rev = Math.max(1, model.compactRevision); rev <= model.revision; rev++) {
        expect(await kv.hashKV(rev), `after step ${i}, hashKV(${rev})`).toEqual(await model.hashKV(rev));
      }
      expect(await kv.hashKV(), `after step ${i}, hashKV()`).toEqual(await model.hashKV());
    }
  } finally {
    await model.close();
  }
}

export const hashCases: MvccCase[] = [
  {
    group,
    name: 'hashKV follows the shared rule, checked on hand-built bytes',
    skip: needsHashParity,
    async run({ kv }) {
      expect(await kv.hashKV()).toEqual({ hash: 0, revision: 1, compactRevision: -1 });
      await kv.put('foo', 'bar');
      await kv.txn({ success: [{ type: 'put', key: 'a', value: '' }, { type: 'put', key: 'foo', value: 'baz' }] });
      await kv.deleteRange('foo');
      const put2 = Buffer.concat([revisionKey(2, 0, false), keyValue('foo', 'bar', 2, 2, 1)]);
      const txn3 = Buffer.concat([revisionKey(3, 0, false), keyValue('a', '', 3, 3, 1), revisionKey(3, 1, false), keyValue('foo', 'baz', 2, 3, 2)]);
      const del4 = Buffer.concat([revisionKey(4, 0, true), keyValue('foo', '', 0, 0, 0)]);
      expect(await kv.hashKV(2)).toEqual({ hash: crc32(put2), revision: 4, compactRevision: -1 });
      expect((await kv.hashKV(3)).hash).toBe(crc32(Buffer.concat([put2, txn3])));
      expect((await kv.hashKV()).hash).toBe(crc32(Buffer.concat([put2, txn3, del4])));
      await kv.compact(3);
      // Kept at 3: each key's latest change <= 3 if it is a put (a@3.0, foo@3.1); everything above.
      expect(await kv.hashKV()).toEqual({ hash: crc32(Buffer.concat([txn3, del4])), revision: 4, compactRevision: 3 });
      await kv.compact(4);
      // At 4 foo's latest change is a tombstone: never hashed.
      expect((await kv.hashKV()).hash).toBe(crc32(Buffer.concat([revisionKey(3, 0, false), keyValue('a', '', 3, 3, 1)])));
    },
  },
  {
    group,
    name: "hashKV equals the reference model's at every revision, through puts, deletes, txns and compactions",
    skip: needsHashParity,
    timeout: 60_000,
    async run({ kv }) {
      await compareWithModel(kv, [
        (s) => s.put('a', '1'),
        (s) => s.put(Uint8Array.of(0, 0xff), Uint8Array.of(0xff, 0)),
        (s) => s.txn({ success: [{ type: 'put', key: 'b', value: '2' }, { type: 'put', key: 'a', value: '3' }, { type: 'deleteRange', key: '\0', end: 'a' }] }),
        (s) => s.deleteRange('a', { end: 'c' }),
        (s) => s.put('a', '4'),
        (s) => s.compact(3),
        (s) => s.put('c', '5'),
        (s) => s.compact(5, { physical: true }),
        (s) => s.deleteRange('c'),
        (s) => s.compact(7, { physical: true }),
      ]);
    },
  },
  {
    group,
    name: 'a key deleted and put again in one txn, compacted at that revision: the put is read and hashed, through physical compaction and reopen',
    async run(ctx) {
      await ctx.kv.put('a', '1');
      // Revision 3: a from-key delete removes a (3.0), the put brings it back (3.1).
      await ctx.kv.txn({ success: [{ type: 'deleteRange', key: 'a', end: '\0' }, { type: 'put', key: 'a', value: '2' }] });
      await ctx.kv.put('b', '3');
      await ctx.kv.compact(3, { physical: true });
      // At 3 a's latest change is the put 3.1: it is kept and hashed; the put at 2 and the tombstone at 3.0 are not.
      const a3 = Buffer.concat([revisionKey(3, 1, false), keyValue('a', '2', 3, 3, 1)]);
      const b4 = Buffer.concat([revisionKey(4, 0, false), keyValue('b', '3', 4, 4, 1)]);
      const check = async (when: string) => {
        const at3 = await ctx.kv.range('a', { revision: 3 });
        expect(at3.kvs.map((kv) => [Buffer.from(kv.value).toString(), kv.createRevision, kv.modRevision, kv.version]), `${when}: a at 3`).toEqual([['2', 3, 3, 1]]);
        if (ctx.options.hashParity) {
          expect(await ctx.kv.hashKV(3), `${when}: hashKV(3)`).toEqual({ hash: crc32(a3), revision: 4, compactRevision: 3 });
          expect(await ctx.kv.hashKV(), `${when}: hashKV()`).toEqual({ hash: crc32(Buffer.concat([a3, b4])), revision: 4, compactRevision: 3 });
        }
      };
      await check('after compact(3)');
      if (ctx.options.hashParity) {
        const model = await openReferenceKV();
        await model.put('a', '1');
        await model.txn({ success: [{ type: 'deleteRange', key: 'a', end: '\0' }, { type: 'put', key: 'a', value: '2' }] });
        await model.put('b', '3');
        await model.compact(3);
        expect(await ctx.kv.hashKV(), 'hashKV() equals the reference model').toEqual(await model.hashKV());
        await model.close();
      }
      if (ctx.options.reopen) {
        await ctx.reopen();
        await check('after reopen');
      }
    },
  },
  {
    group,
    name: 'hashKV(revision) is stable as later revisions are written',
    async run({ kv }) {
      await kv.put('a', '1');
      await kv.put('b', '2');
      const at3 = (await kv.hashKV(3)).hash;
      expect((await kv.hashKV()).hash, 'hashKV() is hashKV(current)').toBe(at3);
      expect((await kv.hashKV(0)).hash, 'hashKV(0) is hashKV(current)').toBe(at3);
      await kv.put('a', '3');
      await kv.deleteRange('b');
      expect((await kv.hashKV(3)).hash).toBe(at3);
      expect((await kv.hashKV()).hash).not.toBe(at3);
      expect(await kv.hashKV(3)).toEqual({ hash: at3, revision: 5, compactRevision: -1 });
    },
  },
  {
    group,
    name: 'hashKV: FUTURE_REV above the current revision; COMPACTED below the compact revision; at it works',
    async run({ kv }) {
      await kv.put('a', '1');
      await kv.put('a', '2');
      await kv.put('a', '3');
      await expectRefused(kv, () => kv.hashKV(5), 'FUTURE_REV');
      await kv.compact(3);
      await expectRefused(kv, () => kv.hashKV(2), 'COMPACTED');
      const at3 = await kv.hashKV(3);
      expect([at3.revision, at3.compactRevision]).toEqual([4, 3]);
    },
  },
  {
    group,
    name: 'hashKV is equal after reopen, at every revision',
    skip: needsReopen,
    async run(ctx) {
      await ctx.kv.put('a', '1');
      await ctx.kv.txn({ success: [{ type: 'put', key: 'b', value: '2' }, { type: 'deleteRange', key: 'a' }] });
      await ctx.kv.put('c', '3');
      await ctx.kv.compact(3);
      await ctx.kv.put('a', '4');
      const before = await Promise.all([3, 4, 5].map((rev) => ctx.kv.hashKV(rev)));
      await ctx.reopen();
      expect(await Promise.all([3, 4, 5].map((rev) => ctx.kv.hashKV(rev)))).toEqual(before);
    },
  },
  {
    group,
    name: 'hashKV stays the same while the physical compaction runs and after reopen',
    timeout: 120_000,
    async run(ctx) {
      for (let i = 0; i < 400; i++) {
        if (i % 4 === 3) await ctx.kv.deleteRange(`k${i % 13}`);
        else await ctx.kv.put(`k${i % 13}`, `v${i}`);
      }
      await ctx.kv.compact(300);
      const first = await ctx.kv.hashKV();
      for (let round = 0; round < 30; round++) expect(await ctx.kv.hashKV(), `round ${round}`).toEqual(first);
      if (ctx.options.reopen) {
        await ctx.reopen();
        expect(await ctx.kv.hashKV()).toEqual(first);
      }
      if (ctx.options.hashParity) {
        const model = await openReferenceKV();
        for (let i = 0; i < 400; i++) {
          if (i % 4 === 3) await model.deleteRange(`k${i % 13}`);
          else await model.put(`k${i % 13}`, `v${i}`);
        }
        await model.compact(300);
        expect(first).toEqual(await model.hashKV());
        await model.close();
      }
    },
  },
];
