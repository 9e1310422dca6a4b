import { openSqlite } from '@tidekv/sqlite';
import { mkdtempSync } from 'node:fs'; import { join } from 'node:path'; import os from 'node:os';
const e = await openSqlite({ path: mkdtempSync(join(os.tmpdir(), 'ap-sq-')) });
const ks = e.keyspace('default');
for (let s = 0; s < 50000; s += 1000) { const ops = []; for (let i = s; i < s + 1000; i++) ops.push({ type: 'put', key: Buffer.from(String(i).padStart(16, '0')), value: Buffer.alloc(100, i & 255) }); await e.write(ops); }
const keys = Array.from({ length: 4096 }, (_, i) => Buffer.from(String((i * 2654435761 >>> 0) % 50000).padStart(16, '0')));
const q = (xs, p) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length * p)];
async function m(label, f) { const t = []; for (let r = 0; r < 40; r++) { const c0 = process.cpuUsage(); for (const k of keys) await f(k); const c = process.cpuUsage(c0); t.push((c.user + c.system) * 1000 / keys.length); } console.log(label, q(t, .1).toFixed(0), q(t, .5).toFixed(0)); }
await m('iterate+nextv+close', async (k) => { const it = ks.iterate({ gte: k, limit: 1 }); await it.nextv(1); await it.close(); });
await m('iterateSync', (k) => { for (const x of ks.iterateSync({ gte: k, limit: 1 })) {} });
await m('getSync', (k) => ks.getSync(k));
await m('iterate+nextv+close', async (k) => { const it = ks.iterate({ gte: k, limit: 1 }); await it.nextv(1); await it.close(); });
await e.close();
