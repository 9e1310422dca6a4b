/**
 * @tidekv/core: the storage-engine contract, errors, key codec, write-ahead log and MVCC
 * store. Layers depend one way: codec <- engine <- fs <- wal <- mvcc (fs: the durable-file
 * layer every component with files uses: lock, crash-safe replacement, I/O errors).
 */
export { TidekvError, isTidekvError, type TidekvErrorCode, type TidekvErrorOptions } from './errors.js';
export { compareBytes, bytesEqual, prefixSuccessor, keySuccessor, concatBytes, utf8Encode, utf8Decode } from './codec/bytes.js';
export * from './engine/index.js';
export * from './codec/index.js';
export * from './fs/index.js';
export * from './wal/index.js';
export * from './mvcc/index.js';
