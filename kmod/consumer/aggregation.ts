// The aggregation data model: typed keys and values, per-CPU layouts and their merge, and the JSON model.
//
// Model
// -----
// An Aggregation is one D aggregation variable (`@name`, or `@` whose name is ''), its aggregating
// function, the function's parameters, and its entries (one per key tuple). Entries hold DTrace's
// own representation of the value, so printing and sorting can follow libdtrace exactly:
//
//   fn                     AggEntry.value
//   count, sum, min, max   bigint (int64)
//   avg                    { count, total }                 (int64 each)
//   stddev                 { count, total, sumsq }          (sumsq: unsigned 128-bit sum of squares)
//   quantize               bigint[127] bucket counts        (DTRACE_QUANTIZE_NBUCKETS; bucket 63 is 0)
//   lquantize              bigint[levels + 2]               ([0] is "< lo", [levels + 1] is ">= hi")
//   llquantize             bigint[llquantizeNBuckets(...)]  ([0] is "< factor^lmag")
//
// Bucket counts are int64: negative increments (quantize(x, -1)) can make them negative.
// `normal` is the normalize() divisor (1 or absent when not normalized).
//
// Per-CPU layout (what the BPF side stores in its per-CPU map value, u64 words, little-endian):
//
//   count       [n]                          u64, +1 per firing
//   sum         [s]                          s64, += value (wrapping)
//   min         [encodeMin(v)]               u64 slot = u64(v) ^ 0x7fffffffffffffff; keep the larger
//   max         [encodeMax(v)]               u64 slot = u64(v) ^ 0x8000000000000000; keep the larger
//   avg         [count, total]               count += 1, total += value
//   stddev      [count, total, lo, hi]       as avg, plus the 128-bit sum of value^2 (|v|^2) in lo/hi
//   quantize    127 words                    words[quantizeBucket(v)] += incr
//   lquantize   levels + 2 words             words[lquantizeBucket(v, lo, step, levels)] += incr
//   llquantize  llquantizeNBuckets(...) words words[llquantizeBucket(v, ...)] += incr
//
// A zero-filled slot is the identity for every function (min/max thanks to their encoding), so a
// per-CPU hash map's zero-filled slots for CPUs that never fired merge away. Unlike the kernel
// DTrace record, lquantize/llquantize words carry no leading parameter word: user space knows the
// parameters from the compiled program. `accumulate` is the reference for what one firing does.
import {
  QUANTIZE_NBUCKETS,
  lquantizeBucket,
  lquantizeBucketRange,
  lquantizeLevels,
  llquantizeBucket,
  llquantizeBucketRanges,
  llquantizeNBuckets,
  quantizeBucket,
  quantizeBucketRange,
  type BucketRange,
  type LlqParams,
} from './aggregation-buckets.js';
import {
  avgValue,
  decodeMax,
  decodeMin,
  encodeMax,
  encodeMin,
  i64,
  join128,
  sdiv,
  square128,
  stddevValue,
  u128,
  u64,
} from './aggregation-math.js';

export * from './aggregation-buckets.js';
export * from './aggregation-math.js';

export type AggFn = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'stddev' | 'quantize' | 'lquantize' | 'llquantize';

export const AGG_FNS: readonly AggFn[] = [
  'count', 'sum', 'avg', 'min', 'max', 'stddev', 'quantize', 'lquantize', 'llquantize',
];

/**
 * One element of an aggregation's key tuple.
 *
 * - int: `value` is the key as the program computed it; `size` is its record size in bytes (1, 2, 4
 *   or 8; default 8). DTrace prints 1- and 2-byte keys unsigned (uint8/uint16 records), 4- and 8-byte
 *   keys signed, and sorts all of them as unsigned integers of their size. `signed` is informational.
 * - string: the key text.
 * - stack/ustack: resolved frames ("module`function+0x1c"); `pcs` (the raw addresses) are used for
 *   sorting when present, as DTrace compares the raw records.
 * - sym/mod/usym/umod/uaddr: the resolved text; `addr` (and `pid` for user ones) sort when present.
 */
export type AggKey =
  | { type: 'int'; value: bigint; size?: 1 | 2 | 4 | 8; signed?: boolean }
  | { type: 'string'; value: string }
  | { type: 'stack' | 'ustack'; frames: string[]; pcs?: bigint[] }
  | { type: 'sym' | 'mod'; value: string; addr?: bigint }
  | { type: 'usym' | 'umod' | 'uaddr'; value: string; addr?: bigint; pid?: bigint };

/** lquantize(expr, lo, hi[, step]) and llquantize(expr, factor, lmag, hmag[, nsteps]) parameters. */
export interface AggParams {
  lo?: bigint;
  hi?: bigint;
  step?: bigint;
  factor?: bigint;
  lmag?: bigint;
  hmag?: bigint;
  nsteps?: bigint;
}

export interface AvgValue {
  count: bigint;
  total: bigint;
}

export interface StddevValue {
  count: bigint;
  total: bigint;
  /** Unsigned 128-bit sum of squares. */
  sumsq: bigint;
}

export type AggValue = bigint | AvgValue | StddevValue | bigint[];

export interface AggEntry {
  keys: AggKey[];
  value: AggValue;
  /** Per-CPU values (only kept when the aggpercpu option asks for them). */
  percpu?: Array<{ cpu: number; value: AggValue }>;
}

export interface Aggregation {
  /** Variable name without '@'; '' for the anonymous `@`. */
  name: string;
  /** Aggregation variable id (declaration order); aggregations print in ascending id order. */
  id?: number;
  fn: AggFn;
  params?: AggParams;
  entries: AggEntry[];
  /** normalize() divisor; absent or 1 when not normalized. */
  normal?: bigint;
  /** Set once printa() printed it: the exit-time print skips it (DTRACE_AGD_PRINTED). */
  printed?: boolean;
}

// ---- parameter shapes ---------------------------------------------------------------------------

export interface LquantizeShape {
  lo: bigint;
  step: bigint;
  levels: number;
}

/** lquantize parameters with DTrace's default step of 1 and its levels = (hi - lo) / step. */
export function lquantizeShape(params: AggParams | undefined): LquantizeShape {
  if (params?.lo === undefined || params.hi === undefined) throw new TypeError('lquantize needs lo and hi parameters');
  const step = params.step ?? 1n;
  return { lo: params.lo, step, levels: lquantizeLevels(params.lo, params.hi, step) };
}

/** llquantize parameters; nsteps defaults to factor, as in D. */
export function llquantizeShape(params: AggParams | undefined): LlqParams {
  if (params?.factor === undefined || params.lmag === undefined || params.hmag === undefined) {
    throw new TypeError('llquantize needs factor, lmag and hmag parameters');
  }
  return { factor: params.factor, lmag: params.lmag, hmag: params.hmag, nsteps: params.nsteps ?? params.factor };
}

/** Number of buckets of a quantize-family aggregation. */
export function bucketCount(fn: AggFn, params?: AggParams): number {
  switch (fn) {
    case 'quantize':
      return QUANTIZE_NBUCKETS;
    case 'lquantize':
      return lquantizeShape(params).levels + 2;
    case 'llquantize': {
      const p = llquantizeShape(params);
      return llquantizeNBuckets(p.factor, p.lmag, p.hmag, p.nsteps);
    }
    default:
      throw new TypeError(`${fn}() has no buckets`);
  }
}

export function isHistogram(fn: AggFn): fn is 'quantize' | 'lquantize' | 'llquantize' {
  return fn === 'quantize' || fn === 'lquantize' || fn === 'llquantize';
}

/** Number of u64 words one CPU's value occupies in the BPF map. */
export function valueWords(fn: AggFn, params?: AggParams): number {
  switch (fn) {
    case 'count':
    case 'sum':
    case 'min':
    case 'max':
      return 1;
    case 'avg':
      return 2;
    case 'stddev':
      return 4;
    default:
      return bucketCount(fn, params);
  }
}

// ---- value accessors ----------------------------------------------------------------------------

export function asScalar(v: AggValue): bigint {
  if (typeof v !== 'bigint') throw new TypeError('aggregation value is not a scalar');
  return v;
}

export function asAvg(v: AggValue): AvgValue {
  if (typeof v === 'bigint' || Array.isArray(v)) throw new TypeError('aggregation value is not an avg()');
  return v;
}

export function asStddev(v: AggValue): StddevValue {
  if (typeof v === 'bigint' || Array.isArray(v) || !('sumsq' in v)) {
    throw new TypeError('aggregation value is not a stddev()');
  }
  return v;
}

export function asBuckets(v: AggValue): bigint[] {
  if (!Array.isArray(v)) throw new TypeError('aggregation value is not a histogram');
  return v;
}

/**
 * The zero-filled value libdtrace substitutes when a joined printa() finds no entry for a key
 * (dtrace_aggregate_walk_joined's zaggdata): zeros everywhere, histograms keeping their shape.
 */
export function emptyValue(fn: AggFn, params?: AggParams): AggValue {
  switch (fn) {
    case 'count':
    case 'sum':
    case 'min':
    case 'max':
      return 0n;
    case 'avg':
      return { count: 0n, total: 0n };
    case 'stddev':
      return { count: 0n, total: 0n, sumsq: 0n };
    default:
      return new Array<bigint>(bucketCount(fn, params)).fill(0n);
  }
}

/**
 * The value DTrace prints for a scalar-valued function: count/sum/min/max as is, avg as the int64
 * average, stddev as dt_stddev; each honours normalize() (for count/sum/min/max see
 * normalizedValue in the formatter for DTrace's unsigned-division quirk; here a plain signed one).
 */
export function scalarValue(fn: AggFn, v: AggValue, normal = 1n): bigint {
  switch (fn) {
    case 'count':
    case 'sum':
    case 'min':
    case 'max':
      return sdiv(asScalar(v), normal);
    case 'avg': {
      const a = asAvg(v);
      return avgValue(a.count, a.total, normal);
    }
    case 'stddev': {
      const s = asStddev(v);
      return stddevValue(s.count, s.total, s.sumsq, normal);
    }
    default:
      throw new TypeError(`${fn}() is not scalar-valued`);
  }
}

// ---- per-CPU words: decode, merge, reference accumulation -------------------------------------

/** Reads `count` little-endian u64 words from a map value buffer. */
export function readWords(buf: Uint8Array, offset: number, count: number): bigint[] {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) out.push(view.getBigUint64(offset + i * 8, true));
  return out;
}

function wordAt(words: readonly bigint[], i: number): bigint {
  const w = words[i];
  if (w === undefined) throw new RangeError(`per-CPU value is short: no word ${i}`);
  return w;
}

/** One CPU's raw words as an AggValue (min/max decoded from their slot encoding). */
export function decodeWords(fn: AggFn, words: readonly bigint[], params?: AggParams): AggValue {
  switch (fn) {
    case 'count':
    case 'sum':
      return i64(wordAt(words, 0));
    case 'min':
      return decodeMin(wordAt(words, 0));
    case 'max':
      return decodeMax(wordAt(words, 0));
    case 'avg':
      return { count: i64(wordAt(words, 0)), total: i64(wordAt(words, 1)) };
    case 'stddev':
      return {
        count: i64(wordAt(words, 0)),
        total: i64(wordAt(words, 1)),
        sumsq: join128(wordAt(words, 2), wordAt(words, 3)),
      };
    default: {
      const n = bucketCount(fn, params);
      const out: bigint[] = [];
      for (let i = 0; i < n; i++) out.push(i64(wordAt(words, i)));
      return out;
    }
  }
}

/**
 * Merges the per-CPU words of one key into its value, as libdtrace's dt_aggregate_snap_cpu does
 * across CPUs: counts, sums, averages and buckets add (int64 wrapping); min/max keep the extreme.
 * (libdtrace adds stddev's two sum-of-squares words independently, dropping the carry between
 * them; here the 128-bit sum carries.)
 */
export function mergePerCpu(fn: AggFn, perCpu: readonly (readonly bigint[])[], params?: AggParams): AggValue {
  switch (fn) {
    case 'min':
    case 'max': {
      let best = 0n;
      for (const words of perCpu) {
        const slot = u64(wordAt(words, 0));
        if (slot > best) best = slot;
      }
      return fn === 'min' ? decodeMin(best) : decodeMax(best);
    }
    default: {
      let acc = emptyValue(fn, params);
      for (const words of perCpu) acc = mergeValues(fn, acc, decodeWords(fn, words, params));
      return acc;
    }
  }
}

/** Combines two values of the same function (dt_aggregate_count / _min / _max / _lquantize). */
export function mergeValues(fn: AggFn, a: AggValue, b: AggValue): AggValue {
  switch (fn) {
    case 'count':
    case 'sum':
      return i64(asScalar(a) + asScalar(b));
    case 'min':
      return asScalar(b) < asScalar(a) ? asScalar(b) : asScalar(a);
    case 'max':
      return asScalar(b) > asScalar(a) ? asScalar(b) : asScalar(a);
    case 'avg': {
      const x = asAvg(a);
      const y = asAvg(b);
      return { count: i64(x.count + y.count), total: i64(x.total + y.total) };
    }
    case 'stddev': {
      const x = asStddev(a);
      const y = asStddev(b);
      return { count: i64(x.count + y.count), total: i64(x.total + y.total), sumsq: u128(x.sumsq + y.sumsq) };
    }
    default: {
      const x = asBuckets(a);
      const y = asBuckets(b);
      if (x.length !== y.length) throw new RangeError('cannot merge histograms of different shapes');
      return x.map((c, i) => i64(c + (y[i] ?? 0n)));
    }
  }
}

/** The all-zero words a fresh per-CPU slot holds (the identity of every function). */
export function zeroWords(fn: AggFn, params?: AggParams): bigint[] {
  return new Array<bigint>(valueWords(fn, params)).fill(0n);
}

/**
 * Reference semantics of one firing on one CPU's words, as the BPF code must implement it (the
 * kernel's dtrace_aggregate_* functions over the layout documented above). `incr` is the optional
 * quantize/lquantize/llquantize increment (default 1). Returns new words; all arithmetic wraps.
 */
export function accumulate(fn: AggFn, words: readonly bigint[], value: bigint, incr = 1n, params?: AggParams): bigint[] {
  const w = words.map(u64);
  const add = (i: number, d: bigint): void => {
    w[i] = u64(wordAt(w, i) + d);
  };
  switch (fn) {
    case 'count':
      add(0, 1n);
      break;
    case 'sum':
      add(0, value);
      break;
    case 'min': {
      const slot = encodeMin(value);
      if (slot > wordAt(w, 0)) w[0] = slot;
      break;
    }
    case 'max': {
      const slot = encodeMax(value);
      if (slot > wordAt(w, 0)) w[0] = slot;
      break;
    }
    case 'avg':
      add(0, 1n);
      add(1, value);
      break;
    case 'stddev': {
      add(0, 1n);
      add(1, value);
      const sum = u128(join128(wordAt(w, 2), wordAt(w, 3)) + square128(value));
      w[2] = sum & 0xffffffffffffffffn;
      w[3] = sum >> 64n;
      break;
    }
    case 'quantize':
      add(quantizeBucket(value), incr);
      break;
    case 'lquantize': {
      const s = lquantizeShape(params);
      add(lquantizeBucket(value, s.lo, s.step, s.levels), incr);
      break;
    }
    case 'llquantize': {
      const p = llquantizeShape(params);
      add(llquantizeBucket(value, p.factor, p.lmag, p.hmag, p.nsteps), incr);
      break;
    }
  }
  return w;
}

// ---- JSON model -------------------------------------------------------------------------------

/** A JSON-safe integer: a number when it is a safe integer, otherwise its decimal string. */
export type JsonInt = number | string;

export function jsonInt(v: bigint): JsonInt {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

export type JsonKey = JsonInt | string | string[];

export interface JsonBucket {
  /** Inclusive lower bound; null when unbounded. */
  lo: JsonInt | null;
  /** Exclusive upper bound; null when unbounded. */
  hi: JsonInt | null;
  count: JsonInt;
}

/**
 * One entry of the JSON model. `value` is what DTrace would print (normalized; avg and stddev as
 * integers); avg/stddev add their `count` and `total`; histograms give `buckets` instead, only the
 * non-zero ones, with bounds as in BucketRange. `percpu` appears when per-CPU values were kept.
 */
export interface JsonAggEntry {
  name: string;
  fn: AggFn;
  keys: JsonKey[];
  value?: JsonInt;
  count?: JsonInt;
  total?: JsonInt;
  buckets?: JsonBucket[];
  percpu?: Array<{ cpu: number; value?: JsonInt; buckets?: JsonBucket[] }>;
}

export function keyToJson(k: AggKey): JsonKey {
  switch (k.type) {
    case 'int':
      return jsonInt(k.value);
    case 'stack':
    case 'ustack':
      return [...k.frames];
    default:
      return k.value;
  }
}

/** The range of every bucket of a histogram aggregation. */
export function bucketRanges(fn: AggFn, params?: AggParams): BucketRange[] {
  switch (fn) {
    case 'quantize':
      return Array.from({ length: QUANTIZE_NBUCKETS }, (_, i) => quantizeBucketRange(i));
    case 'lquantize': {
      const s = lquantizeShape(params);
      return Array.from({ length: s.levels + 2 }, (_, i) => lquantizeBucketRange(i, s.lo, s.step, s.levels));
    }
    case 'llquantize':
      return llquantizeBucketRanges(llquantizeShape(params));
    default:
      throw new TypeError(`${fn}() has no buckets`);
  }
}

function bucketsToJson(counts: readonly bigint[], ranges: readonly BucketRange[], normal: bigint): JsonBucket[] {
  const out: JsonBucket[] = [];
  counts.forEach((c, i) => {
    if (c === 0n) return;
    const r = ranges[i] ?? { lo: null, hi: null };
    out.push({
      lo: r.lo === null ? null : jsonInt(r.lo),
      hi: r.hi === null ? null : jsonInt(r.hi),
      count: jsonInt(sdiv(c, normal)),
    });
  });
  return out;
}

function valueToJson(agg: Aggregation, v: AggValue, ranges: BucketRange[] | undefined): Omit<JsonAggEntry, 'name' | 'fn' | 'keys'> {
  const normal = agg.normal ?? 1n;
  if (isHistogram(agg.fn)) return { buckets: bucketsToJson(asBuckets(v), ranges ?? [], normal) };
  const out: Omit<JsonAggEntry, 'name' | 'fn' | 'keys'> = { value: jsonInt(scalarValue(agg.fn, v, normal)) };
  if (agg.fn === 'avg' || agg.fn === 'stddev') {
    const a = asAvg(v);
    out.count = jsonInt(a.count);
    out.total = jsonInt(a.total);
  }
  return out;
}

/** The JSON model of an aggregation: one flat object per entry, in the aggregation's entry order. */
export function toJSON(agg: Aggregation): JsonAggEntry[] {
  const ranges = isHistogram(agg.fn) ? bucketRanges(agg.fn, agg.params) : undefined;
  return agg.entries.map((e) => {
    const out: JsonAggEntry = { name: agg.name, fn: agg.fn, keys: e.keys.map(keyToJson), ...valueToJson(agg, e.value, ranges) };
    if (e.percpu) {
      out.percpu = e.percpu.map((p) => {
        const v = valueToJson(agg, p.value, ranges);
        return v.buckets ? { cpu: p.cpu, buckets: v.buckets } : { cpu: p.cpu, value: v.value ?? 0 };
      });
    }
    return out;
  });
}
