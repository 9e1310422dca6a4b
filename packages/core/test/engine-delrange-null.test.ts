import { describe, expect, it } from 'vitest';
import { resolveWriteOps, type Capabilities } from '../src/index.js';

const caps: Capabilities = { persistent: false, syncReads: true, snapshots: true, maxKeySize: 16, maxValueSize: 16 };

describe('resolveWriteOps delRange range', () => {
  it('rejects a null range with INVALID_RANGE instead of deleting everything', () => {
    expect(() => resolveWriteOps([{ type: 'delRange', range: null }], caps)).toThrow(expect.objectContaining({ code: 'INVALID_RANGE' }));
  });

  it('treats an absent range as the whole keyspace', () => {
    const [op] = resolveWriteOps([{ type: 'delRange' }], caps);
    expect(op).toMatchObject({ type: 'delRange', keyspace: 'default', range: { lower: undefined, upper: undefined, empty: false } });
  });
});
