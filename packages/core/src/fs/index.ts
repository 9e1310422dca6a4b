export {
  type FileSystem,
  nodeFileSystem,
  readFully,
  writeFully,
  readWholeFile,
  removeFile,
  syncDirectory,
} from './file-system.js';
export { DirectoryLock, type LockOptions } from './lock.js';
export { replaceFile, tempPathOf } from './replace-file.js';
export { ioError } from './io-error.js';
export { prepareDirectory } from './directory.js';
export { FaultFs, type Fault, type FsOp } from './fault-fs.js';
export { CrashFs } from './crash-fs.js';
