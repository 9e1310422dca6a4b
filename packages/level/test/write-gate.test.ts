import { describe, expect, it } from 'vitest';
import { WriteGate } from '../src/write-gate.js';

/** A promise with its resolve function, to control when a write "finishes". */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('WriteGate', () => {
  it('runs shared writes concurrently', async () => {
    const gate = new WriteGate();
    const a = deferred();
    const log: string[] = [];
    const first = gate.shared(async () => { log.push('a start'); await a.promise; log.push('a end'); });
    const second = gate.shared(async () => { log.push('b'); });
    await second;
    expect(log).toEqual(['a start', 'b']);
    a.resolve();
    await first;
    expect(log).toEqual(['a start', 'b', 'a end']);
  });

  it('starts an exclusive section only after the shared writes in flight, and holds later writes back', async () => {
    const gate = new WriteGate();
    const inFlight = deferred();
    const section = deferred();
    const log: string[] = [];
    const before = gate.shared(async () => { await inFlight.promise; log.push('before'); });
    const exclusive = gate.exclusive(async () => { log.push('exclusive start'); await section.promise; log.push('exclusive end'); });
    const after = gate.shared(async () => { log.push('after'); });
    await tick();
    expect(log).toEqual([]);
    inFlight.resolve();
    await before;
    await tick();
    expect(log).toEqual(['before', 'exclusive start']);
    section.resolve();
    await Promise.all([exclusive, after]);
    expect(log).toEqual(['before', 'exclusive start', 'exclusive end', 'after']);
  });

  it('runs exclusive sections one at a time, in call order', async () => {
    const gate = new WriteGate();
    const log: string[] = [];
    const run = (name: string) => gate.exclusive(async () => { log.push(name + ' start'); await tick(); log.push(name + ' end'); });
    await Promise.all([run('x'), run('y'), run('z')]);
    expect(log).toEqual(['x start', 'x end', 'y start', 'y end', 'z start', 'z end']);
  });

  it('passes failures through without blocking later writes', async () => {
    const gate = new WriteGate();
    await expect(gate.shared(() => Promise.reject(new Error('shared failed')))).rejects.toThrow('shared failed');
    await expect(gate.shared(() => { throw new Error('thrown'); })).rejects.toThrow('thrown');
    await expect(gate.exclusive(() => Promise.reject(new Error('exclusive failed')))).rejects.toThrow('exclusive failed');
    await expect(gate.shared(async () => 'ok')).resolves.toBe('ok');
    await expect(gate.exclusive(async () => 'ok')).resolves.toBe('ok');
  });
});
