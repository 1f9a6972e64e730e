// Aggregation arithmetic as DTrace does it: 64-bit wrapping, avg, 128-bit stddev, and the min/max slot encoding.

/** Wraps to a signed 64-bit value (C `int64_t`). */
export function i64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** Wraps to an unsigned 64-bit value (C `uint64_t`). */
export function u64(v: bigint): bigint {
  return BigInt.asUintN(64, v);
}

/** Wraps to an unsigned 128-bit value (DTrace's uint64_t[2] pair). */
export function u128(v: bigint): bigint {
  return BigInt.asUintN(128, v);
}

export const INT64_MAX = 0x7fffffffffffffffn;
export const INT64_MIN = -0x8000000000000000n;

/**
 * The per-CPU min()/max() slot encoding. A slot holds `u64(value) ^ BIAS`; the BPF side keeps the
 * larger slot (unsigned compare, BPF_JGT) on every firing, for min() as for max(). The encodings are
 * chosen so that an all-zero slot is the identity: min 0 ⇔ INT64_MAX, max 0 ⇔ INT64_MIN. A per-CPU
 * hash map zero-fills the slots of the CPUs that never fired, so they merge away correctly with no
 * initialisation (the kernel DTrace initialises to INT64_MAX / INT64_MIN, dtag_initial in dtrace.c).
 */
export const MIN_BIAS = 0x7fffffffffffffffn;
export const MAX_BIAS = 0x8000000000000000n;

export function encodeMin(v: bigint): bigint {
  return u64(v) ^ MIN_BIAS;
}
export function decodeMin(slot: bigint): bigint {
  return i64(u64(slot) ^ MIN_BIAS);
}
export function encodeMax(v: bigint): bigint {
  return u64(v) ^ MAX_BIAS;
}
export function decodeMax(slot: bigint): bigint {
  return i64(u64(slot) ^ MAX_BIAS);
}

/** C division of two int64 values (truncates toward zero; BigInt division does the same). */
export function sdiv(a: bigint, b: bigint): bigint {
  return i64(i64(a) / i64(b));
}

/** C division of two uint64 values. */
export function udiv(a: bigint, b: bigint): bigint {
  return u64(a) / u64(b);
}

/**
 * `(long long)x / normal` where normal is a uint64_t, as dt_print_datum and dt_print_quantline write
 * it: the usual arithmetic conversions make the division unsigned, and %lld then prints the bits as
 * signed. For normal == 1 this is x; for a negative x and normal > 1 it is DTrace's large garbage.
 */
export function normalizedValue(x: bigint, normal: bigint): bigint {
  if (normal === 1n) return i64(x);
  return i64(udiv(x, normal));
}

/** dt_print_average: `data[0] ? data[1] / (int64_t)normal / data[0] : 0`, all int64. */
export function avgValue(count: bigint, total: bigint, normal = 1n): bigint {
  if (i64(count) === 0n) return 0n;
  return sdiv(sdiv(total, normal), count);
}

/** pfprint_average (printa %@ conversions): the same with uint64 arithmetic. */
export function avgValueUnsigned(count: bigint, total: bigint, normal = 1n): bigint {
  if (u64(count) === 0n) return 0n;
  return udiv(udiv(total, normal), count);
}

/** Floor of the square root of a non-negative integer (dt_sqrt_128 computes exactly this). */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('isqrt of a negative number');
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

/**
 * dt_stddev (libdtrace dt_consume.c): the square root of (sumsq / normal / normal / count) minus
 * the square of (total / normal / count), in DTrace's 128-bit integer arithmetic. Each division
 * floors; the average is a signed int64 division; the difference wraps at 2^128; the root floors.
 * Returns an unsigned 64-bit value (printed with %llu). A zero count gives 0 (the print routine
 * checks data[0] before calling dt_stddev).
 */
export function stddevValue(count: bigint, total: bigint, sumsq: bigint, normal = 1n): bigint {
  const n = u64(count);
  if (n === 0n) return 0n;
  const avgOfSquares = u128(sumsq) / u64(normal) / u64(normal) / n;
  let normAvg = sdiv(sdiv(total, normal), count);
  if (normAvg < 0n) normAvg = i64(-normAvg);
  const a = u64(normAvg);
  const diff = u128(avgOfSquares - a * a);
  return isqrt(diff);
}

/** The 128-bit square DTrace adds to the sum of squares: |v| * |v|, with |INT64_MIN| = 2^63. */
export function square128(v: bigint): bigint {
  let s = i64(v);
  if (s < 0n) s = i64(-s);
  const a = u64(s);
  return u128(a * a);
}

/** Splits a 128-bit value into its [lo, hi] 64-bit words (the BPF per-CPU layout). */
export function split128(v: bigint): [bigint, bigint] {
  const x = u128(v);
  return [x & 0xffffffffffffffffn, x >> 64n];
}

/** Joins [lo, hi] 64-bit words into one 128-bit value. */
export function join128(lo: bigint, hi: bigint): bigint {
  return u128((u64(hi) << 64n) | u64(lo));
}
