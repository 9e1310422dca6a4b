import { join } from 'node:path';
import { MvccStore } from '@tidekv/core';
import { compactionOptions, describeMvcc } from '@tidekv/conformance';
import { openMemory } from '../src/index.js';

// Without a WAL and without a snapshot file: nothing survives close, so no reopen cases.
describeMvcc({
  name: 'MvccStore on memory (no WAL)',
  open: async (location) => MvccStore.open({ engine: await openMemory(), wal: false, ...compactionOptions(location) }),
});

// Memory without a path + WAL: a durable in-memory store; the log is never truncated and a
// reopen replays all of it into a fresh engine.
describeMvcc({
  name: 'MvccStore on ephemeral memory + WAL',
  open: async (location) => MvccStore.open({ engine: await openMemory(), wal: { dir: join(location.dir, 'wal') }, ...compactionOptions(location) }),
  reopen: true,
  fullDisk: true,
});

// Memory with a snapshot file + WAL: the snapshot is written at checkpoints, the log truncated.
describeMvcc({
  name: 'MvccStore on memory + WAL',
  open: async (location) => MvccStore.open({ engine: await openMemory({ path: join(location.dir, 'engine') }), wal: { dir: join(location.dir, 'wal') }, ...compactionOptions(location) }),
  reopen: true,
  fullDisk: true,
});

// Persistent memory engine without a WAL: every commit a synced write of the snapshot file.
describeMvcc({
  name: 'MvccStore on memory with a snapshot file (no WAL)',
  open: async (location) => MvccStore.open({ engine: await openMemory({ path: join(location.dir, 'engine') }), wal: false, ...compactionOptions(location) }),
  reopen: true,
  fullDisk: true,
});
