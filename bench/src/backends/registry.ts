/**
 * The one place backends are registered: each names its adapter package and factory, and
 * the raw library subjects it is compared with. Adding a backend = one entry here (plus a
 * raw baseline file under src/raw/).
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { EngineFactory } from '@tidekv/core';
import type { KvDriver, LogDriver, Subject } from '../driver.js';
import { libraryVersion } from '../versions.js';
import { engineDriver } from './adapter-driver.js';
import { walDriver, type WalClass } from './wal-driver.js';
import { memoryLevelRaw, memoryLevelSharingRaw } from '../raw/memory-level.js';
import { sortedArrayRaw } from '../raw/sorted-array.js';
import { classicLevelRaw } from '../raw/classic-level.js';
import { lmdbRaw } from '../raw/lmdb.js';
import { betterSqlite3Raw } from '../raw/better-sqlite3.js';
import { fsLogRaw } from '../raw/fs-log.js';

/** The adapter cannot be loaded (not built yet, or not exporting its factory). */
export class BackendUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

interface BackendBase<D> {
  readonly name: string;
  /** Where the adapter comes from, for messages. */
  readonly source: string;
  /** False when the backend cannot make writes durable (durable workloads skip it). */
  readonly durable: boolean;
  /** Loads the adapter subject; throws BackendUnavailableError with a reason. */
  adapter(): Promise<Subject<D>>;
  /** Raw library subjects: exactly one 'primary' (the ratio's baseline), any 'reference'. */
  readonly raw: readonly Subject<D>[];
}

export interface EngineBackend extends BackendBase<KvDriver> {
  readonly kind: 'engine';
}

export interface LogBackend extends BackendBase<LogDriver> {
  readonly kind: 'log';
}

export type Backend = EngineBackend | LogBackend;

async function importModule(specifier: string): Promise<Record<string, unknown>> {
  try {
    return (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new BackendUnavailableError(`cannot load ${specifier} (is it built? run \`pnpm build\`): ${reason}`);
  }
}

function isEngineFactory(value: unknown): value is EngineFactory {
  if (value === null || typeof value !== 'object') return false;
  const factory = value as Partial<EngineFactory>;
  return typeof factory.name === 'string' && typeof factory.open === 'function' && typeof factory.capabilities === 'object' && factory.capabilities !== null;
}

/** Reads `exportName` from a loaded module and checks that it is an EngineFactory. */
export async function loadFactory(specifier: string, exportName: string): Promise<EngineFactory> {
  const module = await importModule(specifier);
  const factory = module[exportName];
  if (factory === undefined) throw new BackendUnavailableError(`${specifier} does not export '${exportName}' (yet)`);
  if (!isEngineFactory(factory)) {
    throw new BackendUnavailableError(`${specifier} export '${exportName}' is not an EngineFactory ({ name, capabilities, open })`);
  }
  return factory;
}

/** The adapter's open options for a run directory; `durable` is true for durable workloads. */
type OpenOptionsFor = (dir: string, durable: boolean) => Record<string, unknown>;

function adapterSubject(factory: EngineFactory, label: string, openOptions: OpenOptionsFor, note = ''): Subject<KvDriver> {
  return {
    variant: 'adapter',
    role: 'primary',
    label,
    note: `through the StorageEngine contract${factory.capabilities.syncReads ? ' (getSync reads)' : ''}${note}`,
    open: async ({ dir, durable }) => engineDriver(await factory.open(openOptions(dir, durable)), dir, () => factory.open(openOptions(dir, durable))),
  };
}

interface EngineRegistration {
  /** Whether the backend can make writes durable (durable workloads skip it otherwise). */
  durable: boolean;
  openOptions: OpenOptionsFor;
  /** How the adapter is configured, appended to its row note. */
  note?: string;
  raw: Subject<KvDriver>[];
}

function tidekvEngine(name: string, exportName: string, options: EngineRegistration): EngineBackend {
  const pkg = `@tidekv/${name}`;
  return {
    kind: 'engine',
    name,
    source: `${pkg} (${exportName})`,
    durable: options.durable,
    raw: options.raw,
    adapter: async () => adapterSubject(await loadFactory(pkg, exportName), `${pkg} ${libraryVersion(pkg)}`, options.openOptions, options.note),
  };
}

const atPath = (dir: string) => ({ path: dir });

export const BACKENDS: readonly Backend[] = [
  // In-memory and ephemeral (no path): compared with memory-level, the sorted array as a reference.
  tidekvEngine('memory', 'memoryEngine', { durable: false, openOptions: () => ({}), note: '; ephemeral (no path)', raw: [memoryLevelRaw, memoryLevelSharingRaw, sortedArrayRaw] }),
  tidekvEngine('level', 'levelEngine', { durable: true, openOptions: atPath, raw: [classicLevelRaw] }),
  // Non-durable rows compare like with like: the raw environment runs with noSync, so the
  // adapter runs with durability 'flush' (MDB_NOSYNC) too; durable rows use its default.
  tidekvEngine('lmdb', 'lmdbEngine', {
    durable: true,
    openOptions: (dir, durable) => (durable ? { path: dir } : { path: dir, durability: 'flush' }),
    note: "; durability 'flush' (noSync) unless the workload is durable",
    raw: [lmdbRaw],
  }),
  tidekvEngine('sqlite', 'sqliteEngine', { durable: true, openOptions: atPath, raw: [betterSqlite3Raw] }),
  {
    kind: 'log',
    name: 'wal',
    source: '@tidekv/core (Wal)',
    durable: true,
    raw: [fsLogRaw],
    adapter: async () => {
      const Wal = (await importModule('@tidekv/core')).Wal as WalClass | undefined;
      if (typeof Wal?.open !== 'function') throw new BackendUnavailableError('@tidekv/core does not export Wal (yet)');
      return {
        variant: 'adapter',
        role: 'primary',
        label: `@tidekv/core Wal ${libraryVersion('@tidekv/core')}`,
        note: "sync: 'group' (one write + one fdatasync per group of waiting appends)",
        open: ({ dir, durable }) => walDriver(Wal, dir, durable),
      };
    },
  },
];

/**
 * A third-party adapter given on the command line as `path#exportName` (export defaults to
 * 'default'). It has no raw baseline, so its rows show no ratio.
 */
export async function externalBackend(spec: string, cwd = process.cwd()): Promise<EngineBackend> {
  const hash = spec.lastIndexOf('#');
  const file = hash === -1 ? spec : spec.slice(0, hash);
  const exportName = hash === -1 ? 'default' : spec.slice(hash + 1);
  if (file === '' || exportName === '') throw new BackendUnavailableError(`--adapter expects path#exportName, got '${spec}'`);
  const specifier = pathToFileURL(resolve(cwd, file)).href;
  const factory = await loadFactory(specifier, exportName);
  return {
    kind: 'engine',
    name: factory.name,
    source: `${file}#${exportName}`,
    durable: factory.capabilities.persistent,
    raw: [],
    adapter: async () => adapterSubject(factory, `${factory.name} (${file}#${exportName})`, atPath),
  };
}
