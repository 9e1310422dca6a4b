import { expect } from 'vitest';
import type { Capabilities } from '@tidekv/core';
import type { Case } from '../case.js';
import { utf8 } from '../support/bytes.js';

const group = 'capabilities';

export const capabilityCases: Case[] = [
  {
    group,
    name: 'capabilities declare every field with the right type',
    async run(ctx) {
      const caps = ctx.engine.capabilities;
      expect(typeof caps.persistent).toBe('boolean');
      expect(typeof caps.syncReads).toBe('boolean');
      expect(typeof caps.snapshots).toBe('boolean');
      for (const limit of [caps.maxKeySize, caps.maxValueSize]) {
        expect(limit === Infinity || (Number.isInteger(limit) && limit >= 1), `limit ${limit}`).toBe(true);
      }
    },
  },
  {
    group,
    name: 'capabilities are identical before and after operations and close',
    async run(ctx) {
      const caps = ctx.engine.capabilities;
      const before: Capabilities = { ...caps };
      await ctx.ks.put(utf8('a'), utf8('1'));
      await ctx.engine.write([ctx.del(utf8('a'))]);
      await ctx.ks.iterate().all();
      await ctx.engine.flush();
      expect({ ...ctx.engine.capabilities }).toEqual(before);
      await ctx.engine.close();
      expect({ ...ctx.engine.capabilities }).toEqual(before);
      expect({ ...caps }).toEqual(before); // the object handed out earlier did not change either
    },
  },
  {
    group,
    name: 'two engines of the same kind declare the same capabilities',
    async run(ctx) {
      const before = { ...ctx.engine.capabilities };
      await ctx.engine.close();
      const again = await ctx.openEngine();
      expect({ ...again.capabilities }).toEqual(before);
    },
  },
];
