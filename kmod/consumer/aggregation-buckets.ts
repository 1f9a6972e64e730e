// Bucket math of quantize/lquantize/llquantize exactly as illumos dtrace.c and dt_consume.c compute it.
import { i64 } from './aggregation-math.js';

/** One bucket's range of values: lo inclusive, hi exclusive; null marks an unbounded end. */
export interface BucketRange {
  lo: bigint | null;
  hi: bigint | null;
}

// ---- quantize() -------------------------------------------------------------------------------

/** DTRACE_QUANTIZE_NBUCKETS = ((sizeof (uint64_t) * NBBY) - 1) * 2 + 1 */
export const QUANTIZE_NBUCKETS = 127;
/** DTRACE_QUANTIZE_ZEROBUCKET = (sizeof (uint64_t) * NBBY) - 1 */
export const QUANTIZE_ZEROBUCKET = 63;

/**
 * DTRACE_QUANTIZE_BUCKETVAL(buck): -(2^(62-b)) below the zero bucket, 0 at it, 2^(b-64) above.
 * This is the value printed as the bucket's row label.
 */
export function quantizeBucketValue(bucket: number): bigint {
  if (!Number.isInteger(bucket) || bucket < 0 || bucket >= QUANTIZE_NBUCKETS) {
    throw new RangeError(`quantize bucket ${bucket} out of range`);
  }
  if (bucket < QUANTIZE_ZEROBUCKET) return -(1n << BigInt(QUANTIZE_ZEROBUCKET - 1 - bucket));
  if (bucket === QUANTIZE_ZEROBUCKET) return 0n;
  return 1n << BigInt(bucket - QUANTIZE_ZEROBUCKET - 1);
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/**
 * dtrace_aggregate_quantize: the bucket a value lands in. A negative value goes to the first bucket
 * (from the most negative) whose value is >= it, so the row "-4" holds -7..-4; a non-negative value
 * goes to the last bucket whose value is <= it, so the row "4" holds 4..7; everything >= 2^62 lands
 * in bucket 126 and everything <= -2^62 in bucket 0.
 */
export function quantizeBucket(value: bigint): number {
  const v = i64(value);
  if (v < 0n) return Math.max(0, QUANTIZE_ZEROBUCKET - bitLength(-v));
  return Math.min(QUANTIZE_NBUCKETS - 1, QUANTIZE_ZEROBUCKET + bitLength(v));
}

/** The values a quantize() bucket holds. */
export function quantizeBucketRange(bucket: number): BucketRange {
  const val = quantizeBucketValue(bucket);
  if (bucket < QUANTIZE_ZEROBUCKET) {
    // Holds (2 * val, val]: as a half-open range, [2 * val + 1, val + 1).
    return { lo: bucket === 0 ? null : 2n * val + 1n, hi: val + 1n };
  }
  if (bucket === QUANTIZE_ZEROBUCKET) return { lo: 0n, hi: 1n };
  return { lo: val, hi: bucket === QUANTIZE_NBUCKETS - 1 ? null : 2n * val };
}

// ---- lquantize() ------------------------------------------------------------------------------

/**
 * The number of levels DTrace derives from lquantize(expr, lo, hi, step): (hi - lo) / step
 * (dt_cc.c); there are levels + 2 buckets: "< lo", levels linear ones, ">= lo + levels * step".
 */
export function lquantizeLevels(lo: bigint, hi: bigint, step: bigint): number {
  if (step <= 0n) throw new RangeError('lquantize step must be positive');
  if (hi <= lo) throw new RangeError('lquantize upper bound must exceed lower bound');
  return Number((hi - lo) / step);
}

/**
 * dtrace_aggregate_lquantize: bucket 0 for value < lo, level + 1 for the linear buckets, levels + 1
 * for the overflow. As in the kernel the value is first truncated to int32 (`(int32_t)nval`) and
 * lo is an int32. (The kernel computes `val - base` in int32, which can overflow for ranges wider
 * than 2^31; here it is computed exactly and such values land in the overflow bucket.)
 */
export function lquantizeBucket(value: bigint, lo: bigint, step: bigint, levels: number): number {
  const val = BigInt.asIntN(32, value);
  const base = BigInt.asIntN(32, lo);
  if (val < base) return 0;
  const level = (val - base) / step;
  if (level < BigInt(levels)) return Number(level) + 1;
  return levels + 1;
}

/** The row label dt_print_lquantize prints for a bucket: "< lo", "lo + (b - 1) * step", ">= ...". */
export function lquantizeBucketLabel(bucket: number, lo: bigint, step: bigint, levels: number): string {
  const base = BigInt.asIntN(32, lo);
  if (bucket === 0) return `< ${base}`;
  if (bucket === levels + 1) return `>= ${BigInt.asIntN(32, base + BigInt(levels) * step)}`;
  return `${BigInt.asIntN(32, base + BigInt(bucket - 1) * step)}`;
}

/** The values an lquantize() bucket holds. */
export function lquantizeBucketRange(bucket: number, lo: bigint, step: bigint, levels: number): BucketRange {
  const base = BigInt.asIntN(32, lo);
  if (bucket === 0) return { lo: null, hi: base };
  if (bucket === levels + 1) return { lo: base + BigInt(levels) * step, hi: null };
  return { lo: base + BigInt(bucket - 1) * step, hi: base + BigInt(bucket) * step };
}

// ---- llquantize() -----------------------------------------------------------------------------

/** The llquantize(expr, factor, lmag, hmag, nsteps) parameters (uint16 each in DTrace). */
export interface LlqParams {
  factor: bigint;
  lmag: bigint;
  hmag: bigint;
  nsteps: bigint;
}

/**
 * dtrace_aggregate_llquantize_bucket, with int64 wrapping where the C code overflows: bucket 0 holds
 * values below factor^lmag (zero and negatives included); each order of magnitude m in lmag..hmag
 * then has min(factor^(m+1), nsteps) - min(...)/factor linear buckets; the last bucket holds values
 * >= factor^(hmag+1). When factor^(hmag+2) overflows int64, dtrace.c clamps the value to
 * factor^(hmag+1) - 1 in the last order: everything from factor^hmag up then lands in that order's
 * last bucket, and the record has no overflow bucket.
 */
export function llquantizeBucket(value: bigint, factor: bigint, lmag: bigint, hmag: bigint, nsteps: bigint): number {
  let v = i64(value);
  let cur = 1n;
  let order = 0n;
  for (; order < lmag; order++) cur = i64(cur * factor);
  let last = cur;
  if (v < last) return 0;
  let base = 1n;
  for (cur = i64(cur * factor); order <= hmag; order++) {
    const nbuckets = cur > nsteps ? nsteps : cur;
    const next = i64(cur * factor);
    if (next < cur) v = cur - 1n;
    if (v < cur) return Number(base + (v - last) / (cur / nbuckets));
    base += nbuckets - nbuckets / factor;
    last = cur;
    cur = next;
  }
  return Number(base);
}

/** The number of llquantize() buckets: the kernel sizes the record as bucket(INT64_MAX) + 1. */
export function llquantizeNBuckets(factor: bigint, lmag: bigint, hmag: bigint, nsteps: bigint): number {
  return llquantizeBucket(0x7fffffffffffffffn, factor, lmag, hmag, nsteps) + 1;
}

/** The bucket layout of one llquantize(): the walk dt_print_llquantize does over orders of magnitude. */
export interface LlqLayout {
  /** Number of buckets in the record: bucket(INT64_MAX) + 1. */
  nbuckets: number;
  /** Number of linear buckets (1..linear), each labelled by its lower value. */
  linear: number;
  /**
   * bounds[0] = factor^lmag (bucket 0 holds values below it); bounds[i] (1 <= i <= linear) is the
   * lower value of bucket i; bounds[linear + 1] is where the overflow bucket starts.
   */
  bounds: bigint[];
}

/**
 * Walks the buckets as dt_print_llquantize does: value starts at factor^lmag; in each order the step
 * is next / nsteps (or 1 when next <= nsteps), and at next = value * factor the order advances.
 */
export function llquantizeLayout(p: LlqParams): LlqLayout {
  const { factor, lmag, hmag, nsteps } = p;
  let value = 1n;
  let order = 0n;
  for (; order < lmag; order++) value = i64(value * factor);
  const bounds: bigint[] = [value];
  let next = i64(value * factor);
  let step = next > nsteps ? next / nsteps : 1n;
  while (order <= hmag) {
    bounds.push(value);
    value = i64(value + step);
    if (value !== next) continue;
    next = i64(value * factor);
    step = next > nsteps ? next / nsteps : 1n;
    order++;
  }
  bounds.push(value);
  return { nbuckets: llquantizeNBuckets(factor, lmag, hmag, nsteps), linear: bounds.length - 2, bounds };
}

/** The values each llquantize() bucket holds (by its labels; see llquantizeBucket for the clamp). */
export function llquantizeBucketRanges(p: LlqParams): BucketRange[] {
  const { nbuckets, linear, bounds } = llquantizeLayout(p);
  const out: BucketRange[] = [];
  for (let b = 0; b < nbuckets; b++) {
    if (b === 0) out.push({ lo: null, hi: bounds[0] ?? null });
    else if (b > linear) out.push({ lo: bounds[linear + 1] ?? null, hi: null });
    else out.push({ lo: bounds[b] ?? null, hi: b === nbuckets - 1 ? null : bounds[b + 1] ?? null });
  }
  return out;
}

/** The row label dt_print_llquantize prints for a bucket: "< v", "v", or ">= v" for the overflow. */
export function llquantizeBucketLabel(bucket: number, p: LlqParams): string {
  const { nbuckets, linear, bounds } = llquantizeLayout(p);
  if (!Number.isInteger(bucket) || bucket < 0 || bucket >= nbuckets) {
    throw new RangeError(`llquantize bucket ${bucket} out of range`);
  }
  if (bucket === 0) return `< ${bounds[0]}`;
  if (bucket > linear) return `>= ${bounds[linear + 1]}`;
  return `${bounds[bucket]}`;
}
