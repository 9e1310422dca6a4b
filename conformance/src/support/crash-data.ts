/**
 * The data the crash child writes, recomputed in the parent to check what survived. Keep in
 * step with scripts/crash-child.mjs (a mismatch fails every crash test at once).
 */
export function crashKey(round: number, batch: number, j: number): Uint8Array {
  const key = new Uint8Array(7);
  const view = new DataView(key.buffer);
  key[0] = round;
  view.setUint32(1, batch);
  view.setUint16(5, j);
  return key;
}

export function crashValue(round: number, batch: number, j: number): Uint8Array {
  const length = 16 + ((batch * 31 + j * 7 + round) % 97);
  const value = new Uint8Array(length);
  for (let i = 0; i < length; i++) value[i] = (round * 13 + batch * 7 + j * 3 + i) & 0xff;
  return value;
}

export function counterKey(round: number): Uint8Array {
  return Uint8Array.of(0xff, round);
}

export function readCounter(value: Uint8Array): number {
  return new DataView(value.buffer, value.byteOffset, value.byteLength).getUint32(0);
}
