/**
 * hashKV: zlib's CRC-32 chained, in revision order, over every stored revision r <= the
 * requested revision that compaction keeps for hashing: r above the compaction revision, or
 * r being its key's latest change at or below it and a put (KeyIndex.kept; a tombstone at or
 * below the compaction revision is never hashed). Each contributes its revision key (17 or
 * 18 bytes) and then the canonical encodeKeyValue bytes as stored. Revisions the physical
 * compaction has not removed yet are skipped by the same rule, so the hash is the same
 * before and after it, after reopen, and on every backend.
 */
import { encodeRevisionKey } from '../codec/revision-key.js';
import type { ReadableKeyspace } from '../engine/types.js';
import type { KeyTree } from './key-tree.js';
import { chainSealedBody, decodeRevisionRecord } from './layout.js';

export async function hashRevisions(rev: ReadableKeyspace, tree: KeyTree, revision: number, compactRevision: number): Promise<number> {
  let hash = 0;
  const iterator = rev.iterate({ lt: encodeRevisionKey({ main: revision + 1, sub: 0 }) });
  try {
    for (;;) {
      const entries = await iterator.nextv(1024);
      if (entries.length === 0) break;
      for (const [key, value] of entries) {
        const record = decodeRevisionRecord(key, value);
        if (record.revision.main <= compactRevision) {
          const kept = tree.get(record.kv.key)?.kept(compactRevision);
          if (record.tombstone || !kept || kept.main !== record.revision.main || kept.sub !== record.revision.sub) continue;
        }
        // decodeRevisionRecord verified the seal: hash the body without checking it twice.
        hash = chainSealedBody(hash, key, value);
      }
    }
  } finally {
    await iterator.close();
  }
  return hash;
}
