export type * from './kv.js';
export { encodeKeyValue, decodeKeyValue, tombstoneKeyValue } from './layout.js';
export { MvccStore, type MvccStoreOptions, type CommitEvent, type CommitListener } from './store.js';
export type { CommitLogOptions } from './commit-log.js';
export type { CompactorOptions, CompactorClock } from './compactor.js';
export type { Change } from './txn.js';
export { ManualClock, systemClock, type Clock } from './clock.js';
export type { LeaseStoreOptions } from './store-options.js';
export type { WatcherGroupOptions } from './watcher-group.js';
