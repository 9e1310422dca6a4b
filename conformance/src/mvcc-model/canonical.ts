/**
 * Canonical forms of KV responses and errors, so two implementations' answers can be
 * compared with one deep equality and printed readably: bytes become hex strings, fields
 * whose value is undefined are dropped, and an error becomes its TidekvError code.
 */

export type Canonical = string | number | boolean | null | Canonical[] | { [key: string]: Canonical };

export function canonical(value: unknown): Canonical {
  if (value instanceof Uint8Array) return `0x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') {
    const out: { [key: string]: Canonical } = {};
    for (const key of Object.keys(value).sort()) {
      const field = (value as Record<string, unknown>)[key];
      if (field !== undefined) out[key] = canonical(field);
    }
    return out;
  }
  if (typeof value === 'bigint') return `bigint:${value}`;
  if (typeof value === 'function' || typeof value === 'symbol') return `<${typeof value}>`;
  return value as string | number | boolean;
}

export function canonicalError(error: unknown): Canonical {
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { code?: unknown } | null)?.code;
  if (name === 'TidekvError' && typeof code === 'string') return { error: code };
  return { error: `not a TidekvError: ${name}: ${error instanceof Error ? error.message : String(error)}` };
}

/** Runs `action`, returning its canonical result or canonical error. */
export async function outcome(action: () => unknown): Promise<Canonical> {
  try {
    return canonical(await action());
  } catch (error) {
    return canonicalError(error);
  }
}
