/**
 * The WAL side of the log workloads: tidekv's `Wal` (from @tidekv/core) in `group` sync
 * mode, or `none` for the untimed setup of the replay workload.
 */
import type { LogDriver } from '../driver.js';

/** The part of the Wal API the benchmark uses (DESIGN.md section 3). */
export interface WalLike {
  append(payload: Uint8Array, options?: { id?: unknown }): Promise<unknown>;
  replay(options?: { from?: number }): AsyncIterable<{ lsn: number; payload: Uint8Array }>;
  close(): Promise<void>;
}

export interface WalClass {
  open(dir: string, options: { sync: 'always' | 'group' | 'none' }): Promise<WalLike>;
}

export async function walDriver(Wal: WalClass, dir: string, durable: boolean): Promise<LogDriver> {
  const wal = await Wal.open(dir, { sync: durable ? 'group' : 'none' });
  return {
    append: (payload) => wal.append(payload),
    async replay(visit) {
      let count = 0;
      for await (const record of wal.replay()) {
        visit(record.payload);
        count++;
      }
      return count;
    },
    close: () => wal.close(),
  };
}
