/**
 * Property tests for the tuple codec against an independent model of the tuple order:
 * round trip, byte order = logical order, prefix order, range membership, and that unpack
 * never returns a wrong value for arbitrary or damaged bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TupleDouble, compareBytes, double, isTidekvError, pack, range, unpack, type Tuple, type TupleElement } from '../src/index.js';
import { propertySeed } from './seed.js';

const seed = propertySeed('codec-tuple-properties');
const numRuns = 10_000;
const params = { seed, numRuns };

// ---------------------------------------------------------------------------------------
// The model: what each element means, written from the specification, not from the code.

type Model =
  | { kind: 'null' }
  | { kind: 'bytes'; bytes: number[] }
  | { kind: 'string'; codePoints: number[] }
  | { kind: 'tuple'; items: Model[] }
  | { kind: 'int'; value: bigint }
  | { kind: 'double'; value: number }
  | { kind: 'bool'; value: boolean };

// Cross-type order is the FoundationDB type-code order.
const RANK: Record<Model['kind'], number> = { null: 0, bytes: 1, string: 2, tuple: 5, int: 20, double: 33, bool: 38 };
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function model(element: TupleElement): Model {
  if (element === null) return { kind: 'null' };
  if (element instanceof Uint8Array) return { kind: 'bytes', bytes: [...element] };
  if (typeof element === 'string') return { kind: 'string', codePoints: [...element].map((c) => c.codePointAt(0)!) };
  if (Array.isArray(element)) return { kind: 'tuple', items: element.map(model) };
  if (typeof element === 'bigint') return { kind: 'int', value: element };
  if (typeof element === 'boolean') return { kind: 'bool', value: element };
  if (element instanceof TupleDouble) return { kind: 'double', value: element.value };
  const n = element as number;
  if (Number.isInteger(n) && Math.abs(n) <= MAX_SAFE) return { kind: 'int', value: BigInt(n) };
  return { kind: 'double', value: n };
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function compareSequences<T>(a: readonly T[], b: readonly T[], compare: (x: T, y: T) => number): number {
  for (let i = 0; i < a.length && i < b.length; i++) {
    const c = compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return sign(a.length - b.length);
}

const compareNumbers = (x: number, y: number) => (x < y ? -1 : x > y ? 1 : 0);

function compareModels(a: Model, b: Model): number {
  if (a.kind !== b.kind) return sign(RANK[a.kind] - RANK[b.kind]);
  switch (a.kind) {
    case 'null':
      return 0;
    case 'bytes':
      return compareSequences(a.bytes, (b as typeof a).bytes, compareNumbers);
    case 'string':
      // By code point: JS `<` would compare UTF-16 units and put U+FFFD after astral characters.
      return compareSequences(a.codePoints, (b as typeof a).codePoints, compareNumbers);
    case 'tuple':
      return compareSequences(a.items, (b as typeof a).items, compareModels);
    case 'int': {
      const y = (b as typeof a).value;
      return a.value < y ? -1 : a.value > y ? 1 : 0;
    }
    case 'double': {
      const y = (b as typeof a).value;
      if (a.value !== y) return compareNumbers(a.value, y);
      // IEEE total order: -0 before +0.
      return sign(Number(Object.is(a.value, 0)) - Number(Object.is(y, 0)));
    }
    case 'bool':
      return sign(Number(a.value) - Number((b as typeof a).value));
  }
}

const compareTuples = (a: Tuple, b: Tuple) => compareSequences(a.map(model), b.map(model), compareModels);
const sameElement = (a: TupleElement, b: TupleElement) => compareModels(model(a), model(b)) === 0;

/** What unpack(pack(t)) must return: the same values, in the documented JS types. */
function expected(element: TupleElement): TupleElement {
  if (Array.isArray(element)) return element.map(expected);
  if (element instanceof Uint8Array) return Uint8Array.from(element);
  const m = model(element);
  if (m.kind === 'int') return m.value >= -BigInt(MAX_SAFE) && m.value <= BigInt(MAX_SAFE) ? Number(m.value) : m.value;
  if (m.kind === 'double') return Number.isInteger(m.value) && Math.abs(m.value) <= MAX_SAFE ? double(m.value) : m.value;
  return element;
}

/** Strict equality: same JS types, numbers by Object.is (so -0 differs from 0). */
function identical(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => identical(x, b[i]));
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (a instanceof TupleDouble || b instanceof TupleDouble) {
    return a instanceof TupleDouble && b instanceof TupleDouble && Object.is(a.value, b.value);
  }
  return Object.is(a, b);
}

// ---------------------------------------------------------------------------------------
// Generators, biased toward the values that break order-preserving encodings.

const byteArb = fc.oneof(fc.constantFrom(0x00, 0x01, 0xfe, 0xff), fc.integer({ min: 0, max: 255 }));
const bytesArb = fc.array(byteArb, { maxLength: 6 }).map((a) => Uint8Array.from(a));

const codePointArb = fc
  .oneof(
    fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfeff, 0xfffd, 0xfffe, 0xffff, 0x10000, 0x1f600, 0x10ffff),
    fc.integer({ min: 0, max: 0x7f }),
    fc.integer({ min: 0, max: 0x10ffff }),
  )
  .map((cp) => (cp >= 0xd800 && cp <= 0xdfff ? cp + 0x800 : cp));
const stringArb = fc.array(codePointArb, { maxLength: 5 }).map((cps) => String.fromCodePoint(...cps));

/** ±(2^k + d) for small d, around every byte boundary up to the 255-byte limit. */
const aroundPowerArb = fc
  .tuple(
    fc.oneof(fc.constantFrom(0, 7, 8, 15, 16, 31, 32, 48, 52, 53, 54, 56, 63, 64, 65, 72, 2032, 2039), fc.integer({ min: 0, max: 2039 })),
    fc.integer({ min: -10, max: 10 }),
    fc.boolean(),
  )
  .map(([k, d, negative]) => {
    let v = (1n << BigInt(k)) + BigInt(d);
    if (v < 0n) v = -v;
    if (v >= 1n << 2040n) v = (1n << 2040n) - 1n;
    return negative ? -v : v;
  });
const integerArb = fc.oneof(
  aroundPowerArb,
  fc.bigInt({ min: -300n, max: 300n }),
  fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }),
);
/** Integers as numbers when safe (sometimes still as bigint), as bigint otherwise. */
const integerElementArb: fc.Arbitrary<TupleElement> = fc
  .tuple(integerArb, fc.boolean())
  .map(([v, asBigint]) => (!asBigint && v >= -BigInt(MAX_SAFE) && v <= BigInt(MAX_SAFE) ? Number(v) : v));

const doubleValueArb = fc.oneof(
  fc.constantFrom(0, -0, Infinity, -Infinity, 0.5, -0.5, 2 ** 53, -(2 ** 53), 2 ** 53 + 2, 2 ** 64, -(2 ** 64), Number.MIN_VALUE, -Number.MIN_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1),
  fc.double({ noNaN: true }),
  fc.integer({ min: -20, max: 20 }).map((n) => n / 4),
);
/** Plain numbers (integer-valued ones become integers) and explicit doubles. */
const numberElementArb: fc.Arbitrary<TupleElement> = fc.oneof(doubleValueArb, doubleValueArb.map((x) => double(x)));

const scalarArb: fc.Arbitrary<TupleElement> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  bytesArb,
  stringArb,
  integerElementArb,
  numberElementArb,
);

const { tuple: tupleArb } = fc.letrec<{ tuple: Tuple; element: TupleElement }>((tie) => ({
  tuple: fc.array(tie('element'), { maxLength: 4 }),
  element: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarArb, scalarArb, scalarArb, tie('tuple')),
}));

/** Two tuples that often share a prefix, so comparisons reach deep elements. */
const tuplePairArb = fc.oneof(
  fc.tuple(tupleArb, tupleArb),
  fc.tuple(tupleArb, tupleArb, tupleArb).map(([p, a, b]) => [[...p, ...a], [...p, ...b]] as [Tuple, Tuple]),
  fc.tuple(tupleArb, scalarArb, scalarArb).map(([p, a, b]) => [[...p, a], [...p, b]] as [Tuple, Tuple]),
  fc.tuple(tupleArb, tupleArb).map(([p, a]) => [[...p], [...p, ...a]] as [Tuple, Tuple]),
  fc.tuple(tupleArb, tupleArb, tupleArb).map(([p, a, b]) => [[[...p, ...a]], [[...p, ...b]]] as [Tuple, Tuple]),
);

// ---------------------------------------------------------------------------------------

describe('tuple codec properties', () => {
  it('unpack(pack(t)) is t, and pack(unpack(pack(t))) is pack(t)', () => {
    fc.assert(
      fc.property(tupleArb, (t) => {
        const packed = pack(t);
        const back = unpack(packed);
        expect(identical(back, expected(t as TupleElement[]))).toBe(true);
        expect(compareBytes(pack(back), packed)).toBe(0);
      }),
      params,
    );
  });

  it('byte order of pack(a), pack(b) is the logical tuple order', () => {
    fc.assert(
      fc.property(tuplePairArb, ([a, b]) => {
        expect(sign(compareBytes(pack(a), pack(b)))).toBe(compareTuples(a, b));
      }),
      params,
    );
  });

  it('pack(t) is a proper prefix of pack(t ++ [x]) and sorts before it', () => {
    fc.assert(
      fc.property(tupleArb, fc.oneof(scalarArb, tupleArb), (t, x) => {
        const short = pack(t);
        const long = pack([...t, x]);
        expect(long.length).toBeGreaterThan(short.length);
        expect(compareBytes(long.subarray(0, short.length), short)).toBe(0);
        expect(compareBytes(short, long)).toBeLessThan(0);
      }),
      params,
    );
  });

  it('range(t) holds exactly the tuples that extend t', () => {
    const candidateArb = (t: Tuple) =>
      fc.oneof(
        tupleArb,
        tupleArb.map((rest) => [...t, ...rest]),
        fc.tuple(scalarArb, tupleArb).map(([x, rest]) => [...t, x, ...rest]),
        fc.nat({ max: t.length }).map((k) => t.slice(0, k)),
        fc.tuple(fc.nat({ max: Math.max(0, t.length - 1) }), scalarArb).map(([k, x]) => [...t.slice(0, k), x, ...t.slice(k + 1)]),
        fc.constant([t] as Tuple),
      );
    fc.assert(
      fc.property(
        tupleArb.chain((t) => fc.tuple(fc.constant(t), candidateArb(t))),
        ([t, u]) => {
          const { gte, lt } = range(t);
          const key = pack(u);
          const inside = compareBytes(key, gte) >= 0 && compareBytes(key, lt) < 0;
          const extendsT = u.length > t.length && t.every((x, i) => sameElement(x, u[i]!));
          expect(inside).toBe(extendsT);
        },
      ),
      params,
    );
  });

  it('unpack of arbitrary bytes fails with a typed error or returns a tuple that packs to those bytes', () => {
    const interesting = fc.constantFrom(0x00, 0x01, 0x02, 0x05, 0x0b, 0x0c, 0x13, 0x14, 0x15, 0x1c, 0x1d, 0x21, 0x26, 0x27, 0x7f, 0x80, 0xc3, 0xe2, 0xed, 0xf0, 0xfe, 0xff);
    const noiseArb = fc.array(fc.oneof(interesting, fc.integer({ min: 0, max: 255 })), { maxLength: 24 }).map((a) => Uint8Array.from(a));
    const damagedArb = fc
      .tuple(tupleArb, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'set', 'truncate', 'insert', 'delete'))
      .map(([t, at, byte, how]) => {
        const bytes = [...pack(t)];
        const i = bytes.length === 0 ? 0 : at % bytes.length;
        if (how === 'flip' && bytes.length) bytes[i]! ^= 1 << (byte % 8);
        if (how === 'set' && bytes.length) bytes[i] = byte;
        if (how === 'truncate') bytes.length = i;
        if (how === 'insert') bytes.splice(i, 0, byte);
        if (how === 'delete') bytes.splice(i, 1);
        return Uint8Array.from(bytes);
      });
    fc.assert(
      fc.property(fc.oneof(noiseArb, damagedArb), (bytes) => {
        let decoded: TupleElement[];
        try {
          decoded = unpack(bytes);
        } catch (error) {
          expect(isTidekvError(error, 'CORRUPTION') || isTidekvError(error, 'NOT_SUPPORTED'), String(error)).toBe(true);
          return;
        }
        expect(compareBytes(pack(decoded), bytes)).toBe(0);
      }),
      params,
    );
  });

  it('sorting 10,000 tuples by packed bytes gives the logical order', () => {
    const tuples = fc.sample(tupleArb, { seed, numRuns: 10_000 });
    const byModel = [...tuples].sort(compareTuples);
    const byBytes = tuples.map((t) => ({ t, key: pack(t) })).sort((a, b) => compareBytes(a.key, b.key)).map((x) => x.t);
    for (let i = 0; i < tuples.length; i++) expect(compareTuples(byModel[i]!, byBytes[i]!)).toBe(0);
  });

  it('the model itself orders strings by code point, not by UTF-16 unit', () => {
    // The trap the model must not fall into: '\uFFFD' < '\u{1F600}' is false in JS.
    expect('\ufffd' < '\u{1F600}').toBe(false);
    expect(compareTuples(['\ufffd'], ['\u{1F600}'])).toBe(-1);
    expect(compareBytes(pack(['\ufffd']), pack(['\u{1F600}']))).toBeLessThan(0);
  });
});
