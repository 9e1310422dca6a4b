/**
 * A real etcd server for the differential test: Debian's `etcd` binary on loopback, with
 * unique ports and its own data dir. When the binary is missing and we run as root it is
 * installed with apt-get (package etcd-server); otherwise the tests skip visibly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const CANDIDATES = ['/usr/bin/etcd', '/usr/local/bin/etcd'];

function findBinary(): string | undefined {
  for (const path of CANDIDATES) if (existsSync(path)) return path;
  const which = spawnSync('sh', ['-c', 'command -v etcd'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  return which.status === 0 && found !== '' ? found : undefined;
}

/** The etcd binary, installing Debian's etcd-server first when missing and root. A reason string when unavailable. */
export function locateEtcd(): { path: string } | { missing: string } {
  let path = findBinary();
  if (path) return { path };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { missing: 'etcd is not installed and we are not root to apt-get install etcd-server' };
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'etcd-server'], { env, encoding: 'utf8', timeout: 300_000 });
  if (install().status !== 0) {
    spawnSync('apt-get', ['update'], { env, encoding: 'utf8', timeout: 300_000 });
    const second = install();
    if (second.status !== 0) return { missing: `apt-get install etcd-server failed: ${second.stderr.trim().split('\n').at(-1)}` };
  }
  path = findBinary();
  return path ? { path } : { missing: 'etcd-server installed, but no etcd binary was found' };
}

/** Every etcd still running; killed if this process exits without stopping them (a timed-out test). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** `count` distinct free loopback ports (all held open together, so they differ). */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
        }),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export class EtcdServer {
  #child: ChildProcess | undefined;
  #exited: Promise<void> | undefined;

  private constructor(
    readonly binary: string,
    readonly dataDir: string,
    readonly logFile: string,
    readonly clientPort: number,
    readonly peerPort: number,
  ) {}

  /** Starts a single-member etcd whose data lives in `dir`. */
  static async start(binary: string, dir: string): Promise<EtcdServer> {
    const [clientPort, peerPort] = await freePorts(2);
    const server = new EtcdServer(binary, join(dir, 'etcd-data'), join(dir, 'etcd.log'), clientPort!, peerPort!);
    await server.#launch();
    return server;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.clientPort}`;
  }

  async #launch(): Promise<void> {
    const client = this.endpoint;
    const peer = `http://127.0.0.1:${this.peerPort}`;
    const log = openSync(this.logFile, 'a');
    const child = spawn(
      this.binary,
      [
        '--name', 'parity',
        '--data-dir', this.dataDir,
        '--listen-client-urls', client,
        '--advertise-client-urls', client,
        '--listen-peer-urls', peer,
        '--initial-advertise-peer-urls', peer,
        '--initial-cluster', `parity=${peer}`,
        '--initial-cluster-state', 'new',
        '--logger', 'zap',
        '--log-level', 'warn',
      ],
      { stdio: ['ignore', log, log] },
    );
    closeSync(log);
    this.#child = child;
    running.add(child);
    this.#exited = new Promise((resolve) =>
      child.once('exit', () => {
        running.delete(child);
        resolve();
      }),
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`etcd exited with ${child.exitCode} while starting:\n${this.logTail()}`);
      try {
        const response = await fetch(`${client}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: 'AA==' }), signal: AbortSignal.timeout(1000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`etcd did not answer within 30 s:\n${this.logTail()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  logTail(): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s), keeping its data. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.#exited;
    clearTimeout(timer);
  }

  /** Stops and starts again on the same data dir and ports. */
  async restart(): Promise<void> {
    await this.stop();
    await this.#launch();
  }
}
