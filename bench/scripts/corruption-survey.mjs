#!/usr/bin/env node
/**
 * What damage each backend detects, and what it silently misses: writes a store through the
 * built adapter, flips one byte (xor 0xff) at a seeded random offset of one of its real files,
 * then reopens it in a child process and reads every entry back (iterate + get). Outcomes:
 *   detected   open or a read failed (CORRUPTION / IO_ERROR)
 *   unaffected every entry read back right (the byte was in unused or redundant space)
 *   missed     a wrong value, or a missing or extra entry, and no error: silent corruption
 *   crashed    the child process died (a signal or an abort)
 * Run after `pnpm build`:  node bench/scripts/corruption-survey.mjs [trials=40] [seed=1] [adapters=level,lmdb,sqlite,memory]
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const trials = Number(process.argv[2] ?? 40);
let seed = Number(process.argv[3] ?? 1) >>> 0;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);

const COUNT = 2000;
const LATE = 200; // entries written after a clean close, left as a crash would (in LevelDB's log, SQLite's -wal)

/** name: [module, opener, extra open options, files to damage (regexp on file names)] */
const ADAPTERS = {
  // A small write buffer, so that most entries sit in table files and the rest in the log.
  level: ['packages/level/dist/index.js', 'openLevel', { writeBufferSize: 64 * 1024 }, { table: /\.ldb$/, log: /\.log$/ }],
  lmdb: ['packages/lmdb/dist/index.js', 'openLmdb', {}, { 'data.mdb': /^data\.mdb$/ }],
  sqlite: ['packages/sqlite/dist/index.js', 'openSqlite', {}, { database: /^tidekv\.sqlite$/, '-wal': /^tidekv\.sqlite-wal$/ }],
  memory: ['packages/memory/dist/index.js', 'openMemory', {}, { snapshot: /\.snapshot$/ }],
};

const key = (i) => `key-${String(i).padStart(6, '0')}`;
const value = (i) => `value-${i}-`.padEnd(100, String.fromCharCode(97 + (i % 26)));

/** The child: `write` builds the store (leaving LATE entries unflushed, process ends without close); `check` reads it back. */
const CHILD = `
const [mode, moduleUrl, opener, options, path, count, late] = JSON.parse(process.argv[1]);
const adapter = await import(moduleUrl);
const key = (i) => 'key-' + String(i).padStart(6, '0');
const value = (i) => ('value-' + i + '-').padEnd(100, String.fromCharCode(97 + (i % 26)));
const enc = (s) => Buffer.from(s);
if (mode === 'write') {
  // Most entries through a clean close (into tables, the database file), the rest left as a
  // crash would: written, flushed only where the engine has no log, process gone without close.
  let engine = await adapter[opener]({ ...options, path });
  for (let i = 0; i < count - late; i += 100) await engine.write(Array.from({ length: 100 }, (_, j) => ({ type: 'put', key: enc(key(i + j)), value: enc(value(i + j)) })));
  await engine.close();
  engine = await adapter[opener]({ ...options, path });
  const ks = engine.keyspace('default');
  for (let i = count - late; i < count; i++) await ks.put(enc(key(i)), enc(value(i)));
  if (opener === 'openMemory') await engine.flush(); // its snapshot file is all it has
  process.exit(0);
}
let outcome = 'unaffected';
try {
  const engine = await adapter[opener]({ ...options, path });
  const ks = engine.keyspace('default');
  const entries = await ks.iterate().all();
  let wrong = entries.length !== count;
  for (const [k, v] of entries) {
    const i = Number(Buffer.from(k).toString().slice(4));
    if (!(i >= 0 && i < count) || Buffer.from(v).toString() !== value(i)) wrong = true;
  }
  for (let i = 0; i < count; i++) {
    const v = await ks.get(enc(key(i)));
    if (v === undefined || Buffer.from(v).toString() !== value(i)) wrong = true;
  }
  if (wrong) outcome = 'missed';
  await engine.close().catch(() => {});
} catch (error) {
  outcome = error && (error.code === 'CORRUPTION' || error.code === 'IO_ERROR') ? 'detected' : 'other:' + (error && (error.code || error.message));
}
process.stdout.write(outcome);
process.exit(0);
`;

function child(args) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, JSON.stringify(args)], { encoding: 'utf8', timeout: 60_000 });
}

const results = {};
const only = process.argv[4]?.split(',');
for (const [name, [module, opener, options, targets]] of Object.entries(ADAPTERS)) {
  if (only && !only.includes(name)) continue;
  const moduleUrl = pathToFileURL(join(root, module)).href;
  const work = mkdtempSync(join(tmpdir(), `tidekv-survey-${name}-`));
  const pristine = join(work, 'pristine');
  const built = child(['write', moduleUrl, opener, options, pristine, COUNT, LATE]);
  if (built.status !== 0) throw new Error(`${name}: writing the store failed: ${built.stderr}`);
  cpSync(pristine, join(work, 'control'), { recursive: true });
  const control = child(['check', moduleUrl, opener, options, join(work, 'control'), COUNT, LATE]);
  if (control.stdout !== 'unaffected') throw new Error(`${name}: the undamaged store reads back wrong: ${control.stdout} ${control.stderr}`);
  for (const [target, pattern] of Object.entries(targets)) {
    const files = readdirSync(pristine).filter((f) => pattern.test(f) && statSync(join(pristine, f)).size > 0).sort();
    const row = { detected: 0, unaffected: 0, missed: 0, crashed: 0, other: 0 };
    if (files.length === 0) {
      results[`${name} ${target}`] = 'no such file after the writes';
      continue;
    }
    for (let t = 0; t < trials; t++) {
      const trial = join(work, `trial-${target}-${t}`);
      cpSync(pristine, trial, { recursive: true });
      const file = join(trial, files[Math.floor(random() * files.length)]);
      const bytes = readFileSync(file);
      const at = Math.floor(random() * bytes.length);
      bytes[at] ^= 0xff;
      writeFileSync(file, bytes);
      const run = child(['check', moduleUrl, opener, options, trial, COUNT, LATE]);
      if (run.signal || run.status !== 0) row.crashed++;
      else if (run.stdout in row) row[run.stdout]++;
      else row.other++;
      rmSync(trial, { recursive: true, force: true });
    }
    results[`${name} ${target}`] = row;
  }
  rmSync(work, { recursive: true, force: true });
}
console.log(`one byte flipped at a random offset, ${trials} trials per file, seed ${process.argv[3] ?? 1}`);
console.table(results);
