/**
 * The YCSB core workloads over a single key/value per record (one `valueSize` field rather
 * than YCSB's ten). A closed loop, one client: each operation completes before the next is
 * issued; one operation in YCSB_SAMPLE_EVERY is timed individually for the percentiles. The whole operation sequence (types,
 * keys, values) is generated before the timed region from the seed, so every backend
 * replays exactly the same requests, and the expected read results are known in advance.
 */
import type { KvDriver } from '../../driver.js';
import type { LatencyHistogram } from '../../stats/histogram.js';
import { SampledTimer } from '../../stats/sampled-timer.js';
import { expectedTag, KEY_SIZE, makeKey, makeValue, valueTag } from '../../keys.js';
import { Random } from '../../random.js';
import { expectEqual } from '../../validation.js';
import { ScrambledZipfianGenerator, SkewedLatestGenerator, UniformGenerator, type KeyChooser } from '../../zipfian.js';
import { inReadPhase, load } from '../common.js';
import { engineWorkload, scaled, type EngineWorkload, type WorkloadConfig } from '../workload.js';

export interface YcsbMix {
  read?: number;
  update?: number;
  insert?: number;
  scan?: number;
  readModifyWrite?: number;
  /** How keys are chosen for reads, updates and scan starts. */
  distribution: 'zipfian' | 'latest' | 'uniform';
}

const READ = 0;
const UPDATE = 1;
const INSERT = 2;
const SCAN = 3;
const RMW = 4;
/** One operation in this many is timed (see SampledTimer): fewer ops than the point-read workloads, so denser. */
export const YCSB_SAMPLE_EVERY = 4;
/** YCSB's default maximum scan length (uniform in 1..100). */
export const MAX_SCAN_LENGTH = 100;

export interface YcsbPlan {
  records: number;
  types: Uint8Array;
  ids: Uint32Array;
  scanLengths: Uint8Array;
  keys: Buffer[];
  /** The value written by op i (updates, inserts, read-modify-writes). */
  values: (Buffer | undefined)[];
  expectedReads: number;
  expectedReadTags: number;
  expectedScanned: number;
  expectedScanTags: number;
  bytes: number;
}

/** Generates the whole request sequence and its expected results. */
export function planYcsb(mix: YcsbMix, { n, valueSize, seed }: WorkloadConfig): YcsbPlan {
  const random = new Random(seed);
  const records = n;
  const ops = n;
  const thresholds = [mix.read ?? 0, mix.update ?? 0, mix.insert ?? 0, mix.scan ?? 0, mix.readModifyWrite ?? 0];
  const total = thresholds.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-9) throw new RangeError(`a YCSB mix must sum to 1, got ${total}`);
  const latest = new SkewedLatestGenerator(random, records);
  const chooser: KeyChooser =
    mix.distribution === 'latest' ? latest : mix.distribution === 'uniform' ? new UniformGenerator(random, records) : new ScrambledZipfianGenerator(random, records);
  const scanLength = new UniformGenerator(random, MAX_SCAN_LENGTH);

  const plan: YcsbPlan = {
    records,
    types: new Uint8Array(ops),
    ids: new Uint32Array(ops),
    scanLengths: new Uint8Array(ops),
    keys: new Array(ops),
    values: new Array(ops),
    expectedReads: 0,
    expectedReadTags: 0,
    expectedScanned: 0,
    expectedScanTags: 0,
    bytes: 0,
  };
  const versions = new Uint32Array(records + ops);
  let itemCount = records;
  const entryBytes = KEY_SIZE + valueSize;
  const read = (id: number) => {
    plan.expectedReads++;
    plan.expectedReadTags = (plan.expectedReadTags + expectedTag(id, versions[id]!, valueSize)) | 0;
  };

  for (let i = 0; i < ops; i++) {
    let u = random.nextFloat() * total;
    let type = 0;
    while (type < thresholds.length - 1 && u >= thresholds[type]!) u -= thresholds[type++]!;
    plan.types[i] = type;
    let id: number;
    if (type === INSERT) {
      id = itemCount++;
      latest.setItemCount(itemCount);
      plan.values[i] = makeValue(id, 0, valueSize);
      plan.bytes += entryBytes;
    } else {
      id = chooser.next();
      if (type === READ) {
        read(id);
        plan.bytes += entryBytes;
      } else if (type === UPDATE || type === RMW) {
        if (type === RMW) read(id);
        versions[id]!++;
        plan.values[i] = makeValue(id, versions[id]!, valueSize);
        plan.bytes += entryBytes * (type === RMW ? 2 : 1);
      } else {
        const length = scanLength.next() + 1;
        plan.scanLengths[i] = length;
        const count = Math.min(length, itemCount - id);
        plan.expectedScanned += count;
        for (let j = id; j < id + count; j++) plan.expectedScanTags = (plan.expectedScanTags + expectedTag(j, versions[j]!, valueSize)) | 0;
        plan.bytes += count * entryBytes;
      }
    }
    plan.ids[i] = id;
    plan.keys[i] = makeKey(id);
  }
  return plan;
}

async function readOne(driver: KvDriver, key: Uint8Array): Promise<Uint8Array | undefined> {
  return driver.getSync ? driver.getSync(key) : driver.get(key);
}

export function ycsbWorkload(letter: string, summary: string, mix: YcsbMix): EngineWorkload {
  return engineWorkload({
    name: `ycsb-${letter}`,
    summary: `YCSB ${letter.toUpperCase()}: ${summary}; n/20 records and n/20 operations`,
    // Single awaited writes are slow on some engines: n/20 keeps the default run short.
    scale: scaled(20),
    async prepare(driver, config) {
      const plan = planYcsb(mix, config);
      await load(driver, plan.records, config.valueSize);
      let reads = 0;
      let readTags = 0;
      let scanned = 0;
      let scanTags = 0;
      const visit = (_key: Uint8Array, value: Uint8Array) => {
        scanned++;
        scanTags = (scanTags + valueTag(value)) | 0;
      };
      const tallyRead = (value: Uint8Array | undefined) => {
        if (value !== undefined) {
          reads++;
          readTags = (readTags + valueTag(value)) | 0;
        }
      };
      const { types, keys, values, scanLengths } = plan;
      const getSync = driver.getSync;
      // A read-only mix runs inside the driver's read phase, like the other read workloads.
      const readOnly = (mix.read ?? 0) === 1;
      return {
        ops: types.length,
        bytes: plan.bytes,
        run: (latency) => (readOnly ? inReadPhase(driver, () => body(latency)) : body(latency)),
        validate: () => {
          expectEqual('reads that found their key', reads, plan.expectedReads);
          expectEqual('read value checksum', readTags, plan.expectedReadTags);
          expectEqual('entries scanned', scanned, plan.expectedScanned);
          expectEqual('scanned value checksum', scanTags, plan.expectedScanTags);
        },
      };
      async function body(latency: LatencyHistogram): Promise<void> {
        const timer = new SampledTimer(latency, YCSB_SAMPLE_EVERY);
        for (let i = 0; i < types.length; i++) {
          const sampled = timer.begin();
          const type = types[i]!;
          const key = keys[i]!;
          if (type === READ || type === RMW) tallyRead(getSync ? getSync(key) : await readOne(driver, key));
          if (type === UPDATE || type === INSERT || type === RMW) {
            const pending = driver.put(key, values[i]!, false);
            if (pending) await pending;
          } else if (type === SCAN) {
            const length = scanLengths[i]!;
            const cursor = driver.cursor({ gte: key, limit: length });
            let seen = 0;
            while (seen < length) {
              let got = cursor.read(length - seen, visit);
              if (typeof got !== 'number') got = await got;
              if (got === 0) break;
              seen += got;
            }
            const closing = cursor.close();
            if (closing) await closing;
          }
          if (sampled) timer.end();
        }
      }
    },
  });
}
