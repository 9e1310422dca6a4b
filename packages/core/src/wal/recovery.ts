/**
 * Opening a log: find its segments, validate every record, apply the recovery mode (the
 * POLICY table below) to any damage, and leave the files ready for appending (torn tails cut
 * off, leftovers removed).
 *
 * Why a torn tail can be told from corruption: commit groups are written one at a time,
 * each synced before the next is written, so after a crash only the last group can be
 * partly on disk. Every record stores its index in its group, so a record found after
 * damage either belongs to the damaged record's group (the torn last write) or to a later
 * group, which proves the damage hit data that had already been synced.
 */
import path from 'node:path';
import { TidekvError } from '../errors.js';
import { type CheckpointState, CHECKPOINT_FILE, CHECKPOINT_TEMP, readCheckpoint } from './checkpoint-file.js';
import { DedupWindow, dedupKey } from './dedup.js';
import { LIMIT_FILE, LIMIT_TEMP, type LimitState, type LsnRange, coveredBy, readLimit, writeLimit } from './limit-file.js';
import { type DamageReason, FRAME_HEADER_BYTES, LOCK_FILE, segmentName, SEGMENT_HEADER_BYTES, decodeSegmentHeader, parseSegmentName } from './format.js';
import { type FileSystem, readFully, syncDirectory } from '../fs/file-system.js';
import type { WalRecoveryMode } from './options.js';
import type { WalDamage, WalRecoveryReport } from './report.js';
import { type ScannedDamage, type ScannedRecord, scanSegment } from './scan.js';
import { SegmentReader, restIsZero } from './segment-reader.js';
import { SEGMENT_TEMP_SUFFIX, type SegmentState, firstReadableLsn } from './segments.js';

export interface Recovered {
  segments: SegmentState[];
  checkpoint: CheckpointState;
  /** What the LIMIT file says (after recovery recorded any loss), if there is one. */
  limit: LimitState | undefined;
  lastLsn: number;
  report: WalRecoveryReport;
}

export const BROKEN_SUFFIX = '.broken';

/**
 * What each kind of damage means in each recovery mode: the whole policy, in one table,
 * read only by judge() below. The kinds of damage:
 *
 * - `damaged-file`: the CHECKPOINT or LIMIT file fails its checksum.
 * - `unfinished-rotation`: the last segment never got past its header and holds no record
 *   (a crash while rotating); refused, it is a damaged header like any other.
 * - `bad-segment`: a segment's header is damaged, or it is not a WAL segment at all.
 * - `gap`: a segment does not follow on from the one before: LSNs are missing before it, or
 *   it starts at an LSN an earlier segment already holds.
 * - `newest-lost`: the newest segment, which the LIMIT file records, is missing or empty.
 * - `damaged-frames`: damage inside a segment's records.
 *
 * What they can mean:
 *
 * - `refuse`: open fails with CORRUPTION and changes nothing.
 * - `ignore`: reported, then treated as absent.
 * - `remove`: deleted, as a leftover that holds nothing.
 * - `stop`: keep everything before the damage and drop everything after it: the rest of
 *   the segment (a copy is kept as `.broken`) and every later segment (set aside as
 *   `.broken`). Reported as 'dropped'.
 * - `step-over`: drop only what is damaged and keep every valid record after it (replay
 *   skips the damaged range; an unusable or overlapping segment is set aside, a gap is
 *   recorded as skipped LSNs). Reported as 'skipped' ('truncated' for a torn last tail).
 * - `cut-torn-tail`: cut it off when it is the torn last commit group (no later group
 *   follows it); else refuse.
 */
interface Policy {
  'damaged-file': 'refuse' | 'ignore';
  'unfinished-rotation': 'refuse' | 'remove';
  'bad-segment': 'refuse' | 'stop' | 'step-over';
  gap: 'refuse' | 'stop' | 'step-over';
  'newest-lost': 'refuse' | 'stop' | 'step-over';
  'damaged-frames': 'refuse' | 'cut-torn-tail' | 'stop' | 'step-over';
}

const POLICY: Readonly<Record<WalRecoveryMode, Policy>> = {
  strict:          { 'damaged-file': 'refuse', 'unfinished-rotation': 'refuse', 'bad-segment': 'refuse',    gap: 'refuse',    'newest-lost': 'refuse',    'damaged-frames': 'refuse' },
  'tolerate-tail': { 'damaged-file': 'refuse', 'unfinished-rotation': 'remove', 'bad-segment': 'refuse',    gap: 'refuse',    'newest-lost': 'refuse',    'damaged-frames': 'cut-torn-tail' },
  'point-in-time': { 'damaged-file': 'refuse', 'unfinished-rotation': 'remove', 'bad-segment': 'stop',      gap: 'stop',      'newest-lost': 'stop',      'damaged-frames': 'stop' },
  salvage:         { 'damaged-file': 'ignore', 'unfinished-rotation': 'remove', 'bad-segment': 'step-over', gap: 'step-over', 'newest-lost': 'step-over', 'damaged-frames': 'step-over' },
};

/** How the report names a loss recovery went past. */
const lossAction = (verdict: 'stop' | 'step-over'): 'dropped' | 'skipped' => (verdict === 'stop' ? 'dropped' : 'skipped');

function classifyFile(name: string): 'segment' | 'temp' | 'known' | 'foreign' {
  if (parseSegmentName(name)) return 'segment';
  if (name === CHECKPOINT_TEMP || name === LIMIT_TEMP || name.endsWith('.wal' + SEGMENT_TEMP_SUFFIX)) return 'temp';
  if (name === LOCK_FILE || name.startsWith(`${LOCK_FILE}.`) || name === CHECKPOINT_FILE || name === LIMIT_FILE || name.endsWith(BROKEN_SUFFIX)) return 'known';
  return 'foreign';
}

function corruption(dir: string, segment: string, offset: number, reason: DamageReason, lsn: number, why: string): TidekvError {
  return new TidekvError(
    'CORRUPTION',
    `WAL segment ${segment} in ${dir} is damaged at offset ${offset} (${reason}): ${why}`,
    { details: { dir, segment, offset, reason, lsn } },
  );
}

async function ignoreMissing(work: Promise<void>): Promise<void> {
  await work.catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/** Damage judged 'stop' or 'cut-torn-tail': where to cut, once the scan has seen what follows it. */
interface PendingDamage {
  verdict: 'stop' | 'cut-torn-tail';
  index: number;
  segment: string;
  offset: number;
  bytes: number;
  expectedLsn: number;
  reason: DamageReason;
  lastDroppedLsn: number;
}

/** INVALID_ARGUMENT when `dir` holds files the log did not write. */
export function assertWalDirectory(dir: string, names: readonly string[]): void {
  const foreign = names.filter((n) => classifyFile(n) === 'foreign');
  if (foreign.length > 0) {
    throw new TidekvError(
      'INVALID_ARGUMENT',
      `${dir} is not a tidekv WAL directory: it holds files the log did not write (${foreign.slice(0, 5).join(', ')})`,
      { details: { dir, files: foreign } },
    );
  }
}

export async function recover(fileSystem: FileSystem, dir: string, mode: WalRecoveryMode, dedup: DedupWindow): Promise<Recovered> {
  const policy = POLICY[mode];
  /** What `found` means in this mode: throws `refusal()` where it is refused, else says how to go on. */
  const judge = <K extends keyof Policy>(found: K, refusal: () => Error): Exclude<Policy[K], 'refuse'> => {
    const verdict = policy[found];
    if (verdict === 'refuse') throw refusal();
    return verdict as Exclude<Policy[K], 'refuse'>;
  };
  const names = (await fileSystem.readdir(dir)).sort();
  assertWalDirectory(dir, names);
  const removedFiles: string[] = [];
  const droppedSegments: string[] = [];
  const damage: WalDamage[] = [];
  let changed = false;
  for (const name of names.filter((n) => classifyFile(n) === 'temp')) {
    await ignoreMissing(fileSystem.unlink(path.join(dir, name)));
    removedFiles.push(name);
    changed = true;
  }

  let checkpoint: CheckpointState;
  try {
    checkpoint = await readCheckpoint(fileSystem, dir);
  } catch (error) {
    if (!(error instanceof TidekvError)) throw error;
    judge('damaged-file', () => error);
    checkpoint = { lsn: 0, ids: [] };
    damage.push({ segment: CHECKPOINT_FILE, offset: 0, bytes: 0, reason: 'checksum', action: 'skipped', lostLsns: undefined });
  }
  for (const [key, lsn] of checkpoint.ids) dedup.add(key, lsn);

  let limit: LimitState | undefined;
  try {
    limit = await readLimit(fileSystem, dir);
  } catch (error) {
    if (!(error instanceof TidekvError)) throw error;
    judge('damaged-file', () => error);
    damage.push({ segment: LIMIT_FILE, offset: 0, bytes: 0, reason: 'checksum', action: 'skipped', lostLsns: undefined });
  }
  const skipped: LsnRange[] = [...(limit?.skipped ?? [])];
  /** The segment the LIMIT file says records were written to last: it must exist, with a header. */
  const newestName = limit && limit.sequence > 0 ? segmentName(limit.sequence, limit.firstLsn) : undefined;
  let newestLost = false;

  const files = names.filter((n) => classifyFile(n) === 'segment');
  const segments: SegmentState[] = [];
  let prevLast = 0;
  let records = 0;
  let droppedRecords = 0;
  /** The first damage judged 'stop' or 'cut-torn-tail', still to be cut. */
  let pending: PendingDamage | undefined;
  /** salvage: the last segment's torn tail, cut off below. */
  let salvageTail: { state: SegmentState; end: number } | undefined;
  const setAside: string[] = [];
  const emptyAfterTail: string[] = [];

  const isContinuous = (first: number) =>
    first === prevLast + 1 || (first > prevLast + 1 && (first <= checkpoint.lsn + 1 || coveredBy(skipped, prevLast + 1, first - 1)));

  for (let index = 0; index < files.length; index++) {
    const name = files[index]!;
    const isLast = index === files.length - 1;
    if (pending?.verdict === 'stop') {
      setAside.push(name);
      continue;
    }
    const parsed = parseSegmentName(name)!;
    const file = path.join(dir, name);
    const fd = await fileSystem.open(file, 'r');
    try {
      const { size } = await fileSystem.fstat(fd);
      const headBuf = Buffer.alloc(Math.min(size, SEGMENT_HEADER_BYTES));
      await readFully(fileSystem, fd, headBuf, 0, headBuf.length, 0);
      const decoded = decodeSegmentHeader(headBuf);
      const header =
        typeof decoded !== 'string' && decoded.firstLsn === parsed.firstLsn && decoded.sequence === parsed.sequence ? decoded : undefined;

      if (!header) {
        // A last segment that never got past its header holds no records: an interrupted rotation.
        const noRecords = await restIsZero(new SegmentReader(fileSystem, fd, size), Math.min(size, SEGMENT_HEADER_BYTES));
        if (isLast && noRecords && name === newestName) {
          // Not an interrupted rotation: LIMIT is written only once the header is durable.
          // Judged below, once it is known what was lost (a refusal leaves the file alone).
          newestLost = true;
          setAside.push(name);
          continue;
        }
        const why = decoded === 'magic' ? 'not a tidekv WAL segment (bad magic)' : 'the segment header is damaged';
        const refusal = () => corruption(dir, name, 0, 'header', prevLast + 1, why);
        if (isLast && noRecords && decoded !== 'magic' && judge('unfinished-rotation', refusal) === 'remove') {
          emptyAfterTail.push(name);
          continue;
        }
        const verdict = judge('bad-segment', refusal);
        damage.push({ segment: name, offset: 0, bytes: size, reason: 'header', action: lossAction(verdict), lostLsns: undefined });
        setAside.push(name);
        if (verdict === 'stop') pending = { verdict, index: -1, segment: name, offset: 0, bytes: size, expectedLsn: prevLast + 1, reason: 'header', lastDroppedLsn: prevLast };
        continue;
      }

      // After a torn tail (tolerate-tail) continuity no longer matters: this segment must hold
      // no valid record at all, which the scan below checks.
      const afterTail = pending?.verdict === 'cut-torn-tail';
      if (!afterTail && !isContinuous(header.firstLsn)) {
        const overlap = header.firstLsn <= prevLast;
        const why = overlap
          ? `it starts at LSN ${header.firstLsn}, which an earlier segment already holds`
          : `LSNs ${prevLast + 1} to ${header.firstLsn - 1} are missing before it (a segment is missing)`;
        const verdict = judge('gap', () => corruption(dir, name, 0, 'gap', prevLast + 1, why));
        const lostLsns = overlap ? undefined : { from: prevLast + 1, to: header.firstLsn - 1 };
        if (verdict === 'stop') {
          damage.push({ segment: name, offset: 0, bytes: size, reason: 'gap', action: 'dropped', lostLsns });
          pending = { verdict, index: -1, segment: name, offset: 0, bytes: size, expectedLsn: prevLast + 1, reason: 'gap', lastDroppedLsn: prevLast };
          setAside.push(name);
          continue;
        }
        // Stepped over: a segment that overlaps is set aside; after a gap, the segment is kept.
        if (overlap) {
          damage.push({ segment: name, offset: 0, bytes: size, reason: 'gap', action: 'skipped', lostLsns: undefined });
          setAside.push(name);
          continue;
        }
        damage.push({ segment: name, offset: 0, bytes: 0, reason: 'gap', action: 'skipped', lostLsns });
      }

      const state: SegmentState = {
        name,
        path: file,
        sequence: parsed.sequence,
        firstLsn: header.firstLsn,
        lastLsn: header.firstLsn - 1,
        salt: header.salt,
        size: SEGMENT_HEADER_BYTES,
        skips: [],
      };
      const reader = new SegmentReader(fileSystem, fd, size);
      const accept = (record: ScannedRecord) => {
        if (record.idLength > 0 && record.lsn > checkpoint.lsn) {
          dedup.add(dedupKey(record.frame.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + record.idLength)), record.lsn);
        }
        state.lastLsn = record.lsn;
        state.size = record.offset + record.frameLength;
        records++;
      };
      const onDamage = (d: ScannedDamage) => {
        const verdict = judge('damaged-frames', () => corruption(dir, name, d.offset, d.reason, d.expectedLsn, 'strict recovery accepts no damage'));
        if (verdict === 'step-over') {
          if (d.resumeLsn !== undefined) {
            state.skips.push({ start: d.offset, end: d.end });
            damage.push({ segment: name, offset: d.offset, bytes: d.end - d.offset, reason: d.reason, action: 'skipped', lostLsns: { from: d.expectedLsn, to: d.resumeLsn - 1 } });
          } else {
            damage.push({ segment: name, offset: d.offset, bytes: d.end - d.offset, reason: d.reason, action: 'truncated', lostLsns: undefined });
            if (isLast) salvageTail = { state, end: d.offset };
          }
          return;
        }
        pending ??= { verdict, index, segment: name, offset: d.offset, bytes: size - d.offset, expectedLsn: d.expectedLsn, reason: d.reason, lastDroppedLsn: d.expectedLsn - 1 };
      };
      await scanSegment(reader, header.salt, header.firstLsn, {
        record(record) {
          if (!pending) return accept(record);
          if (pending.verdict === 'cut-torn-tail' && (pending.index !== index || record.lsn - record.groupIndex > pending.expectedLsn)) {
            throw corruption(dir, pending.segment, pending.offset, pending.reason, pending.expectedLsn, `valid records follow it (LSN ${record.lsn} at offset ${record.offset}), so it is not a torn tail; open with recovery 'point-in-time' or 'salvage' to keep what is readable`);
          }
          droppedRecords++;
          pending.lastDroppedLsn = record.lsn;
        },
        damage: onDamage,
      });
      if (afterTail) {
        emptyAfterTail.push(name);
        continue;
      }
      segments.push(state);
      prevLast = Math.max(prevLast, state.lastLsn);
    } finally {
      await fileSystem.close(fd);
    }
  }

  // The newest segment LIMIT records, deleted outright?
  if (limit && newestName !== undefined && !files.some((n) => parseSegmentName(n)!.sequence >= limit!.sequence)) newestLost = true;
  if (newestLost) {
    // Records up to the reserved LSN may have been acknowledged: never hand those out again.
    const lost = { from: prevLast + 1, to: Math.max(limit!.reservedLsn, prevLast) };
    const verdict = judge('newest-lost', () =>
      corruption(
        dir,
        newestName!,
        0,
        'missing',
        lost.from,
        `the newest segment, which the LIMIT file records, is missing or empty: records from LSN ${lost.from} up to ${lost.to} may have been acknowledged and are lost; open with recovery 'point-in-time' or 'salvage' to continue after them`,
      ),
    );
    damage.push({ segment: newestName!, offset: 0, bytes: 0, reason: 'missing', action: lossAction(verdict), lostLsns: lost });
    if (lost.to >= lost.from) skipped.push(lost);
  }

  // Apply the decisions to the files.
  if (pending && pending.index >= 0) {
    const state = segments.find((s) => s.name === pending!.segment)!;
    if (pending.verdict === 'stop' && droppedRecords > 0) {
      await fileSystem.copyFile(state.path, await unusedBrokenPath(fileSystem, state.path));
    }
    await truncate(fileSystem, state.path, pending.offset);
    damage.push({
      segment: pending.segment,
      offset: pending.offset,
      bytes: pending.bytes,
      reason: pending.reason,
      action: pending.verdict === 'stop' ? 'dropped' : 'truncated',
      lostLsns: pending.lastDroppedLsn >= pending.expectedLsn ? { from: pending.expectedLsn, to: pending.lastDroppedLsn } : undefined,
    });
    changed = true;
  }
  if (salvageTail) {
    await truncate(fileSystem, salvageTail.state.path, salvageTail.end);
    changed = true;
  }
  for (const name of setAside) {
    await fileSystem.rename(path.join(dir, name), await unusedBrokenPath(fileSystem, path.join(dir, name)));
    droppedSegments.push(name);
    changed = true;
  }
  for (const name of emptyAfterTail) {
    await ignoreMissing(fileSystem.unlink(path.join(dir, name)));
    removedFiles.push(name);
    changed = true;
  }
  // Segments a checkpoint covered but did not get to delete before a crash.
  while (segments.length > 1 && segments[0]!.lastLsn <= checkpoint.lsn) {
    const obsolete = segments.shift()!;
    await ignoreMissing(fileSystem.unlink(obsolete.path));
    removedFiles.push(obsolete.name);
    changed = true;
  }
  if (changed) await syncDirectory(fileSystem, dir);

  const lastLsn = Math.max(prevLast, checkpoint.lsn, ...skipped.map((r) => r.to));
  if (newestLost) {
    // Record the loss before anything is appended, so later opens accept the gap it leaves.
    const tail = segments.at(-1);
    limit = {
      sequence: tail?.sequence ?? 0,
      firstLsn: tail?.firstLsn ?? 0,
      reservedLsn: tail?.lastLsn ?? 0,
      skipped: skipped.filter((r) => r.to > checkpoint.lsn),
    };
    await writeLimit(fileSystem, dir, limit, true);
  }
  const report: WalRecoveryReport = {
    mode,
    clean: damage.length === 0 && droppedRecords === 0 && droppedSegments.length === 0,
    checkpointLsn: checkpoint.lsn,
    firstLsn: firstReadableLsn(segments, lastLsn),
    lastLsn,
    records,
    segments: segments.length,
    damage,
    droppedRecords,
    droppedSegments,
    removedFiles,
  };
  return { segments, checkpoint, limit, lastLsn, report };
}

/** `<file>.broken`, or `<file>.<n>.broken` if an earlier recovery already used that name. */
async function unusedBrokenPath(fileSystem: FileSystem, file: string): Promise<string> {
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? file + BROKEN_SUFFIX : `${file}.${n}${BROKEN_SUFFIX}`;
    try {
      await fileSystem.stat(candidate);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return candidate;
      throw error;
    }
  }
}

async function truncate(fileSystem: FileSystem, file: string, length: number): Promise<void> {
  const fd = await fileSystem.open(file, 'r+');
  try {
    await fileSystem.ftruncate(fd, length);
    await fileSystem.datasync(fd);
  } finally {
    await fileSystem.close(fd);
  }
}
