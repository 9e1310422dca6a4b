/**
 * V8 keeps a class's hidden class (its "map", which compiled code is specialised on) only
 * while something references it. When a full collection finds no instance of a class alive,
 * it drops the map and deoptimizes every function compiled against it; the next instances
 * get a fresh map and run unoptimized until the JIT has learned them again. Objects made and
 * dropped per operation (an iterator and its source, opened and closed by every seek) hit
 * that after each major GC that happens to fall between two operations. Measured on SQLite
 * seeks: about 20 hot functions deoptimized per full GC, and the next ~100 ms of seeks ran
 * at ~0.7x; holding one idle instance per such class removes both.
 */
const retained: object[] = [];

/** Holds `instance` for the life of the process, so its class's hidden class survives full GCs. */
export function retainHiddenClass(instance: object): void {
  retained.push(instance);
}
