/**
 * The tuple codec: `pack` / `unpack` / `range`, an order-preserving encoding following the
 * FoundationDB tuple layer. `compareBytes(pack(a), pack(b))` has the sign of the logical
 * comparison of a and b: element by element, a shorter tuple first; elements of different
 * types by type (null < bytes < string < tuple < integer < double < false < true); bytes
 * bytewise, strings by Unicode code point, integers and doubles numerically (doubles in IEEE
 * total order, -0 before +0), false before true.
 */
export { pack, range } from './tuple-encoder.js';
export { unpack } from './tuple-decoder.js';
export { TupleDouble, double, isTupleDouble, TUPLE_MAX_DEPTH, type Tuple, type TupleElement } from './tuple-types.js';
