// Aggregation ordering as libdtrace's dt_aggregate.c sorts it: keys, values, options, joins, trunc().
import {
  asAvg,
  asBuckets,
  asScalar,
  asStddev,
  emptyValue,
  llquantizeShape,
  lquantizeShape,
  type AggEntry,
  type AggFn,
  type AggKey,
  type AggParams,
  type AggValue,
  type Aggregation,
} from './aggregation.js';
import { QUANTIZE_NBUCKETS, QUANTIZE_ZEROBUCKET, llquantizeLayout, quantizeBucketValue } from './aggregation-buckets.js';
import { i64, sdiv, stddevValue, u64 } from './aggregation-math.js';

/** The DTrace options that order aggregation output. */
export interface AggSortOptions {
  /** Sort by key rather than by value. */
  aggsortkey?: boolean;
  /** Reverse every comparison (aggregations themselves then print last-declared first). */
  aggsortrev?: boolean;
  /** Key position to compare first; positions wrap around (ignored when >= the number of keys). */
  aggsortkeypos?: number;
  /** In a multi-aggregation printa(), the aggregation whose value sorts first (default 0). */
  aggsortpos?: number;
}

function cmp<T extends bigint | number | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const encoder = new TextEncoder();

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  // DTrace compares the full NUL-padded records: the shorter string's padding sorts first.
  return cmp(a.length, b.length);
}

function leBytes(words: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(words.length * 8);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setBigUint64(i * 8, u64(w), true));
  return out;
}

function keyTypeRank(k: AggKey): number {
  return ['int', 'string', 'stack', 'ustack', 'sym', 'mod', 'usym', 'umod', 'uaddr'].indexOf(k.type);
}

/**
 * One key record against another, as dt_aggregate_keycmp compares raw records: integers as
 * unsigned values of their size (so -1 sorts after 2), strings byte by byte, stacks by their raw
 * program counters (by frame text when pcs are absent), symbols by address (text when absent).
 */
export function compareKey(a: AggKey, b: AggKey): number {
  if (a.type === 'int' && b.type === 'int') {
    const sa = a.size ?? 8;
    const sb = b.size ?? 8;
    if (sa !== sb) return cmp(sa, sb);
    return cmp(BigInt.asUintN(sa * 8, a.value), BigInt.asUintN(sb * 8, b.value));
  }
  if (a.type !== b.type) return cmp(keyTypeRank(a), keyTypeRank(b));
  switch (a.type) {
    case 'string':
      return compareBytes(encoder.encode(a.value), encoder.encode((b as typeof a).value));
    case 'stack':
    case 'ustack': {
      const bb = b as typeof a;
      if (a.pcs && bb.pcs) return compareBytes(leBytes(a.pcs), leBytes(bb.pcs));
      const n = Math.min(a.frames.length, bb.frames.length);
      for (let i = 0; i < n; i++) {
        const c = compareBytes(encoder.encode(a.frames[i] ?? ''), encoder.encode(bb.frames[i] ?? ''));
        if (c !== 0) return c;
      }
      return cmp(a.frames.length, bb.frames.length);
    }
    case 'sym':
    case 'mod': {
      const bb = b as typeof a;
      if (a.addr !== undefined && bb.addr !== undefined) return cmp(u64(a.addr), u64(bb.addr));
      return compareBytes(encoder.encode(a.value), encoder.encode(bb.value));
    }
    case 'usym':
    case 'umod':
    case 'uaddr': {
      const bb = b as typeof a;
      if (a.addr !== undefined && bb.addr !== undefined) {
        return cmp(u64(a.pid ?? 0n), u64(bb.pid ?? 0n)) || cmp(u64(a.addr), u64(bb.addr));
      }
      return compareBytes(encoder.encode(a.value), encoder.encode(bb.value));
    }
    default:
      return 0;
  }
}

/**
 * dt_aggregate_keycmp: tuples with fewer keys first, then key by key starting at `keypos`
 * (aggsortkeypos) and wrapping around; a keypos at or beyond the number of keys means 0.
 */
export function compareKeys(a: readonly AggKey[], b: readonly AggKey[], keypos = 0): number {
  if (a.length !== b.length) return cmp(a.length, b.length);
  const n = a.length;
  const start = keypos >= n || keypos < 0 ? 0 : keypos;
  for (let i = 0; i < n; i++) {
    const k = (start + i) % n;
    const ka = a[k];
    const kb = b[k];
    if (ka === undefined || kb === undefined) continue;
    const c = compareKey(ka, kb);
    if (c !== 0) return c;
  }
  return 0;
}

function quantizeWeights(buckets: readonly bigint[]): { total: bigint; zero: bigint } {
  let total = 0n;
  for (let i = 0; i < QUANTIZE_NBUCKETS; i++) total += quantizeBucketValue(i) * (buckets[i] ?? 0n);
  return { total, zero: buckets[QUANTIZE_ZEROBUCKET] ?? 0n };
}

/** dt_aggregate_lquantizedsum / _lquantizedzero: "< lo" weighs lo - 1, ">= hi" weighs hi + 1. */
function lquantizeWeights(buckets: readonly bigint[], params: AggParams | undefined): { total: bigint; zero: bigint } {
  const { lo, step, levels } = lquantizeShape(params);
  let base = BigInt.asIntN(32, lo);
  let total = (buckets[0] ?? 0n) * (base - 1n);
  let zero = base - 1n === 0n ? buckets[0] ?? 0n : undefined;
  for (let i = 0; i < levels; base += step, i++) {
    total += (buckets[i + 1] ?? 0n) * base;
    if (zero === undefined && base === 0n) zero = buckets[i + 1] ?? 0n;
  }
  total += (buckets[levels + 1] ?? 0n) * (base + 1n);
  if (zero === undefined && base + 1n === 0n) zero = buckets[levels + 1] ?? 0n;
  return { total, zero: zero ?? 0n };
}

/** dt_aggregate_llquantizedsum: "< factor^lmag" weighs factor^lmag - 1; the zero weight is bucket 0. */
function llquantizeWeights(buckets: readonly bigint[], params: AggParams | undefined): { total: bigint; zero: bigint } {
  const { linear, bounds } = llquantizeLayout(llquantizeShape(params));
  let total = (buckets[0] ?? 0n) * ((bounds[0] ?? 1n) - 1n);
  for (let i = 1; i <= linear; i++) total += (buckets[i] ?? 0n) * (bounds[i] ?? 0n);
  total += (buckets[linear + 1] ?? 0n) * (bounds[linear + 1] ?? 0n);
  return { total, zero: buckets[0] ?? 0n };
}

/**
 * dt_aggregate_valcmp: count/sum/min/max as int64; avg by total / count; stddev by dt_stddev;
 * histograms by the sum of bucket value x count, then by the count at zero.
 */
export function compareValues(fn: AggFn, a: AggValue, b: AggValue, params?: AggParams): number {
  switch (fn) {
    case 'count':
    case 'sum':
    case 'min':
    case 'max':
      return cmp(i64(asScalar(a)), i64(asScalar(b)));
    case 'avg': {
      const x = asAvg(a);
      const y = asAvg(b);
      const ax = x.count === 0n ? 0n : sdiv(x.total, x.count);
      const ay = y.count === 0n ? 0n : sdiv(y.total, y.count);
      return cmp(ax, ay);
    }
    case 'stddev': {
      const x = asStddev(a);
      const y = asStddev(b);
      return cmp(stddevValue(x.count, x.total, x.sumsq), stddevValue(y.count, y.total, y.sumsq));
    }
    default: {
      const weigh = fn === 'quantize' ? quantizeWeights : fn === 'lquantize' ? lquantizeWeights : llquantizeWeights;
      const x = weigh(asBuckets(a), params);
      const y = weigh(asBuckets(b), params);
      return cmp(x.total, y.total) || cmp(x.zero, y.zero);
    }
  }
}

/**
 * The entry comparator dt_aggregate_qsort picks: by value then key (dt_aggregate_varvalcmp), or by
 * key alone with aggsortkey (dt_aggregate_varkeycmp); aggsortrev negates it.
 */
export function entryComparator(agg: Aggregation, opts: AggSortOptions = {}): (a: AggEntry, b: AggEntry) => number {
  const keypos = opts.aggsortkeypos ?? 0;
  const sign = opts.aggsortrev ? -1 : 1;
  return (a, b) => {
    const c = opts.aggsortkey
      ? compareKeys(a.keys, b.keys, keypos)
      : compareValues(agg.fn, a.value, b.value, agg.params) || compareKeys(a.keys, b.keys, keypos);
    return sign * c;
  };
}

/** What compareValues orders by, computed once per entry. */
function valueRank(fn: AggFn, v: AggValue, params?: AggParams): [bigint, bigint] {
  switch (fn) {
    case 'count':
    case 'sum':
    case 'min':
    case 'max':
      return [i64(asScalar(v)), 0n];
    case 'avg': {
      const x = asAvg(v);
      return [x.count === 0n ? 0n : sdiv(x.total, x.count), 0n];
    }
    case 'stddev': {
      const x = asStddev(v);
      return [stddevValue(x.count, x.total, x.sumsq), 0n];
    }
    default: {
      const weigh = fn === 'quantize' ? quantizeWeights : fn === 'lquantize' ? lquantizeWeights : llquantizeWeights;
      const w = weigh(asBuckets(v), params);
      return [w.total, w.zero];
    }
  }
}

/** What compareKey orders by, computed once per key: unsigned integers, or the raw bytes. */
function keyRank(k: AggKey): bigint | Uint8Array | string {
  switch (k.type) {
    case 'int':
      return BigInt.asUintN((k.size ?? 8) * 8, k.value);
    case 'string':
      return encoder.encode(k.value);
    case 'stack':
    case 'ustack':
      return k.pcs ? leBytes(k.pcs) : k.frames.join('\n');
    default:
      return k.addr !== undefined ? u64(k.addr) : encoder.encode(k.value);
  }
}

function compareRanks(a: bigint | Uint8Array | string, b: bigint | Uint8Array | string): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  return cmp(String(a), String(b));
}

/**
 * The entries in DTrace's order (entryComparator's), with every value and key reduced to its sort rank
 * once: sorting 100,000 entries then compares plain bigints and byte arrays.
 */
export function sortEntries(agg: Aggregation, opts: AggSortOptions = {}): AggEntry[] {
  const mixed = agg.entries.some((e) => e.keys.some((k, i) => k.type !== agg.entries[0]?.keys[i]?.type || (k.type === 'int' && (k.size ?? 8) !== ((agg.entries[0]?.keys[i] as { size?: number })?.size ?? 8))));
  if (mixed) return [...agg.entries].sort(entryComparator(agg, opts));
  const keypos = opts.aggsortkeypos ?? 0;
  const sign = opts.aggsortrev ? -1 : 1;
  const ranked = agg.entries.map((e) => ({ e, v: valueRank(agg.fn, e.value, agg.params), k: e.keys.map(keyRank) }));
  const byKeys = (a: (typeof ranked)[number], b: (typeof ranked)[number]): number => {
    const n = a.k.length;
    if (n !== b.k.length) return cmp(n, b.k.length);
    const start = keypos >= n || keypos < 0 ? 0 : keypos;
    for (let i = 0; i < n; i++) {
      const j = (start + i) % n;
      const c = compareRanks(a.k[j], b.k[j]);
      if (c !== 0) return c;
    }
    return 0;
  };
  ranked.sort((a, b) => {
    if (opts.aggsortkey) return sign * byKeys(a, b);
    const c = a.v[0] < b.v[0] ? -1 : a.v[0] > b.v[0] ? 1 : a.v[1] < b.v[1] ? -1 : a.v[1] > b.v[1] ? 1 : byKeys(a, b);
    return sign * c;
  });
  return ranked.map((r) => r.e);
}

/**
 * The aggregations in the order dtrace_aggregate_walk_sorted visits them: by variable id (array
 * order when ids are absent) — reversed by aggsortrev, since dt_aggregate_varcmp reverses too.
 */
export function sortAggregations(aggs: readonly Aggregation[], opts: AggSortOptions = {}): Aggregation[] {
  const indexed = aggs.map((a, i) => ({ a, i }));
  indexed.sort((x, y) => (opts.aggsortrev ? -1 : 1) * (cmp(x.a.id ?? x.i, y.a.id ?? y.i) || cmp(x.i, y.i)));
  return indexed.map((x) => x.a);
}

/** One line of a multi-aggregation printa(): the shared keys and each aggregation's value. */
export interface AggBundle {
  keys: AggKey[];
  /** values[j] belongs to aggs[j]; a zero-filled value where aggs[j] has no entry for the keys. */
  values: AggValue[];
  /** present[j]: whether aggs[j] has an entry for the keys. */
  present: boolean[];
}

/** A canonical text for a key tuple: equal exactly when compareKeys finds the tuples equal. */
export function keysId(keys: readonly AggKey[]): string {
  return JSON.stringify(
    keys.map((k) => {
      switch (k.type) {
        case 'int':
          return `i${k.size ?? 8}:${BigInt.asUintN((k.size ?? 8) * 8, k.value)}`;
        case 'string':
          return `s:${k.value}`;
        case 'stack':
        case 'ustack':
          return k.pcs ? `${k.type}:p:${k.pcs.map((p) => u64(p)).join(',')}` : `${k.type}:f:${k.frames.join('\n')}`;
        case 'sym':
        case 'mod':
          return k.addr !== undefined ? `${k.type}:a:${u64(k.addr)}` : `${k.type}:v:${k.value}`;
        default:
          return k.addr !== undefined ? `${k.type}:a:${u64(k.pid ?? 0n)}:${u64(k.addr)}` : `${k.type}:v:${k.value}`;
      }
    }),
  );
}

/**
 * dtrace_aggregate_walk_joined: gathers the entries of several aggregations by key tuple, fills
 * the gaps with zero-filled values, and sorts the bundles with dt_aggregate_bundlecmp: by the
 * values starting at position aggsortpos (then the key), or by key first with aggsortkey.
 */
export function joinAggregations(aggs: readonly Aggregation[], opts: AggSortOptions = {}): AggBundle[] {
  const n = aggs.length;
  const distinct = [...new Set(aggs)];
  const byKey = new Map<string, AggBundle>();
  for (const agg of distinct) {
    for (const e of agg.entries) {
      const id = keysId(e.keys);
      let b = byKey.get(id);
      if (!b) {
        b = { keys: e.keys, values: aggs.map((a) => emptyValue(a.fn, a.params)), present: aggs.map(() => false) };
        byKey.set(id, b);
      }
      aggs.forEach((a, j) => {
        if (a !== agg) return;
        b.values[j] = e.value;
        b.present[j] = true;
      });
    }
  }
  const bundles = [...byKey.values()];
  const rawPos = opts.aggsortpos ?? 0;
  const sortpos = rawPos < 0 || rawPos >= n ? 0 : rawPos;
  const keypos = opts.aggsortkeypos ?? 0;
  const sign = opts.aggsortrev ? -1 : 1;
  bundles.sort((x, y) => {
    if (opts.aggsortkey) {
      const c = compareKeys(x.keys, y.keys, keypos);
      if (c !== 0) return sign * c;
    }
    for (let p = 0; p < n; p++) {
      const j = (p + sortpos) % n;
      const agg = aggs[j];
      const vx = x.values[j];
      const vy = y.values[j];
      if (!agg || vx === undefined || vy === undefined) continue;
      const c = compareValues(agg.fn, vx, vy, agg.params);
      if (c !== 0) return sign * c;
    }
    return opts.aggsortkey ? 0 : sign * compareKeys(x.keys, y.keys, keypos);
  });
  return bundles;
}

/**
 * trunc(@a, n) (dt_trunc in dt_consume.c): keeps the n entries with the largest values (walking
 * dtrace_aggregate_walk_valrevsorted), or with a negative n the |n| smallest (valsorted); ties
 * are broken by key in the same direction. trunc(@a) (n undefined) removes every entry. Sorting
 * options do not apply. Kept entries stay in their original order.
 */
export function truncAggregation(agg: Aggregation, n?: bigint | number): Aggregation {
  const remaining = n === undefined ? 0n : BigInt(n);
  const ascending = remaining < 0n;
  const keep = ascending ? -remaining : remaining;
  const order = [...agg.entries].sort((a, b) => {
    const c = compareValues(agg.fn, a.value, b.value, agg.params) || compareKeys(a.keys, b.keys);
    return ascending ? c : -c;
  });
  const kept = new Set(order.slice(0, Number(keep < BigInt(order.length) ? keep : BigInt(order.length))));
  return { ...agg, entries: agg.entries.filter((e) => kept.has(e)) };
}
