/**
 * The StorageEngine over one LevelDB database (classic-level). Keyspaces are key prefixes
 * inside it, so a write across keyspaces is one native batch and therefore atomic.
 */
import {
  BaseEngine,
  DirectoryLock,
  engineFactory,
  type EngineFactory,
  type KeyspacePrimitives,
  type ResolvedWriteOp,
  type SnapshotPrimitives,
  type StorageEngine,
  TidekvError,
  nodeFileSystem,
  prepareDirectory,
} from '@tidekv/core';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { LEVEL_CAPABILITIES } from './capabilities.js';
import { fromNative, fromOpenFailure } from './errors.js';
import { LevelKeyspace } from './keyspace.js';
import { KeyspaceRegistry } from './keyspace-registry.js';
import { resolveLevelOptions, type LevelOptions, type ResolvedLevelOptions } from './options.js';
import { levelSnapshot } from './snapshot.js';
import type { LevelDb } from './types.js';
import { LevelWriter } from './writer.js';

/** Our lock file beside LevelDB's own LOCK (which, keyed by spelling in-process, lets two opens through). */
export const LOCK_FILE = 'tidekv.lock';

/** Files only LevelDB writes, and only for a database that exists: its log, tables and MANIFEST. */
const DATABASE_FILE = /^(MANIFEST-\d+|\d+\.(ldb|sst|log))$/;

/**
 * Whether `path` holds a LevelDB database: `present` (its CURRENT file exists), `absent`
 * (no CURRENT and none of its data files), or `orphaned` (data files without CURRENT). An
 * orphaned database is damage: LevelDB would open it as a new, empty database and delete the
 * tables it does not know, so every stored entry would vanish without an error.
 */
async function databaseState(path: string): Promise<'present' | 'absent' | 'orphaned'> {
  let names: string[];
  try {
    names = await nodeFileSystem.readdir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw error;
  }
  if (names.includes('CURRENT')) return 'present';
  return names.some((name) => DATABASE_FILE.test(name)) ? 'orphaned' : 'absent';
}

export class LevelEngine extends BaseEngine {
  readonly #db: LevelDb;
  readonly #registry: KeyspaceRegistry;
  readonly #writer: LevelWriter;
  readonly #lock: DirectoryLock;

  private constructor(db: LevelDb, registry: KeyspaceRegistry, writeBufferSize: number, lock: DirectoryLock) {
    super(LEVEL_CAPABILITIES);
    this.#lock = lock;
    this.#db = db;
    this.#registry = registry;
    this.#writer = new LevelWriter(db, registry, writeBufferSize);
  }

  /**
   * Opens (creating by default) the LevelDB database at `options.path`. Fails LOCKED when the
   * location is already open, in this process or another: core's directory lock is taken
   * before LevelDB touches the directory, so a refused open never disturbs the holder.
   */
  static async open(options: LevelOptions): Promise<LevelEngine> {
    const { path, ...native } = resolveLevelOptions(options);
    await prepareDirectory(nodeFileSystem, path, native.createIfMissing);
    const lock = await DirectoryLock.acquire(nodeFileSystem, path, { file: LOCK_FILE, what: 'the LevelDB database' });
    try {
      return await LevelEngine.#openLocked(path, native, lock);
    } catch (error) {
      await lock.release().catch(() => undefined);
      throw error;
    }
  }

  static async #openLocked(path: string, native: Omit<ResolvedLevelOptions, 'path'>, lock: DirectoryLock): Promise<LevelEngine> {
    // LevelDB writes its LOCK and LOG files before it finds no database: look first, so a
    // refused open leaves the directory as it was.
    let state: Awaited<ReturnType<typeof databaseState>>;
    try {
      state = await databaseState(path);
    } catch (error) {
      throw fromOpenFailure(error, path);
    }
    if (state === 'orphaned') {
      throw new TidekvError('CORRUPTION', `the LevelDB database at ${path} has data files but no CURRENT file: refusing to open it as a new, empty database`, {
        details: { path },
      });
    }
    if (state === 'absent' && !native.createIfMissing) {
      throw new TidekvError('IO_ERROR', `there is no LevelDB database at ${path} (createIfMissing is false)`, { details: { path } });
    }
    let db: LevelDb;
    try {
      db = new ClassicLevel<Uint8Array, Uint8Array>(path, {
        ...native,
        errorIfExists: false,
        keyEncoding: 'view',
        valueEncoding: 'view',
      });
      await db.open();
    } catch (error) {
      throw fromOpenFailure(error, path);
    }
    let registry: KeyspaceRegistry;
    try {
      registry = await KeyspaceRegistry.load(db);
    } catch (error) {
      await db.close().catch(() => undefined);
      throw fromOpenFailure(error, path);
    }
    return new LevelEngine(db, registry, native.writeBufferSize, lock);
  }

  protected override toError(error: unknown, doing: string): TidekvError {
    return fromNative(error, doing);
  }

  protected keyspacePrimitives(name: string): KeyspacePrimitives {
    return new LevelKeyspace(this.#db, this.#registry.get(name), this.#writer);
  }

  protected writeBatch(ops: ResolvedWriteOp[], sync: boolean): Promise<void> {
    return this.#writer.write(ops, sync);
  }

  protected snapshotPrimitives(): SnapshotPrimitives {
    return levelSnapshot(this.#db, this.#registry);
  }

  protected flushAll(): Promise<void> {
    return this.#writer.flush();
  }

  /**
   * Waits for writes in flight, makes everything durable (as flush does), then closes. After
   * a failed write nothing more is written: the database closes as it is.
   */
  protected async release(): Promise<void> {
    let flushError: unknown;
    if (!this.writesFailed) {
      try {
        await this.#writer.flushAlone();
      } catch (error) {
        flushError = error;
      }
    }
    try {
      await this.#db.close();
    } finally {
      await this.#lock.release();
    }
    if (flushError !== undefined) throw fromNative(flushError, 'flush');
  }
}

export function openLevel(options: LevelOptions): Promise<StorageEngine> {
  return LevelEngine.open(options);
}

export const levelEngine: EngineFactory<LevelOptions> = engineFactory('level', LEVEL_CAPABILITIES, openLevel);
