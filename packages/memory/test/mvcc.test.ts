import { join } from 'node:path';
import { MvccStore } from '@tidekv/core';
import { describeMvcc } from '@tidekv/conformance';
import { openMemory } from '../src/index.js';

// Without a WAL and without a snapshot file: nothing survives close, so no reopen cases.
describeMvcc({
  name: 'MvccStore on memory (no WAL)',
  open: async () => MvccStore.open({ engine: await openMemory(), wal: false }),
});

// Memory without a path + WAL: a durable in-memory store; the log is never truncated and a
// reopen replays all of it into a fresh engine.
describeMvcc({
  name: 'MvccStore on ephemeral memory + WAL',
  open: async ({ dir }) => MvccStore.open({ engine: await openMemory(), wal: { dir: join(dir, 'wal') } }),
  reopen: true,
});

// Memory with a snapshot file + WAL: the snapshot is written at checkpoints, the log truncated.
describeMvcc({
  name: 'MvccStore on memory + WAL',
  open: async ({ dir }) => MvccStore.open({ engine: await openMemory({ path: join(dir, 'engine') }), wal: { dir: join(dir, 'wal') } }),
  reopen: true,
});

// Persistent memory engine without a WAL: every commit a synced write of the snapshot file.
describeMvcc({
  name: 'MvccStore on memory with a snapshot file (no WAL)',
  open: async ({ dir }) => MvccStore.open({ engine: await openMemory({ path: join(dir, 'engine') }), wal: false }),
  reopen: true,
});
