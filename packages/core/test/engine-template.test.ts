/**
 * The engine template's own rules, on a minimal adapter whose batch fails when told to
 * (the real faults are in the adapters' full-disk tests and the conformance suite).
 */
import { describe, expect, it } from 'vitest';
import {
  BaseEngine,
  EMPTY_READS,
  TidekvError,
  type Capabilities,
  type KeyspacePrimitives,
  type ResolvedWriteOp,
  type SnapshotPrimitives,
} from '../src/index.js';

const CAPS: Capabilities = { persistent: false, syncReads: false, snapshots: true, maxKeySize: 16, maxValueSize: 16 };

class FailingEngine extends BaseEngine {
  next: TidekvError | undefined;
  batches = 0;
  constructor() {
    super(CAPS);
  }
  protected keyspacePrimitives(): KeyspacePrimitives {
    return { ...EMPTY_READS, put: () => this.writeBatch(), del: () => undefined, clear: () => undefined };
  }
  protected writeBatch(_ops?: ResolvedWriteOp[]): void {
    const failure = this.next;
    this.next = undefined;
    if (failure) throw failure;
    this.batches++;
  }
  protected snapshotPrimitives(): SnapshotPrimitives {
    return { view: () => EMPTY_READS, release: () => undefined };
  }
  protected flushAll(): void {}
  protected release(): void {}
}

const op = { type: 'put' as const, key: Uint8Array.of(1), value: Uint8Array.of(1) };

describe('BaseEngine', () => {
  it('after an IO_ERROR write it refuses writes and flushes (poisoned), keeps reading, until reopened', async () => {
    const engine = new FailingEngine();
    engine.next = new TidekvError('IO_ERROR', 'disk full');
    await expect(engine.write([op])).rejects.toMatchObject({ code: 'IO_ERROR', message: 'disk full' });
    for (const attempt of [() => engine.write([op]), () => engine.keyspace('default').put(op.key, op.value), () => engine.flush()]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'IO_ERROR', details: { poisoned: true } });
    }
    expect(engine.batches).toBe(0);
    expect(await engine.keyspace('default').get(op.key)).toBeUndefined();
    await engine.close();
  });

  it('a write that fails CORRUPTION (rolled back by the backend) does not stop later writes', async () => {
    const engine = new FailingEngine();
    engine.next = new TidekvError('CORRUPTION', 'bad page');
    await expect(engine.write([op])).rejects.toMatchObject({ code: 'CORRUPTION' });
    await engine.write([op]);
    expect(engine.batches).toBe(1);
    await engine.close();
  });

  it('keyspaces offer iterateSync exactly when capabilities.syncReads is true', async () => {
    const engine = new FailingEngine();
    expect(engine.keyspace('default').iterateSync).toBeUndefined();
    await engine.close();
  });
});
