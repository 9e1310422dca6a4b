/** Every workload, in report order. Adding a workload = one definition (in its family's file) + one line here. */
import type { Workload } from './workload.js';
import { fillseq, fillrandom, overwrite } from './fill.js';
import { readrandom, readmissing } from './point-reads.js';
import { readseq, readreverse } from './full-scan.js';
import { seekrandom } from './seekrandom.js';
import { deleterandom } from './deleterandom.js';
import { fillsync } from './fillsync.js';
import { ycsbA, ycsbB, ycsbC, ycsbD, ycsbE, ycsbF } from './ycsb.js';
import { walAppend1, walAppend16, walAppend256 } from './wal-append.js';
import { walReplay } from './wal-replay.js';
import { mvccPut, mvccPutWatched } from './mvcc-put.js';
import { mvccTxn } from './mvcc-txn.js';
import { mvccRange, mvccRangeHistory } from './mvcc-range.js';
import { mvccRangePrefix } from './mvcc-range-prefix.js';
import { mvccReopen } from './mvcc-reopen.js';
import { mvccCompact } from './mvcc-compact.js';
import { mvccWatchFanout } from './mvcc-watch-fanout.js';
import { mvccWatchCatchup } from './mvcc-watch-catchup.js';

export const WORKLOADS: readonly Workload[] = [
  fillseq,
  fillrandom,
  overwrite,
  readrandom,
  readmissing,
  readseq,
  readreverse,
  seekrandom,
  deleterandom,
  fillsync,
  ycsbA,
  ycsbB,
  ycsbC,
  ycsbD,
  ycsbE,
  ycsbF,
  walAppend1,
  walAppend16,
  walAppend256,
  walReplay,
  mvccPut,
  mvccTxn,
  mvccRange,
  mvccRangePrefix,
  mvccRangeHistory,
  mvccReopen,
  mvccCompact,
  mvccPutWatched,
  mvccWatchFanout,
  mvccWatchCatchup,
];

/** Names that select several workloads at once in --workloads. */
export const WORKLOAD_GROUPS: Readonly<Record<string, (w: Workload) => boolean>> = {
  dbbench: (w) => w.kind === 'engine' && !w.name.startsWith('ycsb-') && !w.name.startsWith('mvcc-'),
  ycsb: (w) => w.name.startsWith('ycsb-'),
  wal: (w) => w.kind === 'log',
  mvcc: (w) => w.name.startsWith('mvcc-'),
};

export type { Workload, EngineWorkload, LogWorkload, PreparedRun, WorkloadConfig } from './workload.js';
