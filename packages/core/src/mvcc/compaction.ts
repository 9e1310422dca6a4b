/**
 * Compaction in two steps, as etcd does. The logical step (compactIndex) runs at once: the
 * key index forgets what compaction drops, and reads below the compaction revision fail
 * COMPACTED from then on. The physical step (removeCompacted) deletes from the `rev`
 * keyspace every revision <= the compaction revision that the index no longer holds, in
 * batches with a pause between them so writers are never held up for long; the last batch
 * records the finished revision in `meta`. It is idempotent, so a crash or close mid-way is
 * resumed on the next open from the scheduled revision.
 */
import { encodeRevisionKey } from '../codec/revision-key.js';
import type { Keyspace, StorageEngine, WriteOp } from '../engine/types.js';
import type { KeyTree } from './key-tree.js';
import { META_KEYSPACE, META_KEYS, REV_KEYSPACE, decodeRevisionRecord, encodeMetaValue } from './layout.js';

/** The logical step: every key index compacted at `revision`; keys left with no history removed. */
export function compactIndex(tree: KeyTree, revision: number): void {
  const gone: string[] = [];
  tree.forEach(new Uint8Array(0), undefined, (index) => {
    index.compact(revision);
    if (index.isEmpty) gone.push(index.image);
  });
  for (const image of gone) tree.remove(image);
}

export interface PhysicalCompaction {
  engine: StorageEngine;
  tree: KeyTree;
  revision: number;
  batchSize: number;
  pauseMs: number;
  /** Resolves once no read that could still need a removed revision is running. */
  readsDone(): Promise<unknown>;
  /** True when the store is closing: stop between batches (the next open resumes). */
  stopped(): boolean;
}

// Not unref'd: the removal is finite work, and someone may be awaiting it (compact with
// physical: true); an unref'd pause would let the process exit in the middle of it.
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The physical step. Resolves true when finished, false when stopped early. */
export async function removeCompacted(job: PhysicalCompaction): Promise<boolean> {
  const rev: Keyspace = job.engine.keyspace(REV_KEYSPACE);
  const upper = encodeRevisionKey({ main: job.revision + 1, sub: 0 });
  let after: Uint8Array | undefined;
  for (;;) {
    if (job.stopped()) return false;
    const entries = await rev.iterate(after ? { gt: after, lt: upper, limit: job.batchSize } : { lt: upper, limit: job.batchSize }).all();
    const ops: WriteOp[] = [];
    for (const [key, value] of entries) {
      const record = decodeRevisionRecord(key, value);
      if (!job.tree.get(record.kv.key)?.has(record.revision)) ops.push({ type: 'del', keyspace: REV_KEYSPACE, key });
    }
    const last = entries.length < job.batchSize;
    if (last) ops.push({ type: 'put', keyspace: META_KEYSPACE, key: META_KEYS.finishedCompact, value: encodeMetaValue('finishedCompact', job.revision) });
    if (ops.length > 0) {
      await job.readsDone();
      await job.engine.write(ops);
    }
    if (last) return true;
    after = entries.at(-1)![0];
    if (job.pauseMs > 0) await pause(job.pauseMs);
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
