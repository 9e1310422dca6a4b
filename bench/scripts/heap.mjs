/**
 * What the heap-measuring scripts share: they need --expose-gc, read the built packages of
 * this checkout, and take `heapUsed` after full collections.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

if (typeof global.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(2);
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The built dist of one of this repository's packages, e.g. builtPackage('core'). */
export function builtPackage(name) {
  return import(pathToFileURL(`${root}packages/${name}/dist/index.js`).href);
}

/** `heapUsed` after four full collections (one can leave weakly held garbage behind). */
export function heapUsed() {
  for (let i = 0; i < 4; i++) global.gc();
  return process.memoryUsage().heapUsed;
}
